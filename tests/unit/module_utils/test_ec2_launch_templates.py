"""Launch template -> image resolution (module_utils/_ec2/launch_templates.py) and the template specifications of
Auto Scaling groups (module_utils/_autoscaling/transformations.py): the one path ami_retention and the jenkins_ec2
inventory share. Tables of cases against a fake DescribeLaunchTemplateVersions that refuses a missing version the
way EC2 does (the whole call fails with InvalidLaunchTemplateId.VersionNotFound)."""

from __future__ import annotations

import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_launch_configurations
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import launch_template_specs
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import template_lookups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import resolve_images
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import resolve_versions
from tests.unit.modules.helpers import in_process_moto

LT_A = ("id", "lt-a")
BY_NAME = ("name", "agent")


def refusal(code, message):
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": message}}, "DescribeLaunchTemplateVersions"
    )


class FakeEC2:
    """DescribeLaunchTemplateVersions over {id: (name, default version, {version number: image})}, refusing as EC2
    and moto do (the moto test below): a template that does not exist fails the call with
    InvalidLaunchTemplateId.NotFound (by id) or InvalidLaunchTemplateName.NotFoundException (by name), one version it
    does not have with InvalidLaunchTemplateId.VersionNotFound; no Versions lists every version."""

    def __init__(self, templates):
        self.templates = templates
        self.calls = []

    def get_paginator(self, operation):
        assert operation == "describe_launch_template_versions"
        return self

    def paginate(self, ResolveAlias, Versions=None, LaunchTemplateId=None, LaunchTemplateName=None, **kwargs):
        assert ResolveAlias is True
        assert set(kwargs) <= {"PaginationConfig"}
        self.calls.append((LaunchTemplateId or LaunchTemplateName, tuple(Versions) if Versions is not None else None))
        wanted = LaunchTemplateId or LaunchTemplateName
        selected = {t: v for t, v in self.templates.items() if wanted in (None, t, v[0])}
        if LaunchTemplateId and not selected:
            raise refusal("InvalidLaunchTemplateId.NotFound", LaunchTemplateId)
        if LaunchTemplateName and not selected:
            raise refusal("InvalidLaunchTemplateName.NotFoundException", LaunchTemplateName)
        found = []
        for template_id, (name, default, images) in selected.items():
            for version in images if Versions is None else Versions:
                number = {"$Latest": max(images), "$Default": default}.get(version) or int(version)
                if number not in images:
                    raise refusal("InvalidLaunchTemplateId.VersionNotFound", version)
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
        "a deleted version does not hide the others: one more call lists the template's versions",
        {"lt-a": ("agent", 1, {1: "ami-1", 3: "ami-3", 4: "ami-4"})},
        {LT_A: {"1", "2", "$Latest", "$Default"}},
        {
            (LT_A, "1"): "ami-1",
            (LT_A, "$Default"): "ami-1",
            (LT_A, "$Latest"): "ami-4",
            (LT_A, "4"): "ami-4",
            (LT_A, "2"): None,
            (LT_A, "3"): None,
        },
        [("lt-a", ("$Default", "$Latest", "1", "2")), ("lt-a", None)],
    ),
    (
        "a template that is gone resolves nothing, in one call however many versions are asked",
        {},
        {LT_A: {"$Default", "$Latest", "1", "2", "3"}},
        {(LT_A, "$Default"): None, (LT_A, "1"): None},
        [("lt-a", ("$Default", "$Latest", "1", "2", "3"))],
    ),
    (
        "a template named by a name that is gone: one call",
        {"lt-a": ("agent", 1, {1: "ami-1"})},
        {("name", "gone"): {"1", "2"}, LT_A: {"1"}},
        {(("name", "gone"), "1"): None, (LT_A, "1"): "ami-1"},
        [("gone", ("1", "2")), ("lt-a", ("1",))],
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


def test_an_error_other_than_gone_is_raised():
    class Refusing(FakeEC2):
        def paginate(self, **kwargs):
            self.calls.append(kwargs)
            raise refusal("UnauthorizedOperation", "not authorized")

    ec2 = Refusing({})
    with pytest.raises(AnsibleEC2Error, match="describe launch template versions.*not authorized"):
        resolve_images(ec2, {LT_A: {"1", "2"}})
    assert len(ec2.calls) == 1


def test_a_template_deleted_between_the_two_calls_resolves_nothing():
    class Deleting(FakeEC2):
        def paginate(self, **kwargs):
            try:
                return super().paginate(**kwargs)
            finally:
                self.templates = {}  # gone after the first answer

    ec2 = Deleting({"lt-a": ("agent", 1, {1: "ami-1"})})
    assert resolve_images(ec2, {LT_A: {"1", "2"}}) == {}
    assert ec2.calls == [("lt-a", ("1", "2")), ("lt-a", None)]


def count_calls(client):
    calls = []
    client.meta.events.register(
        "before-call.ec2.DescribeLaunchTemplateVersions", lambda params, **kwargs: calls.append(params)
    )
    return calls


def test_against_moto_a_deleted_template_costs_one_call_and_a_deleted_version_two(monkeypatch):
    """The same refusals from moto (the emulator's EC2): its codes are the ones the fake above uses."""
    with in_process_moto(monkeypatch) as client:
        ec2 = client("ec2")
        data = {"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"}
        template = ec2.create_launch_template(LaunchTemplateName="agent", LaunchTemplateData=data)["LaunchTemplate"]
        for image in ("ami-2", "ami-3"):
            ec2.create_launch_template_version(LaunchTemplateName="agent", LaunchTemplateData=dict(data, ImageId=image))
        gone = ec2.create_launch_template(LaunchTemplateName="gone", LaunchTemplateData=data)["LaunchTemplate"]
        ec2.delete_launch_template(LaunchTemplateId=gone["LaunchTemplateId"])
        calls = count_calls(ec2)

        # moto does not implement DeleteLaunchTemplateVersions: version 7, never made, stands for a deleted one.
        versions = {"1", "3", "7", "$Latest", "$Default"}
        assert resolve_images(ec2, {("id", gone["LaunchTemplateId"]): versions, ("name", "gone"): versions}) == {}
        assert len(calls) == 2

        del calls[:]
        images = resolve_images(ec2, {("id", template["LaunchTemplateId"]): versions})
        key = ("id", template["LaunchTemplateId"])
        assert {v: images.get((key, v)) for v in versions} == {
            "1": "ami-12c6146b",
            "3": "ami-3",
            "7": None,
            "$Latest": "ami-3",
            "$Default": "ami-12c6146b",
        }
        assert len(calls) == 2


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
