# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""stack_metric_alarms: the CloudWatch alarms playbooks/monitoring.yml converges; pool_alarm_pattern, the names of
any agent pool's alarms (those it deletes when their pool is gone); stack_alarm_names, every name that is not a pool's
other than the default (what destroy.yml can delete by name). Computed in module_utils/_cloudwatch/alarms.py,
where pool_retire_groups reads a retired pool's alarm names too."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._cloudwatch.alarms import pool_alarm_pattern
from ansible_collections.jenkins_ha.aws.plugins.module_utils._cloudwatch.alarms import stack_alarm_names
from ansible_collections.jenkins_ha.aws.plugins.module_utils._cloudwatch.alarms import stack_metric_alarms as _alarms

POOL_KEYS = ("name", "asg_name", "max_size", "instance_types")


def _text(value, what, empty=False):
    if not isinstance(value, str) or not (value or empty):
        raise AnsibleFilterError("stack_metric_alarms: {0} must be a non-empty string, got {1!r}".format(what, value))
    return str(value)


def _texts(value, what):
    if not isinstance(value, list):
        raise AnsibleFilterError("stack_metric_alarms: {0} must be a list, got {1!r}".format(what, value))
    return [_text(item, what + " item") for item in value]


def _pool(pool):
    # Member by member into plain values: a lookup's result is a lazy container that refuses to be rebuilt by type.
    if not isinstance(pool, dict) or any(key not in pool for key in POOL_KEYS):
        raise AnsibleFilterError(
            "stack_metric_alarms: a pool must have {0} (__stack_config_agent_pools), got {1!r}".format(
                ", ".join(POOL_KEYS), pool
            )
        )
    max_size = pool["max_size"]
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 0:
        raise AnsibleFilterError("stack_metric_alarms: pool {0!r} max_size must be a whole number".format(pool["name"]))
    return {
        "name": _text(pool["name"], "a pool's name"),
        "asg_name": _text(pool["asg_name"], "a pool's asg_name"),
        "max_size": int(max_size),
        "instance_types": _texts(pool["instance_types"], "a pool's instance_types"),
    }


def _target_groups(target_groups):
    if not isinstance(target_groups, list) or not all(isinstance(group, dict) for group in target_groups):
        raise AnsibleFilterError("stack_metric_alarms: target_groups must be a list of target groups")
    return [
        {
            "target_group_arn": _text(group.get("target_group_arn"), "a target group's target_group_arn"),
            "load_balancer_arns": _texts(group.get("load_balancer_arns") or [], "load_balancer_arns"),
        }
        for group in target_groups
    ]


def _replication(replication, max_lag_minutes):
    """The replica's lag alarm inputs from a replication configuration as jenkins_ha.aws.aws_read returns it
    (DescribeReplicationConfigurations' entry in snake_case); None or {} when there is none."""
    if not replication:
        return None
    destinations = replication.get("destinations") if isinstance(replication, dict) else None
    if not isinstance(destinations, list) or len(destinations) != 1 or not isinstance(destinations[0], dict):
        raise AnsibleFilterError(
            "stack_metric_alarms: efs_replication must be a replication configuration with one destination "
            "(source_file_system_id, destinations), got {0!r}".format(replication)
        )
    if isinstance(max_lag_minutes, bool) or not isinstance(max_lag_minutes, int) or max_lag_minutes < 1:
        raise AnsibleFilterError("stack_metric_alarms: efs_replication_max_lag_minutes must be a whole number >= 1")
    return {
        "source_file_system_id": _text(
            replication.get("source_file_system_id"), "efs_replication source_file_system_id"
        ),
        "destination_file_system_id": _text(destinations[0].get("file_system_id"), "efs_replication destination id"),
        "destination_region": _text(destinations[0].get("region"), "efs_replication destination region"),
        "max_lag_seconds": max_lag_minutes * 60,
    }


def stack_metric_alarms(
    pools,
    stack,
    controller_group,
    target_groups,
    efs_id,
    efs_throughput_mode,
    actions,
    efs_replication=None,
    efs_replication_max_lag_minutes=60,
):
    if not isinstance(pools, list):
        raise AnsibleFilterError("stack_metric_alarms: the pools must be a list, got {0!r}".format(pools))
    return _alarms(
        _text(stack, "stack"),
        _text(controller_group, "controller_group"),
        [_pool(pool) for pool in pools],
        _target_groups(target_groups),
        _text(efs_id or "", "efs_id", empty=True),
        _text(efs_throughput_mode, "efs_throughput_mode"),
        _texts(actions, "actions"),
        _replication(efs_replication, efs_replication_max_lag_minutes),
    )


def stack_pool_alarm_pattern(stack):
    return pool_alarm_pattern(_text(stack, "stack"))


def stack_alarm_names_filter(stack):
    return stack_alarm_names(_text(stack, "stack"))


class FilterModule:
    def filters(self):
        return {
            "stack_metric_alarms": stack_metric_alarms,
            "pool_alarm_pattern": stack_pool_alarm_pattern,
            "stack_alarm_names": stack_alarm_names_filter,
        }
