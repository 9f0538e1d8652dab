# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security groups of a stack: which groups there are, their least-privilege rules, and their ids.

Least privilege: only the load balancer's listeners face the internet (or, for an internal load balancer, the
networks given); every other source is a security group of the stack, the admin networks (SSH) or the metrics
scraper (node exporter on both instance groups, Jenkins' metrics endpoint on the controller's Jenkins port).
playbooks/network.yml creates the groups, then sets the rules once all exist, as the rules reference each other;
destroy.yml empties them before deleting them.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

# The stack's groups, in the order network.yml creates them: (key in sg_ids, key of the name in
# __stack_config_names, what the description says).
GROUPS = (
    ("alb", "sg_alb", "load balancer"),
    ("controller", "sg_controller", "Jenkins controller"),
    ("agent", "sg_agent", "Jenkins agents"),
    ("efs", "sg_efs", "EFS mount targets"),
)
WORLD = "0.0.0.0/0"
# roles/node_exporter's node_exporter_port, which both images listen on (tests/unit/filter checks they agree).
NODE_EXPORTER_PORT = 9100
# The VPC's default group: in the list with no rules at all (CIS AWS 5.4), its tags left alone.
DEFAULT_GROUP = {"name": "default", "description": "default VPC security group", "rules": [], "rules_egress": []}


def _list(value, what):
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise AnsibleFilterError("{0} must be a list of strings, got {1!r}".format(what, value))
    return list(value)


def _int(value, what):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise AnsibleFilterError("{0} must be a port number, got {1!r}".format(what, value)) from None


def security_groups(names, stack, tags=None):
    """The stack's four groups: [{key, name, description, tags}] (tags: ``tags`` with the group's Name)."""
    if not isinstance(names, dict):
        raise AnsibleFilterError("security_groups input must be the stack's names (a dict), got {0!r}".format(names))
    missing = [group[1] for group in GROUPS if not names.get(group[1])]
    if missing:
        raise AnsibleFilterError("security_groups input lacks {0}".format(", ".join(missing)))
    if not isinstance(tags or {}, dict):
        raise AnsibleFilterError("security_groups tags must be a dict, got {0!r}".format(tags))
    return [
        {
            "key": key,
            "name": names[name_key],
            "description": "jenkins_ha {0}: {1}".format(stack, what),
            "tags": dict(tags or {}, Name=names[name_key]),
        }
        for key, name_key, what in GROUPS
    ]


def alb_cidrs(ingress_cidrs, internal, vpc_cidr):
    """The load balancer's sources: an internal one is reachable from the VPC (and networks routed into it, such as a
    Client VPN) only, so the world CIDR, misleading there, becomes the VPC CIDR."""
    if not internal:
        return list(ingress_cidrs)
    return [c for c in ingress_cidrs if c != WORLD] or [vpc_cidr]


def security_group_rules(
    groups,
    group_ids,
    jenkins_port,
    vpc_cidr,
    alb_ingress_cidrs=(),
    alb_internal=False,
    admin_cidrs=(),
    agent_jnlp_port=0,
    scraper_cidrs=(),
    scraper_group_id="",
    node_exporter_port=NODE_EXPORTER_PORT,
):
    """The groups of security_groups() with their ``rules`` and ``rules_egress`` (amazon.aws.ec2_security_group's
    format), then the VPC's default group with none.

    ``group_ids``: {key: id} of the four groups. The rules reference the groups, so there are none to set until every
    group exists: [] while an id is missing or '' (as in check mode on an empty account).
    """
    if not isinstance(groups, list) or [g.get("key") if isinstance(g, dict) else g for g in groups] != [
        group[0] for group in GROUPS
    ]:
        raise AnsibleFilterError("security_group_rules input must be what security_groups returns")
    if not isinstance(group_ids, dict):
        raise AnsibleFilterError("security_group_rules group_ids must be a dict, got {0!r}".format(group_ids))
    ids = group_ids
    if not all(ids.get(group[0]) for group in GROUPS):
        return []
    jenkins_port = _int(jenkins_port, "jenkins_port")
    agent_jnlp_port = _int(agent_jnlp_port or 0, "agent_jnlp_port")
    node_exporter_port = _int(node_exporter_port, "node_exporter_port")
    admin_cidrs = _list(admin_cidrs, "admin_cidrs")
    scraper_cidrs = _list(scraper_cidrs, "scraper_cidrs")
    listener_cidrs = alb_cidrs(_list(alb_ingress_cidrs, "alb_ingress_cidrs"), alb_internal, vpc_cidr)

    admin_ssh = []
    if admin_cidrs:
        admin_ssh = [{"proto": "tcp", "ports": [22], "cidr_ip": admin_cidrs, "rule_desc": "SSH from admin networks"}]
    # Inbound (JNLP/WebSocket) agents need the agent port and the Jenkins port; the SSH-launched EC2 Fleet agents need
    # neither, so both stay closed unless an agent port is set.
    inbound_agents = []
    if agent_jnlp_port > 0:
        inbound_agents = [
            _from_group(agent_jnlp_port, ids["agent"], "Inbound agents (TCP agent port)"),
            _from_group(jenkins_port, ids["agent"], "Inbound agents (handshake, WebSocket)"),
        ]
    # Node exporter (both images) from the stack's scraper only; none without one (the instances then listen on
    # loopback: boot.yml reads the metrics/remote-scrape record network.yml writes after the rules).
    scraper = _scraper_rules(node_exporter_port, scraper_cidrs, scraper_group_id, "Node exporter")
    # Jenkins' own metrics (the prometheus plugin's endpoint) are served by the controller on its Jenkins port, the
    # one the load balancer forwards to; the load balancer never routes the metrics path (alb_metrics_block), so the
    # scraper reaches the controller directly, from exactly its networks and group.
    jenkins_scraper = _scraper_rules(jenkins_port, scraper_cidrs, scraper_group_id, "Jenkins metrics")
    internet = [{"proto": "all", "cidr_ip": WORLD, "rule_desc": "Internet and AWS APIs through the NAT gateway"}]

    rules = {
        "alb": (
            [
                {"proto": "tcp", "ports": [443], "cidr_ip": listener_cidrs, "rule_desc": "HTTPS listener"},
                {
                    "proto": "tcp",
                    "ports": [80],
                    "cidr_ip": listener_cidrs,
                    "rule_desc": "HTTP listener (redirects to HTTPS)",
                },
            ],
            [_from_group(jenkins_port, ids["controller"], "Jenkins controller")],
        ),
        "controller": (
            [_from_group(jenkins_port, ids["alb"], "Jenkins UI from the load balancer")]
            + inbound_agents
            + admin_ssh
            + scraper
            + jenkins_scraper,
            internet,
        ),
        "agent": (
            [_from_group(22, ids["controller"], "SSH launcher of the controller")] + admin_ssh + scraper,
            internet,
        ),
        "efs": ([_from_group(2049, ids["controller"], "NFS from the controller (JENKINS_HOME)")], []),
    }
    planned = [dict(group, rules=rules[group["key"]][0], rules_egress=rules[group["key"]][1]) for group in groups]
    return planned + [dict(DEFAULT_GROUP)]


def _scraper_rules(port, cidrs, group_id, what):
    """``port`` from the metrics scraper's networks and its group, each only when given."""
    rules = []
    if cidrs:
        rules.append(
            {
                "proto": "tcp",
                "ports": [port],
                "cidr_ip": cidrs,
                "rule_desc": what + " from the metrics scraper networks",
            }
        )
    if group_id:
        rules.append(_from_group(port, group_id, what + " from the metrics scraper group"))
    return rules


def _from_group(port, group_id, description):
    return {"proto": "tcp", "ports": [port], "group_id": group_id, "rule_desc": description}


def security_group_ids(groups, described, created=None):
    """{key: id} of the stack's groups ('' for one that does not exist yet, as in check mode).

    ``described``: the ``security_groups`` of the VPC as described (group_name, group_id); ``created``: the
    ``results`` of the loop that created the missing ones (each with ``item.name`` and, once created, ``group_id``).
    """
    for value, what in ((described, "described"), (created or [], "created")):
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise AnsibleFilterError("security_group_ids {0} must be a list of dicts, got {1!r}".format(what, value))
    by_name = {g.get("group_name"): g.get("group_id") for g in described}
    for result in created or []:
        if result.get("group_id"):
            by_name[(result.get("item") or {}).get("name")] = result["group_id"]
    return {group["key"]: by_name.get(group["name"]) or "" for group in groups}


class FilterModule:
    def filters(self):
        return {
            "security_groups": security_groups,
            "security_group_rules": security_group_rules,
            "security_group_ids": security_group_ids,
        }
