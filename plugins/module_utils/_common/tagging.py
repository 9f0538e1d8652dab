# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tag logic shared by the collection's modules and filters (pure, no AWS calls)."""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

# Tags AWS manages itself (aws:cloudformation:*, aws:autoscaling:*): modules never purge or set them.
RESERVED_TAG_PREFIX = "aws:"


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


def tags_differ(live_tags, desired_tags):
    """What the amazon.aws modules decide with purge_tags (their default): any tag to set or to remove (aws:* kept)."""
    # Plain copies: Ansible's lazy containers must not reach code that may rebuild them by type.
    live = {str(key): str(value) for key, value in dict(live_tags or {}).items()}
    desired = {str(key): str(value) for key, value in dict(desired_tags or {}).items()}
    to_set, to_unset = compare_aws_tags(live, desired, purge_tags=True)
    return bool(to_set or to_unset)


def user_tags(tags):
    """The tags without the ones AWS manages, values as strings."""
    return {k: str(v) for k, v in (tags or {}).items() if not str(k).startswith(RESERVED_TAG_PREFIX)}


def resource_tags_differ(desired, resource):
    """With purge_tags (the modules' default) the live tags must equal the desired ones; None means tags not managed.

    ``resource``: a described resource with its ``tags`` as a dict (as the amazon.aws info modules return them).
    """
    if desired is None:
        return False
    return user_tags(desired) != user_tags(resource.get("tags"))
