# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The listener rule that keeps Jenkins' metrics endpoint off the load balancer (issue 19).

The prometheus plugin serves its metrics under the Jenkins URL (PrometheusAction is an UnprotectedRootAction,
prometheus 852.v317db_5d17a_b_0 src/main/java/org/jenkinsci/plugins/prometheus/rest/PrometheusAction.java:18-46):
through the ALB anyone on the Internet could knock on it. The stack's Prometheus scrapes the controller directly
(playbooks/prometheus.yml, EC2 discovery), so the HTTPS listener answers the path itself with a fixed 404 and never
forwards it. amazon.aws.elb_application_lb adds the rule (purge_rules false); this filter computes what to ask for
from the load balancer as that module or elb_application_lb_info returns it, and whether anything is to do, so a
converged rerun makes no second call.
"""

import re

from ansible.errors import AnsibleFilterError

# Stapler drops empty segments, so /prometheus and /prometheus/ both reach the action; /prometheus/x is its 404.
PATH = re.compile(r"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$")
RESPONSE = {"StatusCode": "404", "ContentType": "text/plain", "MessageBody": "Not Found"}
# The listener keys elb_application_lb compares a listener's default actions on (module_utils/elbv2.py
# _compare_listener); the others (Order, ForwardConfig) are what AWS adds.
ACTION_KEYS = ("Type", "TargetGroupArn", "RedirectConfig", "FixedResponseConfig", "AuthenticateOidcConfig")


def _camel(value):
    if isinstance(value, dict):
        return {"".join(part[:1].upper() + part[1:] for part in key.split("_")): _camel(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def metrics_block_rule(path, priority=1):
    """The rule, in the API's form: path-pattern /<path> and /<path>/*, a fixed 404."""
    path = str(path)
    if not PATH.match(path):
        raise AnsibleFilterError(
            "alb_metrics_block: the metrics path must be a URL path without leading or trailing slash, got %r" % path
        )
    return {
        "Priority": int(priority),
        "Conditions": [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": sorted(["/" + path, "/" + path + "/*"])}}
        ],
        "Actions": [{"Type": "fixed-response", "FixedResponseConfig": dict(RESPONSE)}],
    }


def _paths(rule):
    values = []
    for condition in rule.get("conditions") or []:
        if condition.get("field") == "path-pattern":
            values += (condition.get("path_pattern_config") or {}).get("values") or condition.get("values") or []
    return sorted(set(values))


def _is_block(rule):
    actions = rule.get("actions") or []
    return len(actions) == 1 and actions[0].get("type") == "fixed-response" and _paths(rule)


def _same(rule, wanted):
    config = _camel((rule.get("actions") or [{}])[0].get("fixed_response_config") or {})
    return (
        str(rule.get("priority")) == str(wanted["Priority"])
        and _paths(rule) == wanted["Conditions"][0]["PathPatternConfig"]["Values"]
        and {k: config.get(k) for k in RESPONSE} == RESPONSE
    )


def alb_metrics_block_plan(load_balancer, path, priority=1, port=443):
    """What elb_application_lb must be given to put the metrics block on the HTTPS listener, and whether to.

    load_balancer: the module's (or elb_application_lb_info's, with listener rules) snake_case result.
    Returns needed (the rule is missing or differs), load_balancer_name, subnets, security_groups and listener
    (the HTTPS listener as it is, with the rule under Rules)."""
    if not isinstance(load_balancer, dict) or not load_balancer.get("load_balancer_arn"):
        raise AnsibleFilterError("alb_metrics_block: no load balancer (run playbooks/alb.yml first)")
    wanted = metrics_block_rule(path, priority)
    listeners = [
        listener
        for listener in load_balancer.get("listeners") or []
        if int(listener.get("port", 0)) == int(port) and listener.get("protocol") == "HTTPS"
    ]
    if not listeners:
        raise AnsibleFilterError(
            "alb_metrics_block: %s has no HTTPS listener on port %s (run playbooks/alb.yml first)"
            % (load_balancer.get("load_balancer_name"), port)
        )
    listener = listeners[0]
    rules = [rule for rule in listener.get("rules") or [] if not rule.get("is_default")]
    taken = [rule for rule in rules if str(rule.get("priority")) == str(wanted["Priority"]) and not _is_block(rule)]
    if taken:
        raise AnsibleFilterError(
            "alb_metrics_block: priority %s of the HTTPS listener of %s is taken by another rule (%s): the metrics "
            "block must be evaluated first"
            % (wanted["Priority"], load_balancer.get("load_balancer_name"), taken[0].get("rule_arn"))
        )
    actions = [
        {key: value for key, value in _camel(action).items() if key in ACTION_KEYS}
        for action in listener.get("default_actions") or []
    ]
    spec = {
        "Protocol": "HTTPS",
        "Port": int(port),
        "SslPolicy": listener.get("ssl_policy"),
        "Certificates": [{"CertificateArn": c["certificate_arn"]} for c in (listener.get("certificates") or [])[:1]],
        "DefaultActions": actions,
        "Rules": [wanted],
    }
    return {
        "needed": not any(_same(rule, wanted) for rule in rules),
        "load_balancer_name": load_balancer.get("load_balancer_name"),
        "subnets": [zone["subnet_id"] for zone in load_balancer.get("availability_zones") or []],
        "security_groups": list(load_balancer.get("security_groups") or []),
        "listener": spec,
    }


class FilterModule:
    def filters(self):
        return {"alb_metrics_block_plan": alb_metrics_block_plan}
