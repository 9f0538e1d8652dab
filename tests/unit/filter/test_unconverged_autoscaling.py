"""unconverged_auto_scaling_groups: a described group that matches asgs.yml's definition is left out; each field
the module sets, changed alone, brings the group back into the loop."""

import copy

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_autoscaling import (
    FilterModule,
    group_differences,
    unconverged_auto_scaling_groups,
)

METRICS = ["GroupMinSize", "GroupMaxSize"]
TAGS = {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws"}
SUBNETS = ["subnet-a", "subnet-b"]
TEMPLATES = [{"launch_template_name": "demo-controller", "latest_version_number": 3}]

CONTROLLER = {
    "name": "demo-controller",
    "component": "controller",
    "launch_template": "demo-controller",
    "min_size": 1,
    "max_size": 1,
    "desired_capacity": 1,
    "fleet_owns_size": False,
    "health_check_type": "ELB",
    "health_check_period": "900",
    "target_group_arns": ["arn:tg"],
}


def described(**changes):
    group = {
        "auto_scaling_group_name": "demo-controller",
        "launch_template": {"launch_template_name": "demo-controller", "version": "3"},
        "vpc_zone_identifier": "subnet-a,subnet-b",
        "health_check_type": "ELB",
        "health_check_grace_period": 900,
        "target_group_arns": ["arn:tg"],
        "default_cooldown": 300,
        "termination_policies": ["Default"],
        "suspended_processes": [],
        "enabled_metrics": [{"metric": m, "granularity": "1Minute"} for m in METRICS],
        "tags": [
            {"key": k, "value": v, "propagate_at_launch": True}
            for k, v in sorted(dict(TAGS, **{"jenkins-ha:component": "controller", "Name": "demo-controller"}).items())
        ],
        "min_size": 1,
        "max_size": 1,
        "desired_capacity": 1,
    }
    group.update(changes)
    return group


def differences(item, group):
    latest = {"demo-controller": "3"}
    return group_differences(item, group, latest, SUBNETS, TAGS, "jenkins-ha:component", METRICS)


def tags_with(**changes):
    tags = copy.deepcopy(described()["tags"])
    for tag in tags:
        tag.update(changes.get(tag["key"], {}))
    return tags


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        ({"launch_template": {"launch_template_name": "other", "version": "3"}}, ["launch_template"]),
        ({"launch_template": {"launch_template_name": "demo-controller", "version": "2"}}, ["launch_template_version"]),
        ({"vpc_zone_identifier": "subnet-b,subnet-a"}, ["subnets"]),
        ({"health_check_type": "EC2"}, ["health_check_type"]),
        ({"health_check_grace_period": 300}, ["health_check_period"]),
        ({"target_group_arns": []}, ["target_groups"]),
        ({"default_cooldown": 60}, ["cooldown"]),
        ({"termination_policies": ["OldestInstance"]}, ["termination_policies"]),
        ({"suspended_processes": [{"process_name": "Launch"}]}, ["suspended_processes"]),
        ({"enabled_metrics": [{"metric": "GroupMinSize", "granularity": "1Minute"}]}, ["metrics"]),
        ({"enabled_metrics": []}, ["metrics", "granularity"]),
        ({"tags": tags_with(Name={"value": "renamed"})}, ["tags"]),
        ({"tags": tags_with(Name={"propagate_at_launch": False})}, ["tags_propagate"]),
        ({"tags": list(reversed(described()["tags"]))}, ["tag_order"]),
        ({"desired_capacity": 0}, ["size"]),
    ],
)
def test_each_field_alone(changes, expected):
    assert differences(CONTROLLER, described(**changes)) == expected


def test_a_missing_group_differs():
    assert differences(CONTROLLER, None) == ["missing"]


def test_the_fleet_owns_the_agents_size():
    agent = dict(CONTROLLER, fleet_owns_size=True, min_size="__omit_place_holder__x", max_size="__omit_place_holder__x")
    assert differences(agent, described(min_size=0, max_size=6, desired_capacity=3)) == []


def test_only_the_groups_that_differ_are_returned_in_order():
    other = dict(CONTROLLER, name="demo-agent", component="agent")
    result = unconverged_auto_scaling_groups(
        [CONTROLLER, other], [described()], TEMPLATES, SUBNETS, TAGS, "jenkins-ha:component", METRICS
    )
    assert result == [other]


@pytest.mark.parametrize(
    "args, message",
    [
        (("x", [], []), "desired must be a list of dicts"),
        (([CONTROLLER], [1], []), "actual must be a list of dicts"),
        (([{"name": "g"}], [], []), "item 'g' lacks component"),
    ],
)
def test_bad_input_is_refused(args, message):
    with pytest.raises(AnsibleFilterError, match=message):
        unconverged_auto_scaling_groups(*args, SUBNETS, TAGS, "jenkins-ha:component", METRICS)


def test_registered():
    assert set(FilterModule().filters()) == {"unconverged_auto_scaling_groups"}
