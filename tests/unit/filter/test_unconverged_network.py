"""unconverged_vpc, unconverged_internet_gateway, unconverged_nat_gateways: a converged resource needs no module run,
every kind of drift the module would correct keeps it, and bad input fails clearly.

The live dicts are shaped as the jenkins_ha.aws.aws_read lookup returns them (snake_case, tags as a dict), as seen
on the emulator.
"""

import copy

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_network import (
    FilterModule,
    nat_gateway_plan,
    nat_gateway_results,
    unconverged_flow_logs,
    unconverged_internet_gateway,
    unconverged_nat_gateways,
    unconverged_vpc,
)
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import tags_differ

TAGS = {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws", "jenkins-ha:component": "network"}

VPC = {"name": "demo-vpc", "cidr_block": "10.40.0.0/16", "dns_support": True, "dns_hostnames": True, "tags": TAGS}
LIVE_VPC = {
    "vpc_id": "vpc-1",
    "state": "available",
    "cidr_block": "10.40.0.0/16",
    "cidr_block_association_set": [
        {"association_id": "a-1", "cidr_block": "10.40.0.0/16", "cidr_block_state": {"state": "associated"}}
    ],
    "tags": dict(TAGS, Name="demo-vpc"),
}


def changed(live, **changes):
    live = copy.deepcopy(live)
    live.update(changes)
    return live


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "unconverged_vpc",
        "unconverged_internet_gateway",
        "unconverged_nat_gateways",
        "nat_gateway_plan",
        "nat_gateway_results",
        "unconverged_flow_logs",
    }


@pytest.mark.parametrize(
    "live, expected",
    [
        ({}, False),
        ({"aws:cloudformation:stack-name": "x"}, False),
        ({"a": "1"}, True),
    ],
)
def test_tags_differ_as_the_modules_decide_with_purge(live, expected):
    assert tags_differ(live, {}) is expected


VPC_CASES = [
    ("converged", [LIVE_VPC], True, True, False),
    ("missing", [], None, None, True),
    ("two matches (the module fails and says so)", [LIVE_VPC, changed(LIVE_VPC, vpc_id="vpc-2")], None, None, True),
    ("pending", [changed(LIVE_VPC, state="pending")], True, True, True),
    ("Name tag missing", [changed(LIVE_VPC, tags=TAGS)], True, True, True),
    ("extra tag", [changed(LIVE_VPC, tags=dict(LIVE_VPC["tags"], owner="x"))], True, True, True),
    ("aws: tag kept", [changed(LIVE_VPC, tags=dict(LIVE_VPC["tags"], **{"aws:x": "y"}))], True, True, False),
    ("tag value", [changed(LIVE_VPC, tags=dict(LIVE_VPC["tags"], **{"managed-by": "x"}))], True, True, True),
    (
        "CIDR disassociating",
        [
            changed(
                LIVE_VPC,
                cidr_block_association_set=[
                    {"cidr_block": "10.40.0.0/16", "cidr_block_state": {"state": "disassociating"}}
                ],
            )
        ],
        True,
        True,
        True,
    ),
    ("DNS support off", [LIVE_VPC], False, True, True),
    ("DNS hostnames off", [LIVE_VPC], True, False, True),
    ("DNS attributes not read", [LIVE_VPC], None, None, True),
]


@pytest.mark.parametrize(
    "live, support, hostnames, differs", [case[1:] for case in VPC_CASES], ids=[c[0] for c in VPC_CASES]
)
def test_vpc(live, support, hostnames, differs):
    assert unconverged_vpc(VPC, live, support, hostnames) == ([VPC] if differs else [])


IGW = {"vpc_id": "vpc-1", "tags": dict(TAGS, Name="demo-igw")}
LIVE_IGW = {
    "internet_gateway_id": "igw-1",
    "attachments": [{"state": "available", "vpc_id": "vpc-1"}],
    "tags": dict(TAGS, Name="demo-igw"),
}
IGW_CASES = [
    ("converged", [LIVE_IGW], False),
    ("missing", [], True),
    ("two", [LIVE_IGW, changed(LIVE_IGW, internet_gateway_id="igw-2")], True),
    ("detached", [changed(LIVE_IGW, attachments=[])], True),
    ("other VPC", [changed(LIVE_IGW, attachments=[{"vpc_id": "vpc-2"}])], True),
    ("tag removed", [changed(LIVE_IGW, tags=TAGS)], True),
    ("tag added", [changed(LIVE_IGW, tags=dict(LIVE_IGW["tags"], x="y"))], True),
]


@pytest.mark.parametrize("live, differs", [case[1:] for case in IGW_CASES], ids=[c[0] for c in IGW_CASES])
def test_internet_gateway(live, differs):
    assert unconverged_internet_gateway(IGW, live) == ([IGW] if differs else [])


NATS = nat_gateway_plan(["subnet-a", "subnet-b"], TAGS, "demo")
LIVE_NAT_A = {
    "nat_gateway_id": "nat-a",
    "subnet_id": "subnet-a",
    "state": "available",
    "tags": dict(TAGS, Name="demo-nat-0"),
}
LIVE_NAT_B = {
    "nat_gateway_id": "nat-b",
    "subnet_id": "subnet-b",
    "state": "pending",
    "tags": dict(TAGS, Name="demo-nat-1"),
}


def test_nat_gateway_plan_names_each_gateway_by_its_position():
    assert NATS == [
        {"subnet_id": "subnet-a", "tags": dict(TAGS, Name="demo-nat-0")},
        {"subnet_id": "subnet-b", "tags": dict(TAGS, Name="demo-nat-1")},
    ]


NAT_CASES = [
    ("converged (pending counts, as for the module)", [LIVE_NAT_A, LIVE_NAT_B], []),
    ("one missing", [LIVE_NAT_B], ["subnet-a"]),
    ("failed is not there", [changed(LIVE_NAT_A, state="failed"), LIVE_NAT_B], ["subnet-a"]),
    ("deleted is not there", [changed(LIVE_NAT_A, state="deleted"), LIVE_NAT_B], ["subnet-a"]),
    ("two in a subnet", [LIVE_NAT_A, changed(LIVE_NAT_A, nat_gateway_id="nat-c"), LIVE_NAT_B], ["subnet-a"]),
    ("retagged", [LIVE_NAT_A, changed(LIVE_NAT_B, tags=TAGS)], ["subnet-b"]),
    ("swapped names", [changed(LIVE_NAT_A, tags=LIVE_NAT_B["tags"]), LIVE_NAT_B], ["subnet-a"]),
    ("none", [], ["subnet-a", "subnet-b"]),
]


@pytest.mark.parametrize("live, pending", [case[1:] for case in NAT_CASES], ids=[c[0] for c in NAT_CASES])
def test_nat_gateways(live, pending):
    assert [item["subnet_id"] for item in unconverged_nat_gateways(NATS, live)] == pending


@pytest.mark.parametrize(
    "live, applied, expected",
    [
        ([LIVE_NAT_A, LIVE_NAT_B], [], ["nat-a", "nat-b"]),
        ([LIVE_NAT_B], [{"item": NATS[0], "nat_gateway_id": "nat-new"}], ["nat-new", "nat-b"]),
        # Check mode on a new subnet: the module knows no id, the slot stays in place (empty).
        ([LIVE_NAT_B], [{"item": NATS[0], "changed": True}], ["", "nat-b"]),
        ([changed(LIVE_NAT_A, state="deleted")], [], ["", ""]),
    ],
)
def test_nat_gateway_results_keep_the_plan_order(live, applied, expected):
    results = nat_gateway_results(NATS, live, applied)
    assert [r["nat_gateway_id"] for r in results] == expected
    assert [r["subnet_id"] for r in results] == ["subnet-a", "subnet-b"]


ROLE = "arn:aws:iam::123456789012:role/demo-flow-logs"
FLOW_LOG = {
    "resource_ids": ["vpc-1"],
    "traffic_type": "ALL",
    "log_destination_type": "cloud-watch-logs",
    "log_group_name": "/jenkins-ha/demo/flow-logs",
    "deliver_logs_permission_arn": ROLE,
    "tags": dict(TAGS, Name="demo-flow-log"),
}
LIVE_FLOW_LOG = {
    "flow_log_id": "fl-1",
    "resource_id": "vpc-1",
    "traffic_type": "ALL",
    "log_destination_type": "cloud-watch-logs",
    "log_group_name": "/jenkins-ha/demo/flow-logs",
    "log_destination": "arn:aws:logs:us-east-1:123456789012:log-group:/jenkins-ha/demo/flow-logs:*",
    "deliver_logs_permission_arn": ROLE,
    "log_format": "${version} ${account-id}",
    "max_aggregation_interval": 600,
    "flow_log_status": "ACTIVE",
    "tags": dict(TAGS, Name="demo-flow-log"),
}
FLOW_LOG_CASES = [
    ("converged (AWS's format and interval kept, as the module keeps them)", [LIVE_FLOW_LOG], False),
    ("missing", [], True),
    ("another VPC's only", [changed(LIVE_FLOW_LOG, resource_id="vpc-2")], True),
    ("to another log group only", [changed(LIVE_FLOW_LOG, log_group_name="/other")], True),
    ("duplicate (the module deletes it)", [LIVE_FLOW_LOG, changed(LIVE_FLOW_LOG, flow_log_id="fl-2")], True),
    ("traffic type (replaced)", [changed(LIVE_FLOW_LOG, traffic_type="REJECT")], True),
    ("role (replaced)", [changed(LIVE_FLOW_LOG, deliver_logs_permission_arn=ROLE + "x")], True),
    ("tag added", [changed(LIVE_FLOW_LOG, tags=dict(LIVE_FLOW_LOG["tags"], owner="x"))], True),
    ("aws: tag kept", [changed(LIVE_FLOW_LOG, tags=dict(LIVE_FLOW_LOG["tags"], **{"aws:x": "y"}))], False),
    ("Name tag gone", [changed(LIVE_FLOW_LOG, tags=TAGS)], True),
]


@pytest.mark.parametrize("live, differs", [c[1:] for c in FLOW_LOG_CASES], ids=[c[0] for c in FLOW_LOG_CASES])
def test_flow_logs(live, differs):
    assert unconverged_flow_logs(FLOW_LOG, live) == ([FLOW_LOG] if differs else [])


def test_a_given_log_format_is_compared():
    desired = dict(FLOW_LOG, log_format="${version}")
    assert unconverged_flow_logs(desired, [LIVE_FLOW_LOG]) == [desired]
    assert unconverged_flow_logs(dict(desired, log_format=LIVE_FLOW_LOG["log_format"]), [LIVE_FLOW_LOG]) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda: unconverged_vpc({"name": "x"}, []),
        lambda: unconverged_vpc(VPC, {}),
        lambda: unconverged_internet_gateway(IGW, [1]),
        lambda: unconverged_nat_gateways([{"subnet_id": "s"}], []),
        lambda: nat_gateway_plan("subnet-a", TAGS, "demo"),
        lambda: nat_gateway_plan(["subnet-a"], [], "demo"),
        lambda: nat_gateway_results(NATS, [], None),
        lambda: unconverged_flow_logs({"resource_ids": ["vpc-1"]}, []),
        lambda: unconverged_flow_logs(FLOW_LOG, {}),
    ],
)
def test_bad_input_fails_clearly(call):
    with pytest.raises(AnsibleFilterError):
        call()
