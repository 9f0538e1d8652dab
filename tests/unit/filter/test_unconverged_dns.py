"""route53_record_zones, unconverged_route53_records: the zone as the module finds it, a converged alias record needs
no module run, any difference the module sees (it compares the record set key for key) keeps it."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_dns import (
    FilterModule,
    route53_record_zones,
    unconverged_private_zone,
    unconverged_route53_records,
)

ZONES = [
    {"id": "/hostedzone/Z1", "name": "demo.jenkins-ha.example.", "config": {"private_zone": False}},
    {"id": "/hostedzone/Z2", "name": "demo.jenkins-ha.example.", "config": {"private_zone": True}},
    {"id": "/hostedzone/Z3", "name": "internal.example.", "config": {"private_zone": True}},
]
PLAN = [
    {"zone": "demo.jenkins-ha.example", "private": False, "record": "Jenkins.demo.jenkins-ha.example"},
    {"zone": "internal.example", "private": True, "record": "jenkins.internal.example"},
]
ALIAS = {
    "type": "A",
    "alias_hosted_zone_id": "ZALB",
    "value": "demo-alb-1.us-east-1.elb.amazonaws.com",
    "alias_evaluate_target_health": True,
}
RECORD = dict(PLAN[0], zone_id="Z1", **ALIAS)
LIVE = {
    "name": "jenkins.demo.jenkins-ha.example.",
    "type": "A",
    "alias_target": {"hosted_zone_id": "ZALB", "dns_name": ALIAS["value"], "evaluate_target_health": True},
}
OTHER = {"name": "demo.jenkins-ha.example.", "type": "NS", "ttl": 172800, "resource_records": [{"value": "ns-1."}]}


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "route53_record_zones",
        "unconverged_route53_records",
        "unconverged_private_zone",
    }


@pytest.mark.parametrize(
    "plan, zones, expected",
    [
        (PLAN, ZONES, ["Z1", "Z3"]),
        ([dict(PLAN[0], private=True)], ZONES, ["Z2"]),
        ([dict(PLAN[0], zone="demo.jenkins-ha.example.")], ZONES, ["Z1"]),
        (PLAN, ZONES[:1], ["Z1", ""]),
        (PLAN, [], ["", ""]),
    ],
)
def test_zones_are_found_by_name_and_privacy(plan, zones, expected):
    records = route53_record_zones(plan, zones)
    assert [r["zone_id"] for r in records] == expected
    assert [r["record"] for r in records] == [p["record"] for p in plan]


CASES = [
    ("converged (record name in any case)", {"Z1": [OTHER, LIVE]}, False),
    ("missing", {"Z1": [OTHER]}, True),
    ("zone not read", {}, True),
    ("other target", {"Z1": [dict(LIVE, alias_target=dict(LIVE["alias_target"], dns_name="other."))]}, True),
    (
        "other zone of the target",
        {"Z1": [dict(LIVE, alias_target=dict(LIVE["alias_target"], hosted_zone_id="Z"))]},
        True,
    ),
    (
        "health not evaluated",
        {"Z1": [dict(LIVE, alias_target=dict(LIVE["alias_target"], evaluate_target_health=False))]},
        True,
    ),
    ("a plain record of the name", {"Z1": [dict(OTHER, name=LIVE["name"], type="A")]}, True),
    ("an extra key (set identifier)", {"Z1": [dict(LIVE, set_identifier="x", weight=1)]}, True),
    (
        "name in another case on AWS (the module compares it as read)",
        {"Z1": [dict(LIVE, name=LIVE["name"].upper())]},
        True,
    ),
]


@pytest.mark.parametrize("record_sets, differs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_records(record_sets, differs):
    assert unconverged_route53_records([RECORD], record_sets) == ([RECORD] if differs else [])


def test_a_record_without_zone_reaches_the_module():
    record = dict(RECORD, zone_id="")
    assert unconverged_route53_records([record], {"": [LIVE]}) == [record]


@pytest.mark.parametrize(
    "call",
    [
        lambda: route53_record_zones(PLAN[0], ZONES),
        lambda: route53_record_zones([{"zone": "x"}], ZONES),
        lambda: unconverged_route53_records(RECORD, {}),
        lambda: unconverged_route53_records([PLAN[0]], {}),
        lambda: unconverged_route53_records([RECORD], []),
    ],
)
def test_bad_input_fails_clearly(call):
    with pytest.raises(AnsibleFilterError):
        call()


PRIVATE = {
    "zone": "internal.example",
    "vpc_id": "vpc-1",
    "vpc_region": "us-east-1",
    "comment": "jenkins_ha demo: internal names",
    "tags": {"jenkins-ha:stack": "demo"},
}
DETAIL = {
    "hosted_zone": {"id": "/hostedzone/Z3", "name": "internal.example.", "config": {"comment": PRIVATE["comment"]}},
    "vpcs": [{"vpc_id": "vpc-1", "vpc_region": "us-east-1"}],
    "tags": {"jenkins-ha:stack": "demo"},
}
OTHER_VPC = dict(DETAIL, vpcs=[{"vpc_id": "vpc-2", "vpc_region": "us-east-1"}])
ZONE_4 = {"id": "/hostedzone/Z4", "name": "internal.example.", "config": {"private_zone": True}}
PRIVATE_CASES = [
    ("converged", ZONES, {"Z3": DETAIL}, False),
    ("converged, another VPC's zone of the name first", [ZONE_4] + ZONES, {"Z4": OTHER_VPC, "Z3": DETAIL}, False),
    ("missing", ZONES[:2], {}, True),
    ("only another VPC's zone", ZONES, {"Z3": OTHER_VPC}, True),
    ("also another VPC", ZONES, {"Z3": dict(DETAIL, vpcs=DETAIL["vpcs"] + OTHER_VPC["vpcs"])}, True),
    ("details not read", ZONES, {}, True),
    ("comment", ZONES, {"Z3": dict(DETAIL, hosted_zone={"config": {"comment": "x"}})}, True),
    ("tags not read", ZONES, {"Z3": {k: v for k, v in DETAIL.items() if k != "tags"}}, True),
    ("tag added", ZONES, {"Z3": dict(DETAIL, tags={"jenkins-ha:stack": "demo", "x": "y"})}, True),
    ("a public zone of the name only", [dict(ZONE_4, config={"private_zone": False})], {"Z4": DETAIL}, True),
]


@pytest.mark.parametrize("zones, details, differs", [c[1:] for c in PRIVATE_CASES], ids=[c[0] for c in PRIVATE_CASES])
def test_private_zone(zones, details, differs):
    assert unconverged_private_zone(PRIVATE, zones, details) == ([PRIVATE] if differs else [])


@pytest.mark.parametrize(
    "call",
    [
        lambda: unconverged_private_zone({"zone": "x"}, ZONES, {}),
        lambda: unconverged_private_zone(PRIVATE, {}, {}),
        lambda: unconverged_private_zone(PRIVATE, ZONES, []),
    ],
)
def test_private_zone_bad_input_fails_clearly(call):
    with pytest.raises(AnsibleFilterError):
        call()
