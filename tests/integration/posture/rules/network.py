"""Network rules: security groups, the VPC's default group, flow logs."""

from __future__ import annotations

WORLD = ("0.0.0.0/0", "::/0")


def _sources(permission):
    """(kind, value, description) for every source/destination of one IpPermission."""
    for item in permission.get("IpRanges", ()):
        yield "cidr", item["CidrIp"], item.get("Description")
    for item in permission.get("Ipv6Ranges", ()):
        yield "cidr", item["CidrIpv6"], item.get("Description")
    for item in permission.get("UserIdGroupPairs", ()):
        yield "sg", item["GroupId"], item.get("Description")
    for item in permission.get("PrefixListIds", ()):
        yield "prefix-list", item["PrefixListId"], item.get("Description")


def _rules(permissions):
    """Flatten IpPermissions into (protocol, from, to, kind, source, description) tuples."""
    for perm in permissions or ():
        proto = perm.get("IpProtocol")
        for kind, source, desc in _sources(perm):
            yield (proto, perm.get("FromPort"), perm.get("ToPort"), kind, source, desc)


def security_group_findings(state, expect):
    findings = []
    by_name = {g["GroupName"]: g for g in state.security_groups}
    ids = {
        role: by_name.get("{0}-{1}".format(state.stack, role), {}).get("GroupId")
        for role in ("alb", "controller", "agent", "efs")
    }
    for role, group_id in ids.items():
        if not group_id:
            findings.append("security group {0}-{1}: missing".format(state.stack, role))

    def tcp(port, kind, source):
        return ("tcp", port, port, kind, source)

    admin = {tcp(22, "cidr", cidr) for cidr in expect.admin_cidrs}
    alb_sources = {tcp(port, "cidr", c) for port in (80, 443) for c in _alb_cidrs(state, expect)}
    controller_allowed = {tcp(expect.jenkins_port, "sg", ids["alb"])} | admin
    if expect.inbound_agent_port:
        controller_allowed |= {
            tcp(expect.inbound_agent_port, "sg", ids["agent"]),
            tcp(expect.jenkins_port, "sg", ids["agent"]),
        }
    allowed_ingress = {
        "alb": alb_sources,
        "controller": controller_allowed,
        "agent": {tcp(22, "sg", ids["controller"])} | admin,
        "efs": {tcp(2049, "sg", ids["controller"])},
    }
    # Egress of the ALB and EFS is pinned; controller and agents need the internet (plugins, packages) via NAT.
    allowed_egress = {"alb": {tcp(expect.jenkins_port, "sg", ids["controller"])}, "efs": set()}

    for group in state.security_groups:
        role = next((r for r, gid in ids.items() if gid == group["GroupId"]), None)
        where = "security group {0} ({1})".format(group["GroupId"], group["GroupName"])
        for direction, permissions in (
            ("ingress", group.get("IpPermissions")),
            ("egress", group.get("IpPermissionsEgress")),
        ):
            for rule in _rules(permissions):
                proto, start, end, kind, source, desc = rule
                text = "{0} {1} {2}-{3} {4}".format(direction, proto, start, end, source)
                if not desc:
                    findings.append("{0}: rule without a description: {1}".format(where, text))
                if direction == "ingress" and source in WORLD and not (role == "alb" and not expect.alb_internal):
                    findings.append("{0}: ingress open to the world: {1}".format(where, text))
                allowed = (allowed_ingress if direction == "ingress" else allowed_egress).get(role)
                if role is None and direction == "ingress":
                    findings.append("{0}: not a group of the stack design, ingress {1}".format(where, text))
                elif allowed is not None and rule[:5] not in allowed:
                    findings.append(
                        "{0}: {1} rule not in the least-privilege design: {2}".format(where, direction, text)
                    )
    return findings


def _alb_cidrs(state, expect):
    """The ALB's sources as playbooks/templates/security_group_rules.j2 derives them."""
    del state
    if not expect.alb_internal:
        return expect.alb_ingress_cidrs
    return [c for c in expect.alb_ingress_cidrs if c not in WORLD] or [expect.vpc_cidr]


def default_security_group_findings(state):
    group = state.default_security_group
    if not group:
        return ["vpc {0}: default security group not found".format(state.vpc_id)]
    if group.get("IpPermissions") or group.get("IpPermissionsEgress"):
        return ["security group {0} (default of {1}): has rules (CIS AWS 5.4)".format(group["GroupId"], state.vpc_id)]
    return []


def flow_log_findings(state):
    active = [
        f
        for f in state.flow_logs
        if f.get("ResourceId") == state.vpc_id and f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"
    ]
    if not active:
        return ["vpc {0}: no active flow log".format(state.vpc_id)]
    return []
