"""packer_build: reuse + retag, check mode, force and Packer failures (moto in-process, a fake packer binary)."""

import json
import stat

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID as ACCOUNT

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import amis
from ansible_collections.jenkins_ha.aws.plugins.modules import packer_build
from tests.unit.modules.helpers import run_module


def register_base(ec2, name="debian-12-amd64-20250101-2000"):
    """A Debian-named base AMI like the ones Debian publishes, in moto's account."""
    return ec2.register_image(
        Name=name,
        Architecture="x86_64",
        RootDeviceName="/dev/xvda",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}],
    )["ImageId"]


def fake_packer(tmp_path, image_id, rc=0):
    """A packer that records its call and prints an artifact line (or Packer's error lines)."""
    script = tmp_path / "fake-packer"
    if rc == 0:
        out = "1,amazon-ebs.jenkins_ha,artifact,0,id,us-east-1:{0}".format(image_id)
    else:
        out = "1,amazon-ebs.jenkins_ha,error,Error launching source instance: UnauthorizedOperation\n1,,error-count,1"
    script.write_text(
        '#!/bin/sh\necho called >> "{0}/calls"\nprintf "%s\\n" "{1}"\nexit {2}\n'.format(tmp_path, out, rc)
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def calls(tmp_path):
    path = tmp_path / "calls"
    return len(path.read_text().splitlines()) if path.exists() else 0


def run(capsys, **args):
    return run_module(packer_build.main, capsys, **args)


def make_image(ec2, tags):
    instance = ec2.run_instances(ImageId="ami-1e749f67", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    image_id = ec2.create_image(InstanceId=instance, Name="jenkins-ha-agent-" + tags.get("jenkins-ha:commit", "x"))[
        "ImageId"
    ]
    ec2.create_tags(Resources=[image_id], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    return image_id


def input_hash_of(inputs, base_image_id):
    params = dict(inputs, kms_key_id="")
    return packer_build.compute_input_hash(params, base_image_id)


@mock_aws
def test_check_mode_without_image_predicts_a_build(capsys, tmp_path, inputs):
    base = register_base(boto3.client("ec2", region_name="us-east-1"))
    result = run(capsys, packer_path=fake_packer(tmp_path, "ami-x"), _ansible_check_mode=True, **inputs)
    assert result["changed"] is True and result["action"] == "build" and result["built"] is False
    assert result["input_hash"] == input_hash_of(inputs, base) and result["base_image_id"] == base
    assert calls(tmp_path) == 0


@mock_aws
def test_existing_image_is_reused_and_retagged(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    base = register_base(ec2)
    tags = {
        "jenkins-ha:role": "agent",
        "jenkins-ha:input-hash": input_hash_of(inputs, base),
        "jenkins-ha:commit": "old",
    }
    image_id = make_image(ec2, tags)
    make_image(ec2, dict(tags, **{"jenkins-ha:role": "controller"}))  # same hash, other role: never chosen
    binary = fake_packer(tmp_path, "ami-x")

    check = run(capsys, packer_path=binary, commit="new", version="1.0.0", _ansible_check_mode=True, **inputs)
    assert check["changed"] is True and check["action"] == "reuse"
    assert check["retagged"] == {"jenkins-ha:commit": "new", "jenkins-ha:version": "1.0.0"}
    described = ec2.describe_images(ImageIds=[image_id])["Images"][0]["Tags"]
    assert {"Key": "jenkins-ha:commit", "Value": "old"} in described

    applied = run(capsys, packer_path=binary, commit="new", version="1.0.0", **inputs)
    assert applied["changed"] is True and applied["image_id"] == image_id and applied["built"] is False
    assert applied["tags"]["jenkins-ha:commit"] == "new"
    assert applied["amis"] == {"us-east-1": image_id}

    again = run(capsys, packer_path=binary, commit="new", version="1.0.0", **inputs)
    assert again["changed"] is False and again["retagged"] == {}
    assert calls(tmp_path) == 0


@mock_aws
def test_changed_role_file_or_force_builds(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    base = register_base(ec2)
    old = make_image(ec2, {"jenkins-ha:role": "agent", "jenkins-ha:input-hash": input_hash_of(inputs, base)})
    new = make_image(ec2, {"jenkins-ha:role": "agent", "jenkins-ha:input-hash": "built-by-fake-packer"})
    binary = fake_packer(tmp_path, new)

    forced = run(capsys, packer_path=binary, force=True, log_path=str(tmp_path / "logs" / "agent.log"), **inputs)
    assert forced["changed"] is True and forced["action"] == "build" and forced["image_id"] == new
    assert calls(tmp_path) == 1
    assert (tmp_path / "logs" / "agent.log").exists()

    with open(inputs["role_paths"][0] + "/tasks/main.yml", "a") as handle:
        handle.write("- ansible.builtin.debug: {msg: more}\n")
    rebuilt = run(capsys, packer_path=binary, **inputs)
    assert rebuilt["action"] == "build" and rebuilt["image_id"] == new != old
    assert calls(tmp_path) == 2


@mock_aws
def test_packer_failure_fails_with_packers_text(capsys, tmp_path, inputs):
    register_base(boto3.client("ec2", region_name="us-east-1"))
    result = run(capsys, packer_path=fake_packer(tmp_path, "", rc=1), **inputs)
    assert result["failed"] is True
    assert "Error launching source instance: UnauthorizedOperation" in result["msg"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"variables": {"role": "x"}}, "must not set ['role']"),
        ({"build_variables": {"input_hash": "x"}}, "must not set ['input_hash']"),
        ({"role_paths": ["/nonexistent/role"]}, "role_paths not found: /nonexistent/role"),
        ({"template": "/nonexistent.pkr.hcl"}, "Packer template /nonexistent.pkr.hcl not found"),
        ({"packer_path": "/nonexistent/packer"}, "packer binary '/nonexistent/packer' not found"),
    ],
)
@mock_aws
def test_bad_input_is_a_clear_error(capsys, inputs, args, message):
    register_base(boto3.client("ec2", region_name="us-east-1"))
    result = run(capsys, **dict(inputs, **args))
    assert result["failed"] is True
    assert message in result["msg"]


@mock_aws
def test_new_base_image_rebuilds_same_base_reuses(capsys, tmp_path, inputs):
    """The base AMI the filter picks is an input: a new upstream image means a build, the same one a reuse."""
    ec2 = boto3.client("ec2", region_name="us-east-1")
    old_base = register_base(ec2)
    image_id = make_image(ec2, {"jenkins-ha:role": "agent", "jenkins-ha:input-hash": input_hash_of(inputs, old_base)})
    binary = fake_packer(tmp_path, "ami-x")
    same = run(capsys, packer_path=binary, _ansible_check_mode=True, **inputs)
    assert same["action"] == "reuse" and same["image_id"] == image_id and same["base_image_id"] == old_base

    # Debian publishes a new image (and, here, withdraws the old one so the pick does not hang on creation times)
    ec2.deregister_image(ImageId=old_base)
    new_base = register_base(ec2, name="debian-12-amd64-20250201-2000")
    moved = run(capsys, packer_path=binary, _ansible_check_mode=True, **inputs)
    assert moved["action"] == "build" and moved["base_image_id"] == new_base
    assert moved["input_hash"] == input_hash_of(inputs, new_base) != same["input_hash"]


@mock_aws
def test_packer_gets_the_filter_the_module_resolved(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    register_base(ec2)
    built = make_image(ec2, {"jenkins-ha:role": "agent", "jenkins-ha:input-hash": "built-by-fake-packer"})
    script = tmp_path / "var-file-packer"
    script.write_text(
        '#!/bin/sh\nfor a; do case "$a" in *.json) cp "$a" "{0}/vars.json";; esac; done\n'
        'echo "1,amazon-ebs.jenkins_ha,artifact,0,id,us-east-1:{1}"\n'.format(tmp_path, built)
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    result = run(capsys, packer_path=str(script), **inputs)
    variables = json.loads((tmp_path / "vars.json").read_text())
    assert variables["source_ami_owners"] == [ACCOUNT] and variables["arch"] == "amd64"
    assert variables["source_ami_name_patterns"]["debian12"] == "debian-12-%s-*"
    # Pinned: Packer bakes the base image whose id went into the hash.
    assert variables["source_ami"] == result["base_image_id"]


@mock_aws
def test_no_base_image_is_a_clear_error(capsys, tmp_path, inputs):
    result = run(capsys, packer_path=fake_packer(tmp_path, "ami-x"), **inputs)
    assert result["failed"] is True
    assert result["msg"] == "no base AMI named debian-12-amd64-* owned by " + ACCOUNT


def test_find_base_image_picks_the_newest():
    class Client:
        def get_paginator(self, name):
            return self

        def paginate(self, **params):
            self.params = params
            return self

        def build_full_result(self):
            return {
                "Images": [
                    {"ImageId": "ami-old", "CreationDate": "2025-01-01T20:00:00.000Z"},
                    {"ImageId": "ami-new", "CreationDate": "2025-02-01T20:00:00.000Z"},
                    {"ImageId": "ami-mid", "CreationDate": "2025-01-15T20:00:00.000Z"},
                ]
            }

    client = Client()
    assert amis.find_base_image(client, ["136693071363"], "debian-12-amd64-*")["ImageId"] == "ami-new"
    assert client.params == {"Owners": ["136693071363"], "Filters": [{"Name": "name", "Values": ["debian-12-amd64-*"]}]}
