# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks shared by the unconverged_* filters: a wrong input fails with an AnsibleFilterError naming the filter
argument, never with a traceback from deep inside a comparison.

They live in plugin_utils, not module_utils, because they raise Ansible's controller-side error: module_utils may
import only ansible.module_utils (ansible-test sanity's import test restricts them), as amazon.aws keeps its lookup
and inventory bases in plugins/plugin_utils (amazon.aws 10.1.2, plugins/plugin_utils/lookup.py).
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def check_list(value, what):
    """``value`` is a list of dicts, else an error naming ``what`` (e.g. "unconverged_subnets input")."""
    if not isinstance(value, list):
        raise AnsibleFilterError("{0} must be a list, got {1}".format(what, type(value).__name__))
    for item in value:
        if not isinstance(item, dict):
            raise AnsibleFilterError(
                "{0} must be a list of dicts, got an item of type {1}".format(what, type(item).__name__)
            )


def check_dict(value, what, keys=()):
    """``value`` is a dict with every key of ``keys``, else an error naming ``what`` and the missing keys."""
    if not isinstance(value, dict):
        raise AnsibleFilterError("{0} must be a dict, got {1}".format(what, type(value).__name__))
    missing = [key for key in keys if key not in value]
    if missing:
        raise AnsibleFilterError("{0} lacks {1}".format(what, ", ".join(missing)))


def require_keys(item, keys, what):
    """An item of a desired list has every key of ``keys``, else an error naming the item (its name when it has one)."""
    missing = [key for key in keys if key not in item]
    if missing:
        raise AnsibleFilterError("{0} item {1!r} lacks {2}".format(what, item.get("name", item), ", ".join(missing)))
