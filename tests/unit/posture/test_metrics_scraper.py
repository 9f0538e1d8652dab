"""Rule security_group_findings for node exporter (issue 19): TCP 9100 on the controller and agent groups exactly from
the stack's scraper networks / group (jenkins_ha_metrics_scraper_*), never from elsewhere, and nothing without a
scraper. One row per case: (what the stack asked, the 9100 rules each instance group has, the findings expected)."""

import pytest

from tests.unit.posture.stack import check, good_state, sg, sg_rule

SCRAPER = {"metrics_scraper_cidrs": ("10.99.0.0/24",), "metrics_scraper_security_group_id": "sg-prom"}
BOTH_SOURCES = [sg_rule(9100, "10.99.0.0/24"), sg_rule(9100, "sg-prom")]


def _with_9100(state, rules):
    for name in ("demo-controller", "demo-agent"):
        sg(state, name)["IpPermissions"] = sg(state, name)["IpPermissions"] + rules
    return state


def _findings(expect, rules):
    return [
        f for f in check(_with_9100(good_state(), rules), **expect) if "(demo-controller)" in f or "(demo-agent)" in f
    ]


CASES = [
    # no scraper, no port
    ({}, [], []),
    # the scraper's networks and group, on both groups
    (SCRAPER, BOTH_SOURCES, []),
    (
        {"metrics_scraper_cidrs": ("10.99.0.0/24", "192.0.2.7/32")},
        [sg_rule(9100, "10.99.0.0/24"), sg_rule(9100, "192.0.2.7/32")],
        [],
    ),
    # a port opened without a scraper
    (
        {},
        [sg_rule(9100, "10.99.0.0/24")],
        [
            "security group sg-ctl (demo-controller): ingress rule not in the least-privilege design: ingress tcp 9100-9100 10.99.0.0/24",
            "security group sg-agt (demo-agent): ingress rule not in the least-privilege design: ingress tcp 9100-9100 10.99.0.0/24",
        ],
    ),
    # a source that is not the scraper (the VPC, the world)
    (
        SCRAPER,
        BOTH_SOURCES + [sg_rule(9100, "10.40.0.0/16")],
        [
            "security group sg-ctl (demo-controller): ingress rule not in the least-privilege design: ingress tcp 9100-9100 10.40.0.0/16",
            "security group sg-agt (demo-agent): ingress rule not in the least-privilege design: ingress tcp 9100-9100 10.40.0.0/16",
        ],
    ),
    (
        SCRAPER,
        BOTH_SOURCES + [sg_rule(9100, "0.0.0.0/0")],
        [
            "security group sg-ctl (demo-controller): ingress open to the world: ingress tcp 9100-9100 0.0.0.0/0",
            "security group sg-ctl (demo-controller): ingress rule not in the least-privilege design: ingress tcp 9100-9100 0.0.0.0/0",
            "security group sg-agt (demo-agent): ingress open to the world: ingress tcp 9100-9100 0.0.0.0/0",
            "security group sg-agt (demo-agent): ingress rule not in the least-privilege design: ingress tcp 9100-9100 0.0.0.0/0",
        ],
    ),
    # the scraper's group admitted on the wrong port
    (
        {"metrics_scraper_security_group_id": "sg-prom"},
        [sg_rule(9101, "sg-prom")],
        [
            "security group sg-ctl (demo-controller): node exporter not open to the metrics scraper sg-prom",
            "security group sg-agt (demo-agent): node exporter not open to the metrics scraper sg-prom",
            "security group sg-ctl (demo-controller): ingress rule not in the least-privilege design: ingress tcp 9101-9101 sg-prom",
            "security group sg-agt (demo-agent): ingress rule not in the least-privilege design: ingress tcp 9101-9101 sg-prom",
        ],
    ),
    # a scraper the groups do not admit: Prometheus would report every instance down
    (
        SCRAPER,
        [sg_rule(9100, "sg-prom")],
        [
            "security group sg-ctl (demo-controller): node exporter not open to the metrics scraper 10.99.0.0/24",
            "security group sg-agt (demo-agent): node exporter not open to the metrics scraper 10.99.0.0/24",
        ],
    ),
]


@pytest.mark.parametrize("expect,rules,expected", CASES)
def test_node_exporter_reaches_the_scraper_only(expect, rules, expected):
    assert sorted(_findings(expect, rules)) == sorted(expected)


def test_the_expectations_read_the_scraper_from_the_stack_variables():
    from tests.integration.posture import Expectations

    expect = Expectations.from_stack_vars(
        {
            "jenkins_ha_metrics_scraper_cidrs": ["10.99.0.0/24"],
            "jenkins_ha_metrics_scraper_security_group_id": "sg-prom",
        }
    )
    assert expect.metrics_scraper_cidrs == ("10.99.0.0/24",)
    assert expect.metrics_scraper_security_group_id == "sg-prom"
    assert Expectations.from_stack_vars({}).metrics_scraper_cidrs == ()
