"""Network ACL rules: the stack's subnets use the stack's own network ACLs, no ACL of its VPC lets the internet reach
the administration ports (TCP 22, 3389) or every port, and the VPC's default ACL allows nothing.

"Open to the internet" is judged as prowler 5.46.0's ec2_networkacl_allow_ingress_* checks judge it
(prowler/providers/aws/services/ec2/lib/network_acls.py): the inbound entries in rule-number order, IPv6 (::/0) then
IPv4 (0.0.0.0/0); the first such entry that covers the port decides, allow or deny."""

from __future__ import annotations

from .model import STACK_TAG, tag_dict

ADMIN_PORTS = (22, 3389)
TCP = "6"


def _covers(entry, protocol, port):
    entry_protocol = str(entry.get("Protocol"))
    if entry_protocol == "-1":
        return True
    if protocol is None or entry_protocol != protocol:
        return False
    ports = entry.get("PortRange") or {}
    return ports.get("From", 0) <= port <= ports.get("To", 65535)


def open_to_internet(entries, protocol, port):
    """True when the first internet-wide inbound entry covering ``protocol``/``port`` allows it (protocol None: a
    rule for every protocol and port)."""
    inbound = sorted((e for e in entries or () if not e.get("Egress")), key=lambda e: e["RuleNumber"])
    for key, world in (("Ipv6CidrBlock", "::/0"), ("CidrBlock", "0.0.0.0/0")):
        for entry in inbound:
            if entry.get(key) == world and _covers(entry, protocol, port):
                if entry.get("RuleAction") == "allow":
                    return True
                break
    return False


def _name(acl):
    return tag_dict(acl.get("Tags")).get("Name") or ("default" if acl.get("IsDefault") else acl.get("NetworkAclId"))


def network_acl_findings(state):
    # Collected for a stack that has a VPC, there is always at least the default ACL; none means no data (a state
    # built by hand), not a verdict.
    if not state.vpc_id or not state.network_acls:
        return []
    findings = []
    by_subnet = {
        association.get("SubnetId"): acl
        for acl in state.network_acls
        for association in acl.get("Associations", ())
        if association.get("SubnetId")
    }
    for subnet in state.public_subnets + state.private_subnets:
        acl = by_subnet.get(subnet)
        if acl is None or acl.get("IsDefault"):
            findings.append("subnet {0}: uses the VPC's default network ACL, not one of the stack's".format(subnet))
        elif tag_dict(acl.get("Tags")).get(STACK_TAG) != state.stack:
            findings.append("subnet {0}: network ACL {1} is not the stack's".format(subnet, _name(acl)))
    for acl in state.network_acls:
        entries = acl.get("Entries", ())
        for port in ADMIN_PORTS:
            if open_to_internet(entries, TCP, port):
                findings.append("network ACL {0}: TCP {1} open to the internet".format(_name(acl), port))
        if open_to_internet(entries, None, 0):
            findings.append("network ACL {0}: every port open to the internet".format(_name(acl)))
        if acl.get("IsDefault") and any(e.get("RuleAction") == "allow" for e in entries):
            findings.append(
                "network ACL {0}: the VPC's default ACL allows traffic (it should allow nothing)".format(_name(acl))
            )
    return findings
