"""ami_share: bad input and KMS problems fail with clear messages; sharing is idempotent (moto in-process)."""

import json

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from ansible_collections.jenkins_ha.aws.plugins.modules import ami_share
from tests.unit.modules.helpers import run_module

TARGET = "111122223333"
OTHER = "444455556666"


def run(capsys, **args):
    return run_module(ami_share.main, capsys, **args)


@pytest.fixture
def image():
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        instance = ec2.run_instances(ImageId="ami-1e749f67", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        image_id = ec2.create_image(InstanceId=instance, Name="jenkins-ha-agent-test")["ImageId"]
        ec2.create_tags(Resources=[image_id], Tags=[{"Key": "jenkins-ha:role", "Value": "agent"}])
        yield ec2, image_id


@pytest.mark.parametrize(
    "args, message",
    [
        ({"accounts": ["12345"]}, "'12345' is not an AWS account id (12 digits)"),
        ({"accounts": ["1111222233334"]}, "is not an AWS account id"),
        ({"accounts": ["abcdefghijkl"]}, "is not an AWS account id"),
        ({"organization_arns": ["o-abcde12345"]}, "is not an organization ARN"),
        (
            {"organizational_unit_arns": ["arn:aws:organizations::111122223333:ou/o-abc/ou-1"]},
            "is not an organizational unit ARN",
        ),
        ({"accounts": [TARGET], "copy_tags_role_arn": "arn:aws:iam::123:role/x"}, "is not an IAM role ARN"),
    ],
)
def test_bad_targets_fail_before_any_call(capsys, args, message):
    result = run(capsys, image_id="ami-12345678", **args)
    assert result["failed"] is True
    assert message in result["msg"]


def test_missing_ami_is_a_clear_error(capsys):
    with mock_aws():
        result = run(capsys, image_id="ami-0123456789abcdef0", accounts=[TARGET])
    assert result["failed"] is True
    assert "AMI ami-0123456789abcdef0 does not exist" in result["msg"]


def test_share_is_idempotent_with_check_and_diff(capsys, image):
    ec2, image_id = image
    snapshot = ec2.describe_images(ImageIds=[image_id])["Images"][0]["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]

    check = run(capsys, image_id=image_id, accounts=[TARGET], _ansible_check_mode=True, _ansible_diff=True)
    assert check["changed"] is True
    assert check["diff"]["before"]["launch_permissions"]["accounts"] == []
    assert check["diff"]["after"]["launch_permissions"]["accounts"] == [TARGET]
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == []

    applied = run(capsys, image_id=image_id, accounts=[TARGET])
    assert applied["changed"] is True
    assert applied["snapshot_permissions"] == {snapshot: [TARGET]}
    permissions = ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"]
    assert permissions == [{"UserId": TARGET}]
    volume = ec2.describe_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission")
    assert volume["CreateVolumePermissions"] == [{"UserId": TARGET}]

    again = run(capsys, image_id=image_id, accounts=[TARGET])
    assert again["changed"] is False
    assert run(capsys, image_id=image_id, accounts=[TARGET], _ansible_check_mode=True)["changed"] is False


def test_unshare_only_listed_then_purge(capsys, image):
    ec2, image_id = image
    run(capsys, image_id=image_id, accounts=[TARGET, OTHER])

    removed = run(capsys, image_id=image_id, accounts=[OTHER], state="absent")
    assert removed["changed"] is True
    assert removed["launch_permissions"]["accounts"] == [TARGET]
    assert run(capsys, image_id=image_id, accounts=[OTHER], state="absent")["changed"] is False

    run(capsys, image_id=image_id, accounts=[OTHER])
    purged = run(capsys, image_id=image_id, accounts=[OTHER], purge=True)
    assert purged["changed"] is True
    permissions = ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"]
    assert permissions == [{"UserId": OTHER}]

    everything = run(capsys, image_id=image_id, state="absent", purge=True)
    assert everything["launch_permissions"]["accounts"] == []
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == []


def encrypted(key_id):
    return [{"SnapshotId": "snap-0123", "Encrypted": True, "KmsKeyId": key_id}]


def test_default_aws_managed_key_cannot_be_shared():
    kms = boto3.client("kms", region_name="us-east-1")
    arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    with Stubber(kms) as stub:
        stub.add_response(
            "describe_key",
            {
                "KeyMetadata": {
                    "KeyId": arn.rsplit("/", maxsplit=1)[-1],
                    "Arn": arn,
                    "KeyManager": "AWS",
                    "KeyState": "Enabled",
                }
            },
            {"KeyId": arn},
        )
        with pytest.raises(ami_share.ShareError) as error:
            ami_share.check_kms(kms, encrypted(arn), [TARGET])
    assert "AWS managed key" in str(error.value) and "aws/ebs" in str(error.value)
    assert "customer managed key" in str(error.value)


def key_policy(*principals):
    statements = [
        {
            "Sid": "Owner",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    for principal in principals:
        statements.append(
            {
                "Sid": "Share",
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncrypt*"],
                "Resource": "*",
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@mock_aws
def test_customer_key_without_access_hints_at_policy_and_grant():
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key(Policy=key_policy())["KeyMetadata"]
    with pytest.raises(ami_share.ShareError) as error:
        ami_share.check_kms(kms, encrypted(key["Arn"]), [TARGET])
    message = str(error.value)
    assert "customer managed key {0}".format(key["Arn"]) in message
    assert TARGET in message and "key policy" in message and "create-grant" in message


@mock_aws
def test_customer_key_shared_by_policy_or_grant_passes():
    kms = boto3.client("kms", region_name="us-east-1")
    by_policy = kms.create_key(Policy=key_policy("arn:aws:iam::{0}:root".format(TARGET)))["KeyMetadata"]
    ami_share.check_kms(kms, encrypted(by_policy["Arn"]), [TARGET])

    by_grant = kms.create_key(Policy=key_policy())["KeyMetadata"]
    kms.create_grant(
        KeyId=by_grant["KeyId"], GranteePrincipal="arn:aws:iam::{0}:root".format(TARGET), Operations=["Decrypt"]
    )
    ami_share.check_kms(kms, encrypted(by_grant["Arn"]), [TARGET])
    with pytest.raises(ami_share.ShareError, match=OTHER):
        ami_share.check_kms(kms, encrypted(by_grant["Arn"]), [TARGET, OTHER])


@mock_aws
def test_foreign_key_we_cannot_read_is_reported():
    kms = boto3.client("kms", region_name="us-east-1")
    foreign = "arn:aws:kms:us-east-1:999988887777:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    with pytest.raises(ami_share.ShareError) as error:
        ami_share.check_kms(kms, encrypted(foreign), [TARGET])
    assert "which this account cannot read" in str(error.value) and foreign in str(error.value)


def test_unencrypted_snapshots_need_no_kms():
    ami_share.check_kms(None, [{"SnapshotId": "snap-1", "Encrypted": False}], [TARGET])
