"""The agent pools' CloudWatch alarms (filter stack_metric_alarms, issue 18): computed per pool, and
compared with what CloudWatch (moto in process) describes back, so a converged rerun skips them and a drift does not."""

from __future__ import annotations

import copy
import boto3
import pytest
from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict
from moto import mock_aws

from ansible_collections.jenkins_ha.aws.plugins.filter.stack_metric_alarms import stack_metric_alarms
from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged import obsolete_metric_alarms
from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged import unconverged_metric_alarms
from ansible_collections.jenkins_ha.aws.plugins.module_utils._read import read

TOPIC = "arn:aws:sns:us-east-1:123456789012:demo-alarms"
TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo-controller/0123456789abcdef"
LOAD_BALANCER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo/fedcba9876543210"
# Two pools as __stack_config_agent_pools normalises them (only the keys the filter reads matter here).
POOLS = [
    {"name": "default", "asg_name": "demo-agent", "max_size": 4, "instance_types": ["t3.large"]},
    {"name": "spot", "asg_name": "demo-agent-spot", "max_size": 10, "instance_types": ["m6i.large", "m5.large"]},
]
NAME_PATTERN = "demo-agents-(?:[a-z][a-z0-9-]{0,19}-)?(?:at-max|short)"


def pool_alarms(pools=None):
    """What monitoring.yml converges for these pools (no target group or file system found, the alarm topic)."""
    return stack_metric_alarms(POOLS if pools is None else pools, "demo", "demo-controller", [], "", "elastic", [TOPIC])


def by_name(alarms):
    return {alarm["name"]: alarm for alarm in alarms}


def test_two_alarms_per_pool_default_keeps_its_names():
    alarms = by_name(pool_alarms())
    assert sorted(alarms) == [
        "demo-agents-at-max",
        "demo-agents-short",
        "demo-agents-spot-at-max",
        "demo-agents-spot-short",
        "demo-controller-in-service",
    ]
    # The default pool's at-max alarm is the one from before pools (an existing stack converges unchanged).
    assert alarms["demo-agents-at-max"]["description"] == "jenkins_ha demo: agent ASG at its maximum (builds queue)"
    assert alarms["demo-agents-at-max"]["dimensions"] == {"AutoScalingGroupName": "demo-agent"}
    # Each pool's threshold is its max_size: the maxSize of its EC2 Fleet cloud.
    assert alarms["demo-agents-at-max"]["threshold"] == 4.0
    assert alarms["demo-agents-spot-at-max"]["threshold"] == 10.0
    assert alarms["demo-agents-spot-at-max"]["dimensions"] == {"AutoScalingGroupName": "demo-agent-spot"}
    short = alarms["demo-agents-spot-short"]
    assert "metric_name" not in short and "period" not in short and "dimensions" not in short
    assert [q["id"] for q in short["metrics"]] == ["desired", "in_service", "shortfall"]
    assert [q["return_data"] for q in short["metrics"]] == [False, False, True]
    assert {q["metric_stat"]["metric"]["dimensions"][0]["value"] for q in short["metrics"][:2]} == {"demo-agent-spot"}
    assert "m6i.large, m5.large" in short["description"]
    assert short["threshold"] == 1.0 and short["evaluation_periods"] == 15


def test_no_pools_no_agent_alarms():
    assert sorted(by_name(pool_alarms(pools=[]))) == ["demo-controller-in-service"]


def put_as_the_module_does(client, option):
    """amazon.aws.cloudwatch_metric_alarm's PutMetricAlarm for these options (its params building, 10.x)."""
    params = {
        "AlarmName": option["name"],
        "AlarmDescription": option["description"],
        "ComparisonOperator": option["comparison"],
        "Threshold": option["threshold"],
        "EvaluationPeriods": option["evaluation_periods"],
        "TreatMissingData": option["treat_missing_data"],
        "AlarmActions": option["alarm_actions"],
        "OKActions": option["ok_actions"],
        "InsufficientDataActions": [],
    }
    if option.get("metrics"):
        params["Metrics"] = snake_dict_to_camel_dict(option["metrics"], capitalize_first=True)
    else:
        params.update(
            MetricName=option["metric_name"],
            Namespace=option["namespace"],
            Statistic=option["statistic"],
            Period=option["period"],
            Dimensions=[{"Name": k, "Value": v} for k, v in option["dimensions"].items()],
        )
    client.put_metric_alarm(**params)


@pytest.fixture
def cloudwatch(monkeypatch):
    for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1")


def live(client):
    # As monitoring.yml reads them: the aws_read lookup (module_utils/_read.py) over DescribeAlarms.
    return read(client, "describe_alarms", {"AlarmNamePrefix": "demo-", "AlarmTypes": ["MetricAlarm"]})["metric_alarms"]


def test_created_alarms_read_back_as_converged(cloudwatch):
    desired = pool_alarms()
    for option in desired:
        put_as_the_module_does(cloudwatch, option)
    assert unconverged_metric_alarms(desired, live(cloudwatch)) == []


def test_every_alarm_family_reads_back_as_converged(cloudwatch):
    """The load balancer's and the file system's alarms too (both throughput modes' alarms)."""
    target_groups = [{"target_group_arn": TARGET_GROUP, "load_balancer_arns": [LOAD_BALANCER]}]
    desired_alarms = [
        stack_metric_alarms(POOLS, "demo", "demo-controller", target_groups, "fs-1", mode, [TOPIC])
        for mode in ("bursting", "elastic")
    ]
    for option in desired_alarms[0] + desired_alarms[1][-1:]:
        put_as_the_module_does(cloudwatch, option)
    assert [a["name"] for a in desired_alarms[0] + desired_alarms[1][-1:]][-3:] == [
        "demo-controller-unhealthy",
        "demo-efs-burst-credits",
        "demo-efs-throughput",
    ]
    assert unconverged_metric_alarms(desired_alarms[0], live(cloudwatch)) == []
    assert unconverged_metric_alarms(desired_alarms[1], live(cloudwatch)) == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda q: q[2].update(expression="in_service - desired"), id="expression"),
        pytest.param(lambda q: q[0]["metric_stat"].update(stat="Maximum"), id="stat"),
        pytest.param(lambda q: q[1]["metric_stat"].update(period=300), id="period"),
        pytest.param(lambda q: q[1]["metric_stat"]["metric"]["dimensions"][0].update(value="x"), id="dimension"),
        pytest.param(lambda q: q[0].update(return_data=True), id="return-data"),
        pytest.param(lambda q: q.pop(0), id="query-gone"),
    ],
)
def test_a_drifted_math_alarm_goes_to_the_module(cloudwatch, change):
    desired = pool_alarms()
    for option in desired:
        drifted = copy.deepcopy(option)
        if option["name"] == "demo-agents-spot-short":
            change(drifted["metrics"])
        put_as_the_module_does(cloudwatch, drifted)
    assert [a["name"] for a in unconverged_metric_alarms(desired, live(cloudwatch))] == ["demo-agents-spot-short"]


def test_a_pool_whose_max_changes_updates_only_its_alarm(cloudwatch):
    for option in pool_alarms():
        put_as_the_module_does(cloudwatch, option)
    bigger = [dict(POOLS[0]), dict(POOLS[1], max_size=12)]
    assert [a["name"] for a in unconverged_metric_alarms(pool_alarms(pools=bigger), live(cloudwatch))] == [
        "demo-agents-spot-at-max"
    ]


def test_alarms_of_a_removed_pool_are_obsolete(cloudwatch):
    for option in pool_alarms():
        put_as_the_module_does(cloudwatch, option)
    # Another stack whose name starts like this stack's alarms: never touched.
    put_as_the_module_does(
        cloudwatch,
        dict(pool_alarms()[1], name="demo-agents-x-short", description="jenkins_ha demo-agents: agent pool x ..."),
    )
    only_default = pool_alarms(pools=POOLS[:1])
    assert obsolete_metric_alarms(live(cloudwatch), only_default, "demo", NAME_PATTERN) == [
        "demo-agents-spot-at-max",
        "demo-agents-spot-short",
    ]
    assert obsolete_metric_alarms(live(cloudwatch), pool_alarms(), "demo", NAME_PATTERN) == []


@pytest.mark.parametrize(
    "name, description, obsolete",
    [
        ("demo-agents-big-at-max", "jenkins_ha demo: agent pool big at its maximum", True),
        ("demo-agents-short", "jenkins_ha demo: agent pool default below", True),
        # Not an agent pool alarm, or another stack's, or not ours at all.
        ("demo-controller-in-service", "jenkins_ha demo: no controller in service", False),
        ("demo-agents-big-at-max", "jenkins_ha demo-x: agent pool big", False),
        ("demo-agents-big-at-max", None, False),
        ("demo-agents-Big-at-max", "jenkins_ha demo: agent pool Big", False),
        ("demo-agents-big-at-max-copy", "jenkins_ha demo: copy", False),
    ],
)
def test_obsolete_alarm_table(name, description, obsolete):
    alarm = {"alarm_name": name, "alarm_description": description}
    assert obsolete_metric_alarms([alarm], [], "demo", NAME_PATTERN) == ([name] if obsolete else [])
