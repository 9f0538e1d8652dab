"""Network rules: security groups, the VPC's default group, flow logs, and the boot path through a zone outage."""

from __future__ import annotations

WORLD = ("0.0.0.0/0", "::/0")
# The AWS APIs an instance calls to boot and the controller calls to scale agents (playbooks/network.yml lists the
# callers: boot.yml reads SSM; the EC2 Fleet plugin calls EC2 and Auto Scaling). A replacement controller in a
# surviving zone needs each of them without the NAT gateway of another zone.
BOOT_PATH_SERVICES = ("ssm", "ec2", "autoscaling")
# roles/node_exporter's port on both images (playbooks/network.yml opens it to the stack's scraper only).
NODE_EXPORTER_PORT = 9100


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
    # The interface endpoints' group exists when the stack has endpoints (jenkins_ha_vpc_endpoints).
    ids["endpoints"] = by_name.get("{0}-endpoints".format(state.stack), {}).get("GroupId")

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
    scraper = _scraper_sources(expect, NODE_EXPORTER_PORT)
    # Jenkins' metrics endpoint: the controller's Jenkins port, from the same scraper only.
    jenkins_scraper = _scraper_sources(expect, expect.jenkins_port)
    controller_allowed |= scraper | jenkins_scraper
    allowed_ingress = {
        "alb": alb_sources,
        "controller": controller_allowed,
        "agent": {tcp(22, "sg", ids["controller"])} | admin | scraper,
        "efs": {tcp(2049, "sg", ids["controller"])},
        "endpoints": {tcp(443, "sg", ids["controller"]), tcp(443, "sg", ids["agent"])},
    }
    # Egress of the ALB, EFS and the endpoints is pinned; controller and agents need the internet (plugins,
    # packages, the build's sources) via NAT.
    allowed_egress = {"alb": {tcp(expect.jenkins_port, "sg", ids["controller"])}, "efs": set(), "endpoints": set()}

    findings += _missing_scraper_findings(state, ids, {"controller": scraper, "agent": scraper}, "node exporter")
    findings += _missing_scraper_findings(state, ids, {"controller": jenkins_scraper}, "Jenkins metrics")
    for group in state.security_groups:
        role = next((r for r, gid in ids.items() if gid and gid == group["GroupId"]), None)
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


def _scraper_sources(expect, port):
    """A port's sources from the stack's metrics scraper: exactly its networks and group, none without one."""
    sources = {("tcp", port, port, "cidr", c) for c in expect.metrics_scraper_cidrs}
    if expect.metrics_scraper_security_group_id:
        sources.add(("tcp", port, port, "sg", expect.metrics_scraper_security_group_id))
    return sources


def _missing_scraper_findings(state, ids, wanted, what):
    """A scraper the description names but a group does not admit: Prometheus would see the targets as down.
    ``wanted``: {role: the scraper's rules that role's group must have}."""
    findings = []
    for role, scraper in wanted.items():
        group = next((g for g in state.security_groups if ids[role] and g["GroupId"] == ids[role]), None)
        if group is None:
            continue
        present = {rule[:5] for rule in _rules(group.get("IpPermissions"))}
        for rule in sorted(scraper - present):
            findings.append(
                "security group {0} ({1}): {2} not open to the metrics scraper {3}".format(
                    group["GroupId"], group["GroupName"], what, rule[4]
                )
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


def zone_outage_findings(state):
    """Each boot-path API is reachable from every private subnet without another zone: through an available
    interface endpoint with private DNS in the subnet's zone, or through a NAT gateway in the subnet's own zone."""
    private = [s for s in state.private_subnets if s in state.subnet_azs]
    zones = {state.subnet_azs[s] for s in private}
    nat_zone = {
        n["NatGatewayId"]: state.subnet_azs.get(n.get("SubnetId"))
        for n in state.nat_gateways
        if n.get("State") == "available"
    }
    own_zone_nat = []
    for subnet in private:
        target = _default_route_nat(state.route_tables, subnet)
        if target is None or nat_zone.get(target) != state.subnet_azs[subnet]:
            own_zone_nat.append(subnet)
    if not own_zone_nat:
        return []
    findings = []
    for service in BOOT_PATH_SERVICES:
        endpoint = next(
            (
                e
                for e in state.vpc_endpoints
                if e.get("ServiceName", "").rsplit(".", 1)[-1] == service
                and e.get("VpcEndpointType") == "Interface"
                and e.get("State") == "available"
            ),
            None,
        )
        where = "vpc {0}: {1}".format(state.vpc_id, service)
        if endpoint is None:
            findings.append(
                "{0} only through NAT gateways outside the zone of {1}, and no interface endpoint: a zone outage "
                "stops a replacement controller (jenkins_ha_vpc_endpoints, or jenkins_ha_nat_gateways=per_az)".format(
                    where, ", ".join(sorted(own_zone_nat))
                )
            )
            continue
        if not endpoint.get("PrivateDnsEnabled"):
            findings.append("{0} endpoint {1} without private DNS".format(where, endpoint["VpcEndpointId"]))
        covered = {state.subnet_azs.get(s) for s in endpoint.get("SubnetIds", [])}
        if not zones <= covered:
            findings.append(
                "{0} endpoint {1} not in zone(s) {2}".format(
                    where, endpoint["VpcEndpointId"], ", ".join(sorted(z for z in zones - covered if z))
                )
            )
    return findings


def _default_route_nat(route_tables, subnet_id):
    """The NAT gateway of the subnet's default route (its explicitly associated table), or None."""
    for table in route_tables:
        if any(a.get("SubnetId") == subnet_id for a in table.get("Associations", [])):
            for route in table.get("Routes", []):
                if route.get("DestinationCidrBlock") == "0.0.0.0/0":
                    return route.get("NatGatewayId")
            return None
    return None
