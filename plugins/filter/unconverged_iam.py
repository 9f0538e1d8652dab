# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that pick, from the desired IAM roles of a loop, those that need amazon.aws.iam_role or iam_policy.

The live side comes from the jenkins_ha.aws.iam_roles lookup (one in-process read of the named roles). As in
unconverged.py, anything not modelled counts as a difference: a wrong "differs" costs one module call, a wrong
"converged" would hide drift.
"""

from __future__ import annotations

import json

from ansible.errors import AnsibleFilterError

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import resource_tags_differ
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._filter_input import check_list, require_keys


def _document(value, what):
    """A policy given as JSON text (what the modules take) or as a dict."""
    if isinstance(value, dict):
        return value
    try:
        document = json.loads(value)
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError("{0} is not a JSON policy document: {1}".format(what, error))
    if not isinstance(document, dict):
        raise AnsibleFilterError("{0} is not a JSON object".format(what))
    return document


def _live_by_name(actual, what):
    check_list(actual, what)
    return {role.get("name"): role for role in actual if role.get("exists")}


def unconverged_iam_roles(desired, actual):
    """Desired roles (name, description, assume_role_policy_document, managed_policy_arns, instance_profile, tags)
    that are missing or differ, for amazon.aws.iam_role with purge_policies and create_instance_profile.
    """
    check_list(desired, "unconverged_iam_roles input")
    live_roles = _live_by_name(actual, "unconverged_iam_roles actual roles")
    pending = []
    for item in desired:
        require_keys(item, ("name", "assume_role_policy_document", "managed_policy_arns"), "unconverged_iam_roles")
        live = live_roles.get(item["name"])
        trust = _document(item["assume_role_policy_document"], "assume_role_policy_document of " + item["name"])
        if (
            live is None
            or ("description" in item and live.get("description", "") != item["description"])
            or compare_policies(live.get("assume_role_policy_document") or {}, trust)
            or sorted(item["managed_policy_arns"]) != live.get("managed_policy_arns")
            or (item.get("instance_profile") and item["name"] not in live.get("instance_profile_names", []))
            or resource_tags_differ(item.get("tags"), live)
        ):
            pending.append(item)
    return pending


def unconverged_iam_policies(desired, actual, policy_name):
    """Desired roles whose inline policy ``policy_name`` (item key policy_document) is missing or differs.

    Items without a policy_document (or with an empty one) are left out: they have no inline policy to manage.
    """
    check_list(desired, "unconverged_iam_policies input")
    if not isinstance(policy_name, str) or not policy_name:
        raise AnsibleFilterError("unconverged_iam_policies needs the inline policy name")
    live_roles = _live_by_name(actual, "unconverged_iam_policies actual roles")
    pending = []
    for item in desired:
        require_keys(item, ("name",), "unconverged_iam_policies")
        if not item.get("policy_document"):
            continue
        wanted = _document(item["policy_document"], "policy_document of " + item["name"])
        live = (live_roles.get(item["name"]) or {}).get("inline_policies", {}).get(policy_name)
        if live is None or compare_policies(live, wanted):
            pending.append(item)
    return pending


class FilterModule:
    def filters(self):
        return {
            "unconverged_iam_roles": unconverged_iam_roles,
            "unconverged_iam_policies": unconverged_iam_policies,
        }
