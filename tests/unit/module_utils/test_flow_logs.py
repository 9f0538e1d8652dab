"""VPC flow log identity, views and creation arguments (pure)."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils import _flow_logs as fl
from ansible_collections.jenkins_ha.aws.plugins.modules import vpc_flow_log
from tests.unit.modules.helpers import module_params

ROLE = "arn:aws:iam::123456789012:role/flow-logs"
CWL = {
    "FlowLogId": "fl-1",
    "ResourceId": "vpc-1",
    "TrafficType": "REJECT",
    "LogDestinationType": "cloud-watch-logs",
    "LogGroupName": "/flow",
    "LogDestination": "arn:aws:logs:us-east-1:123456789012:log-group:/flow:*",
    "DeliverLogsPermissionArn": ROLE,
    "LogFormat": "${version} ${srcaddr}",
    "MaxAggregationInterval": 600,
    "Tags": [{"Key": "a", "Value": "1"}],
}
S3 = {
    "FlowLogId": "fl-2",
    "ResourceId": "vpc-1",
    "TrafficType": "ALL",
    "LogDestinationType": "s3",
    "LogDestination": "arn:aws:s3:::bucket/prefix/",
    "LogFormat": "${version}",
    "MaxAggregationInterval": 600,
}


def params(**overrides):
    return module_params(vpc_flow_log.argument_spec(), **dict({"resource_ids": ["vpc-1"]}, **overrides))


SAME_DESTINATION = [
    ("log group by name", CWL, params(log_group_name="/flow"), True),
    ("log group by ARN", CWL, params(log_destination="arn:aws:logs:us-east-1:123456789012:log-group:/flow"), True),
    (
        "log group ARN with :*",
        CWL,
        params(log_destination="arn:aws:logs:us-east-1:123456789012:log-group:/flow:*"),
        True,
    ),
    ("other log group", CWL, params(log_group_name="/other"), False),
    ("s3 vs cloudwatch", CWL, params(log_destination_type="s3", log_destination=CWL["LogDestination"]), False),
    ("s3 same prefix", S3, params(log_destination_type="s3", log_destination="arn:aws:s3:::bucket/prefix"), True),
    ("s3 other prefix", S3, params(log_destination_type="s3", log_destination="arn:aws:s3:::bucket/other"), False),
]


@pytest.mark.parametrize(
    "flow_log, params_, same", [c[1:] for c in SAME_DESTINATION], ids=[c[0] for c in SAME_DESTINATION]
)
def test_same_destination(flow_log, params_, same):
    assert fl.same_destination(flow_log, params_) is same


def test_flow_log_view():
    assert fl.flow_log_view(CWL) == {
        "resource_id": "vpc-1",
        "traffic_type": "REJECT",
        "log_destination_type": "cloud-watch-logs",
        "log_group_name": "/flow",
        "log_destination": "arn:aws:logs:us-east-1:123456789012:log-group:/flow",
        "deliver_logs_permission_arn": ROLE,
        "log_format": "${version} ${srcaddr}",
        "max_aggregation_interval": 600,
        "tags": {"a": "1"},
    }


# (id, params, immutable attributes that differ from CWL)
IMMUTABLE_CASES = [
    (
        "all equal, unset options keep AWS's choice",
        params(traffic_type="REJECT", log_group_name="/flow", deliver_logs_permission_arn=ROLE),
        [],
    ),
    (
        "traffic type",
        params(traffic_type="ALL", log_group_name="/flow", deliver_logs_permission_arn=ROLE),
        ["traffic_type"],
    ),
    (
        "interval",
        params(
            traffic_type="REJECT", log_group_name="/flow", deliver_logs_permission_arn=ROLE, max_aggregation_interval=60
        ),
        ["max_aggregation_interval"],
    ),
    (
        "format",
        params(
            traffic_type="REJECT", log_group_name="/flow", deliver_logs_permission_arn=ROLE, log_format="${version}"
        ),
        ["log_format"],
    ),
    (
        "role",
        params(traffic_type="REJECT", log_group_name="/flow", deliver_logs_permission_arn=ROLE + "2"),
        ["deliver_logs_permission_arn"],
    ),
]


@pytest.mark.parametrize("params_, immutable", [c[1:] for c in IMMUTABLE_CASES], ids=[c[0] for c in IMMUTABLE_CASES])
def test_immutable_differences(params_, immutable):
    current = fl.flow_log_view(CWL)
    desired = fl.desired_view("vpc-1", params_, current, current["tags"])
    assert fl.immutable_differences(current, desired) == immutable


def test_no_immutable_differences_for_a_new_flow_log():
    assert fl.immutable_differences(None, fl.desired_view("vpc-1", params(), None, {})) == []


def test_create_params():
    args = fl.create_params(
        params(log_group_name="/flow", deliver_logs_permission_arn=ROLE, max_aggregation_interval=60),
        ["vpc-1", "vpc-2"],
        {"a": "1"},
    )
    assert args == {
        "ResourceIds": ["vpc-1", "vpc-2"],
        "ResourceType": "VPC",
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": "/flow",
        "DeliverLogsPermissionArn": ROLE,
        "MaxAggregationInterval": 60,
        "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "a", "Value": "1"}]}],
    }
    assert "TagSpecifications" not in fl.create_params(params(log_group_name="/flow"), ["vpc-1"], {})
