"""The controller image's manifest within AWS's limits (issue 13 review): the SSM record holds the packed form (raw JSON
filled the 8 KB of an advanced parameter at ~210 plugins), the tags fit beside the template's and the user's within
EC2's 50 a resource, and the copies Packer makes to other regions carry it too."""

import hashlib
import json
import random
import stat

import boto3
import pytest
from moto import mock_aws

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import amis
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import manifest as m
from tests.unit.images.test_packer_build import calls, input_hash_of, make_image, register_base, run

IMAGE = "ami-0123456789abcdef0"
# Packer's template tags (playbooks/files/packer/jenkins-ha.pkr.hcl, local.ami_tags): 9 keys.
TEMPLATE_TAGS = [
    "jenkins-ha:role",
    "jenkins-ha:base",
    "jenkins-ha:input-hash",
    "jenkins-ha:commit",
    "jenkins-ha:build-time",
    "jenkins-ha:version",
    "jenkins-ha:component",
    "managed-by",
    "Name",
]
_WORDS = (
    "workflow step api job cps support basic durable task scm git github branch source pipeline model definition"
    " stage view graph credentials binding ssh agents matrix auth ldap oic folder build timeout timestamper ws"
    " cleanup email ext mailer jackson2 json path bouncycastle commons lang3 text ionicons font awesome jquery3"
    " bootstrap5 echarts prism snakeyaml caffeine trilead structs script security token macro display url junit"
    " checks okhttp apache httpcomponents client gson aws java sdk2 core ec2 autoscaling configuration code util"
).split()


def realistic(count, seed=1):
    """A manifest of count plugins named like Jenkins plugins, at incrementals-style versions (<n>.v<12 hex>, which
    compress worst)."""
    rng = random.Random(seed)
    names = set()
    while len(names) < count:
        names.add("-".join(rng.sample(_WORDS, rng.randint(1, 3))))
    plugins = {
        name: "{0}.v{1}".format(rng.randint(100, 3000), hashlib.sha256(name.encode()).hexdigest()[:12])
        for name in sorted(names)
    }
    return {"format": 1, "jenkins": "2.568.2", "java": 21, "plugins": plugins}


@pytest.mark.parametrize(
    "plugins, raw_fits, packed_fits",
    [
        (100, True, True),
        (250, False, True),  # raw JSON (what images.yml wrote before) is refused by PutParameter here
        (300, False, True),
        (450, False, False),  # refused by the module, naming the sizes
    ],
)
def test_the_record_holds_the_packed_manifest(plugins, raw_fits, packed_fits):
    manifest = realistic(plugins)
    raw = m.canonical_json(dict(manifest, image_id=IMAGE))
    assert (len(raw) <= m.RECORD_LIMIT) is raw_fits
    if packed_fits:
        value = m.record_value(manifest, IMAGE)
        assert len(value) <= m.RECORD_LIMIT
        assert json.loads(value)["image_id"] == IMAGE  # readable without unpacking (upgrade.yml compares it)
        assert m.manifest_from_record(value) == dict(manifest, image_id=IMAGE)
    else:
        with pytest.raises(m.ManifestError, match=r"450 plugins\) needs \d+ characters in SSM, more than the 8192"):
            m.record_value(manifest, IMAGE)


def test_a_manifest_that_fits_the_record_fits_the_template_tags():
    """With only the template's tags, the record (8 KB) is the tighter limit: whatever it holds, the tags hold."""
    assert (m.TAGS_PER_RESOURCE - len(TEMPLATE_TAGS)) * m.TAG_VALUE_LIMIT >= m.RECORD_LIMIT
    manifest = realistic(350)
    assert len(m.record_value(manifest, IMAGE)) <= m.RECORD_LIMIT
    assert len(m.manifest_tags(manifest, TEMPLATE_TAGS)) <= m.TAGS_PER_RESOURCE - len(TEMPLATE_TAGS)


def _user_tags(count):
    return ["team-{0}".format(i) for i in range(count)]


@pytest.mark.parametrize(
    "plugins, other_tags, chunks, error",
    [
        (100, TEMPLATE_TAGS, 10, None),
        (100, TEMPLATE_TAGS + _user_tags(31), 10, None),  # 9 + 31 + 10 = 50
        (100, TEMPLATE_TAGS + _user_tags(32), None, "10 tags of 256; the image has 41 other tags"),
        # aws: tags do not count against the limit, nor do manifest tags being rewritten
        (100, TEMPLATE_TAGS + _user_tags(31) + ["aws:cloudformation:stack-name", "jenkins-ha:manifest-00"], 10, None),
        (300, TEMPLATE_TAGS + _user_tags(20), None, "so 21 are left"),
        (300, TEMPLATE_TAGS + _user_tags(14), 27, None),
    ],
)
def test_manifest_tags_fit_beside_the_others(plugins, other_tags, chunks, error):
    manifest = realistic(plugins)
    if error:
        with pytest.raises(m.ManifestError, match=error) as exc:
            m.manifest_tags(manifest, other_tags)
        assert "team-0" in str(exc.value) and "EC2 allows 50" in str(exc.value)
    else:
        tags = m.manifest_tags(manifest, other_tags)
        assert len(tags) == chunks and all(len(v) <= m.TAG_VALUE_LIMIT for v in tags.values())
        assert m.manifest_from_tags(tags) == manifest


@pytest.mark.parametrize(
    "value, expected, error",
    [
        # what images.yml wrote before the packed record: still read
        ('{"image_id":"ami-1","jenkins":"2.568.2","plugins":{}}', {"image_id": "ami-1", "jenkins": "2.568.2"}, None),
        (
            m.record_value({"jenkins": "2.568.2", "plugins": {}}, "ami-2"),
            {"image_id": "ami-2", "jenkins": "2.568.2"},
            None,
        ),
        (
            {"encoding": "gzip+base64", "image_id": "ami-3", "manifest": m.pack({"jenkins": "x"})},
            {"jenkins": "x"},
            None,
        ),
        ('{"encoding":"zstd","manifest":""}', None, "unknown encoding 'zstd'"),
        ('{"encoding":"gzip+base64","manifest":"%%%"}', None, "packed manifest do not decode"),
        ("not json", None, "not JSON"),
        ("[1]", None, "not a JSON object"),
    ],
)
def test_manifest_from_record_reads_both_forms(value, expected, error):
    if error:
        with pytest.raises(m.ManifestError, match=error):
            m.manifest_from_record(value)
    else:
        got = m.manifest_from_record(value)
        assert {k: got[k] for k in expected} == expected


def region_packer(tmp_path, amis_by_region, manifest):
    """A packer whose bake leaves manifest and which reports one AMI per region, as amazon-ebs with ami_regions."""
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    ids = "%!(PACKER_COMMA)".join("{0}:{1}".format(r, i) for r, i in sorted(amis_by_region.items()))
    script = tmp_path / "region-packer"
    script.write_text(
        '#!/bin/sh\necho called >> "{0}/calls"\ncp "{0}/manifest.json" "$JENKINS_HA_BAKE_MANIFEST"\n'
        'printf "%s\\n" "1,amazon-ebs.jenkins_ha,artifact,0,id,{1}"\n'.format(tmp_path, ids)
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def manifest_keys(ec2, image_id):
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    return sorted(t["Key"] for t in image.get("Tags", []) if t["Key"].startswith(m.TAG_PREFIX))


@mock_aws
def test_a_build_tags_the_copies_in_other_regions_and_returns_the_record(capsys, tmp_path, inputs):
    east, west = boto3.client("ec2", region_name="us-east-1"), boto3.client("ec2", region_name="us-west-2")
    register_base(east)
    source = make_image(east, {"jenkins-ha:role": "controller", "jenkins-ha:input-hash": "x"})
    copy = west.copy_image(SourceImageId=source, SourceRegion="us-east-1", Name="copy")["ImageId"]
    manifest = realistic(60)
    binary = region_packer(tmp_path, {"us-east-1": source, "us-west-2": copy}, manifest)

    built = run(capsys, packer_path=binary, **dict(inputs, role="controller"))
    assert built["amis"] == {"us-east-1": source, "us-west-2": copy}
    assert manifest_keys(east, source) and manifest_keys(west, copy) == manifest_keys(east, source)
    assert built["manifest_record"] == m.record_value(manifest, source)


@mock_aws
def test_a_manifest_that_does_not_fit_fails_before_anything_is_tagged(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    register_base(ec2)
    # The template's 9 tags and 35 of the user's (Packer variable tags): 6 left for the manifest's 10.
    image_id = make_image(ec2, dict.fromkeys(TEMPLATE_TAGS + _user_tags(35), "v"))
    binary = region_packer(tmp_path, {"us-east-1": image_id}, realistic(100))

    result = run(capsys, packer_path=binary, **dict(inputs, role="controller"))
    assert result["failed"] is True
    assert "{0} was built but its manifest cannot be recorded".format(image_id) in result["msg"]
    assert "10 tags of 256; the image has 44 other tags" in result["msg"] and "6 are left" in result["msg"]
    assert manifest_keys(ec2, image_id) == []


@mock_aws
def test_a_reused_copy_without_manifest_tags_takes_its_source_images(capsys, tmp_path, inputs, monkeypatch):
    """A copy made before copies were tagged: EC2 names its source (SourceImageId/SourceImageRegion, which moto does
    not return, so the test adds them to what the lookup finds); the manifest is read there and copied onto it."""
    east, west = boto3.client("ec2", region_name="us-east-1"), boto3.client("ec2", region_name="us-west-2")
    register_base(west)
    manifest = realistic(60)
    source = make_image(east, dict(m.manifest_tags(manifest), **{"jenkins-ha:role": "controller"}))
    controller = dict(inputs, role="controller", region="us-west-2")
    base = west.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": ["debian-12-*"]}])["Images"]
    copy = west.copy_image(SourceImageId=source, SourceRegion="us-east-1", Name="copy")["ImageId"]
    west.create_tags(
        Resources=[copy],
        Tags=[
            {"Key": "jenkins-ha:role", "Value": "controller"},
            {"Key": "jenkins-ha:input-hash", "Value": input_hash_of(controller, base[0]["ImageId"])},
        ],
    )
    find = amis.find_images_by_input_hash

    def with_source(client, role, input_hash):
        return [dict(i, SourceImageId=source, SourceImageRegion="us-east-1") for i in find(client, role, input_hash)]

    monkeypatch.setattr(amis, "find_images_by_input_hash", with_source)
    checked = run(capsys, _ansible_check_mode=True, packer_path="/nonexistent", **controller)
    assert checked["changed"] is True and checked["manifest"] == manifest and manifest_keys(west, copy) == []

    reused = run(capsys, packer_path="/nonexistent", **controller)
    assert reused["action"] == "reuse" and reused["image_id"] == copy and reused["changed"] is True
    assert reused["manifest"] == manifest and reused["manifest_record"] == m.record_value(manifest, copy)
    assert manifest_keys(west, copy) == manifest_keys(east, source)
    assert calls(tmp_path) == 0

    again = run(capsys, packer_path="/nonexistent", **controller)
    assert again["changed"] is False and again["manifest"] == manifest
