"""unconverged_target_group: a converged target group needs no module run, every difference the module acts on (or
refuses) keeps it, and bad input fails clearly. Live dicts as the jenkins_ha.aws.aws_read lookup returns them."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_alb import FilterModule, unconverged_target_group

TAGS = {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws", "Name": "demo-controller"}
DESIRED = {
    "name": "demo-controller",
    "protocol": "HTTP",
    "port": "8080",
    "target_type": "instance",
    "vpc_id": "vpc-1",
    "health_check_protocol": "HTTP",
    "health_check_port": "traffic-port",
    "health_check_path": "/login",
    "successful_response_codes": "200",
    "health_check_interval": 15,
    "healthy_threshold_count": "2",
    "unhealthy_threshold_count": 4,
    "deregistration_delay_timeout": "30",
    "modify_targets": False,
    "tags": TAGS,
}
LIVE = {
    "target_group_name": "demo-controller",
    "target_group_arn": "arn:tg",
    "protocol": "HTTP",
    "port": 8080,
    "vpc_id": "vpc-1",
    "target_type": "instance",
    "health_check_protocol": "HTTP",
    "health_check_port": "traffic-port",
    "health_check_path": "/login",
    "health_check_interval_seconds": 15,
    "health_check_timeout_seconds": 5,
    "healthy_threshold_count": 2,
    "unhealthy_threshold_count": 4,
    "matcher": {"http_code": "200"},
}
ATTRIBUTES = [
    {"key": "deregistration_delay.timeout_seconds", "value": "30"},
    {"key": "stickiness.enabled", "value": "false"},
]


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {"unconverged_target_group"}


CASES = [
    ("converged (AWS's timeout kept: not given)", [LIVE], ATTRIBUTES, TAGS, False),
    ("another group beside", [dict(LIVE, target_group_name="other", port=1), LIVE], ATTRIBUTES, TAGS, False),
    ("missing", [], None, None, True),
    ("attributes not read", [LIVE], None, TAGS, True),
    ("tags not read", [LIVE], ATTRIBUTES, None, True),
    ("port (the module refuses)", [dict(LIVE, port=80)], ATTRIBUTES, TAGS, True),
    ("protocol", [dict(LIVE, protocol="HTTPS")], ATTRIBUTES, TAGS, True),
    ("VPC", [dict(LIVE, vpc_id="vpc-2")], ATTRIBUTES, TAGS, True),
    ("target type", [dict(LIVE, target_type="ip")], ATTRIBUTES, TAGS, True),
    ("health check path", [dict(LIVE, health_check_path="/")], ATTRIBUTES, TAGS, True),
    ("health check port", [dict(LIVE, health_check_port="8080")], ATTRIBUTES, TAGS, True),
    ("health check protocol", [dict(LIVE, health_check_protocol="HTTPS")], ATTRIBUTES, TAGS, True),
    ("interval", [dict(LIVE, health_check_interval_seconds=30)], ATTRIBUTES, TAGS, True),
    ("healthy threshold", [dict(LIVE, healthy_threshold_count=5)], ATTRIBUTES, TAGS, True),
    ("unhealthy threshold", [dict(LIVE, unhealthy_threshold_count=2)], ATTRIBUTES, TAGS, True),
    ("codes", [dict(LIVE, matcher={"http_code": "200-399"})], ATTRIBUTES, TAGS, True),
    ("deregistration delay", [LIVE], [{"key": "deregistration_delay.timeout_seconds", "value": "300"}], TAGS, True),
    ("tag added", [LIVE], ATTRIBUTES, dict(TAGS, owner="x"), True),
    ("tag value", [LIVE], ATTRIBUTES, dict(TAGS, Name="x"), True),
]


@pytest.mark.parametrize("groups, attributes, tags, differs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_target_group(groups, attributes, tags, differs):
    assert unconverged_target_group(DESIRED, groups, attributes, tags) == ([DESIRED] if differs else [])


def test_several_codes_compare_as_a_set():
    desired = dict(DESIRED, successful_response_codes="200,302")
    live = [dict(LIVE, matcher={"http_code": "302,200"})]
    assert unconverged_target_group(desired, live, ATTRIBUTES, TAGS) == []


@pytest.mark.parametrize(
    "desired",
    [
        dict(DESIRED, modify_targets=True),
        {k: v for k, v in DESIRED.items() if k != "modify_targets"},
        dict(DESIRED, stickiness_enabled=True),
    ],
)
def test_options_not_modelled_reach_the_module(desired):
    assert unconverged_target_group(desired, [LIVE], ATTRIBUTES, TAGS) == [desired]


@pytest.mark.parametrize(
    "call",
    [
        lambda: unconverged_target_group([DESIRED], [LIVE], ATTRIBUTES, TAGS),
        lambda: unconverged_target_group({"name": "x"}, [LIVE], ATTRIBUTES, TAGS),
        lambda: unconverged_target_group(DESIRED, {}, ATTRIBUTES, TAGS),
    ],
)
def test_bad_input_fails_clearly(call):
    with pytest.raises(AnsibleFilterError):
        call()
