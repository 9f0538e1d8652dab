"""unconverged_launch_templates: a template described as launch_templates.yml makes it is left out; each field the
module sets, changed alone, brings it back (one row per field)."""

from __future__ import annotations

import copy

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_launch_templates import (
    template_differences,
    unconverged_launch_templates,
)

CONTEXT = {
    "amis": {"controller": "ami-11111111", "agent": "ami-22222222"},
    "images": [
        {"image_id": "ami-11111111", "root_device_name": "/dev/xvda"},
        {"image_id": "ami-22222222", "root_device_name": "/dev/xvda"},
    ],
    "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k",
    "user_data": {"controller": "Y29udHJvbGxlcg==", "agent": "YWdlbnQ="},
    "tags": {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws"},
    "component_tag": "jenkins-ha:component",
    "stack_name": "demo",
}
ITEM = {
    "component": "agent",
    "name": "demo-agent-spot",
    "instance_type": "m5.large",
    "volume_size": 30,
    "security_group": "sg-0123456789abcdef0",
    "profile": "demo-agent",
    "extra_tags": {"jenkins-ha:pool": "spot", "team": "ci"},
    "launch_tags": {"team": "ci"},
}
INSTANCE_TAGS = {
    "jenkins-ha:stack": "demo",
    "managed-by": "jenkins_ha.aws",
    "team": "ci",
    "jenkins-ha:component": "agent",
    "Name": "demo-agent-spot",
}


def described(**changes):
    template = {
        "launch_template_name": "demo-agent-spot",
        "default_version_number": 2,
        "latest_version_number": 2,
        "tags": {
            "jenkins-ha:stack": "demo",
            "managed-by": "jenkins_ha.aws",
            "jenkins-ha:pool": "spot",
            "team": "ci",
            "jenkins-ha:component": "agent",
        },
    }
    version = {
        "launch_template_name": "demo-agent-spot",
        "version_number": 2,
        "version_description": "jenkins_ha demo agent",
        "launch_template_data": {
            "image_id": "ami-22222222",
            "instance_type": "m5.large",
            "iam_instance_profile": {"arn": "arn:aws:iam::123456789012:instance-profile/demo-agent"},
            "security_group_ids": ["sg-0123456789abcdef0"],
            "metadata_options": {
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": 1,
                "http_protocol_ipv6": "disabled",
                "instance_metadata_tags": "disabled",
            },
            "block_device_mappings": [
                {
                    "device_name": "/dev/xvda",
                    "ebs": {
                        "volume_type": "gp3",
                        "volume_size": 30,
                        "encrypted": True,
                        "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/k",
                        "delete_on_termination": True,
                    },
                }
            ],
            "monitoring": {"enabled": True},
            "user_data": "YWdlbnQ=",
            "tag_specifications": [
                {"resource_type": "instance", "tags": dict(INSTANCE_TAGS)},
                {"resource_type": "volume", "tags": dict(INSTANCE_TAGS)},
            ],
        },
    }
    for path, value in changes.items():
        target = template if path.startswith("template.") else version
        keys = path.split(".")[1:]
        for key in keys[:-1]:
            target = target[key] if not isinstance(target, list) else target[int(key)]
        if isinstance(target, list):
            target[int(keys[-1])] = value
        else:
            target[keys[-1]] = value
    return template, version


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        ({"version.launch_template_data.image_id": "ami-33333333"}, ["data"]),
        ({"version.launch_template_data.instance_type": "m6i.large"}, ["data"]),
        ({"version.launch_template_data.user_data": "b3RoZXI="}, ["data"]),
        ({"version.launch_template_data.metadata_options.http_tokens": "optional"}, ["data"]),
        ({"version.launch_template_data.block_device_mappings.0.ebs.volume_size": 50}, ["data"]),
        ({"version.launch_template_data.block_device_mappings.0.ebs.kms_key_id": "other"}, ["data"]),
        ({"version.launch_template_data.iam_instance_profile": {"arn": "arn:aws:iam::1:instance-profile/x"}}, ["data"]),
        ({"version.launch_template_data.security_group_ids": ["sg-1"]}, ["data"]),
        ({"version.launch_template_data.key_name": "someone"}, ["data"]),
        ({"version.launch_template_data.tag_specifications.1.tags": {"Name": "x"}}, ["data"]),
        ({"version.version_description": "other"}, ["description"]),
        ({"template.default_version_number": 1}, ["default_version"]),
        ({"template.tags": {"jenkins-ha:stack": "demo"}}, ["tags"]),
    ],
)
def test_differences(changes, expected):
    template, version = described(**copy.deepcopy(changes))
    assert template_differences(ITEM, template, version, CONTEXT) == expected


def test_missing_template_or_version():
    template, version = described()
    assert template_differences(ITEM, None, None, CONTEXT) == ["missing"]
    assert unconverged_launch_templates([ITEM], [template], [], CONTEXT) == [ITEM]
    assert unconverged_launch_templates([ITEM], [template], [version], CONTEXT) == []


def test_the_latest_of_several_versions_is_compared():
    template, version = described()
    older = dict(copy.deepcopy(version), version_number=1)
    older["launch_template_data"]["image_id"] = "ami-00000000"
    assert unconverged_launch_templates([ITEM], [template], [version, older], CONTEXT) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (([{"name": "x"}], [], [], CONTEXT), "lacks"),
        (([ITEM], "x", [], CONTEXT), "templates must be a list"),
        (([ITEM], [], [], {}), "context needs"),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(AnsibleFilterError, match=message):
        unconverged_launch_templates(*args)
