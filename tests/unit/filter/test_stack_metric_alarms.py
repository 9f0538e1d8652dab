"""stack_metric_alarms: the CloudWatch alarms playbooks/monitoring.yml converges (module_utils/_cloudwatch/alarms.py),
one table per alarm family, and the list exactly as playbooks/templates/monitoring_alarms.j2 rendered it for the
demo's two pools and for a one-pool stack (fixtures/monitoring_alarms.json: rendered by that template with Ansible's
templar before the filter replaced it; commit e03777a holds the template and the test that compared the two), so an
existing stack converges with no alarm changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.pool_retire import pool_alarm_names as retired_pool_alarm_names
from ansible_collections.jenkins_ha.aws.plugins.filter.stack_metric_alarms import FilterModule
from ansible_collections.jenkins_ha.aws.plugins.module_utils._cloudwatch.alarms import pool_alarm_names
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import pool_group_name

GOLDEN = Path(__file__).parent / "fixtures" / "monitoring_alarms.json"
FILTERS = FilterModule().filters()
TOPIC = "arn:aws:sns:us-east-1:123456789012:demo-alarms"
TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo-controller/0123456789abcdef"
LOAD_BALANCER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo/fedcba9876543210"
EFS = "fs-0123456789abcdef0"


def pool(name, max_size, instance_types):
    """A pool as __stack_config_agent_pools has it, with the keys the alarms read (the pool model names its group)."""
    return {
        "name": name,
        "asg_name": pool_group_name("demo", name),
        "max_size": max_size,
        "instance_types": list(instance_types),
    }


def demo_pools():
    # The demo inventory's two pools (inventory/demo/group_vars/all.yml) as they were when the template rendered the
    # fixture: the inputs stay with the output they gave.
    return [pool("default", 6, ["t3.large"]), pool("spot", 10, ["m5.large", "m6i.large", "m5a.large"])]


def one_pool():
    # No pool list: the default pool of the legacy variables at their defaults (t3.large, at most 6).
    return [pool("default", 6, ["t3.large"])]


# The inputs monitoring.yml hands over, per case: the demo's two pools with everything found, and a one-pool stack
# (no pool list: the legacy default pool) in the other states a stack can be in.
CASES = {
    "demo": {
        "pools": demo_pools,
        "target_groups": [{"target_group_arn": TARGET_GROUP, "load_balancer_arns": [LOAD_BALANCER]}],
        "efs_id": EFS,
        "efs_throughput_mode": "elastic",
        "actions": [TOPIC],
    },
    "demo-bursting-no-load-balancer": {
        "pools": demo_pools,
        "target_groups": [{"target_group_arn": TARGET_GROUP, "load_balancer_arns": []}],
        "efs_id": EFS,
        "efs_throughput_mode": "bursting",
        "actions": [],
    },
    "one-pool": {
        "pools": one_pool,
        "target_groups": [{"target_group_arn": TARGET_GROUP, "load_balancer_arns": [LOAD_BALANCER]}],
        "efs_id": EFS,
        "efs_throughput_mode": "provisioned",
        "actions": [TOPIC],
    },
    "one-pool-nothing-found": {
        "pools": one_pool,
        "target_groups": [],
        "efs_id": "",
        "efs_throughput_mode": "bursting",
        "actions": [],
    },
}


def alarms(case, **overrides):
    inputs = dict(CASES[case], **overrides)
    pools = inputs.pop("pools")
    return FILTERS["stack_metric_alarms"](pools() if callable(pools) else pools, "demo", "demo-controller", **inputs)


def by_name(options):
    return {option["name"]: option for option in options}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_list_is_the_one_the_template_rendered(case):
    assert alarms(case) == json.loads(GOLDEN.read_text())[case]


def test_the_names_and_their_order():
    assert [option["name"] for option in alarms("demo")] == [
        "demo-controller-in-service",
        "demo-agents-at-max",
        "demo-agents-short",
        "demo-agents-spot-at-max",
        "demo-agents-spot-short",
        "demo-controller-unhealthy",
        "demo-efs-throughput",
    ]


# The options every alarm has, as amazon.aws.cloudwatch_metric_alarm takes them, per family.
@pytest.mark.parametrize(
    "name, single_metric, expected",
    [
        pytest.param(
            "demo-controller-in-service",
            {
                "namespace": "AWS/AutoScaling",
                "metric_name": "GroupInServiceInstances",
                "dimensions": {"AutoScalingGroupName": "demo-controller"},
                "statistic": "Minimum",
                "period": 60,
            },
            {
                "description": "jenkins_ha demo: no controller in service",
                "comparison": "LessThanThreshold",
                "threshold": 1.0,
                "evaluation_periods": 5,
                "treat_missing_data": "breaching",
            },
            id="controller",
        ),
        pytest.param(
            "demo-agents-at-max",
            {
                "namespace": "AWS/AutoScaling",
                "metric_name": "GroupDesiredCapacity",
                "dimensions": {"AutoScalingGroupName": "demo-agent"},
                "statistic": "Maximum",
                "period": 60,
            },
            {
                # The default pool keeps the text of the single agent group before pools existed.
                "description": "jenkins_ha demo: agent ASG at its maximum (builds queue)",
                "comparison": "GreaterThanOrEqualToThreshold",
                "threshold": 6.0,
                "evaluation_periods": 30,
                "treat_missing_data": "notBreaching",
            },
            id="default-pool-at-max",
        ),
        pytest.param(
            "demo-agents-spot-at-max",
            {
                "namespace": "AWS/AutoScaling",
                "metric_name": "GroupDesiredCapacity",
                "dimensions": {"AutoScalingGroupName": "demo-agent-spot"},
                "statistic": "Maximum",
                "period": 60,
            },
            {
                "description": "jenkins_ha demo: agent pool spot at its maximum of 10 (builds queue)",
                "comparison": "GreaterThanOrEqualToThreshold",
                "threshold": 10.0,
                "evaluation_periods": 30,
                "treat_missing_data": "notBreaching",
            },
            id="pool-at-max",
        ),
        pytest.param(
            "demo-controller-unhealthy",
            {
                "namespace": "AWS/ApplicationELB",
                "metric_name": "UnHealthyHostCount",
                "dimensions": {
                    "TargetGroup": "targetgroup/demo-controller/0123456789abcdef",
                    "LoadBalancer": "app/demo/fedcba9876543210",
                },
                "statistic": "Maximum",
                "period": 60,
            },
            {
                "description": "jenkins_ha demo: controller target unhealthy behind the load balancer",
                "comparison": "GreaterThanOrEqualToThreshold",
                "threshold": 1.0,
                "evaluation_periods": 5,
                "treat_missing_data": "missing",
            },
            id="load-balancer",
        ),
        pytest.param(
            "demo-efs-throughput",
            {
                "namespace": "AWS/EFS",
                "metric_name": "PercentIOLimit",
                "dimensions": {"FileSystemId": EFS},
                "statistic": "Maximum",
                "period": 60,
            },
            {
                "description": "jenkins_ha demo: EFS throughput near its limit",
                "comparison": "GreaterThanOrEqualToThreshold",
                "threshold": 90.0,
                "evaluation_periods": 15,
                "treat_missing_data": "missing",
            },
            id="efs-throughput",
        ),
    ],
)
def test_single_metric_alarms(name, single_metric, expected):
    option = by_name(alarms("demo"))[name]
    assert option == dict(name=name, alarm_actions=[TOPIC], ok_actions=[TOPIC], **single_metric, **expected)


def test_efs_burst_credits_when_bursting():
    option = by_name(alarms("demo", efs_throughput_mode="bursting"))["demo-efs-burst-credits"]
    assert (option["metric_name"], option["statistic"], option["comparison"], option["threshold"]) == (
        "BurstCreditBalance",
        "Minimum",
        "LessThanThreshold",
        1e12,
    )
    assert "demo-efs-throughput" not in by_name(alarms("demo", efs_throughput_mode="bursting"))


@pytest.mark.parametrize(
    "pool, group, types",
    [("default", "demo-agent", "t3.large"), ("spot", "demo-agent-spot", "m5.large, m6i.large, m5a.large")],
)
def test_pool_short_is_a_metric_math_alarm(pool, group, types):
    option = by_name(alarms("demo"))[pool_alarm_names("demo", pool)[1]]
    assert not {"namespace", "metric_name", "dimensions", "statistic", "period"} & set(option)
    assert option["description"] == (
        "jenkins_ha demo: agent pool {0} below its desired capacity for 15 min (no capacity for {1}, or launches "
        "failing: see its scaling activities)".format(pool, types)
    )
    assert (option["threshold"], option["evaluation_periods"], option["treat_missing_data"]) == (
        1.0,
        15,
        "notBreaching",
    )
    queries = option["metrics"]
    assert [(q["id"], q["return_data"]) for q in queries] == [
        ("desired", False),
        ("in_service", False),
        ("shortfall", True),
    ]
    assert [(q["metric_stat"]["stat"], q["metric_stat"]["metric"]["metric_name"]) for q in queries[:2]] == [
        ("Minimum", "GroupDesiredCapacity"),
        ("Maximum", "GroupInServiceInstances"),
    ]
    assert all(
        q["metric_stat"]["metric"]["dimensions"] == [{"name": "AutoScalingGroupName", "value": group}]
        for q in queries[:2]
    )
    assert queries[2]["expression"] == "desired - in_service"


@pytest.mark.parametrize(
    "overrides, absent",
    [
        ({"target_groups": []}, "demo-controller-unhealthy"),
        ({"target_groups": [{"target_group_arn": TARGET_GROUP}]}, "demo-controller-unhealthy"),
        ({"efs_id": ""}, "demo-efs-throughput"),
        ({"efs_id": None}, "demo-efs-throughput"),
        ({"pools": []}, "demo-agents-at-max"),
    ],
)
def test_what_is_not_found_has_no_alarm(overrides, absent):
    assert absent not in by_name(alarms("demo", **overrides))


def test_no_topic_no_actions():
    assert all(o["alarm_actions"] == [] and o["ok_actions"] == [] for o in alarms("demo", actions=[]))


def test_each_alarm_has_its_own_action_lists():
    options = alarms("demo")
    options[0]["alarm_actions"].append("x")
    assert options[0]["ok_actions"] == [TOPIC] and options[1]["alarm_actions"] == [TOPIC]


@pytest.mark.parametrize("pool", ["default", "spot", "gpu-2"])
def test_pool_alarm_names_live_once(pool):
    """pools_retire.yml deletes what monitoring.yml made, and the pattern of obsolete pool alarms takes both."""
    names = pool_alarm_names("demo", pool)
    assert retired_pool_alarm_names("demo", pool) == names
    made = by_name(alarms("demo", pools=[dict(demo_pools()[1], name=pool)]))
    assert set(names) <= set(made)
    assert all(re.fullmatch(FILTERS["pool_alarm_pattern"]("demo"), name) for name in names)


@pytest.mark.parametrize(
    "name, matches",
    [
        ("demo-agents-at-max", True),
        ("demo-agents-spot-short", True),
        ("demo-agents-a-23456789012345678901-short", False),  # longer than a pool name can be
        ("demo-agents-Big-at-max", False),
        ("demo-controller-in-service", False),
        ("demo-agents-at-max-copy", False),
        ("demoXagents-at-max", False),
    ],
)
def test_pool_alarm_pattern(name, matches):
    assert bool(re.fullmatch(FILTERS["pool_alarm_pattern"]("demo"), name)) is matches


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"pools": "default"}, "pools must be a list"),
        ({"pools": [{"name": "default"}]}, "a pool must have name, asg_name, max_size, instance_types"),
        ({"pools": [{"name": "x", "asg_name": "g", "max_size": "4", "instance_types": ["t3.large"]}]}, "max_size"),
        ({"pools": [{"name": "x", "asg_name": "g", "max_size": True, "instance_types": ["t3.large"]}]}, "max_size"),
        ({"pools": [{"name": "x", "asg_name": "g", "max_size": 4, "instance_types": "t3.large"}]}, "instance_types"),
        ({"target_groups": {"target_group_arn": TARGET_GROUP}}, "target_groups must be a list"),
        ({"target_groups": [{"load_balancer_arns": [LOAD_BALANCER]}]}, "target_group_arn"),
        ({"efs_id": 3}, "efs_id"),
        ({"efs_throughput_mode": ""}, "efs_throughput_mode"),
        ({"actions": TOPIC}, "actions must be a list"),
    ],
)
def test_bad_input_is_refused(overrides, message):
    with pytest.raises(AnsibleFilterError, match=re.escape(message)):
        alarms("demo", **overrides)


def test_bad_stack_is_refused():
    with pytest.raises(AnsibleFilterError, match="stack"):
        FILTERS["stack_metric_alarms"]([], "", "demo-controller", [], "", "elastic", [])
    with pytest.raises(AnsibleFilterError, match="stack"):
        FILTERS["pool_alarm_pattern"](None)
    with pytest.raises(AnsibleFilterError, match="stack"):
        FILTERS["stack_alarm_names"](["demo"])


# A replication as monitoring.yml reads it (jenkins_ha.aws.aws_read of DescribeReplicationConfigurations).
REPLICATION = {
    "source_file_system_id": EFS,
    "source_file_system_region": "us-east-1",
    "destinations": [{"file_system_id": "fs-0fedcba9876543210", "region": "us-west-2", "status": "ENABLED"}],
}


def test_efs_replication_lag_alarm():
    option = by_name(alarms("demo", efs_replication=REPLICATION))["demo-efs-replication-lag"]
    assert option == dict(
        name="demo-efs-replication-lag",
        description="jenkins_ha demo: EFS replica of JENKINS_HOME in us-west-2 more than 60 min behind",
        namespace="AWS/EFS",
        metric_name="TimeSinceLastSync",
        # Both dimensions EFS publishes the metric with, or the alarm matches no metric.
        dimensions={"FileSystemId": EFS, "DestinationFileSystemId": "fs-0fedcba9876543210"},
        statistic="Maximum",
        period=60,
        comparison="GreaterThanThreshold",
        threshold=3600.0,
        evaluation_periods=15,
        treat_missing_data="missing",
        alarm_actions=[TOPIC],
        ok_actions=[TOPIC],
    )
    # Last, after the file system's own alarm: the existing alarms keep their order.
    assert [o["name"] for o in alarms("demo", efs_replication=REPLICATION)][-2:] == [
        "demo-efs-throughput",
        "demo-efs-replication-lag",
    ]


@pytest.mark.parametrize("replication", [None, {}], ids=["none", "empty"])
def test_no_replication_no_lag_alarm(replication):
    assert alarms("demo", efs_replication=replication) == alarms("demo")


def test_the_lag_limit_is_the_stack_variable_in_minutes():
    option = by_name(alarms("demo", efs_replication=REPLICATION, efs_replication_max_lag_minutes=20))
    assert option["demo-efs-replication-lag"]["threshold"] == 1200.0
    assert option["demo-efs-replication-lag"]["description"].endswith("more than 20 min behind")


@pytest.mark.parametrize(
    "replication, minutes, message",
    [
        ({"source_file_system_id": EFS}, 60, "one destination"),
        (dict(REPLICATION, destinations=[]), 60, "one destination"),
        ("us-west-2", 60, "one destination"),
        (dict(REPLICATION, destinations=[{"file_system_id": "", "region": "us-west-2"}]), 60, "destination id"),
        (REPLICATION, "60", "efs_replication_max_lag_minutes"),
        (REPLICATION, 0, "efs_replication_max_lag_minutes"),
    ],
)
def test_bad_replication_is_refused(replication, minutes, message):
    with pytest.raises(AnsibleFilterError, match=re.escape(message)):
        alarms("demo", efs_replication=replication, efs_replication_max_lag_minutes=minutes)


def test_stack_alarm_names_are_every_alarm_but_other_pools():
    """Whatever the stack's state (found or not, either throughput mode), its alarms are these names plus the pool
    alarms the pattern matches; with the one default pool, exactly these names."""
    names = FILTERS["stack_alarm_names"]("demo")
    made = set()
    for case in CASES:
        for mode in ("bursting", "elastic"):
            for replication in (None, REPLICATION):
                made |= set(by_name(alarms(case, efs_throughput_mode=mode, efs_replication=replication)))
    pattern = FILTERS["pool_alarm_pattern"]("demo")
    assert {name for name in made if not re.fullmatch(pattern, name)} | set(pool_alarm_names("demo", "default")) == set(
        names
    )
    assert made - set(names) == set(pool_alarm_names("demo", "spot"))
    assert len(names) == len(set(names)) == 7
