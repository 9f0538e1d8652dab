"""Launch template -> image resolution (module_utils/_ec2/launch_templates.py) and the template specifications of
Auto Scaling groups (module_utils/_autoscaling/transformations.py): the one path ami_retention and the jenkins_ec2
inventory share. Tables of cases against a fake DescribeLaunchTemplateVersions that refuses a missing version the
way EC2 does (the whole call fails with InvalidLaunchTemplateId.VersionNotFound)."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_launch_configurations
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import launch_template_specs
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import template_lookups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import resolve_images
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import resolve_versions

LT_A = ("id", "lt-a")
BY_NAME = ("name", "agent")


class FakeEC2:
    """DescribeLaunchTemplateVersions over {id: (name, default version, {version number: image})}."""

    def __init__(self, templates):
        self.templates = templates
        self.calls = []

    def get_paginator(self, operation):
        assert operation == "describe_launch_template_versions"
        return self

    def paginate(self, Versions, ResolveAlias, LaunchTemplateId=None, LaunchTemplateName=None, PaginationConfig=None):
        assert ResolveAlias is True
        self.calls.append((LaunchTemplateId or LaunchTemplateName, tuple(Versions)))
        found = []
        for template_id, (name, default, images) in self.templates.items():
            if (LaunchTemplateId or LaunchTemplateName) not in (None, template_id, name):
                continue
            for version in Versions:
                number = {"$Latest": max(images), "$Default": default}.get(version) or int(version)
                if number not in images:
                    error = {"Error": {"Code": "InvalidLaunchTemplateId.VersionNotFound", "Message": version}}
                    raise botocore.exceptions.ClientError(error, "DescribeLaunchTemplateVersions")
                found.append(
                    {
                        "LaunchTemplateId": template_id,
                        "LaunchTemplateName": name,
                        "VersionNumber": number,
                        "DefaultVersion": number == default,
                        "LaunchTemplateData": {"ImageId": images[number]},
                    }
                )
        self.result = {"LaunchTemplateVersions": found}
        return self

    def build_full_result(self):
        return self.result


# (case, templates, lookups, expected images, expected calls)
RESOLVE_CASES = [
    (
        "numbers and $Latest/$Default of one template in one call",
        {"lt-a": ("agent", 1, {1: "ami-1", 2: "ami-2", 3: "ami-3"})},
        {LT_A: {"$Latest", "$Default", "2"}},
        {(LT_A, "$Latest"): "ami-3", (LT_A, "$Default"): "ami-1", (LT_A, "2"): "ami-2", (BY_NAME, "3"): "ami-3"},
        [("lt-a", ("$Default", "$Latest", "2"))],
    ),
    (
        "a template named by name resolves under its id too",
        {"lt-a": ("agent", 2, {1: "ami-1", 2: "ami-2"})},
        {BY_NAME: {"$Default"}},
        {(BY_NAME, "$Default"): "ami-2", (LT_A, "$Default"): "ami-2", (LT_A, "2"): "ami-2"},
        [("agent", ("$Default",))],
    ),
    (
        "a deleted version does not hide the others: one call per version after the refusal",
        {"lt-a": ("agent", 1, {1: "ami-1", 3: "ami-3"})},
        {LT_A: {"1", "2", "$Latest"}},
        {(LT_A, "1"): "ami-1", (LT_A, "$Latest"): "ami-3", (LT_A, "3"): "ami-3"},
        [("lt-a", ("$Latest", "1", "2")), ("lt-a", ("$Latest",)), ("lt-a", ("1",)), ("lt-a", ("2",))],
    ),
    (
        "a template that is gone resolves nothing",
        {},
        {LT_A: {"$Default"}},
        {},
        [("lt-a", ("$Default",))],
    ),
    (
        "more than three templates needing only $Latest/$Default: one account-wide call",
        {
            "lt-{0}".format(n): ("t{0}".format(n), 1, {1: "ami-{0}a".format(n), 2: "ami-{0}b".format(n)})
            for n in range(4)
        },
        {("id", "lt-{0}".format(n)): {"$Latest"} for n in range(4)},
        {(("id", "lt-{0}".format(n)), "$Latest"): "ami-{0}b".format(n) for n in range(4)},
        [(None, ("$Latest", "$Default"))],
    ),
]


@pytest.mark.parametrize(
    "templates, lookups, expected, calls", [c[1:] for c in RESOLVE_CASES], ids=[c[0] for c in RESOLVE_CASES]
)
def test_resolve_images(templates, lookups, expected, calls):
    ec2 = FakeEC2(templates)
    images = resolve_images(ec2, lookups)
    assert {key: images.get(key) for key in expected} == expected
    assert ec2.calls == calls


def test_resolve_versions_keeps_what_retention_reports():
    ec2 = FakeEC2({"lt-a": ("agent", 1, {1: "ami-1", 2: "ami-2"})})
    version = resolve_versions(ec2, {LT_A: {"$Latest"}})[(LT_A, "$Latest")]
    assert (version["LaunchTemplateName"], version["VersionNumber"]) == ("agent", 2)


MIXED = {
    "MixedInstancesPolicy": {
        "LaunchTemplate": {
            "LaunchTemplateSpecification": {"LaunchTemplateId": "lt-a", "Version": "3"},
            "Overrides": [
                {"InstanceType": "t3.large"},
                {"InstanceType": "m6g.large", "LaunchTemplateSpecification": {"LaunchTemplateName": "arm"}},
                {"InstanceRequirements": {}, "LaunchTemplateSpecification": {"LaunchTemplateId": "lt-r"}},
            ],
        }
    }
}
# (case, group, expected (None for the default, else the override's instance type or "requirements"; spec),
#  expected template lookups)
SPEC_CASES = [
    ("launch configuration", {"LaunchConfigurationName": "lc"}, [], {}),
    (
        "own template, no version means $Default",
        {"LaunchTemplate": {"LaunchTemplateId": "lt-a"}},
        [(None, {"LaunchTemplateId": "lt-a"})],
        {LT_A: {"$Default"}},
    ),
    (
        "mixed instances policy: default, then each override naming a template",
        MIXED,
        [
            (None, {"LaunchTemplateId": "lt-a", "Version": "3"}),
            ("m6g.large", {"LaunchTemplateName": "arm"}),
            ("requirements", {"LaunchTemplateId": "lt-r"}),
        ],
        {LT_A: {"3"}, ("name", "arm"): {"$Default"}, ("id", "lt-r"): {"$Default"}},
    ),
]


@pytest.mark.parametrize("group, specs, lookups", [c[1:] for c in SPEC_CASES], ids=[c[0] for c in SPEC_CASES])
def test_launch_template_specs(group, specs, lookups):
    found = launch_template_specs(group)
    kinds = [None if override is None else override.get("InstanceType", "requirements") for override, dummy in found]
    assert list(zip(kinds, [spec for dummy, spec in found])) == specs
    assert template_lookups([group]) == lookups


class FakeAutoScaling:
    def __init__(self):
        self.calls = []

    def get_paginator(self, operation):
        assert operation == "describe_launch_configurations"
        return self

    def paginate(self, LaunchConfigurationNames):
        self.calls.append(list(LaunchConfigurationNames))
        self.result = {"LaunchConfigurations": [{"LaunchConfigurationName": n} for n in LaunchConfigurationNames]}
        return self

    def build_full_result(self):
        return self.result


@pytest.mark.parametrize("count, calls", [(1, [1]), (50, [50]), (51, [50, 1]), (120, [50, 50, 20])])
def test_launch_configurations_are_asked_50_names_a_call(count, calls):
    client = FakeAutoScaling()
    names = ["lc-{0:03d}".format(n) for n in range(count)]
    assert [c["LaunchConfigurationName"] for c in describe_launch_configurations(client, names)] == names
    assert [len(c) for c in client.calls] == calls
