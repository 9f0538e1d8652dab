# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack's agent pools (issue 18): agent_pools normalises jenkins_ha_agent_pools (or the legacy
jenkins_ha_agent_* variables when it is empty), agent_pool_errors says why it cannot. The logic is in
module_utils/_pools/model.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import (
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


class FilterModule:
    def filters(self):
        return {"agent_pools": agent_pools, "agent_pool_errors": agent_pool_errors}
