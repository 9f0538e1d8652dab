# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tag logic shared by the collection's modules (pure, no AWS calls)."""


def desired_tags(current, tags, purge_tags, forced=None):
    """The complete tag dict a resource should end up with, following the amazon.aws tags/purge_tags semantics.

    tags=None leaves user tags alone; purge_tags drops current tags not in tags except the reserved 'aws:' ones;
    forced (e.g. an identifying Name tag) always wins and is never purged. Values are strings, as AWS returns them.
    """
    forced = forced or {}
    current = current or {}
    if tags is None:
        result = dict(current)
    elif purge_tags:
        result = {k: v for k, v in current.items() if k.startswith("aws:")}
        result.update(tags)
    else:
        result = dict(current)
        result.update(tags)
    result.update(forced)
    return {k: str(v) for k, v in result.items()}
