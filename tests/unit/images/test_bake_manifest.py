"""The bake's manifest travels with the AMI: packer_build stores what the bake wrote to $JENKINS_HA_BAKE_MANIFEST
as tags of the image it built (and of its copies in other regions) and reads it back from them when it reuses the
image (Packer does not run then). The limits (tag count, record size): test_manifest_limits.py."""

import gzip
import hashlib
import json
import stat

import boto3
import pytest
from moto import mock_aws

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import manifest as packer
from tests.unit.images.test_packer_build import calls, input_hash_of, make_image, register_base, run

MANIFEST = {
    "format": 1,
    "jenkins": "2.568.2",
    "java": 21,
    "plugins": {"configuration-as-code": "2117.vc05a_0b_e6b_f4e", "ec2-fleet": "4.3.0.549.vf2a_da_a_d19b_5e"},
}
# Enough plugins that the manifest spans several tags, with versions that compress badly.
LARGE = dict(
    MANIFEST, plugins={"plugin-{0:03d}".format(i): hashlib.sha256(str(i).encode()).hexdigest()[:12] for i in range(60)}
)


@pytest.mark.parametrize(
    "manifest, count",
    [
        ({}, 0),
        (MANIFEST, 1),
        (LARGE, None),
    ],
)
def test_manifest_round_trips_through_tags(manifest, count):
    tags = packer.manifest_tags(manifest)
    assert count is None and len(tags) > 1 or len(tags) == count
    assert all(len(v) <= 256 and k.startswith("jenkins-ha:manifest-") for k, v in tags.items())
    assert packer.manifest_from_tags(dict(tags, Name="x", **{"jenkins-ha:role": "controller"})) == manifest
    assert packer.manifest_tags(manifest) == tags  # the same manifest, the same tags


@pytest.mark.parametrize(
    "tags, message",
    [
        ({"jenkins-ha:manifest-01": "abc"}, "incomplete: 01"),
        ({"jenkins-ha:manifest-00": "not base64!"}, "do not decode"),
        (
            {"jenkins-ha:manifest-00": __import__("base64").b64encode(gzip.compress(b"[1]")).decode()},
            "hold no JSON object",
        ),
    ],
)
def test_broken_manifest_tags_are_refused(tags, message):
    with pytest.raises(packer.ManifestError, match=message):
        packer.manifest_from_tags(tags)


@pytest.mark.parametrize(
    "content, expected",
    [(None, {}), ("", {}), (json.dumps(MANIFEST), MANIFEST)],
)
def test_read_manifest_file(tmp_path, content, expected):
    path = tmp_path / "m.json"
    if content is not None:
        path.write_text(content)
    assert packer.read_manifest_file(str(path)) == expected


@pytest.mark.parametrize("content, message", [("{", "is not JSON"), ("[]", "is not a JSON object")])
def test_read_manifest_file_refuses_garbage(tmp_path, content, message):
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(packer.ManifestError, match=message):
        packer.read_manifest_file(str(path))


def manifest_packer(tmp_path, image_id, manifest_text):
    """A packer whose 'bake' writes manifest_text where the module's environment says, as bake.yml's fetch does."""
    (tmp_path / "manifest.json").write_text(manifest_text)
    script = tmp_path / "manifest-packer"
    script.write_text(
        '#!/bin/sh\necho called >> "{0}/calls"\ncp "{0}/manifest.json" "$JENKINS_HA_BAKE_MANIFEST"\n'
        'echo "$JENKINS_HA_BAKE_MANIFEST" > "{0}/manifest-path"\n'
        'printf "%s\\n" "1,amazon-ebs.jenkins_ha,artifact,0,id,us-east-1:{1}"\n'.format(tmp_path, image_id)
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@mock_aws
def test_a_build_tags_its_manifest_and_a_reuse_reads_it_back(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    base = register_base(ec2)
    built_id = make_image(ec2, {"jenkins-ha:role": "controller", "jenkins-ha:input-hash": "unrelated"})
    controller = dict(inputs, role="controller")
    binary = manifest_packer(tmp_path, built_id, json.dumps(LARGE))

    built = run(capsys, packer_path=binary, **controller)
    assert built["action"] == "build" and built["image_id"] == built_id
    assert built["manifest"] == LARGE
    assert packer.manifest_from_tags(built["tags"]) == LARGE
    # The file the bake wrote to was the module's own, and it is gone.
    assert not (tmp_path / (tmp_path / "manifest-path").read_text().strip()).exists()

    # Reuse: Packer does not run, the manifest comes from the image found by its hash.
    ec2.create_tags(
        Resources=[built_id], Tags=[{"Key": "jenkins-ha:input-hash", "Value": input_hash_of(controller, base)}]
    )
    reused = run(capsys, packer_path=binary, **controller)
    assert reused["action"] == "reuse" and reused["image_id"] == built_id
    assert reused["manifest"] == LARGE
    assert calls(tmp_path) == 1


@mock_aws
def test_a_bake_without_manifest_tags_nothing(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    register_base(ec2)
    built_id = make_image(ec2, {"jenkins-ha:role": "agent", "jenkins-ha:input-hash": "unrelated"})
    built = run(capsys, packer_path=manifest_packer(tmp_path, built_id, ""), **inputs)
    assert built["manifest"] == {}
    assert not [k for k in built["tags"] if k.startswith("jenkins-ha:manifest-")]


@mock_aws
def test_a_reused_image_with_broken_manifest_tags_fails_naming_it(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    base = register_base(ec2)
    image_id = make_image(
        ec2,
        {
            "jenkins-ha:role": "agent",
            "jenkins-ha:input-hash": input_hash_of(inputs, base),
            "jenkins-ha:manifest-01": "x",
        },
    )
    result = run(capsys, packer_path=manifest_packer(tmp_path, image_id, ""), **inputs)
    assert result["failed"] is True
    assert "incomplete" in result["msg"] and image_id in result["msg"] and "force=true" in result["msg"]


@mock_aws
def test_a_manifest_that_is_not_json_fails_the_build(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    register_base(ec2)
    built_id = make_image(ec2, {"jenkins-ha:role": "agent", "jenkins-ha:input-hash": "unrelated"})
    result = run(capsys, packer_path=manifest_packer(tmp_path, built_id, "{oops"), **inputs)
    assert result["failed"] is True and "manifest cannot be recorded" in result["msg"]
