# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network ACLs of a stack: the rules of the public and private tiers, and which ACLs drifted from them.

Network ACLs are stateless: every allowed connection needs a rule for its requests and one for its replies, on the
ephemeral port the initiating side picked. The security groups stay the fine-grained, stateful control; the ACLs are
a coarse second line per subnet tier that keeps the internet off the administration ports whatever a group says.

Where the facts come from (Amazon VPC user guide, "Control subnet traffic with network access control lists"):
- "Ephemeral ports": a NAT gateway and Elastic Load Balancing use ports 1024-65535, Linux 32768-61000; to cover all
  clients open 1024-65535 and put deny rules for ports inside that range earlier in the table.
- Rules are evaluated in rule-number order, the first match wins; the last rule (*) denies.
- Traffic to and from the Amazon DNS server, DHCP, the instance metadata service and the Time Sync service is not
  filtered by network ACLs (so no rule for DNS or NTP).
- Default quota: 20 inbound and 20 outbound rules per ACL (adjustable to 40).
- Replies that come back through a NAT gateway keep the remote host's address as their source: the private tier
  needs the ephemeral ports from 0.0.0.0/0, not only from the VPC.
"""

from __future__ import annotations

import ipaddress

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import resource_tags_differ

INTERNET = "0.0.0.0/0"
EPHEMERAL = (1024, 65535)
# Administration ports that must never be open to the internet (prowler ec2_networkacl_allow_ingress_tcp_port_22
# and _3389; CIS AWS Foundations 5.1). 3389 lies inside the ephemeral range, so a deny rule ahead of it is needed.
ADMIN_PORTS = (22, 3389)
# AWS's default quota of rules per direction (the implicit "*" rule not counted).
MAX_RULES = 20
# amazon.aws.ec2_vpc_nacl's protocol names and the numbers DescribeNetworkAcls returns.
PROTOCOLS = {"all": "-1", "icmp": "1", "tcp": "6", "udp": "17"}
TIERS = ("public", "private")


def _cidr(value, what):
    try:
        return str(ipaddress.IPv4Network(str(value), strict=True))
    except (ipaddress.AddressValueError, ipaddress.NetmaskValueError, ValueError) as error:
        raise AnsibleFilterError("network_acl_plan: {0} {1!r} is not an IPv4 CIDR ({2})".format(what, value, error))


def _cidrs(values, what):
    if not isinstance(values, (list, tuple)):
        raise AnsibleFilterError("network_acl_plan: {0} must be a list, got {1}".format(what, type(values).__name__))
    seen = []
    for value in values:
        cidr = _cidr(value, what)
        if cidr not in seen:
            seen.append(cidr)
    return seen


def _port(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise AnsibleFilterError("network_acl_plan: {0} {1!r} is not a port (1-65535)".format(what, value))
    return value


def _tcp(number, action, cidr, low, high=None):
    return [number, "tcp", action, cidr, None, None, low, low if high is None else high]


def _rules_for(tier, vpc_cidr, alb_cidrs, alb_tier, admin_cidrs, vpc_ports):
    ingress = []
    if tier == "public":
        # The NAT gateway forwards whatever the private subnets send (any protocol and port), and the targets answer
        # the load balancer's nodes: everything from inside the VPC.
        ingress.append([100, "all", "allow", vpc_cidr, None, None, None, None])
    else:
        # Jenkins from the load balancer, EFS (2049), inbound agents, node exporter (9100) and the replies to the
        # connections the instances open inside the VPC all land on 1024-65535; the ports below it get a rule each
        # (22: the controller's SSH launcher to the agents; 443: the interface endpoints).
        ingress.append(_tcp(100, "allow", vpc_cidr, *EPHEMERAL))
        low_ports = sorted({port for port in vpc_ports if port < EPHEMERAL[0]})
        ingress.extend(_tcp(110 + index, "allow", vpc_cidr, port) for index, port in enumerate(low_ports))
        # SSH from the admin networks (routed into the VPC by a VPN or peering); before the internet deny below.
        ingress.extend(_tcp(150 + index, "allow", cidr, 22) for index, cidr in enumerate(admin_cidrs))
    ingress.extend(_tcp(200 + index, "deny", INTERNET, port) for index, port in enumerate(ADMIN_PORTS))
    if tier == alb_tier:
        listeners = [(cidr, port) for cidr in alb_cidrs for port in (443, 80)]
        ingress.extend(_tcp(300 + index, "allow", cidr, port) for index, (cidr, port) in enumerate(listeners))
    # Replies from the internet to connections opened from this tier (through the NAT gateway); AWS's NAT gateway
    # picks its ports from 1024-65535, so the public tier needs the whole range (less the admin ports denied above).
    ingress.append(_tcp(400, "allow", INTERNET, *EPHEMERAL))
    ingress.append([410, "udp", "allow", INTERNET, None, None, EPHEMERAL[0], EPHEMERAL[1]])
    # No ICMP: the instances' security groups admit none either (TCP to the internet negotiates its segment size
    # with the remote host's MSS, 1460 or less, so path MTU discovery is not needed for it).
    # Outbound stays open: the security groups decide what leaves (the instances' groups allow the internet through
    # the NAT gateway); the ALB answers clients on whatever ephemeral port they chose.
    egress = [[100, "all", "allow", INTERNET, None, None, None, None]]
    return ingress, egress


def _effective_alb_cidrs(alb_cidrs, alb_internal, vpc_cidr):
    """An internal load balancer is reachable from the VPC and networks routed into it only (as in its security
    group): the internet is dropped from its CIDRs, and none left means the VPC."""
    if not alb_internal:
        return alb_cidrs
    return [cidr for cidr in alb_cidrs if cidr != INTERNET] or [vpc_cidr]


def _quota_problems(names, vpc_cidr, alb_cidrs, alb_internal, admin_cidrs, vpc_ports):
    """One message per tier and direction past AWS's default quota of rules per ACL (inputs already normalised)."""
    alb_cidrs = _effective_alb_cidrs(alb_cidrs, alb_internal, vpc_cidr)
    alb_tier = "private" if alb_internal else "public"
    problems = []
    for tier in TIERS:
        ingress, egress = _rules_for(tier, vpc_cidr, alb_cidrs, alb_tier, admin_cidrs, vpc_ports)
        for direction, rules in (("inbound", ingress), ("outbound", egress)):
            if len(rules) > MAX_RULES:
                problems.append(
                    "The {0} network ACL {1} would need {2} {3} rules, more than the {4} AWS allows by default: give"
                    " fewer (aggregated) CIDRs in jenkins_ha_alb_ingress_cidrs or jenkins_ha_admin_cidrs".format(
                        tier, names.get(tier), len(rules), direction, MAX_RULES
                    )
                )
    return problems


def network_acl_plan(names, vpc_cidr, alb_cidrs, alb_internal=False, admin_cidrs=None, vpc_ports=None):
    """The stack's two network ACLs, in amazon.aws.ec2_vpc_nacl's rule format.

    ``names``: {"public": name, "private": name}. ``alb_cidrs``: who may reach the load balancer's listeners (80,
    443), in the public tier or, with ``alb_internal``, the private one (then without 0.0.0.0/0; none left: the
    VPC). ``admin_cidrs``: SSH (22) to the private tier. ``vpc_ports``: TCP ports served inside the VPC (those below
    1024 get a rule of their own).
    Returns [{"name", "tier", "ingress", "egress"}] for the public and the private tier.
    """
    if not isinstance(names, dict) or set(names) != set(TIERS) or not all(names.values()):
        raise AnsibleFilterError(
            "network_acl_plan: names must map public and private to ACL names, got {0!r}".format(names)
        )
    vpc_cidr = _cidr(vpc_cidr, "vpc_cidr")
    alb_cidrs = _cidrs(alb_cidrs, "alb_cidrs")
    admin_cidrs = _cidrs(admin_cidrs or [], "admin_cidrs")
    if INTERNET in admin_cidrs:
        raise AnsibleFilterError(
            "network_acl_plan: admin_cidrs must not contain {0} (SSH from the internet)".format(INTERNET)
        )
    if not isinstance(vpc_ports, (list, tuple, type(None))):
        raise AnsibleFilterError("network_acl_plan: vpc_ports must be a list of ports")
    vpc_ports = [_port(port, "vpc_ports item") for port in vpc_ports or []]
    # stack_config refuses such a stack before anything is created (network_acl_quota_errors); this is the same
    # check for a caller that skipped it.
    problems = _quota_problems(names, vpc_cidr, alb_cidrs, alb_internal, admin_cidrs, vpc_ports)
    if problems:
        raise AnsibleFilterError("network_acl_plan: " + "; ".join(problems))
    alb_cidrs = _effective_alb_cidrs(alb_cidrs, alb_internal, vpc_cidr)
    alb_tier = "private" if alb_internal else "public"
    plan = []
    for tier in TIERS:
        ingress, egress = _rules_for(tier, vpc_cidr, alb_cidrs, alb_tier, admin_cidrs, vpc_ports)
        plan.append({"name": names[tier], "tier": tier, "ingress": ingress, "egress": egress})
    return plan


def _lenient_cidrs(values):
    """CIDRs normalised where they parse, kept as given where not, without duplicates (a count, not a check)."""
    seen = []
    for value in values if isinstance(values, (list, tuple)) else []:
        try:
            cidr = str(ipaddress.IPv4Network(str(value), strict=True))
        except ValueError:
            cidr = str(value)
        if cidr not in seen:
            seen.append(cidr)
    return seen


def network_acl_quota_errors(names, vpc_cidr, alb_cidrs, alb_internal=False, admin_cidrs=None, vpc_ports=None):
    """Why the stack's network ACLs would not fit AWS's default quota of rules per ACL: a list of messages, empty
    when they fit. Same arguments as network_acl_plan; never raises on a malformed CIDR or port (stack_config's
    other rules name those), so that every broken rule of a stack description is reported at once."""
    if not isinstance(names, dict):
        names = {}
    ports = vpc_ports if isinstance(vpc_ports, (list, tuple)) else []
    ports = [port for port in ports if isinstance(port, int) and not isinstance(port, bool)]
    try:
        vpc_cidr = str(ipaddress.IPv4Network(str(vpc_cidr), strict=True))
    except ValueError:
        vpc_cidr = str(vpc_cidr)
    return _quota_problems(
        names, vpc_cidr, _lenient_cidrs(alb_cidrs), bool(alb_internal), _lenient_cidrs(admin_cidrs or []), ports
    )


def _desired_entries(rules, egress):
    entries = set()
    for rule in rules:
        protocol = PROTOCOLS.get(str(rule[1]))
        if protocol is None:
            entries.add(("unmodelled", repr(rule)))
            continue
        icmp = (int(rule[4]), int(rule[5])) if protocol == "1" else None
        ports = (rule[6], rule[7]) if protocol in ("6", "17") else None
        entries.add((int(rule[0]), protocol, rule[2], rule[3], bool(egress), icmp, ports))
    return entries


def _live_entries(entries):
    live = set()
    for entry in entries or []:
        number = int(entry.get("rule_number", 0))
        if number >= 32767:
            # The "*" rule every ACL ends with; the module leaves it alone.
            continue
        if entry.get("ipv6_cidr_block"):
            live.add(("unmodelled", repr(sorted(entry.items(), key=str))))
            continue
        protocol = str(entry.get("protocol"))
        icmp = entry.get("icmp_type_code")
        icmp = (int(icmp.get("type")), int(icmp.get("code"))) if protocol == "1" and icmp else None
        ports = entry.get("port_range")
        ports = (ports.get("from"), ports.get("to")) if protocol in ("6", "17") and ports else None
        live.add(
            (
                number,
                protocol,
                entry.get("rule_action"),
                entry.get("cidr_block"),
                bool(entry.get("egress")),
                icmp,
                ports,
            )
        )
    return live


def _live_index(actual, what):
    if not isinstance(actual, list):
        raise AnsibleFilterError("{0}: input and actual ACLs must be lists".format(what))
    by_id = {acl.get("network_acl_id"): acl for acl in actual}
    by_name = {}
    for acl in actual:
        name = (acl.get("tags") or {}).get("Name")
        if name and not acl.get("is_default"):
            by_name.setdefault(name, acl)
    return by_id, by_name


def _compare(desired, actual, what):
    """(item, live ACL or None, rules or tags differ, subnets differ) for each desired item."""
    if not isinstance(desired, list):
        raise AnsibleFilterError("{0}: input and actual ACLs must be lists".format(what))
    by_id, by_name = _live_index(actual, what)
    compared = []
    for item in desired:
        if not isinstance(item, dict) or not (item.get("name") or item.get("nacl_id")):
            raise AnsibleFilterError("{0}: each item needs a name or a nacl_id, got {1!r}".format(what, item))
        live = by_id.get(item.get("nacl_id")) if item.get("nacl_id") else by_name.get(item["name"])
        if live is None:
            compared.append((item, None, True, "subnets" in item))
            continue
        desired_entries = _desired_entries(item.get("ingress", []), False) | _desired_entries(
            item.get("egress", []), True
        )
        rules_differ = desired_entries != _live_entries(live.get("entries")) or resource_tags_differ(
            item.get("tags"), live
        )
        subnets_differ = "subnets" in item and sorted(item["subnets"]) != _live_subnets(live)
        compared.append((item, live, rules_differ, subnets_differ))
    return compared


def _live_subnets(live):
    return sorted(a.get("subnet_id") for a in (live or {}).get("associations") or [] if a.get("subnet_id"))


def unconverged_network_acls(desired, actual):
    """Desired ACLs that are missing or differ from the live ones, each with the live ``nacl_id`` when it exists.

    ``desired``: items with ``name`` (the Name tag) or ``nacl_id``, ``ingress``, ``egress``, optional ``subnets``
    (subnet ids that must be associated with it, exactly) and ``tags``. ``actual``: the ``network_acls`` of
    DescribeNetworkAcls for the VPC (snake_case). Looking the ACL up by id in the VPC, not by its Name tag across
    the region as the module does, keeps a same-named ACL of another VPC out of the way.
    """
    return [
        dict(item, nacl_id=(live or {}).get("network_acl_id") or item.get("nacl_id") or "")
        for item, live, rules_differ, subnets_differ in _compare(desired, actual, "unconverged_network_acls")
        if rules_differ or subnets_differ
    ]


def network_acl_steps(desired, actual, close_default=True):
    """The amazon.aws.ec2_vpc_nacl calls that converge the stack's ACLs without a moment of deny-all, in order.

    amazon.aws 10.1's ec2_vpc_nacl creates an ACL, associates the subnets with it and only then adds its rules: for
    the seconds between, those subnets get the new ACL's "*" deny in both directions. It also replaces an existing
    ACL's subnets before it corrects its rules. So the work is split in two loops:

    - ``rules``: every ACL that is missing or whose rules or tags differ, with ``subnets`` = the subnets it serves
      now (none for a new one): the module creates it or corrects it without moving any subnet;
    - ``moves``: every ACL whose subnets differ, with its desired ``subnets`` (its rules are right by then), and
      last, with ``close_default``, the VPC's default ACL emptied by id once no subnet of the stack is left on it.

    ``desired`` and ``actual`` as for unconverged_network_acls; an item without ``subnets`` (e.g. an ACL only to
    be emptied) is written in ``moves``, after the subnets moved. Each step carries ``nacl_id`` ("" when it is
    created by the ``rules`` loop: the ``moves`` loop then takes the id that loop returned).
    Returns {"rules": [...], "moves": [...]}.
    """
    if close_default and isinstance(desired, list) and isinstance(actual, list):
        default = next((acl for acl in actual if acl.get("is_default")), None)
        if default is not None:
            desired = desired + [
                {"name": "default", "nacl_id": default.get("network_acl_id"), "ingress": [], "egress": []}
            ]
    rules, moves, closing = [], [], []
    for item, live, rules_differ, subnets_differ in _compare(desired, actual, "network_acl_steps"):
        nacl_id = (live or {}).get("network_acl_id") or item.get("nacl_id") or ""
        if "subnets" not in item:
            if rules_differ:
                closing.append(dict(item, nacl_id=nacl_id))
            continue
        if rules_differ:
            rules.append(dict(item, nacl_id=nacl_id, subnets=_live_subnets(live)))
        if subnets_differ:
            moves.append(dict(item, nacl_id=nacl_id))
    return {"rules": rules, "moves": moves + closing}


class FilterModule:
    def filters(self):
        return {
            "network_acl_plan": network_acl_plan,
            "unconverged_network_acls": unconverged_network_acls,
            "network_acl_quota_errors": network_acl_quota_errors,
            "network_acl_steps": network_acl_steps,
        }
