"""Table-driven tests of the jenkins_ec2 helpers: variable paths, hostnames, Auto Scaling resolution, hostvars."""

from __future__ import annotations

import contextlib
import datetime
import gc

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import template_lookups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import resolve_images
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import autoscaling
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import hostnames
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import hostvars
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory.groups import lifecycle_group
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory.paths import MISSING as _MISSING
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory.paths import lookup_path
from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory.paths import parse_path

HOST = {
    "tags": {"Role": "agent", "jenkins-ha:stack": "prod", "Empty": ""},
    "placement": {"availability_zone": "us-east-1b", "region": "us-east-1"},
    "security_groups": [{"group_id": "sg-1"}, {"group_id": "sg-2"}],
    "instance_id": "i-1",
    "private_ip_address": "10.0.0.5",
    "private_dns_name": "ip-10-0-0-5.ec2.internal",
}


@pytest.mark.parametrize(
    "expression, parts",
    [
        ("instance_id", ["instance_id"]),
        ("tags.Role", ["tags", "Role"]),
        (" tags . Role ", ["tags", "Role"]),
        ("tags['jenkins-ha:stack']", ["tags", "jenkins-ha:stack"]),
        ('tags["Role"]', ["tags", "Role"]),
        ("security_groups[1].group_id", ["security_groups", 1, "group_id"]),
        # Anything Jinja2 would read differently is left to the templar.
        ("tags.items", None),
        ("tags.Role | upper", None),
        ("'literal'", None),
        ("true", None),
        ("None", None),
        ("a ~ b", None),
        ("tags[key]", None),
        (42, None),
    ],
)
def test_parse_path(expression, parts):
    assert parse_path(expression) == parts


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("tags.Role", "agent"),
        ("tags['jenkins-ha:stack']", "prod"),
        ("tags.Empty", ""),
        ("placement.availability_zone", "us-east-1b"),
        ("security_groups[1].group_id", "sg-2"),
        ("tags.Missing", _MISSING),
        ("security_groups[5]", _MISSING),
        ("instance_id.foo", _MISSING),
        ("nothing", _MISSING),
    ],
)
def test_lookup_path(expression, expected):
    assert lookup_path(HOST, parse_path(expression)) == expected


@pytest.mark.parametrize(
    "state, group",
    [
        ("InService", "lifecycle_in_service"),
        ("Pending", "lifecycle_pending"),
        ("Pending:Wait", "lifecycle_pending_wait"),
        ("Terminating:Proceed", "lifecycle_terminating_proceed"),
        ("Standby", "lifecycle_standby"),
        ("Warmed:Hibernated", "lifecycle_warmed_hibernated"),
    ],
)
def test_lifecycle_group(state, group):
    assert lifecycle_group(state) == group


@pytest.mark.parametrize(
    "source, expected",
    [
        ("instance-id", "i-1"),
        ("private-ip-address", "10.0.0.5"),
        ("private-dns-name", "ip-10-0-0-5.ec2.internal"),
        ("dns-name", None),
        ("availability-zone", "us-east-1b"),
        ("tag:Role", "agent"),
        ("tag:Empty", None),
        ("tag:Missing", None),
        ("tag:Role=agent", "Role_agent"),
        ("tag:Role=controller", None),
        ("tag:Missing,Role", ["agent"]),
        ("tag:Role,jenkins-ha:stack", ["agent", "prod"]),
    ],
)
def test_hostname_sources(source, expected):
    assert hostnames.Source(source).value(HOST) == expected


def test_prefix_may_be_literal_but_name_may_not():
    (preference,) = hostnames.parse_preferences([{"name": "instance-id", "prefix": "jenkins", "separator": "-"}])
    assert preference.prefix.value(HOST) == "jenkins"
    with pytest.raises(hostnames.HostnameError, match="not a supported source"):
        hostnames.parse_preferences(["jenkins"])
    with pytest.raises(hostnames.HostnameError, match="unknown: sep"):
        hostnames.parse_preferences([{"name": "instance-id", "sep": "-"}])
    with pytest.raises(hostnames.HostnameError, match="must be a list"):
        hostnames.parse_preferences("instance-id")


class FakeEC2:
    """DescribeLaunchTemplateVersions for templates {id: (name, default version, [image per version])}."""

    def __init__(self, templates):
        self.templates = templates
        self.calls = []

    def get_paginator(self, operation):
        assert operation == "describe_launch_template_versions"
        return self

    def paginate(self, Versions, ResolveAlias, LaunchTemplateId=None, LaunchTemplateName=None, PaginationConfig=None):
        self.calls.append((LaunchTemplateId or LaunchTemplateName, tuple(Versions)))
        return self

    def build_full_result(self):
        # The answer to the call paginate() just recorded.
        templates, versions = self.calls[-1]
        result = []
        for template_id, (name, default, images) in self.templates.items():
            if templates not in (None, template_id, name):
                continue
            for version in versions:
                number = {"$Latest": len(images), "$Default": default}.get(version) or int(version)
                result.append(
                    {
                        "LaunchTemplateId": template_id,
                        "LaunchTemplateName": name,
                        "VersionNumber": number,
                        "DefaultVersion": number == default,
                        "LaunchTemplateData": {"ImageId": images[number - 1]},
                    }
                )
        return {"LaunchTemplateVersions": result}


def group(name, spec=None, mixed=None, members=()):
    result = {"AutoScalingGroupName": name, "Instances": list(members)}
    if spec:
        result["LaunchTemplate"] = spec
    if mixed:
        result["MixedInstancesPolicy"] = {"LaunchTemplate": mixed}
    return result


def member(instance_id, state="InService", version="1"):
    return {
        "InstanceId": instance_id,
        "LifecycleState": state,
        "HealthStatus": "Healthy",
        "LaunchTemplate": {"LaunchTemplateId": "lt-a", "LaunchTemplateName": "agent", "Version": version},
    }


def test_template_versions_resolved_in_one_call_per_template():
    ec2 = FakeEC2({"lt-a": ("agent", 1, ["ami-1", "ami-2", "ami-3"]), "lt-c": ("controller", 2, ["ami-7", "ami-8"])})
    groups = [
        group("agents-latest", {"LaunchTemplateId": "lt-a", "Version": "$Latest"}, members=[member("i-1")]),
        group("agents-pinned", {"LaunchTemplateName": "agent", "Version": "2"}, members=[member("i-2", "Pending")]),
        group("controller", {"LaunchTemplateId": "lt-c"}, members=[member("i-3")]),  # no version: $Default
    ]
    plan = template_lookups(groups)
    images = resolve_images(ec2, plan)
    assert len(ec2.calls) == 3  # lt-a by id, "agent" by name, lt-c: one call each, all versions at once
    facts = autoscaling.instance_facts(groups, images, {})
    assert facts["i-1"]["jenkins_ha_desired_image_id"] == "ami-3"
    assert facts["i-2"]["jenkins_ha_desired_image_id"] == "ami-2"
    assert facts["i-2"]["jenkins_ha_lifecycle_state"] == "Pending"
    assert facts["i-3"]["jenkins_ha_desired_image_id"] == "ami-8"
    assert facts["i-1"]["jenkins_ha_launch_template"] == {"id": "lt-a", "name": "agent", "version": "1"}


def test_many_templates_use_one_account_wide_call():
    templates = {
        "lt-{0}".format(n): ("t{0}".format(n), 1, ["ami-{0}a".format(n), "ami-{0}b".format(n)]) for n in range(6)
    }
    ec2 = FakeEC2(templates)
    groups = [
        group(
            "g{0}".format(n),
            {"LaunchTemplateId": "lt-{0}".format(n), "Version": "$Latest"},
            members=[member("i-{0}".format(n))],
        )
        for n in range(6)
    ]
    images = resolve_images(ec2, template_lookups(groups))
    assert ec2.calls == [(None, ("$Latest", "$Default"))]
    facts = autoscaling.instance_facts(groups, images, {})
    assert [facts["i-{0}".format(n)]["jenkins_ha_desired_image_id"] for n in range(6)] == [
        "ami-{0}b".format(n) for n in range(6)
    ]


def test_mixed_instances_override_per_instance_type():
    ec2 = FakeEC2({"lt-a": ("agent", 1, ["ami-x86"]), "lt-g": ("agent-arm", 1, ["ami-arm"])})
    mixed = {
        "LaunchTemplateSpecification": {"LaunchTemplateId": "lt-a", "Version": "$Default"},
        "Overrides": [
            {"InstanceType": "m6g.large", "LaunchTemplateSpecification": {"LaunchTemplateId": "lt-g", "Version": "1"}},
            {"InstanceType": "m6i.large"},
        ],
    }
    groups = [group("agents", mixed=mixed, members=[member("i-arm"), member("i-x86")])]
    images = resolve_images(ec2, template_lookups(groups))
    facts = autoscaling.instance_facts(groups, images, {"i-arm": "m6g.large", "i-x86": "m6i.large"})
    assert facts["i-arm"]["jenkins_ha_desired_image_id"] == "ami-arm"
    assert facts["i-x86"]["jenkins_ha_desired_image_id"] == "ami-x86"


@pytest.mark.parametrize(
    "image, desired, stale",
    [("ami-1", "ami-1", False), ("ami-1", "ami-2", True), ("ami-2", "ami-1", True), ("ami-1", None, False)],
)
def test_is_stale(image, desired, stale):
    assert autoscaling.is_stale(image, desired) is stale


def test_launch_configuration_groups_are_not_resolved():
    groups = [{"AutoScalingGroupName": "legacy", "LaunchConfigurationName": "lc", "Instances": [member("i-1")]}]
    assert template_lookups(groups) == {}
    assert autoscaling.instance_facts(groups, {}, {})["i-1"]["jenkins_ha_desired_image_id"] is None


INSTANCE = {
    "InstanceId": "i-1",
    "ImageId": "ami-1",
    "InstanceType": "t3.micro",
    "PrivateIpAddress": "10.0.0.5",
    "LaunchTime": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
    "Placement": {"AvailabilityZone": "us-east-1b", "Tenancy": "default", "GroupName": ""},
    "State": {"Code": 16, "Name": "running"},
    "Tags": [{"Key": "Name", "Value": "web"}],
    "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default"}],
    "IamInstanceProfile": {"Arn": "arn:aws:iam::1:instance-profile/x", "Id": "AIPA"},
    "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.5"}]}],
    "OwnerId": "123456789012",
}


def test_default_schema_matches_aws_ec2_names_and_shapes():
    assert hostvars.build_hostvars(INSTANCE) == {
        "instance_id": "i-1",
        "image_id": "ami-1",
        "instance_type": "t3.micro",
        "private_ip_address": "10.0.0.5",
        "launch_time": "2026-01-02T03:04:05+00:00",
        "placement": {"availability_zone": "us-east-1b", "tenancy": "default", "group_name": "", "region": "us-east-1"},
        "state": {"code": 16, "name": "running"},
        "tags": {"Name": "web"},
        "security_groups": [{"group_id": "sg-1", "group_name": "default"}],
        "iam_instance_profile": {"arn": "arn:aws:iam::1:instance-profile/x", "id": "AIPA"},
    }


def test_extra_hostvars_are_converted_like_camel_dict_to_snake_dict():
    from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

    extra = hostvars.build_hostvars(INSTANCE, frozenset(["network_interfaces", "owner_id"]))
    assert extra["network_interfaces"] == camel_dict_to_snake_dict({"x": INSTANCE["NetworkInterfaces"]})["x"]
    assert extra["owner_id"] == "123456789012"
    assert "placement" in hostvars.build_hostvars(INSTANCE, every=True)


@pytest.mark.parametrize(
    "wanted, kept",
    [
        (frozenset(), [b"<tagSet/>", b"<groupSet><item>sg</item></groupSet>", b"<productCodesX>k</productCodesX>"]),
        (frozenset(["network_interfaces"]), [b"<networkInterfaceSet><item><groupSet/></item></networkInterfaceSet>"]),
    ],
)
def test_unused_elements_are_stripped_before_decoding(wanted, kept):
    xml = (
        b"<item><stateReason/><stateReason><code/><message/></stateReason><tagSet/>"
        b"<networkInterfaceSet><item><groupSet/></item></networkInterfaceSet><blockDeviceMapping/>"
        b"<groupSet><item>sg</item></groupSet><productCodesX>k</productCodesX></item>"
    )
    stripped = hostvars.unused_elements_pattern(wanted).sub(b"", xml)
    assert b"stateReason" not in stripped and b"blockDeviceMapping" not in stripped
    for element in kept:
        assert element in stripped
    assert hostvars.unused_elements_pattern(frozenset(["all"])) is None


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("fails", [False, True])
def test_cyclic_gc_paused_restores_the_collector(enabled, fails):
    from ansible_collections.jenkins_ha.aws.plugins.inventory.jenkins_ec2 import cyclic_gc_paused

    before = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError) if fails else contextlib.nullcontext():
            with cyclic_gc_paused():
                assert not gc.isenabled()
                if fails:
                    raise RuntimeError("parse failed")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if before else gc.disable)()
