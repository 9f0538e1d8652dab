# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the provisioning playbooks make of the normalised agent pools (model.py): the Auto Scaling group items of
asgs.yml, the launch template items of launch_templates.yml, the pools' SSM records, and which pool groups still
need the EC2 Fleet plugin's scale-in protection. Pure functions over plain data (tables in tests/unit/pools)."""

from __future__ import annotations

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.protection import protection_changes
from ansible_collections.jenkins_ha.aws.plugins.module_utils.contract import TAG_POOL

# The agents' health check: EC2 status only (no load balancer), as before pools existed.
AGENT_HEALTH_CHECK = {"health_check_type": "EC2", "health_check_period": 300, "target_group_arns": []}
# Contract key of the per-pool group name record (agent/pools/{pool}/asg-name).
POOL_ASG_RECORD = "agent_pool_asg_name"


def mixed_instances_policy(pool):
    """The group's mixed instances policy in amazon.aws.autoscaling_group's option form, or None when the pool
    needs none (on-demand only, one instance type: the launch template's type)."""
    if not pool["spot"] and len(pool["instance_types"]) == 1:
        return None
    return {
        "instance_types": list(pool["instance_types"]),
        "instances_distribution": {
            "on_demand_base_capacity": pool["on_demand_base_capacity"],
            "on_demand_percentage_above_base_capacity": pool["on_demand_percentage_above_base"],
            "spot_allocation_strategy": pool["spot_allocation_strategy"],
        },
    }


def pool_tags(pool):
    """Tags of the pool's group, propagated to its instances, beyond the stack's, component and Name tags."""
    tags = dict(pool["tags"])
    tags[TAG_POOL] = pool["name"]
    return tags


def group_items(pools, existing):
    """asgs.yml's group items of the pools. The sizes are given only to a group that does not exist yet: the EC2
    Fleet plugin owns them from then on."""
    items = []
    for pool in pools:
        item = {
            "component": "agent",
            "pool": pool["name"],
            "name": pool["asg_name"],
            "launch_template": pool["launch_template_name"],
            "fleet_owns_size": True,
            "mixed_instances_policy": mixed_instances_policy(pool),
            "capacity_rebalance": pool["capacity_rebalance"],
            "extra_tags": pool_tags(pool),
        }
        item.update(AGENT_HEALTH_CHECK)
        if pool["asg_name"] not in existing:
            item.update(min_size=pool["min_size"], max_size=pool["max_size"], desired_capacity=pool["desired_capacity"])
        items.append(item)
    return items


def template_items(pools):
    """launch_templates.yml's template items of the pools: the first instance type is the template's."""
    return [
        {
            "component": "agent",
            "pool": pool["name"],
            "name": pool["launch_template_name"],
            "instance_type": pool["instance_types"][0],
            "volume_size": pool["root_volume_size"],
            # The template itself carries the pool tag (destroy.yml finds a removed pool's template by it); the
            # instances get it from their group, and their volumes get the pool's own tags only, so the default
            # pool's template keeps its version across the upgrade to pools.
            "extra_tags": pool_tags(pool),
            "launch_tags": dict(pool["tags"]),
        }
        for pool in pools
    ]


def record_items(pools, ssm_names, prefix):
    """The pools' SSM records for stack_config's ssm_parameters tasks ({key, name, value, component}): every pool's
    agent/pools/<name>/asg-name, and agent/asg-name for the pool named default (the record controllers read before
    pools existed). ssm_names: the contract's relative names (jenkins_ha_contract.ssm); prefix: the stack's path
    (/jenkins-ha/<stack>)."""
    records = []
    for pool in pools:
        records.append(
            {
                "key": "{0}/{1}".format(POOL_ASG_RECORD, pool["name"]),
                "name": "{0}/{1}".format(prefix, ssm_names[POOL_ASG_RECORD].replace("{pool}", pool["name"])),
                "value": pool["asg_name"],
                "component": "agent",
            }
        )
        if pool["name"] == "default":
            records.append(
                {
                    "key": "agent_asg_name",
                    "name": "{0}/{1}".format(prefix, ssm_names["agent_asg_name"]),
                    "value": pool["asg_name"],
                    "component": "agent",
                }
            )
    return records


def unprotected_groups(pools, described):
    """Names of the pool groups the EC2 Fleet plugin's scale-in protection is not (yet) complete on: missing, new
    instances not protected, or an instance that is not protected (terminating ones aside) - the rule of
    autoscaling_scale_in_protection (protection_changes), on the snake_case groups a lookup describes."""
    by_name = {group.get("auto_scaling_group_name"): group for group in described}
    names = []
    for pool in pools:
        group = by_name.get(pool["asg_name"])
        if group is None or any(protection_changes(_protection_view(group), True, None, True)):
            names.append(pool["asg_name"])
    return names


def _protection_view(group):
    """The members protection_changes reads, in DescribeAutoScalingGroups' own casing, from a snake_case group.

    Built member by member: the lookup's groups reach a filter as Ansible's lazy templating containers, which
    snake_dict_to_camel_dict cannot copy (it calls type(value)() and their constructor needs the contents)."""
    return {
        "NewInstancesProtectedFromScaleIn": group.get("new_instances_protected_from_scale_in"),
        "Instances": [
            {
                "InstanceId": instance["instance_id"],
                "ProtectedFromScaleIn": instance.get("protected_from_scale_in"),
                "LifecycleState": instance.get("lifecycle_state") or "",
            }
            for instance in group.get("instances") or []
        ],
    }
