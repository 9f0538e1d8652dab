"""Rule network_acl_findings (issue 20 item 13, `make audit`'s ec2_networkacl_* checks): the stack's subnets use the
stack's own ACLs, no ACL of the VPC lets the internet reach TCP 22, 3389 or every port, the default ACL allows
nothing. The good state holds the ACLs network.yml makes (network_acl_plan's output in DescribeNetworkAcls' shape)."""

import copy

import pytest

from ansible_collections.jenkins_ha.aws.plugins.filter.network_acls import network_acl_plan
from tests.integration.posture.rules.network_acls import network_acl_findings, open_to_internet
from tests.unit.posture.stack import check, good_state

NUMBERS = {"all": "-1", "tcp": "6", "udp": "17", "icmp": "1"}
STAR = [
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0", "Egress": e}
    for e in (False, True)
]


def _entries(acl):
    entries = []
    for egress, rules in ((False, acl["ingress"]), (True, acl["egress"])):
        for rule in rules:
            entry = {"RuleNumber": rule[0], "Protocol": NUMBERS[rule[1]], "RuleAction": rule[2], "CidrBlock": rule[3]}
            entry["Egress"] = egress
            if rule[1] in ("tcp", "udp"):
                entry["PortRange"] = {"From": rule[6], "To": rule[7]}
            entries.append(entry)
    return entries + copy.deepcopy(STAR)


def with_acls(state):
    plan = network_acl_plan({"public": "demo-public-acl", "private": "demo-private-acl"}, "10.40.0.0/16", ["0.0.0.0/0"])
    subnets = {"public": state.public_subnets, "private": state.private_subnets}
    state.network_acls = [
        {
            "NetworkAclId": "acl-{0}".format(acl["tier"]),
            "IsDefault": False,
            "Entries": _entries(acl),
            "Associations": [{"SubnetId": s} for s in subnets[acl["tier"]]],
            "Tags": [{"Key": "Name", "Value": acl["name"]}, {"Key": "jenkins-ha:stack", "Value": state.stack}],
        }
        for acl in plan
    ] + [
        {
            "NetworkAclId": "acl-default",
            "IsDefault": True,
            "Entries": copy.deepcopy(STAR),
            "Associations": [],
            "Tags": [],
        }
    ]
    return state


def test_the_acls_network_yml_makes_pass():
    state = with_acls(good_state())
    assert network_acl_findings(state) == []
    assert check(state) == []


def test_no_acl_data_is_no_verdict():
    assert network_acl_findings(good_state()) == []


def _open_ssh(state):
    state.network_acls[0]["Entries"].append(
        {
            "RuleNumber": 90,
            "Protocol": "6",
            "RuleAction": "allow",
            "CidrBlock": "0.0.0.0/0",
            "Egress": False,
            "PortRange": {"From": 22, "To": 22},
        }
    )


def _drop_rdp_deny(state):
    state.network_acls[1]["Entries"] = [e for e in state.network_acls[1]["Entries"] if e["RuleNumber"] != 201]


def _stock_default(state):
    state.network_acls[2]["Entries"] += [
        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "Egress": e}
        for e in (False, True)
    ]


def _ipv6_everything(state):
    state.network_acls[1]["Entries"].append(
        {"RuleNumber": 50, "Protocol": "-1", "RuleAction": "allow", "Ipv6CidrBlock": "::/0", "Egress": False}
    )


def _subnet_on_default(state):
    moved = state.network_acls[1]["Associations"].pop()
    state.network_acls[2]["Associations"].append(moved)


def _foreign_acl(state):
    state.network_acls[0]["Tags"] = [{"Key": "Name", "Value": "someone-else"}]


BAD = [
    (_open_ssh, ["network ACL demo-public-acl: TCP 22 open to the internet"]),
    (_drop_rdp_deny, ["network ACL demo-private-acl: TCP 3389 open to the internet"]),
    (
        _stock_default,
        [
            "network ACL default: TCP 22 open to the internet",
            "network ACL default: TCP 3389 open to the internet",
            "network ACL default: every port open to the internet",
            "network ACL default: the VPC's default ACL allows traffic (it should allow nothing)",
        ],
    ),
    (
        _ipv6_everything,
        [
            "network ACL demo-private-acl: TCP 22 open to the internet",
            "network ACL demo-private-acl: TCP 3389 open to the internet",
            "network ACL demo-private-acl: every port open to the internet",
        ],
    ),
    (_subnet_on_default, ["subnet subnet-prv2: uses the VPC's default network ACL, not one of the stack's"]),
    (
        _foreign_acl,
        [
            "subnet subnet-pub1: network ACL someone-else is not the stack's",
            "subnet subnet-pub2: network ACL someone-else is not the stack's",
        ],
    ),
]


@pytest.mark.parametrize("spoil, expected", BAD, ids=[spoil.__name__ for spoil, _e in BAD])
def test_each_bad_acl_is_flagged(spoil, expected):
    state = with_acls(good_state())
    spoil(state)
    assert network_acl_findings(state) == expected


# (entries, protocol, port, open): the first internet-wide entry covering the port decides.
WALK = [
    (
        [
            {
                "RuleNumber": 100,
                "Protocol": "6",
                "RuleAction": "allow",
                "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 1024, "To": 65535},
            }
        ],
        "6",
        3389,
        True,
    ),
    (
        [
            {
                "RuleNumber": 100,
                "Protocol": "6",
                "RuleAction": "allow",
                "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 1024, "To": 65535},
            }
        ],
        "6",
        22,
        False,
    ),
    (
        [
            {
                "RuleNumber": 100,
                "Protocol": "6",
                "RuleAction": "allow",
                "CidrBlock": "10.0.0.0/8",
                "PortRange": {"From": 22, "To": 22},
            }
        ],
        "6",
        22,
        False,
    ),
    (
        [
            {
                "RuleNumber": 100,
                "Protocol": "17",
                "RuleAction": "allow",
                "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 0, "To": 65535},
            }
        ],
        "6",
        22,
        False,
    ),
    (
        [
            {
                "RuleNumber": 100,
                "Protocol": "6",
                "RuleAction": "allow",
                "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 0, "To": 65535},
            }
        ],
        None,
        0,
        False,
    ),
    (
        [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "Egress": True}],
        None,
        0,
        False,
    ),
]


@pytest.mark.parametrize("entries, protocol, port, expected", WALK)
def test_open_to_internet_walks_the_entries_as_prowler_does(entries, protocol, port, expected):
    assert open_to_internet(entries, protocol, port) is expected
