# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack's agent pools (issue 18): agent_pools normalises jenkins_ha_agent_pools (or the legacy
jenkins_ha_agent_* variables when it is empty), agent_pool_errors says why it cannot; agent_pool_groups,
agent_pool_templates and agent_pool_records give asgs.yml, launch_templates.yml and the SSM records their items, and
agent_pools_unprotected the groups still lacking the EC2 Fleet plugin's scale-in protection; agent_pool_replacements
the pool groups whose update may replace agents in service, and agent_pool_replacement_refusal asgs.yml's message
about them. The logic is in module_utils/_pools/ (model.py, provisioning.py, replacement.py)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools import provisioning
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools import replacement
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import (
    NORMALISED_KEYS,
    PoolError,
    normalise_pools,
    pool_errors,
)


def _defaults(spec):
    """The legacy variables' defaults from stack_config's argument spec options (name -> {default: ...})."""
    if not isinstance(spec, dict):
        raise AnsibleFilterError("agent_pools: spec must be the stack variables' argument spec options")
    return {name: (option or {}).get("default") for name, option in spec.items()}


def agent_pools(pools, stack_name, legacy, spec):
    try:
        return normalise_pools(stack_name, pools, legacy, _defaults(spec))
    except (PoolError, TypeError) as error:
        raise AnsibleFilterError("agent_pools: {0}".format(error))


def agent_pool_errors(pools, stack_name, legacy, spec):
    try:
        return pool_errors(stack_name, pools, legacy, _defaults(spec))
    except TypeError as error:
        raise AnsibleFilterError("agent_pool_errors: {0}".format(error))


def _pools(pools, what):
    if not isinstance(pools, list) or not all(isinstance(p, dict) and set(p) == set(NORMALISED_KEYS) for p in pools):
        raise AnsibleFilterError("{0}: expects the normalised pools (__stack_config_agent_pools)".format(what))
    return pools


def agent_pool_groups(pools, existing):
    return provisioning.group_items(_pools(pools, "agent_pool_groups"), list(existing or []))


def agent_pool_templates(pools):
    return provisioning.template_items(_pools(pools, "agent_pool_templates"))


def agent_pool_records(pools, ssm_names, prefix):
    return provisioning.record_items(_pools(pools, "agent_pool_records"), ssm_names, prefix)


def agent_pools_unprotected(pools, described):
    return provisioning.unprotected_groups(_pools(pools, "agent_pools_unprotected"), list(described or []))


def agent_pool_replacements(pools, described):
    if not isinstance(described, list) or not all(isinstance(group, dict) for group in described):
        raise AnsibleFilterError("agent_pool_replacements: described must be the groups of a describe lookup")
    return replacement.replacing_changes(_pools(pools, "agent_pool_replacements"), described)


def agent_pool_replacement_refusal(found):
    if not isinstance(found, list) or not all(isinstance(entry, dict) and "message" in entry for entry in found):
        raise AnsibleFilterError("agent_pool_replacement_refusal: expects the list agent_pool_replacements returns")
    return replacement.refusal(found)


class FilterModule:
    def filters(self):
        return {
            "agent_pools": agent_pools,
            "agent_pool_errors": agent_pool_errors,
            "agent_pool_groups": agent_pool_groups,
            "agent_pool_templates": agent_pool_templates,
            "agent_pool_records": agent_pool_records,
            "agent_pools_unprotected": agent_pools_unprotected,
            "agent_pool_replacements": agent_pool_replacements,
            "agent_pool_replacement_refusal": agent_pool_replacement_refusal,
        }
