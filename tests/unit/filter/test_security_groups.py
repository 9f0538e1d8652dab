"""security_groups, security_group_rules, security_group_ids: the stack's groups, their rules and ids, bad input.

The expected rules are those playbooks/templates/security_group_rules.j2 rendered before the filters computed them
(compared for these inputs when the logic moved); the unconverged_security_groups filter models every rule, so a
converged rerun finds nothing to do.
"""

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.security_groups import (
    NODE_EXPORTER_PORT,
    FilterModule,
    security_group_ids,
    security_group_rules,
    security_groups,
)
from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged import _desired_permissions

ROOT = Path(__file__).resolve().parents[3]
NAMES = {"sg_alb": "demo-alb", "sg_controller": "demo-controller", "sg_agent": "demo-agent", "sg_efs": "demo-efs"}
TAGS = {"jenkins-ha:stack": "demo"}
IDS = {"alb": "sg-a", "controller": "sg-c", "agent": "sg-g", "efs": "sg-e"}
VPC = "10.40.0.0/16"
WORLD = "0.0.0.0/0"
INTERNET = {"proto": "all", "cidr_ip": WORLD, "rule_desc": "Internet and AWS APIs through the NAT gateway"}


def tcp(port, source, description):
    rule = {"proto": "tcp", "ports": [port], "rule_desc": description}
    rule.update({"cidr_ip": source} if isinstance(source, list) else {"group_id": source})
    return rule


def listeners(cidrs):
    return [tcp(443, cidrs, "HTTPS listener"), tcp(80, cidrs, "HTTP listener (redirects to HTTPS)")]


UI = tcp(8080, "sg-a", "Jenkins UI from the load balancer")
LAUNCHER = tcp(22, "sg-c", "SSH launcher of the controller")


def test_the_groups_of_a_stack():
    assert security_groups(NAMES, "demo", TAGS) == [
        {"key": "alb", "name": "demo-alb", "description": "jenkins_ha demo: load balancer",
         "tags": {"jenkins-ha:stack": "demo", "Name": "demo-alb"}},
        {"key": "controller", "name": "demo-controller", "description": "jenkins_ha demo: Jenkins controller",
         "tags": {"jenkins-ha:stack": "demo", "Name": "demo-controller"}},
        {"key": "agent", "name": "demo-agent", "description": "jenkins_ha demo: Jenkins agents",
         "tags": {"jenkins-ha:stack": "demo", "Name": "demo-agent"}},
        {"key": "efs", "name": "demo-efs", "description": "jenkins_ha demo: EFS mount targets",
         "tags": {"jenkins-ha:stack": "demo", "Name": "demo-efs"}},
    ]  # fmt: skip


# (case, settings, expected {key: (rules, rules_egress)} of the four groups)
RULE_CASES = [
    (
        "defaults: listeners open to the world, SSH-launched agents, no admin networks, no scraper",
        {"alb_ingress_cidrs": [WORLD]},
        {
            "alb": (listeners([WORLD]), [tcp(8080, "sg-c", "Jenkins controller")]),
            "controller": ([UI], [INTERNET]),
            "agent": ([LAUNCHER], [INTERNET]),
            "efs": ([tcp(2049, "sg-c", "NFS from the controller (JENKINS_HOME)")], []),
        },
    ),
    (
        "an internal load balancer takes the VPC CIDR for the world, inbound agents, admin SSH, both scrapers",
        {
            "alb_ingress_cidrs": [WORLD],
            "alb_internal": True,
            "admin_cidrs": ["192.0.2.0/24"],
            "agent_jnlp_port": 50000,
            "scraper_cidrs": ["10.9.0.0/16"],
            "scraper_group_id": "sg-s",
        },
        {
            "alb": (listeners([VPC]), [tcp(8080, "sg-c", "Jenkins controller")]),
            "controller": (
                [
                    UI,
                    tcp(50000, "sg-g", "Inbound agents (TCP agent port)"),
                    tcp(8080, "sg-g", "Inbound agents (handshake, WebSocket)"),
                    tcp(22, ["192.0.2.0/24"], "SSH from admin networks"),
                    tcp(9100, ["10.9.0.0/16"], "Node exporter from the metrics scraper networks"),
                    tcp(9100, "sg-s", "Node exporter from the metrics scraper group"),
                    tcp(8080, ["10.9.0.0/16"], "Jenkins metrics from the metrics scraper networks"),
                    tcp(8080, "sg-s", "Jenkins metrics from the metrics scraper group"),
                ],
                [INTERNET],
            ),
            "agent": (
                [
                    LAUNCHER,
                    tcp(22, ["192.0.2.0/24"], "SSH from admin networks"),
                    tcp(9100, ["10.9.0.0/16"], "Node exporter from the metrics scraper networks"),
                    tcp(9100, "sg-s", "Node exporter from the metrics scraper group"),
                ],
                [INTERNET],
            ),
            "efs": ([tcp(2049, "sg-c", "NFS from the controller (JENKINS_HOME)")], []),
        },
    ),
    (
        "an internal load balancer keeps the networks given besides the world; no agent port (None) opens nothing",
        {"alb_ingress_cidrs": [WORLD, "172.16.0.0/12"], "alb_internal": True, "agent_jnlp_port": None},
        {
            "alb": (listeners(["172.16.0.0/12"]), [tcp(8080, "sg-c", "Jenkins controller")]),
            "controller": ([UI], [INTERNET]),
            "agent": ([LAUNCHER], [INTERNET]),
            "efs": ([tcp(2049, "sg-c", "NFS from the controller (JENKINS_HOME)")], []),
        },
    ),
    (
        "scraper networks only: node exporter on both instance groups, the Jenkins port on the controller alone",
        {"alb_ingress_cidrs": [WORLD], "scraper_cidrs": ["10.9.0.0/16", "192.0.2.7/32"]},
        {
            "alb": (listeners([WORLD]), [tcp(8080, "sg-c", "Jenkins controller")]),
            "controller": (
                [
                    UI,
                    tcp(9100, ["10.9.0.0/16", "192.0.2.7/32"], "Node exporter from the metrics scraper networks"),
                    tcp(8080, ["10.9.0.0/16", "192.0.2.7/32"], "Jenkins metrics from the metrics scraper networks"),
                ],
                [INTERNET],
            ),
            "agent": (
                [
                    LAUNCHER,
                    tcp(9100, ["10.9.0.0/16", "192.0.2.7/32"], "Node exporter from the metrics scraper networks"),
                ],
                [INTERNET],
            ),
            "efs": ([tcp(2049, "sg-c", "NFS from the controller (JENKINS_HOME)")], []),
        },
    ),
    (
        "a public load balancer keeps its CIDRs as given",
        {"alb_ingress_cidrs": ["198.51.100.0/24"], "scraper_group_id": "sg-s", "jenkins_port": "8443"},
        {
            "alb": (listeners(["198.51.100.0/24"]), [tcp(8443, "sg-c", "Jenkins controller")]),
            "controller": (
                [
                    tcp(8443, "sg-a", "Jenkins UI from the load balancer"),
                    tcp(9100, "sg-s", "Node exporter from the metrics scraper group"),
                    tcp(8443, "sg-s", "Jenkins metrics from the metrics scraper group"),
                ],
                [INTERNET],
            ),
            "agent": ([LAUNCHER, tcp(9100, "sg-s", "Node exporter from the metrics scraper group")], [INTERNET]),
            "efs": ([tcp(2049, "sg-c", "NFS from the controller (JENKINS_HOME)")], []),
        },
    ),
]


@pytest.mark.parametrize("settings, expected", [c[1:] for c in RULE_CASES], ids=[c[0] for c in RULE_CASES])
def test_rules(settings, expected):
    arguments = dict({"jenkins_port": 8080, "vpc_cidr": VPC}, **settings)
    planned = security_group_rules(security_groups(NAMES, "demo", TAGS), IDS, **arguments)
    by_key = {group.get("key", group["name"]): group for group in planned}
    assert [group["name"] for group in planned] == ["demo-alb", "demo-controller", "demo-agent", "demo-efs", "default"]
    assert {key: (by_key[key]["rules"], by_key[key]["rules_egress"]) for key in expected} == expected
    assert by_key["default"] == {
        "name": "default",
        "description": "default VPC security group",
        "rules": [],
        "rules_egress": [],
    }
    assert by_key["controller"]["tags"] == {"jenkins-ha:stack": "demo", "Name": "demo-controller"}
    # Every rule is one unconverged_security_groups models: a converged group is recognised as such.
    for group in planned:
        for rule in group["rules"] + group["rules_egress"]:
            assert all(p[3] != "unmodelled" for p in _desired_permissions([rule])), rule


@pytest.mark.parametrize(
    "ids",
    [{}, dict(IDS, efs=""), {k: v for k, v in IDS.items() if k != "agent"}],
    ids=["none yet (check mode on an empty account)", "one empty", "one missing"],
)
def test_no_rules_until_every_group_exists(ids):
    assert security_group_rules(security_groups(NAMES, "demo"), ids, jenkins_port=8080, vpc_cidr=VPC) == []


# (case, groups, described, created, expected)
ID_CASES = [
    ("nothing exists yet", [], [], {"alb": "", "controller": "", "agent": "", "efs": ""}),
    (
        "described, others' groups and the default ignored",
        [
            {"group_name": "demo-alb", "group_id": "sg-a"},
            {"group_name": "default", "group_id": "sg-d"},
            {"group_name": "other-alb", "group_id": "sg-x"},
        ],
        [],
        {"alb": "sg-a", "controller": "", "agent": "", "efs": ""},
    ),
    (
        "created by the loop; a skipped item or one created in check mode (no id) leaves ''",
        [{"group_name": "demo-alb", "group_id": "sg-a"}],
        [
            {"item": {"name": "demo-controller"}, "group_id": "sg-c"},
            {"item": {"name": "demo-agent"}, "skipped": True},
            {"item": {"name": "demo-efs"}, "changed": True},
        ],
        {"alb": "sg-a", "controller": "sg-c", "agent": "", "efs": ""},
    ),
]


@pytest.mark.parametrize("described, created, expected", [c[1:] for c in ID_CASES], ids=[c[0] for c in ID_CASES])
def test_ids(described, created, expected):
    assert security_group_ids(security_groups(NAMES, "demo"), described, created) == expected


# (case, call, message)
BAD_CASES = [
    ("names not a dict", lambda: security_groups(["demo-alb"], "demo"), "must be the stack's names"),
    ("a name missing", lambda: security_groups({"sg_alb": "a"}, "demo"), "lacks sg_controller, sg_agent, sg_efs"),
    ("tags not a dict", lambda: security_groups(NAMES, "demo", ["x"]), "tags must be a dict"),
    (
        "rules of something else",
        lambda: security_group_rules([{"name": "x"}], IDS, jenkins_port=8080, vpc_cidr=VPC),
        "must be what security_groups returns",
    ),
    (
        "ids not a dict",
        lambda: security_group_rules(security_groups(NAMES, "demo"), "sg-a", jenkins_port=8080, vpc_cidr=VPC),
        "group_ids must be a dict",
    ),
    (
        "a CIDR list that is a string",
        lambda: security_group_rules(
            security_groups(NAMES, "demo"), IDS, jenkins_port=8080, vpc_cidr=VPC, admin_cidrs="192.0.2.0/24"
        ),
        "admin_cidrs must be a list of strings",
    ),
    ("described not a list", lambda: security_group_ids(security_groups(NAMES, "demo"), {}), "described must be"),
    (
        "created not a list of dicts",
        lambda: security_group_ids(security_groups(NAMES, "demo"), [], ["sg-a"]),
        "created must be a list of dicts",
    ),
    (
        "groups of mixed kinds",
        lambda: security_group_rules([{"key": "alb"}, {}, None], IDS, jenkins_port=8080, vpc_cidr=VPC),
        "must be what security_groups returns",
    ),
    (
        "a port that is not a number",
        lambda: security_group_rules(security_groups(NAMES, "demo"), IDS, jenkins_port="http", vpc_cidr=VPC),
        "jenkins_port must be a port number, got 'http'",
    ),
    (
        "an agent port that is not a number",
        lambda: security_group_rules(
            security_groups(NAMES, "demo"), IDS, jenkins_port=8080, vpc_cidr=VPC, agent_jnlp_port=[50000]
        ),
        "agent_jnlp_port must be a port number",
    ),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_a_clear_error(call, message):
    with pytest.raises(AnsibleFilterError, match=message):
        call()


def test_node_exporter_port_is_the_roles():
    defaults = yaml.safe_load((ROOT / "roles/node_exporter/defaults/main.yml").read_text())
    assert NODE_EXPORTER_PORT == defaults["node_exporter_port"]


def test_registered_and_documented():
    filters = FilterModule().filters()
    assert set(filters) == {"security_groups", "security_group_rules", "security_group_ids"}
    for name in filters:
        doc = yaml.safe_load((ROOT / "plugins/filter" / (name + ".yml")).read_text())
        assert doc["DOCUMENTATION"]["name"] == name
