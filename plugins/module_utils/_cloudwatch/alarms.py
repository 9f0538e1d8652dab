# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack's CloudWatch metric alarms, as options of amazon.aws.cloudwatch_metric_alarm (issues 15, 18, 19).

The one place that names them: playbooks/monitoring.yml converges this list (filter stack_metric_alarms),
playbooks/pools_retire.yml and destroy.yml delete a pool's alarms by the names pool_alarm_names gives.

Every alarm is named ``<stack>-<name>`` and described ``jenkins_ha <stack>: <text>``: the description's prefix is how
obsolete_metric_alarms and destroy.yml tell the stack's alarms from those of a stack whose name starts like it.
"""

from __future__ import annotations

import re

from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import DEFAULT_POOL

# The default pool's alarms keep the names (and the at-max text) of the one agent group before pools existed, so an
# existing stack converges without replacing them.
POOL_ALARM_SUFFIXES = ("at-max", "short")
# The alarms that are not a pool's (each exists when what it watches does).
CONTROLLER_IN_SERVICE = "controller-in-service"
CONTROLLER_UNHEALTHY = "controller-unhealthy"
EFS_BURST_CREDITS = "efs-burst-credits"
EFS_THROUGHPUT = "efs-throughput"
EFS_REPLICATION_LAG = "efs-replication-lag"
STACK_ALARMS = (CONTROLLER_IN_SERVICE, CONTROLLER_UNHEALTHY, EFS_BURST_CREDITS, EFS_THROUGHPUT, EFS_REPLICATION_LAG)
# A pool's name as stack_config accepts it (roles/stack_config, _pools.model).
POOL_NAME_PATTERN = "[a-z][a-z0-9-]{0,19}"
# The single-metric alarms sample every minute; periods are counted in these.
PERIOD = 60
# BurstCreditBalance below 1 TB: a file system in bursting mode is about to fall back to its baseline throughput.
EFS_BURST_CREDITS_LOW = 1000000000000.0


def _pool_prefix(pool):
    return "agents" if pool == DEFAULT_POOL else "agents-" + pool


def _pool_alarm_short_names(pool):
    return ["{0}-{1}".format(_pool_prefix(pool), suffix) for suffix in POOL_ALARM_SUFFIXES]


def pool_alarm_names(stack, pool):
    """The two alarms of agent pool ``pool`` (its name): at its maximum, and short of its desired capacity."""
    return ["{0}-{1}".format(stack, name) for name in _pool_alarm_short_names(pool)]


def stack_alarm_names(stack):
    """Every alarm name the stack can have whatever its state, but those of pools other than the default: the
    controller's, the load balancer's, the EFS alarms and the default pool's (destroy.yml deletes them by name)."""
    return ["{0}-{1}".format(stack, name) for name in STACK_ALARMS] + pool_alarm_names(stack, DEFAULT_POOL)


def pool_alarm_pattern(stack):
    """A regular expression that fully matches the name of any agent pool's alarm of ``stack``."""
    return "{0}-agents-(?:{1}-)?(?:{2})".format(
        re.escape(stack), POOL_NAME_PATTERN, "|".join(re.escape(suffix) for suffix in POOL_ALARM_SUFFIXES)
    )


def _group_query(query_id, stat, metric, group):
    return {
        "id": query_id,
        "return_data": False,
        "metric_stat": {
            "period": PERIOD,
            "stat": stat,
            "metric": {
                "namespace": "AWS/AutoScaling",
                "metric_name": metric,
                "dimensions": [{"name": "AutoScalingGroupName", "value": group}],
            },
        },
    }


def _pool_alarms(pool):
    """Two per pool: ``pool`` has name, asg_name, max_size and instance_types (__stack_config_agent_pools)."""
    name = pool["name"]
    group = pool["asg_name"]
    at_max, short = _pool_alarm_short_names(name)
    default = name == DEFAULT_POOL
    return [
        # The maximum the pool's EC2 Fleet cloud scales to (its maxSize) is the group's: at it, builds for its labels
        # queue.
        {
            "name": at_max,
            "description": (
                "agent ASG at its maximum (builds queue)"
                if default
                else "agent pool {0} at its maximum of {1} (builds queue)".format(name, pool["max_size"])
            ),
            "namespace": "AWS/AutoScaling",
            "metric": "GroupDesiredCapacity",
            "dimensions": {"AutoScalingGroupName": group},
            "statistic": "Maximum",
            "comparison": "GreaterThanOrEqualToThreshold",
            "threshold": float(pool["max_size"]),
            "periods": 30,
            "missing": "notBreaching",
        },
        # Auto Scaling publishes no metric for failed launches: when EC2 has no capacity for the pool's instance
        # types (or Spot pools), launches fail and the group stays below its desired capacity. Desired (at its
        # lowest) minus in service (at its highest) of 1 or more for 15 minutes is that shortfall; the cause is in
        # the group's scaling activities (DescribeScalingActivities, the "EC2 Instance Launch Unsuccessful" event).
        {
            "name": short,
            "description": (
                "agent pool {0} below its desired capacity for 15 min (no capacity for {1}, or launches failing: "
                "see its scaling activities)".format(name, ", ".join(pool["instance_types"]))
            ),
            "metrics": [
                _group_query("desired", "Minimum", "GroupDesiredCapacity", group),
                _group_query("in_service", "Maximum", "GroupInServiceInstances", group),
                {
                    "id": "shortfall",
                    "expression": "desired - in_service",
                    "label": "instances short",
                    "return_data": True,
                },
            ],
            "comparison": "GreaterThanOrEqualToThreshold",
            "threshold": 1.0,
            "periods": 15,
            "missing": "notBreaching",
        },
    ]


def _load_balancer_alarms(target_groups):
    """The controller's target unhealthy, when the target group is known and sits behind a load balancer."""
    if not target_groups or not target_groups[0].get("load_balancer_arns"):
        return []
    target_group = target_groups[0]
    return [
        {
            "name": CONTROLLER_UNHEALTHY,
            "description": "controller target unhealthy behind the load balancer",
            "namespace": "AWS/ApplicationELB",
            "metric": "UnHealthyHostCount",
            # CloudWatch's dimensions are the ARNs' resource parts: targetgroup/<name>/<id>, app/<name>/<id>.
            "dimensions": {
                "TargetGroup": target_group["target_group_arn"].split(":")[-1],
                "LoadBalancer": target_group["load_balancer_arns"][0].split(":loadbalancer/")[-1],
            },
            "statistic": "Maximum",
            "comparison": "GreaterThanOrEqualToThreshold",
            "threshold": 1.0,
            "periods": 5,
        }
    ]


def _efs_alarms(efs_id, throughput_mode):
    """The limit that fits the throughput mode: burst credits when bursting, throughput utilisation otherwise."""
    if not efs_id:
        return []
    if throughput_mode == "bursting":
        alarm = {
            "name": EFS_BURST_CREDITS,
            "description": "EFS burst credits running out",
            "metric": "BurstCreditBalance",
            "statistic": "Minimum",
            "comparison": "LessThanThreshold",
            "threshold": EFS_BURST_CREDITS_LOW,
        }
    else:
        alarm = {
            "name": EFS_THROUGHPUT,
            "description": "EFS throughput near its limit",
            "metric": "PercentIOLimit",
            "statistic": "Maximum",
            "comparison": "GreaterThanOrEqualToThreshold",
            "threshold": 90.0,
        }
    alarm.update(namespace="AWS/EFS", dimensions={"FileSystemId": efs_id}, periods=15)
    return [alarm]


def _efs_replication_alarms(replication):
    """The replica of JENKINS_HOME falling behind: TimeSinceLastSync (seconds since the last completed sync) above the
    stack's limit for 15 minutes. EFS publishes the metric with two dimensions, the source's FileSystemId and the
    DestinationFileSystemId (AWS EFS User Guide, "CloudWatch metrics for Amazon EFS", TimeSinceLastSync), and an alarm
    must name both to match it. Missing data stays missing: how often EFS publishes the metric is not documented,
    and an alarm "breaching" on gaps between publications would cry wolf (a replication in ERROR is visible in its
    status, which efs_replication returns)."""
    if not replication:
        return []
    return [
        {
            "name": EFS_REPLICATION_LAG,
            "description": "EFS replica of JENKINS_HOME in {0} more than {1} min behind".format(
                replication["destination_region"], replication["max_lag_seconds"] // 60
            ),
            "namespace": "AWS/EFS",
            "metric": "TimeSinceLastSync",
            "dimensions": {
                "FileSystemId": replication["source_file_system_id"],
                "DestinationFileSystemId": replication["destination_file_system_id"],
            },
            "statistic": "Maximum",
            "comparison": "GreaterThanThreshold",
            "threshold": float(replication["max_lag_seconds"]),
            "periods": 15,
        }
    ]


def _module_options(stack, alarm, actions):
    option = {
        "name": "{0}-{1}".format(stack, alarm["name"]),
        "description": "jenkins_ha {0}: {1}".format(stack, alarm["description"]),
        "comparison": alarm["comparison"],
        "threshold": alarm["threshold"],
        "evaluation_periods": alarm["periods"],
        "treat_missing_data": alarm.get("missing", "missing"),
        "alarm_actions": list(actions),
        "ok_actions": list(actions),
    }
    # A metric math alarm names its metrics in `metrics`, which excludes the single-metric options.
    if "metrics" in alarm:
        option["metrics"] = alarm["metrics"]
    else:
        option.update(
            namespace=alarm["namespace"],
            metric_name=alarm["metric"],
            dimensions=alarm["dimensions"],
            statistic=alarm["statistic"],
            period=PERIOD,
        )
    return option


def stack_metric_alarms(
    stack, controller_group, pools, target_groups, efs_id, efs_throughput_mode, actions, efs_replication=None
):
    """The alarms that exist for the stack's state, as amazon.aws.cloudwatch_metric_alarm options: the controller
    group below one in-service instance, two per agent pool (``pools``: name, asg_name, max_size, instance_types),
    the controller target unhealthy (``target_groups`` as elb_target_group_info gives them; none, or one without a
    load balancer, leaves it out), the EFS limit of ``efs_throughput_mode`` (no ``efs_id``, none) and the replica's
    lag (``efs_replication``: source_file_system_id, destination_file_system_id, destination_region,
    max_lag_seconds; none without a replication). ``actions``: the topic ARNs alarms and recoveries notify."""
    alarms = [
        {
            "name": CONTROLLER_IN_SERVICE,
            "description": "no controller in service",
            "namespace": "AWS/AutoScaling",
            "metric": "GroupInServiceInstances",
            "dimensions": {"AutoScalingGroupName": controller_group},
            "statistic": "Minimum",
            "comparison": "LessThanThreshold",
            "threshold": 1.0,
            "periods": 5,
            "missing": "breaching",
        }
    ]
    for pool in pools:
        alarms.extend(_pool_alarms(pool))
    alarms.extend(_load_balancer_alarms(target_groups))
    alarms.extend(_efs_alarms(efs_id, efs_throughput_mode))
    alarms.extend(_efs_replication_alarms(efs_replication))
    return [_module_options(stack, alarm, actions) for alarm in alarms]
