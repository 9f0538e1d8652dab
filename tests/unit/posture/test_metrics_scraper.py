"""Rule security_group_findings for the metrics scraper (issue 19): TCP 9100 (node exporter) on the controller and agent
groups and the controller's Jenkins port (Jenkins' metrics endpoint) exactly from the stack's scraper networks / group
(jenkins_ha_metrics_scraper_*), never from elsewhere, and nothing without a scraper. One row per case: (what the stack
asked, the rules the groups have, the findings expected)."""

import pytest

from tests.unit.posture.stack import check, good_state, sg, sg_rule

SCRAPER = {"metrics_scraper_cidrs": ("10.99.0.0/24",), "metrics_scraper_security_group_id": "sg-prom"}
BOTH_SOURCES = [sg_rule(9100, "10.99.0.0/24"), sg_rule(9100, "sg-prom")]


def _scraper_rules(expect, port):
    """The rules network.yml sets for the scraper on ``port``."""
    sources = list(expect.get("metrics_scraper_cidrs", ())) + [expect.get("metrics_scraper_security_group_id", "")]
    return [sg_rule(port, source) for source in sources if source]


def _with_9100(state, rules, controller_jenkins=()):
    for name in ("demo-controller", "demo-agent"):
        sg(state, name)["IpPermissions"] = sg(state, name)["IpPermissions"] + rules
    sg(state, "demo-controller")["IpPermissions"] += list(controller_jenkins)
    return state


def _findings(expect, rules, controller_jenkins=None):
    # The node exporter rows: the controller admits the scraper on the Jenkins port as network.yml sets it.
    jenkins = _scraper_rules(expect, 8080) if controller_jenkins is None else controller_jenkins
    state = _with_9100(good_state(), rules, jenkins)
    return [f for f in check(state, **expect) if "(demo-controller)" in f or "(demo-agent)" in f]


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


# (what the stack asked, the controller's Jenkins-port rules besides the load balancer's, the findings expected)
JENKINS_CASES = [
    ({}, [], []),
    (SCRAPER, [sg_rule(8080, "10.99.0.0/24"), sg_rule(8080, "sg-prom")], []),
    # the Jenkins port opened to a scraper the stack does not have
    (
        {},
        [sg_rule(8080, "10.99.0.0/24")],
        [
            "security group sg-ctl (demo-controller): ingress rule not in the least-privilege design: ingress tcp 8080-8080 10.99.0.0/24"
        ],
    ),
    # the scraper admitted to node exporter but not to Jenkins: the Jenkins job would see the controller down
    (
        SCRAPER,
        [sg_rule(8080, "sg-prom")],
        ["security group sg-ctl (demo-controller): Jenkins metrics not open to the metrics scraper 10.99.0.0/24"],
    ),
    # the Jenkins port to the VPC instead of the scraper
    (
        {"metrics_scraper_security_group_id": "sg-prom"},
        [sg_rule(8080, "10.40.0.0/16")],
        [
            "security group sg-ctl (demo-controller): Jenkins metrics not open to the metrics scraper sg-prom",
            "security group sg-ctl (demo-controller): ingress rule not in the least-privilege design: ingress tcp 8080-8080 10.40.0.0/16",
        ],
    ),
]


@pytest.mark.parametrize("expect,rules,expected", JENKINS_CASES)
def test_the_jenkins_port_reaches_the_scraper_only(expect, rules, expected):
    node_exporter = _scraper_rules(expect, 9100)
    assert sorted(_findings(expect, node_exporter, controller_jenkins=rules)) == sorted(expected)
