"""Rule zone_outage_findings (issue 20 item 8): every boot-path API (ssm, ec2, autoscaling) reachable from every
private subnet without another zone, through interface endpoints with private DNS or a NAT gateway per zone; and the
endpoints' security group in the least-privilege design."""

import pytest

from tests.integration.posture.rules.network import BOOT_PATH_SERVICES
from tests.unit.posture.stack import check, endpoint, good_state, sg, sg_rule


def zone_findings(state):
    return [f for f in check(state) if "zone" in f or "endpoint" in f or "private DNS" in f]


def per_az_nat(state, routed=("nat-a", "nat-b")):
    state.nat_gateways = [
        {"NatGatewayId": "nat-a", "SubnetId": "subnet-pub1", "State": "available"},
        {"NatGatewayId": "nat-b", "SubnetId": "subnet-pub2", "State": "available"},
    ]
    state.route_tables = [
        {
            "Associations": [{"SubnetId": subnet}],
            "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat}],
        }
        for subnet, nat in zip(("subnet-prv1", "subnet-prv2"), routed)
    ]
    return state


def test_endpoints_with_one_nat_gateway_pass():
    assert check(good_state()) == []


def test_one_nat_gateway_and_no_endpoints_is_flagged_for_each_boot_service():
    state = good_state()
    state.vpc_endpoints = []
    findings = zone_findings(state)
    assert len(findings) == len(BOOT_PATH_SERVICES)
    for service in BOOT_PATH_SERVICES:
        assert any(f.startswith("vpc vpc-1: {0} only through NAT gateways".format(service)) for f in findings)
    # The subnet of the other zone is named: the one a zone outage of nat-1's zone cuts off.
    assert all("subnet-prv2" in f and "subnet-prv1" not in f for f in findings)


def test_a_nat_gateway_per_zone_needs_no_endpoints():
    state = per_az_nat(good_state())
    state.vpc_endpoints = []
    assert check(state) == []


def test_two_nat_gateways_with_both_subnets_routed_through_one_are_flagged():
    state = per_az_nat(good_state(), routed=("nat-a", "nat-a"))
    state.vpc_endpoints = []
    assert len(zone_findings(state)) == len(BOOT_PATH_SERVICES)


def test_a_nat_gateway_that_is_not_available_does_not_count():
    state = per_az_nat(good_state())
    state.nat_gateways[1]["State"] = "deleted"
    state.vpc_endpoints = []
    assert len(zone_findings(state)) == len(BOOT_PATH_SERVICES)


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda e: e.__setitem__("PrivateDnsEnabled", False), "vpc vpc-1: ssm endpoint vpce-ssm without private DNS"),
        (
            lambda e: e.__setitem__("SubnetIds", ["subnet-prv1"]),
            "vpc vpc-1: ssm endpoint vpce-ssm not in zone(s) us-east-1b",
        ),
        (lambda e: e.__setitem__("State", "pending"), "vpc vpc-1: ssm only through NAT gateways"),
        (lambda e: e.__setitem__("VpcEndpointType", "Gateway"), "vpc vpc-1: ssm only through NAT gateways"),
    ],
    ids=["no private DNS", "one zone only", "not available", "not an interface endpoint"],
)
def test_an_endpoint_that_does_not_serve_every_zone_is_flagged(change, expected):
    state = good_state()
    change(next(e for e in state.vpc_endpoints if e["ServiceName"].endswith(".ssm")))
    findings = zone_findings(state)
    assert len(findings) == 1 and findings[0].startswith(expected), findings


def test_an_endpoint_for_a_missing_service_is_flagged():
    state = good_state()
    state.vpc_endpoints = [endpoint("ssm"), endpoint("ec2")]
    findings = zone_findings(state)
    assert len(findings) == 1 and findings[0].startswith("vpc vpc-1: autoscaling only through NAT gateways")


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda g: g["IpPermissions"].append(sg_rule(443, "10.0.0.0/8")),
            "ingress rule not in the least-privilege design: ingress tcp 443-443 10.0.0.0/8",
        ),
        (
            lambda g: g["IpPermissions"].append(sg_rule(443, "sg-alb")),
            "ingress rule not in the least-privilege design: ingress tcp 443-443 sg-alb",
        ),
        (
            lambda g: g["IpPermissionsEgress"].append(sg_rule(443, "0.0.0.0/0")),
            "egress rule not in the least-privilege design",
        ),
    ],
    ids=["a CIDR", "the load balancer", "egress"],
)
def test_the_endpoints_group_allows_https_from_the_instances_only(change, expected):
    state = good_state()
    change(sg(state, "demo-endpoints"))
    findings = check(state)
    assert len(findings) == 1 and "sg-vpce (demo-endpoints)" in findings[0] and expected in findings[0], findings
