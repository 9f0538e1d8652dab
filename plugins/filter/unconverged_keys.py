# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack's KMS key (kms.yml) and EC2 key pair (secrets.yml) when amazon.aws.kms_key or amazon.aws.ec2_key would
change or create them, from the live state read in the controller with the jenkins_ha.aws.aws_read lookup.

Each filter compares what its module compares for the options the playbook passes, with amazon.aws's own helpers
(compare_aws_tags, compare_policies), and counts anything it does not model as a difference: the module then runs.
"""

from __future__ import annotations

import json

from ansible.errors import AnsibleFilterError

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import tags_differ
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._filter_input import check_dict


def _json(value, what):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as e:
            raise AnsibleFilterError("{0} is not JSON: {1}".format(what, e))
    if isinstance(value, dict):
        return json.loads(json.dumps(value))
    raise AnsibleFilterError("{0} must be a JSON document, got {1}".format(what, type(value).__name__))


def _kms_tags(tags):
    """ListResourceTags' [{TagKey, TagValue}] (snake_case through aws_read) as a dict."""
    if isinstance(tags, dict):
        return dict(tags)
    return {tag.get("tag_key"): tag.get("tag_value") for tag in tags or []}


def unconverged_kms_key(desired, actual):
    """``[desired]`` when amazon.aws.kms_key would create or change the key, else ``[]``.

    ``desired``: the options kms.yml passes (alias, description, enable_key_rotation, policy, tags; key_id when it
    adopts a key an interrupted run left without its alias). ``actual``: ``{}`` when the alias does not exist, else
    ``{key_metadata, rotation_enabled, tags, policy}`` read for the key the alias names (describe_key,
    get_key_rotation_status, list_resource_tags, get_key_policy of the policy ``default``).

    The module's update_key compares: deletion pending, enabled, alias, description, tags (purge), the ``default``
    policy (compare_policies), grants (none given, none purged: never a change) and rotation.
    """
    check_dict(desired, "unconverged_kms_key input", ("alias", "description", "enable_key_rotation", "policy", "tags"))
    check_dict(actual, "unconverged_kms_key actual key")
    if desired.get("key_id") or not actual:
        return [desired]
    metadata = actual.get("key_metadata") or {}
    live_policy = actual.get("policy")
    if (
        metadata.get("key_state") != "Enabled"
        or metadata.get("description") != desired["description"]
        or actual.get("rotation_enabled") is not bool(desired["enable_key_rotation"])
        or tags_differ(_kms_tags(actual.get("tags")), desired["tags"])
        or not live_policy
        or compare_policies(_json(live_policy, "the live key policy"), _json(desired["policy"], "the key policy"))
    ):
        return [desired]
    return []


def unconverged_key_pair(desired, actual):
    """``[desired]`` when amazon.aws.ec2_key (force=false, no key_type) would import or retag the key pair.

    ``desired``: name and tags. ``actual``: describe_key_pairs filtered by key-name. With force off and no key type
    the module leaves an existing key's material alone and only converges its tags.
    """
    check_dict(desired, "unconverged_key_pair input", ("name", "tags"))
    if not isinstance(actual, list):
        raise AnsibleFilterError("unconverged_key_pair actual key pairs must be a list")
    found = [key for key in actual if isinstance(key, dict) and key.get("key_name") == desired["name"]]
    if len(found) != 1 or tags_differ(found[0].get("tags"), desired["tags"]):
        return [desired]
    return []


class FilterModule:
    def filters(self):
        return {
            "unconverged_kms_key": unconverged_kms_key,
            "unconverged_key_pair": unconverged_key_pair,
        }
