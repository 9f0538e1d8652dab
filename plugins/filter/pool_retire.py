# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pool_retire_groups: the agent pools playbooks/pools_retire.yml retires (issue 18), from the stack's groups tagged
with a pool (one DescribeAutoScalingGroups) and the pools still listed: what to freeze, drain and delete for each."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import group_launch_template
from ansible_collections.jenkins_ha.aws.plugins.module_utils._cloudwatch.alarms import pool_alarm_names
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import DEFAULT_POOL
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.provisioning import POOL_ASG_RECORD

# The Auto Scaling process the freeze suspends. While the pool's EC2 Fleet cloud lives, the plugin's update sets the
# group's MinSize/MaxSize/DesiredCapacity back to the cloud's (ec2-fleet EC2FleetCloud.java:659-675 through the
# Auto Scaling fleet's modify :47-62), so sizes of 0 alone do not keep new agents from starting; with Launch
# suspended, Auto Scaling launches nothing whatever the desired capacity says.
FROZEN_PROCESSES = ["Launch"]


def _tag(group, key):
    for tag in group.get("tags") or []:
        if tag.get("key") == key:
            return tag.get("value")
    return None


def pool_record_names(pool, ssm_names, prefix):
    """The SSM records asgs.yml writes for a pool (provisioning.record_items): agent/pools/<pool>/asg-name, and
    agent/asg-name for the pool named default."""
    names = ["{0}/{1}".format(prefix, ssm_names[POOL_ASG_RECORD].replace("{pool}", pool))]
    if pool == DEFAULT_POOL:
        names.append("{0}/{1}".format(prefix, ssm_names["agent_asg_name"]))
    return names


def _retired(group, stack, pool_tag, listed_groups, listed_names, ssm_names, prefix):
    name = group.get("auto_scaling_group_name")
    pool = _tag(group, pool_tag)
    if not name or pool is None or name in listed_groups:
        return None
    instances = sorted(group.get("instances") or [], key=lambda instance: instance.get("instance_id") or "")
    suspended = sorted(p.get("process_name") for p in group.get("suspended_processes") or [])
    metrics = group.get("enabled_metrics") or []
    # A pool still listed under its name (its group renamed) keeps its records and alarms: they are the listed one's.
    mine = pool not in listed_names
    return {
        "pool": pool,
        "name": name,
        "launch_template": group_launch_template(group).get("launch_template_name") or "",
        "instance_ids": [instance["instance_id"] for instance in instances],
        "unprotected": [i["instance_id"] for i in instances if not i.get("protected_from_scale_in")],
        "frozen": (
            (group.get("min_size"), group.get("max_size"), group.get("desired_capacity")) == (0, 0, 0)
            and set(FROZEN_PROCESSES) <= set(suspended)
        ),
        "records": pool_record_names(pool, ssm_names, prefix) if mine else [],
        "alarms": pool_alarm_names(stack, pool) if mine else [],
        # What the freeze (amazon.aws.autoscaling_group, which resets every option it is not given) must keep.
        "keep": {
            "suspend_processes": sorted(set(suspended) | set(FROZEN_PROCESSES)),
            "health_check_type": group.get("health_check_type") or "EC2",
            "health_check_period": group.get("health_check_grace_period") or 0,
            "default_cooldown": group.get("default_cooldown") if group.get("default_cooldown") is not None else 300,
            "termination_policies": group.get("termination_policies") or ["Default"],
            "metrics_collection": bool(metrics),
            "metrics_list": sorted(m["metric"] for m in metrics if m.get("metric")),
            "metrics_granularity": (metrics[0].get("granularity") if metrics else None) or "1Minute",
        },
    }


def pool_retire_groups(described, pools, stack, pool_tag, ssm_names, prefix):
    """The groups in ``described`` (describe_auto_scaling_groups, snake_case) that carry ``pool_tag`` and belong to
    no pool of ``pools`` (__stack_config_agent_pools), sorted by name. ``described`` is filtered by the stack's tag
    already; ``ssm_names`` is the contract's relative record names, ``prefix`` the stack's SSM path."""
    if not isinstance(described, list) or not isinstance(pools, list):
        raise AnsibleFilterError("pool_retire_groups: described groups and pools must be lists")
    if not isinstance(ssm_names, dict) or POOL_ASG_RECORD not in ssm_names or "agent_asg_name" not in ssm_names:
        raise AnsibleFilterError(
            "pool_retire_groups: ssm_names must be jenkins_ha_contract.ssm ({0}, agent_asg_name)".format(
                POOL_ASG_RECORD
            )
        )
    listed_groups = {pool.get("asg_name") for pool in pools}
    listed_names = {pool.get("name") for pool in pools}
    retired = []
    for group in described:
        if not isinstance(group, dict):
            raise AnsibleFilterError("pool_retire_groups: a described group is not a mapping: {0!r}".format(group))
        entry = _retired(group, stack, pool_tag, listed_groups, listed_names, ssm_names, prefix)
        if entry:
            retired.append(entry)
    return sorted(retired, key=lambda entry: entry["name"])


class FilterModule:
    def filters(self):
        return {"pool_retire_groups": pool_retire_groups}
