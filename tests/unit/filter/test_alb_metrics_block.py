"""alb_metrics_block_plan: the HTTPS listener rule that answers the metrics path with a fixed 404 (issue 19)."""

import copy

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.alb_metrics_block import alb_metrics_block_plan

TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/demo-controller/0123456789abcdef"
CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"


def block_rule(paths=("/prometheus", "/prometheus/*"), priority="1", body="Not Found"):
    """A rule as elb_application_lb returns it (snake_case, AWS's Order and Values copies)."""
    return {
        "rule_arn": "arn:rule/block",
        "priority": priority,
        "is_default": False,
        "conditions": [
            {"field": "path-pattern", "values": list(paths), "path_pattern_config": {"values": list(paths)}}
        ],
        "actions": [
            {
                "type": "fixed-response",
                "order": 1,
                "fixed_response_config": {"status_code": "404", "content_type": "text/plain", "message_body": body},
            }
        ],
    }


DEFAULT_RULE = {
    "rule_arn": "arn:rule/default",
    "priority": "default",
    "is_default": True,
    "conditions": [],
    "actions": [],
}


def load_balancer(rules=()):
    return {
        "load_balancer_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/demo-alb/1",
        "load_balancer_name": "demo-alb",
        "availability_zones": [{"zone_name": "eu-west-1a", "subnet_id": "subnet-a"}, {"subnet_id": "subnet-b"}],
        "security_groups": ["sg-alb"],
        "listeners": [
            {
                "port": 80,
                "protocol": "HTTP",
                "default_actions": [{"type": "redirect", "redirect_config": {"protocol": "HTTPS", "port": "443"}}],
                "rules": [DEFAULT_RULE],
            },
            {
                "port": 443,
                "protocol": "HTTPS",
                "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "certificates": [{"certificate_arn": CERT}],
                "default_actions": [
                    {
                        "type": "forward",
                        "order": 1,
                        "target_group_arn": TG,
                        "forward_config": {"target_groups": [{"target_group_arn": TG, "weight": 1}]},
                    }
                ],
                "rules": [DEFAULT_RULE, *rules],
            },
        ],
    }


WANTED = {
    "Priority": 1,
    "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/prometheus", "/prometheus/*"]}}],
    "Actions": [
        {
            "Type": "fixed-response",
            "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain", "MessageBody": "Not Found"},
        }
    ],
}

CASES = [
    # (id, rules on the HTTPS listener, path, whether the module must be called)
    ("fresh-listener", [], "prometheus", True),
    ("in-place", [block_rule()], "prometheus", False),
    ("in-place-other-order", [block_rule(paths=("/prometheus/*", "/prometheus"))], "prometheus", False),
    ("path-changed", [block_rule()], "metrics/jenkins", True),
    ("other-body", [block_rule(body="gone")], "prometheus", True),
    ("block-at-other-priority", [block_rule(priority="5")], "prometheus", True),
]


@pytest.mark.parametrize("rules,path,needed", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_plan(rules, path, needed):
    plan = alb_metrics_block_plan(load_balancer(rules), path)
    assert plan["needed"] is needed
    assert plan["load_balancer_name"] == "demo-alb"
    assert plan["subnets"] == ["subnet-a", "subnet-b"] and plan["security_groups"] == ["sg-alb"]
    listener = plan["listener"]
    # The listener as it is, in the keys elb_application_lb compares: nothing but the rule changes.
    assert listener["Protocol"] == "HTTPS" and listener["Port"] == 443
    assert listener["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert listener["Certificates"] == [{"CertificateArn": CERT}]
    assert listener["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": TG}]
    expected = copy.deepcopy(WANTED)
    expected["Conditions"][0]["PathPatternConfig"]["Values"] = sorted(["/" + path, "/" + path + "/*"])
    assert listener["Rules"] == [expected]


def test_the_rule_never_forwards():
    rule = alb_metrics_block_plan(load_balancer(), "prometheus")["listener"]["Rules"][0]
    assert [a["Type"] for a in rule["Actions"]] == ["fixed-response"]
    assert rule["Actions"][0]["FixedResponseConfig"]["StatusCode"] == "404"


ERRORS = [
    ("no-load-balancer", {}, "prometheus", 1, "run playbooks/alb.yml first"),
    (
        "no-https-listener",
        {**load_balancer(), "listeners": load_balancer()["listeners"][:1]},
        "prometheus",
        1,
        "no HTTPS listener",
    ),
    ("leading-slash", load_balancer(), "/prometheus", 1, "without leading or trailing slash"),
    ("trailing-slash", load_balancer(), "prometheus/", 1, "without leading or trailing slash"),
    ("empty-path", load_balancer(), "", 1, "without leading or trailing slash"),
    ("wildcard", load_balancer(), "prom*", 1, "without leading or trailing slash"),
]


@pytest.mark.parametrize("lb,path,priority,message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_refused(lb, path, priority, message):
    with pytest.raises(AnsibleFilterError, match=message):
        alb_metrics_block_plan(lb, path, priority)


def test_a_foreign_rule_at_the_priority_is_not_overwritten():
    foreign = {
        "rule_arn": "arn:rule/foreign",
        "priority": "1",
        "conditions": [{"field": "host-header", "values": ["x.example.com"]}],
        "actions": [{"type": "forward", "target_group_arn": TG}],
    }
    with pytest.raises(AnsibleFilterError, match="arn:rule/foreign"):
        alb_metrics_block_plan(load_balancer([foreign]), "prometheus")
    assert alb_metrics_block_plan(load_balancer([foreign]), "prometheus", 2)["needed"] is True
