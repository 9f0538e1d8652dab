"""Table tests of what jenkins_ec2 derives from host variables: the agent pool, built-in groups, option checks."""

from __future__ import annotations

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import groups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import options

STACK = "jenkins-ha:stack"
POOL = "jenkins-ha:pool"


@pytest.mark.parametrize(
    "tags, asg, pool",
    [
        # The pool tag wins, whatever the group is called.
        ({STACK: "prod", POOL: "spot"}, "prod-agent-spot", "spot"),
        ({STACK: "prod", POOL: "default"}, "prod-agent", "default"),
        ({POOL: "big"}, None, "big"),
        # An instance of the default pool's group launched before the group carried the tag.
        ({STACK: "prod"}, "prod-agent", "default"),
        # Another stack's agent group, another group of the stack, no group, no stack: no pool.
        ({STACK: "prod"}, "dev-agent", None),
        ({STACK: "prod"}, "prod-controller", None),
        ({STACK: "prod"}, "prod-agent-spot", None),
        ({STACK: "prod"}, None, None),
        ({}, "prod-agent", None),
        # An empty tag value is no pool.
        ({STACK: "prod", POOL: ""}, "prod-agent", "default"),
        ({STACK: "prod", POOL: ""}, "prod-agent-x", None),
    ],
)
def test_pool_of(tags, asg, pool):
    assert groups.pool_of(tags, asg) == pool


@pytest.mark.parametrize(
    "record, names",
    [
        ({}, []),
        (
            {
                "jenkins_ha_stack": "prod",
                "jenkins_ha_component": "agent",
                "jenkins_ha_pool": "spot",
                "jenkins_ha_asg_name": "prod-agent-spot",
                "placement": {"availability_zone": "us-east-1a"},
                "jenkins_ha_lifecycle_state": "InService",
                "jenkins_ha_stale_image": True,
            },
            [
                "stack_prod",
                "agent",
                "pool_spot",
                "asg_prod-agent-spot",
                "az_us-east-1a",
                "lifecycle_in_service",
                "stale_image",
            ],
        ),
        # A controller belongs to no pool.
        (
            {"jenkins_ha_stack": "prod", "jenkins_ha_component": "controller", "jenkins_ha_pool": None},
            ["stack_prod", "controller"],
        ),
    ],
)
def test_builtin_group_names(record, names):
    assert groups.builtin_group_names(record) == names


def test_controllers_prefer_in_service_then_lowest_id():
    records = [
        {
            "jenkins_ha_stack": "prod",
            "jenkins_ha_component": "controller",
            "instance_id": "i-1",
            "jenkins_ha_lifecycle_state": "Pending",
            "private_ip_address": "10.0.0.1",
        },
        {
            "jenkins_ha_stack": "prod",
            "jenkins_ha_component": "controller",
            "instance_id": "i-3",
            "jenkins_ha_lifecycle_state": "InService",
            "private_ip_address": "10.0.0.3",
        },
        {
            "jenkins_ha_stack": "prod",
            "jenkins_ha_component": "controller",
            "instance_id": "i-2",
            "jenkins_ha_lifecycle_state": "InService",
            "private_ip_address": "10.0.0.2",
            "public_ip_address": "",
        },
        {"jenkins_ha_stack": "prod", "jenkins_ha_component": "agent", "instance_id": "i-0"},
    ]
    assert groups.controllers(records) == {"prod": {"instance_id": "i-2", "private_ip_address": "10.0.0.2"}}


DEFINITIONS = {"regions": {}, "stacks": {"aliases": ["stack"]}, "autoscaling": {"type": "bool"}}


@pytest.mark.parametrize(
    "check, args, message",
    [
        (options.unsupported_options, ({"regions": [], "route53_enabled": True},), "aws_ec2 option(s) route53_enabled"),
        (options.unsupported_options, ({"regions": []},), None),
        (options.bad_regions, ([],), "must list at least one region"),
        (options.bad_regions, (["eu-west-1", "EU"],), "'regions' holds EU"),
        (options.bad_regions, (["us-gov-west-1", "cn-north-1"],), None),
        (options.unknown_option, ({"stak": "x"}, DEFINITIONS), "unknown option 'stak' (did you mean 'stack'?)"),
        (options.unknown_option, ({"stack": "x", "regions": []}, DEFINITIONS), None),
        (options.loose_boolean, ({"autoscaling": "sometimes"}, DEFINITIONS), "'autoscaling' must be true or false"),
        (options.loose_boolean, ({"autoscaling": "yes"}, DEFINITIONS), None),
        (options.unknown_extra_hostvars, (["all", "monitoring", "bogus"], ["monitoring"]), "extra_hostvars bogus"),
        (options.unknown_extra_hostvars, (["monitoring"], ["monitoring"]), None),
    ],
)
def test_option_checks(check, args, message):
    answer = check(*args)
    if message is None:
        assert answer is None
    else:
        assert message in answer
