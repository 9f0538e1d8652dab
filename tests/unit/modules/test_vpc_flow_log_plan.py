"""vpc_flow_log.plan: what the module creates, replaces, retags or removes for each resource (pure)."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.modules import vpc_flow_log
from tests.unit.modules.helpers import module_params

ROLE = "arn:aws:iam::123456789012:role/flow-logs"


def flow_log(flow_log_id, resource_id, traffic_type="ALL", tags=None):
    return {
        "FlowLogId": flow_log_id,
        "ResourceId": resource_id,
        "TrafficType": traffic_type,
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": "/flow",
        "DeliverLogsPermissionArn": ROLE,
        "LogFormat": "${version}",
        "MaxAggregationInterval": 600,
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    }


def params(**overrides):
    base = dict(resource_ids=["vpc-1", "vpc-2"], log_group_name="/flow", deliver_logs_permission_arn=ROLE)
    return module_params(vpc_flow_log.argument_spec(), **dict(base, **overrides))


# (id, params, existing per resource, expected (to_create, to_delete, to_retag))
CASES = [
    ("nothing exists", params(), {"vpc-1": [], "vpc-2": []}, ([("vpc-1", {}), ("vpc-2", {})], [], [])),
    (
        "all in place",
        params(),
        {"vpc-1": [flow_log("fl-1", "vpc-1")], "vpc-2": [flow_log("fl-2", "vpc-2")]},
        ([], [], []),
    ),
    ("one missing", params(), {"vpc-1": [flow_log("fl-1", "vpc-1")], "vpc-2": []}, ([("vpc-2", {})], [], [])),
    (
        "traffic type differs: replace, keeping tags",
        params(),
        {"vpc-1": [flow_log("fl-1", "vpc-1", "REJECT", {"a": "1"})], "vpc-2": [flow_log("fl-2", "vpc-2")]},
        ([("vpc-1", {"a": "1"})], ["fl-1"], []),
    ),
    (
        "tags differ: retag in place",
        params(tags={"b": "2"}),
        {"vpc-1": [flow_log("fl-1", "vpc-1", tags={"a": "1"})], "vpc-2": [flow_log("fl-2", "vpc-2", tags={"b": "2"})]},
        ([], [], [("fl-1", {"a": "1"}, {"b": "2"})]),
    ),
    (
        "duplicates to one destination are removed",
        params(resource_ids=["vpc-1"]),
        {"vpc-1": [flow_log("fl-1", "vpc-1"), flow_log("fl-9", "vpc-1")]},
        ([], ["fl-9"], []),
    ),
]


@pytest.mark.parametrize("params_, existing, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_plan(params_, existing, expected):
    to_create, to_delete, to_retag, diff = vpc_flow_log.plan(params_, existing)
    assert (to_create, to_delete, to_retag) == expected
    assert set(diff["after"]) == set(existing)


def test_plan_diff_shows_before_and_after():
    existing = {"vpc-1": [flow_log("fl-1", "vpc-1", "REJECT")]}
    diff = vpc_flow_log.plan(params(resource_ids=["vpc-1"]), existing)[3]
    assert diff["before"]["vpc-1"]["traffic_type"] == "REJECT"
    assert diff["after"]["vpc-1"]["traffic_type"] == "ALL"
