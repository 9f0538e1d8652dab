"""network_acl_plan and unconverged_network_acls: the tiers' rules, prowler's view of them, drift, bad input.

prowler 5.46.0's ec2_networkacl_allow_ingress_* checks (prowler/providers/aws/services/ec2/lib/network_acls.py,
check_network_acl) walk the IPv4 inbound rules in rule-number order and flag the ACL when a 0.0.0.0/0 allow covers the
port before a 0.0.0.0/0 deny does; ``_prowler_open`` restates that walk so the plan is judged as the audit judges it.
"""

import copy

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.network_acls import (
    MAX_RULES,
    FilterModule,
    network_acl_plan,
    network_acl_quota_errors,
    network_acl_steps,
    unconverged_network_acls,
)

NAMES = {"public": "demo-public", "private": "demo-private"}
VPC = "10.40.0.0/16"
PROTOCOL_NUMBERS = {"all": "-1", "icmp": "1", "tcp": "6", "udp": "17"}


def _prowler_open(rules, protocol, port):
    """True when prowler would report ``port`` of ``protocol`` ("-1": every port) open to the internet."""
    for rule in sorted(rules, key=lambda r: r[0]):
        if rule[3] != "0.0.0.0/0":
            continue
        rule_protocol = PROTOCOL_NUMBERS[rule[1]]
        matches = rule_protocol == "-1" or (
            rule_protocol == protocol and rule_protocol in ("6", "17") and rule[6] <= port <= rule[7]
        )
        if matches:
            return rule[2] == "allow"
    return False


def _allows(rules, protocol, port, cidr):
    """First-match evaluation of a packet from ``cidr`` (exact CIDR membership is enough for these tables)."""
    import ipaddress

    source = ipaddress.IPv4Network(cidr)
    for rule in sorted(rules, key=lambda r: r[0]):
        if not source.subnet_of(ipaddress.IPv4Network(rule[3])):
            continue
        rule_protocol = PROTOCOL_NUMBERS[rule[1]]
        if rule_protocol == "-1" or (
            rule_protocol == protocol and rule_protocol in ("6", "17") and rule[6] <= port <= rule[7]
        ):
            return rule[2] == "allow"
    return False


def _plan(**kwargs):
    arguments = dict(names=NAMES, vpc_cidr=VPC, alb_cidrs=["0.0.0.0/0"], vpc_ports=[22, 443, 2049, 8080, 9100])
    arguments.update(kwargs)
    return {acl["tier"]: acl for acl in network_acl_plan(**arguments)}


@pytest.mark.parametrize("alb_internal", [False, True])
@pytest.mark.parametrize("tier", ["public", "private"])
def test_prowler_finds_no_admin_port_and_no_all_ports_open_to_the_internet(tier, alb_internal):
    rules = _plan(alb_internal=alb_internal, admin_cidrs=["192.0.2.0/24"])[tier]["ingress"]
    assert not _prowler_open(rules, "6", 22)
    assert not _prowler_open(rules, "6", 3389)
    assert not _prowler_open(rules, "-1", 0)


# (tier, protocol, port, source, allowed): what the stack needs gets in, what it does not stays out.
TRAFFIC = [
    ("public", "6", 443, "0.0.0.0/0", True),  # HTTPS listener from the allowed CIDRs
    ("public", "6", 80, "0.0.0.0/0", True),  # HTTP listener (redirect)
    ("public", "6", 22, "10.40.16.5/32", True),  # an agent's git over SSH through the NAT gateway
    ("public", "17", 53, "10.40.16.5/32", True),  # anything the private tier sends through the NAT gateway
    ("public", "6", 40000, "198.51.100.7/32", True),  # replies to the NAT gateway's connections
    ("public", "6", 22, "198.51.100.7/32", False),
    ("public", "6", 3389, "198.51.100.7/32", False),
    ("public", "6", 8080, "10.40.16.5/32", True),  # the controller answering the load balancer
    ("private", "6", 8080, "10.40.0.10/32", True),  # Jenkins from the load balancer's nodes
    ("private", "6", 2049, "10.40.16.5/32", True),  # EFS
    ("private", "6", 9100, "10.40.16.5/32", True),  # node exporter
    ("private", "6", 22, "10.40.16.5/32", True),  # the controller's SSH launcher
    ("private", "6", 443, "10.40.32.7/32", True),  # interface endpoints
    ("private", "6", 45000, "203.0.113.9/32", True),  # replies from the internet through the NAT gateway
    ("private", "6", 22, "203.0.113.9/32", False),
    ("private", "6", 3389, "203.0.113.9/32", False),
    ("private", "6", 443, "203.0.113.9/32", False),  # an internet-facing ALB is not in the private tier
    ("private", "6", 25, "10.40.16.5/32", False),  # a port nobody serves, even from inside
]


@pytest.mark.parametrize("tier, protocol, port, source, allowed", TRAFFIC)
def test_the_tiers_let_the_stack_work_and_nothing_else(tier, protocol, port, source, allowed):
    assert _allows(_plan()[tier]["ingress"], protocol, port, source) is allowed
    assert _allows(_plan()[tier]["egress"], protocol, port, "0.0.0.0/0")


def test_listeners_follow_the_load_balancer_and_its_cidrs():
    plan = _plan(alb_cidrs=["198.51.100.0/24"])
    assert _allows(plan["public"]["ingress"], "6", 443, "198.51.100.0/24")
    assert not _allows(plan["public"]["ingress"], "6", 443, "203.0.113.0/24")
    internal = _plan(alb_internal=True, alb_cidrs=["172.16.0.0/12"])
    assert _allows(internal["private"]["ingress"], "6", 443, "172.16.0.0/16")
    assert not [rule for rule in internal["public"]["ingress"] if rule[1] == "tcp" and rule[6] in (80, 443)]
    # An internal load balancer never listens to the internet, whatever its CIDRs say: the VPC instead.
    default = _plan(alb_internal=True, alb_cidrs=["0.0.0.0/0"])
    assert _allows(default["private"]["ingress"], "6", 443, "10.40.0.0/24")
    assert not [rule for rule in default["private"]["ingress"] if rule[3] == "0.0.0.0/0" and rule[6] in (80, 443)]


def test_admin_ssh_only_from_the_admin_networks_and_only_to_the_private_tier():
    plan = _plan(admin_cidrs=["192.0.2.0/24", "192.0.2.0/24"])
    assert _allows(plan["private"]["ingress"], "6", 22, "192.0.2.0/24")
    assert len([rule for rule in plan["private"]["ingress"] if rule[3] == "192.0.2.0/24"]) == 1
    assert not _allows(plan["public"]["ingress"], "6", 22, "192.0.2.0/24")


def test_rule_numbers_are_unique_and_the_same_for_the_same_input():
    for acl in _plan(admin_cidrs=["192.0.2.0/24"]).values():
        numbers = [rule[0] for rule in acl["ingress"]]
        assert len(numbers) == len(set(numbers))
    assert _plan() == _plan()


BAD_INPUT = [
    (dict(names={"public": "a"}), "names must map public and private"),
    (dict(vpc_cidr="10.40.0.1/16"), "vpc_cidr '10.40.0.1/16' is not an IPv4 CIDR"),
    (dict(alb_cidrs="0.0.0.0/0"), "alb_cidrs must be a list"),
    (dict(alb_cidrs=["::/0"]), "alb_cidrs '::/0' is not an IPv4 CIDR"),
    (dict(admin_cidrs=["0.0.0.0/0"]), "admin_cidrs must not contain 0.0.0.0/0"),
    (dict(vpc_ports=[0]), "vpc_ports item 0 is not a port"),
    (dict(vpc_ports=["22"]), "vpc_ports item '22' is not a port"),
    (dict(alb_cidrs=["10.{0}.0.0/16".format(n) for n in range(9)]), "would need 23 inbound rules, more than the 20"),
]


@pytest.mark.parametrize("change, message", BAD_INPUT)
def test_bad_input_is_refused_with_its_name(change, message):
    with pytest.raises(AnsibleFilterError, match=message.replace("(", r"\(").replace(".", r"\.")):
        _plan(**change)


def _live(acl, nacl_id, subnets=(), tags=None, default=False):
    """A DescribeNetworkAcls item (snake_case, as aws_read returns it) holding exactly the plan's rules."""
    entries = []
    for egress, rules in ((False, acl["ingress"]), (True, acl["egress"])):
        for rule in rules:
            entry = {
                "rule_number": rule[0],
                "protocol": PROTOCOL_NUMBERS[rule[1]],
                "rule_action": rule[2],
                "cidr_block": rule[3],
                "egress": egress,
            }
            if rule[1] == "icmp":
                entry["icmp_type_code"] = {"type": rule[4], "code": rule[5]}
            elif rule[1] in ("tcp", "udp"):
                entry["port_range"] = {"from": rule[6], "to": rule[7]}
            entries.append(entry)
        entries.append(
            {"rule_number": 32767, "protocol": "-1", "rule_action": "deny", "cidr_block": "0.0.0.0/0", "egress": egress}
        )
    return {
        "network_acl_id": nacl_id,
        "is_default": default,
        "entries": entries,
        "associations": [{"subnet_id": s, "network_acl_id": nacl_id} for s in subnets],
        "tags": tags if tags is not None else {"Name": acl.get("name", "")},
    }


def _desired():
    public = dict(_plan()["public"], subnets=["subnet-b", "subnet-a"], tags={"Name": "demo-public", "stack": "demo"})
    return public


def test_a_converged_acl_leaves_the_loop():
    desired = _desired()
    live = _live(desired, "acl-1", subnets=["subnet-a", "subnet-b"], tags=desired["tags"])
    assert unconverged_network_acls([desired], [live]) == []


def _drift_rule(live):
    live["entries"][0]["cidr_block"] = "0.0.0.0/0"


def _drift_extra(live):
    live["entries"].append(
        {
            "rule_number": 500,
            "protocol": "6",
            "rule_action": "allow",
            "cidr_block": "0.0.0.0/0",
            "egress": False,
            "port_range": {"from": 22, "to": 22},
        }
    )


def _drift_ports(live):
    next(e for e in live["entries"] if e.get("port_range"))["port_range"]["to"] = 65534


def _drift_action(live):
    next(e for e in live["entries"] if e["rule_action"] == "deny")["rule_action"] = "allow"


def _drift_subnet(live):
    live["associations"].pop()


def _drift_tag(live):
    live["tags"]["stack"] = "other"


def _drift_ipv6(live):
    live["entries"].append(
        {"rule_number": 101, "protocol": "-1", "rule_action": "allow", "ipv6_cidr_block": "::/0", "egress": False}
    )


@pytest.mark.parametrize(
    "drift", [_drift_rule, _drift_extra, _drift_ports, _drift_action, _drift_subnet, _drift_tag, _drift_ipv6]
)
def test_every_kind_of_drift_keeps_the_acl_with_its_id(drift):
    desired = _desired()
    live = _live(desired, "acl-1", subnets=["subnet-a", "subnet-b"], tags=copy.deepcopy(desired["tags"]))
    drift(live)
    assert unconverged_network_acls([desired], [live]) == [dict(desired, nacl_id="acl-1")]


def test_a_missing_acl_is_created_and_a_same_named_default_or_other_acl_is_not_taken_for_it():
    desired = _desired()
    default = _live(desired, "acl-default", default=True, tags={"Name": "demo-public"})
    assert unconverged_network_acls([desired], [default]) == [dict(desired, nacl_id="")]


def test_the_default_acl_is_emptied_by_id():
    empty = {"nacl_id": "acl-default", "name": "default", "ingress": [], "egress": []}
    stock = {
        "network_acl_id": "acl-default",
        "is_default": True,
        "tags": {},
        "associations": [],
        "entries": [
            {"rule_number": n, "protocol": "-1", "rule_action": a, "cidr_block": "0.0.0.0/0", "egress": e}
            for n, a in ((100, "allow"), (32767, "deny"))
            for e in (False, True)
        ],
    }
    assert unconverged_network_acls([empty], [stock]) == [empty]
    stock["entries"] = [e for e in stock["entries"] if e["rule_number"] == 32767]
    assert unconverged_network_acls([empty], [stock]) == []


@pytest.mark.parametrize("desired, actual", [("x", []), ([], "x"), ([{"ingress": []}], [])])
def test_unconverged_bad_input(desired, actual):
    with pytest.raises(AnsibleFilterError, match="unconverged_network_acls"):
        unconverged_network_acls(desired, actual)


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "network_acl_plan",
        "network_acl_quota_errors",
        "network_acl_steps",
        "unconverged_network_acls",
    }


# (arguments beside the defaults of _plan, messages expected): the quota check stack_config runs up front counts the
# very rules network_acl_plan writes.
QUOTA = [
    pytest.param({}, [], id="defaults-fit"),
    pytest.param(dict(alb_cidrs=["10.{0}.0.0/16".format(n) for n in range(7)]), [], id="7-alb-cidrs-fit"),
    pytest.param(
        dict(alb_cidrs=["10.{0}.0.0/16".format(n) for n in range(9)]),
        ["The public network ACL demo-public would need 23 inbound rules"],
        id="9-alb-cidrs-public",
    ),
    pytest.param(
        dict(alb_cidrs=["10.{0}.0.0/16".format(n) for n in range(9)], alb_internal=True),
        ["The private network ACL demo-private would need 25 inbound rules"],
        id="internal-alb-private",
    ),
    pytest.param(dict(alb_cidrs=["0.0.0.0/0"] * 30, alb_internal=True), [], id="duplicates-and-internet-dropped"),
    pytest.param(
        dict(admin_cidrs=["192.0.{0}.0/24".format(n) for n in range(14)]),
        ["The private network ACL demo-private would need 21 inbound rules"],
        id="admin-cidrs",
    ),
    # Malformed values are counted, not refused: stack_config's CIDR rule names them in the same report.
    pytest.param(
        dict(admin_cidrs=["192.0.2.0/33"] * 2 + ["192.0.{0}.0/24".format(n) for n in range(13)], vpc_cidr="x"),
        ["The private network ACL demo-private would need 21 inbound rules"],
        id="malformed-counted-once",
    ),
]


@pytest.mark.parametrize("change, messages", QUOTA)
def test_quota_errors_count_the_rules_the_plan_writes(change, messages):
    arguments = dict(names=NAMES, vpc_cidr=VPC, alb_cidrs=["0.0.0.0/0"], vpc_ports=[22, 443, 2049, 8080, 9100])
    arguments.update(change)
    errors = network_acl_quota_errors(**arguments)
    assert [e.split(" rules")[0] + " rules" for e in errors] == messages
    if not errors:
        plan = network_acl_plan(**arguments)
        assert max(len(acl[d]) for acl in plan for d in ("ingress", "egress")) <= MAX_RULES
    elif "x" not in arguments.values() and "192.0.2.0/33" not in arguments.get("admin_cidrs", []):
        with pytest.raises(AnsibleFilterError, match=messages[0]):
            network_acl_plan(**arguments)


def test_quota_errors_take_wrong_types_for_nothing():
    """The argument spec names a wrong type; the count must not be the error Ansible reports instead."""
    assert network_acl_quota_errors("names", VPC, "0.0.0.0/0", False, 5, 5) == []


def _tiers():
    plan = _plan()
    return [
        dict(plan["public"], subnets=["subnet-pub-a", "subnet-pub-b"], tags={"Name": "demo-public"}),
        dict(plan["private"], subnets=["subnet-priv-a", "subnet-priv-b"], tags={"Name": "demo-private"}),
    ]


def _stock_default(subnets=()):
    """The VPC's default ACL as AWS makes it: allow all both ways (rule 100), holding the given subnets."""
    return {
        "network_acl_id": "acl-default",
        "is_default": True,
        "tags": {},
        "associations": [{"subnet_id": s, "network_acl_id": "acl-default"} for s in subnets],
        "entries": [
            {"rule_number": n, "protocol": "-1", "rule_action": a, "cidr_block": "0.0.0.0/0", "egress": e}
            for n, a in ((100, "allow"), (32767, "deny"))
            for e in (False, True)
        ],
    }


ALL_SUBNETS = ["subnet-pub-a", "subnet-pub-b", "subnet-priv-a", "subnet-priv-b"]


def _associated(step):
    return sorted(step.get("subnets", []))


def test_an_existing_stack_gets_its_acls_without_a_moment_of_deny_all():
    """The upgrade case of the review: every subnet on the default ACL, no ACL of the stack yet. The ACLs are made
    with their rules and no subnet; the subnets move once those rules are in place; the default closes last."""
    public, private = _tiers()
    steps = network_acl_steps([public, private], [_stock_default(ALL_SUBNETS)])
    assert [(s["name"], s["nacl_id"], _associated(s)) for s in steps["rules"]] == [
        ("demo-public", "", []),
        ("demo-private", "", []),
    ]
    assert [s["ingress"] for s in steps["rules"]] == [public["ingress"], private["ingress"]]
    assert [(s["name"], _associated(s)) for s in steps["moves"]] == [
        ("demo-public", ["subnet-pub-a", "subnet-pub-b"]),
        ("demo-private", ["subnet-priv-a", "subnet-priv-b"]),
        ("default", []),
    ]
    assert steps["moves"][-1] == {"name": "default", "nacl_id": "acl-default", "ingress": [], "egress": []}


def test_a_drifted_acl_is_corrected_where_it_stands_then_given_its_subnets():
    public, private = _tiers()
    live_public = _live(public, "acl-pub", subnets=["subnet-pub-a"], tags=public["tags"])
    live_public["entries"] = [e for e in live_public["entries"] if e["rule_number"] >= 32767]  # emptied by hand
    live_private = _live(private, "acl-priv", subnets=private["subnets"], tags=private["tags"])
    default = _stock_default(["subnet-pub-b"])
    default["entries"] = [e for e in default["entries"] if e["rule_number"] == 32767]
    steps = network_acl_steps([public, private], [live_public, live_private, default])
    # Rules first, on the subnet it serves now only; then the subnet that is missing; the rest is converged.
    assert [(s["nacl_id"], _associated(s)) for s in steps["rules"]] == [("acl-pub", ["subnet-pub-a"])]
    assert [(s["nacl_id"], _associated(s)) for s in steps["moves"]] == [("acl-pub", ["subnet-pub-a", "subnet-pub-b"])]


def test_converged_acls_need_no_step_and_an_open_default_is_closed_last():
    public, private = _tiers()
    live = [
        _live(public, "acl-pub", subnets=public["subnets"], tags=public["tags"]),
        _live(private, "acl-priv", subnets=private["subnets"], tags=private["tags"]),
    ]
    closed = _stock_default()
    closed["entries"] = [e for e in closed["entries"] if e["rule_number"] == 32767]
    assert network_acl_steps([public, private], live + [closed]) == {"rules": [], "moves": []}
    assert network_acl_steps([public, private], live + [_stock_default()])["moves"] == [
        {"name": "default", "nacl_id": "acl-default", "ingress": [], "egress": []}
    ]
    assert network_acl_steps([public, private], live + [_stock_default()], close_default=False) == {
        "rules": [],
        "moves": [],
    }


@pytest.mark.parametrize("desired, actual", [("x", []), ([], "x"), ([{"ingress": []}], [])])
def test_steps_bad_input(desired, actual):
    with pytest.raises(AnsibleFilterError, match="network_acl_steps"):
        network_acl_steps(desired, actual)
