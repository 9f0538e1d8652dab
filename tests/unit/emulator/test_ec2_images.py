"""EC2 image patches: block devices of registered/created/copied images, snapshot encryption and sharing."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import (
    ec2_image_block_devices,
    ec2_image_launch_permission_visibility,
    ec2_image_tag_specifications,
    ec2_snapshot_create_volume_permission,
    ec2_snapshot_encryption,
)

from .conftest import error_code

OTHER_ACCOUNT = "111122223333"

# What playbooks/images.yml's tests register as a Debian base AMI (tests/integration/test_images.py).
DEBIAN_BASE = dict(
    Name="debian-12-amd64-20250101-2000",
    Architecture="x86_64",
    RootDeviceName="/dev/xvda",
    VirtualizationType="hvm",
    BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp3"}}],
)

# What Packer's amazon-ebs launches the build instance with (playbooks/files/packer/jenkins-ha.pkr.hcl).
BUILD_VOLUMES = [
    {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 16, "VolumeType": "gp3", "Encrypted": True}},
    {"DeviceName": "/dev/xvdf", "Ebs": {"VolumeSize": 20, "VolumeType": "gp2"}},
]


def _image(ec2, image_id):
    return ec2.describe_images(ImageIds=[image_id])["Images"][0]


def _snapshot(ec2, snapshot_id):
    return ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]


def _snapshots_of(ec2, image):
    return [_snapshot(ec2, mapping["Ebs"]["SnapshotId"]) for mapping in image["BlockDeviceMappings"]]


def _customer_key(aws):
    kms = aws("kms")
    key = kms.create_key(Description="images")["KeyMetadata"]
    kms.create_alias(AliasName="alias/jenkins-ha-images", TargetKeyId=key["KeyId"])
    return key["Arn"]


def _built_image(ec2, base_id):
    instance = ec2.run_instances(ImageId=base_id, MinCount=1, MaxCount=1, BlockDeviceMappings=BUILD_VOLUMES)
    instance_id = instance["Instances"][0]["InstanceId"]
    return ec2.create_image(InstanceId=instance_id, Name="jenkins-ha-controller-debian12")["ImageId"], instance_id


# --- RegisterImage / CreateImage block devices -----------------------------------------------------------------


def test_stock_moto_registers_every_image_as_a_standard_15_gib_root(aws, compat_patch):
    compat_patch.stock(ec2_image_block_devices)
    ec2 = aws("ec2")
    image = _image(ec2, ec2.register_image(**DEBIAN_BASE)["ImageId"])
    # Packer's amazon-ebs refuses this source AMI: "invalid root device type. Expected 'ebs', got 'standard'".
    assert image["RootDeviceType"] == "standard"
    assert image["RootDeviceName"] == "/dev/sda1"
    assert "Architecture" not in image and "VirtualizationType" not in image
    assert [
        (m["DeviceName"], m["Ebs"]["VolumeSize"], m["Ebs"]["VolumeType"]) for m in image["BlockDeviceMappings"]
    ] == [("/dev/sda1", 15, "standard")]


def test_stock_moto_images_from_instances_ignore_the_instance_volumes(aws, compat_patch):
    compat_patch.stock(ec2_image_block_devices)
    ec2 = aws("ec2")
    image = _image(ec2, _built_image(ec2, "ami-1e749f67")[0])
    assert image["RootDeviceType"] == "standard"
    assert len(image["BlockDeviceMappings"]) == 1
    snapshot = _snapshots_of(ec2, image)[0]
    # The instance's root volume was a 16 GiB encrypted gp3.
    assert (snapshot["VolumeSize"], snapshot["Encrypted"], snapshot.get("KmsKeyId")) == (15, False, None)


def test_registered_image_reports_the_requested_root_and_block_devices(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_image_block_devices):
        image = _image(ec2, ec2.register_image(**DEBIAN_BASE)["ImageId"])
        assert image["RootDeviceType"] == "ebs"
        assert image["RootDeviceName"] == "/dev/xvda"
        assert (image["Architecture"], image["VirtualizationType"]) == ("x86_64", "hvm")
        [root] = image["BlockDeviceMappings"]
        assert root["DeviceName"] == "/dev/xvda"
        assert {key: root["Ebs"][key] for key in ("VolumeSize", "VolumeType", "Encrypted", "Iops", "Throughput")} == {
            "VolumeSize": 8,
            "VolumeType": "gp3",
            "Encrypted": False,
            "Iops": 3000,
            "Throughput": 125,
        }
        assert _snapshot(ec2, root["Ebs"]["SnapshotId"])["VolumeSize"] == 8

        # Encrypted as requested, with the key reported as its ARN; an existing snapshot sets size and encryption.
        key_arn = _customer_key(aws)
        encrypted = _image(
            ec2,
            ec2.register_image(
                Name="encrypted-base",
                RootDeviceName="/dev/xvda",
                BlockDeviceMappings=[
                    {
                        "DeviceName": "/dev/xvda",
                        "Ebs": {"VolumeSize": 10, "Encrypted": True, "KmsKeyId": "alias/jenkins-ha-images"},
                    },
                    {"DeviceName": "/dev/xvdb", "VirtualName": "ephemeral0"},
                ],
            )["ImageId"],
        )
        assert (encrypted["Architecture"], encrypted["VirtualizationType"]) == ("i386", "paravirtual")  # AWS defaults
        root_snapshot_id = encrypted["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
        assert encrypted["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
        assert encrypted["BlockDeviceMappings"][1] == {"DeviceName": "/dev/xvdb", "VirtualName": "ephemeral0"}
        snapshot = _snapshot(ec2, root_snapshot_id)
        assert (snapshot["Encrypted"], snapshot["KmsKeyId"]) == (True, key_arn)

        from_snapshot = _image(
            ec2,
            ec2.register_image(
                Name="from-snapshot",
                RootDeviceName="/dev/sda1",
                BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": root_snapshot_id}}],
            )["ImageId"],
        )
        assert from_snapshot["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == root_snapshot_id
        assert from_snapshot["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 10
        assert from_snapshot["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True


def test_register_image_refuses_unknown_snapshots_and_keys_without_encryption(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_image_block_devices):
        before = len(ec2.describe_images(Owners=["self"])["Images"])
        with pytest.raises(ClientError) as excinfo:
            ec2.register_image(
                Name="bad-snapshot",
                RootDeviceName="/dev/xvda",
                BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": "snap-0123456789abcdef0"}}],
            )
        assert error_code(excinfo) == "InvalidSnapshot.NotFound"
        with pytest.raises(ClientError) as excinfo:
            ec2.register_image(
                Name="key-without-encryption",
                RootDeviceName="/dev/xvda",
                BlockDeviceMappings=[
                    {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "KmsKeyId": "alias/aws/ebs"}}
                ],
            )
        assert error_code(excinfo) == "InvalidParameterDependency"
        assert len(ec2.describe_images(Owners=["self"])["Images"]) == before


def test_image_from_an_instance_snapshots_each_volume_as_it_is(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_image_block_devices), compat_patch(ec2_image_tag_specifications):
        base_id = ec2.register_image(**DEBIAN_BASE)["ImageId"]
        instance = ec2.run_instances(ImageId=base_id, MinCount=1, MaxCount=1, BlockDeviceMappings=BUILD_VOLUMES)
        instance_id = instance["Instances"][0]["InstanceId"]
        volume_key = ec2.describe_volumes(
            Filters=[
                {"Name": "attachment.instance-id", "Values": [instance_id]},
                {"Name": "encrypted", "Values": ["true"]},
            ]
        )["Volumes"][0]["KmsKeyId"]
        image_id = ec2.create_image(
            InstanceId=instance_id,
            Name="jenkins-ha-controller-debian12",
            TagSpecifications=[
                {"ResourceType": "snapshot", "Tags": [{"Key": "jenkins-ha:role", "Value": "controller"}]}
            ],
        )["ImageId"]
        image = _image(ec2, image_id)
        assert (image["RootDeviceType"], image["RootDeviceName"]) == ("ebs", "/dev/xvda")
        assert (image["Architecture"], image["VirtualizationType"]) == ("x86_64", "hvm")
        described = [
            (m["DeviceName"], m["Ebs"]["VolumeSize"], m["Ebs"]["VolumeType"], m["Ebs"]["Encrypted"])
            for m in image["BlockDeviceMappings"]
        ]
        assert described == [("/dev/xvda", 16, "gp3", True), ("/dev/xvdf", 20, "gp2", False)]
        root, data = _snapshots_of(ec2, image)
        assert (root["Encrypted"], root["KmsKeyId"], root["VolumeSize"]) == (True, volume_key, 16)
        assert (data["Encrypted"], data.get("KmsKeyId")) == (False, None)
        assert root["Description"] == "Created by CreateImage({0}) for {1}".format(instance_id, image_id)
        # Snapshot TagSpecifications tag every snapshot the image is made of.
        for snapshot in (root, data):
            assert snapshot["Tags"] == [{"Key": "jenkins-ha:role", "Value": "controller"}]
        # A snapshot backing a registered image cannot be deleted, as on AWS.
        with pytest.raises(ClientError) as excinfo:
            ec2.delete_snapshot(SnapshotId=data["SnapshotId"])
        assert error_code(excinfo) == "InvalidSnapshot.InUse"


# --- CopyImage encryption --------------------------------------------------------------------------------------


def test_stock_moto_copy_image_ignores_encryption(aws, compat_patch):
    compat_patch.stock(ec2_image_block_devices)
    ec2 = aws("ec2")
    source_id = ec2.register_image(**DEBIAN_BASE)["ImageId"]
    copy = _image(
        ec2, ec2.copy_image(SourceImageId=source_id, SourceRegion="us-east-1", Name="copy-1", Encrypted=True)["ImageId"]
    )
    assert _snapshots_of(ec2, copy)[0]["Encrypted"] is False
    # KmsKeyId without Encrypted is accepted too.
    ec2.copy_image(SourceImageId=source_id, SourceRegion="us-east-1", Name="copy-2", KmsKeyId="alias/aws/ebs")


def test_copy_image_copies_every_snapshot_and_encrypts_on_request(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_image_block_devices):
        base_id = ec2.register_image(**DEBIAN_BASE)["ImageId"]
        source_id, _unused = _built_image(ec2, base_id)
        source = _image(ec2, source_id)
        source_root = _snapshots_of(ec2, source)[0]
        key_arn = _customer_key(aws)

        copy = _image(
            ec2,
            ec2.copy_image(
                SourceImageId=source_id,
                SourceRegion="us-east-1",
                Name="copy-encrypted",
                Encrypted=True,
                KmsKeyId="alias/jenkins-ha-images",
            )["ImageId"],
        )
        assert (copy["RootDeviceType"], copy["RootDeviceName"]) == ("ebs", "/dev/xvda")
        assert [m["DeviceName"] for m in copy["BlockDeviceMappings"]] == ["/dev/xvda", "/dev/xvdf"]
        assert all(m["Ebs"]["Encrypted"] for m in copy["BlockDeviceMappings"])
        copies = _snapshots_of(ec2, copy)
        assert [(s["Encrypted"], s["KmsKeyId"]) for s in copies] == [(True, key_arn), (True, key_arn)]
        assert not {s["SnapshotId"] for s in copies} & {m["Ebs"]["SnapshotId"] for m in source["BlockDeviceMappings"]}
        assert copies[0]["Description"].startswith(
            "Copied for DestinationAmi {0} from SourceAmi {1}".format(copy["ImageId"], source_id)
        )

        # Without Encrypted: an encrypted snapshot keeps its key, an unencrypted one stays unencrypted.
        plain = _snapshots_of(
            ec2,
            _image(ec2, ec2.copy_image(SourceImageId=source_id, SourceRegion="us-east-1", Name="copy")["ImageId"]),
        )
        assert [(s["Encrypted"], s.get("KmsKeyId")) for s in plain] == [(True, source_root["KmsKeyId"]), (False, None)]

        with pytest.raises(ClientError) as excinfo:
            ec2.copy_image(SourceImageId=source_id, SourceRegion="us-east-1", Name="bad", KmsKeyId=key_arn)
        assert error_code(excinfo) == "InvalidParameterDependency"


# --- Snapshot encryption ---------------------------------------------------------------------------------------


def _volume_snapshot(ec2, encrypted):
    volume = ec2.create_volume(Size=8, AvailabilityZone="us-east-1a", Encrypted=encrypted)
    return volume, ec2.create_snapshot(VolumeId=volume["VolumeId"])


def test_stock_moto_drops_snapshot_keys(aws, compat_patch):
    compat_patch.stock(ec2_snapshot_encryption)
    ec2 = aws("ec2")
    _unused, encrypted = _volume_snapshot(ec2, True)
    assert (encrypted["Encrypted"], encrypted.get("KmsKeyId")) == (True, None)
    _unused, plain = _volume_snapshot(ec2, False)
    copy_id = ec2.copy_snapshot(SourceSnapshotId=plain["SnapshotId"], SourceRegion="us-east-1", Encrypted=True)
    assert _snapshot(ec2, copy_id["SnapshotId"])["Encrypted"] is False


def test_snapshots_keep_and_take_encryption_keys(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_snapshot_encryption):
        volume, encrypted = _volume_snapshot(ec2, True)
        assert (encrypted["Encrypted"], encrypted["KmsKeyId"]) == (True, volume["KmsKeyId"])
        copy_id = ec2.copy_snapshot(SourceSnapshotId=encrypted["SnapshotId"], SourceRegion="us-east-1")["SnapshotId"]
        assert _snapshot(ec2, copy_id)["KmsKeyId"] == volume["KmsKeyId"]

        _unused, plain = _volume_snapshot(ec2, False)
        default_key = aws("kms").describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["Arn"]
        copy_id = ec2.copy_snapshot(SourceSnapshotId=plain["SnapshotId"], SourceRegion="us-east-1", Encrypted=True)
        copy = _snapshot(ec2, copy_id["SnapshotId"])
        assert (copy["Encrypted"], copy["KmsKeyId"]) == (True, default_key)

        key_arn = _customer_key(aws)
        copy_id = ec2.copy_snapshot(
            SourceSnapshotId=plain["SnapshotId"],
            SourceRegion="us-east-1",
            Encrypted=True,
            KmsKeyId="alias/jenkins-ha-images",
        )
        assert _snapshot(ec2, copy_id["SnapshotId"])["KmsKeyId"] == key_arn
        with pytest.raises(ClientError) as excinfo:
            ec2.copy_snapshot(SourceSnapshotId=plain["SnapshotId"], SourceRegion="us-east-1", KmsKeyId=key_arn)
        assert error_code(excinfo) == "InvalidParameterDependency"


# --- Snapshot sharing ------------------------------------------------------------------------------------------


def _permissions(ec2, snapshot_id):
    permissions = ec2.describe_snapshot_attribute(SnapshotId=snapshot_id, Attribute="createVolumePermission")
    return sorted(permissions["CreateVolumePermissions"], key=lambda entry: sorted(entry.items()))


def test_stock_moto_ignores_structured_create_volume_permission(aws, compat_patch):
    compat_patch.stock(ec2_snapshot_create_volume_permission)
    ec2 = aws("ec2")
    _unused, snapshot = _volume_snapshot(ec2, False)
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot["SnapshotId"],
        Attribute="createVolumePermission",
        CreateVolumePermission={"Add": [{"UserId": OTHER_ACCOUNT}]},
    )
    assert _permissions(ec2, snapshot["SnapshotId"]) == []


def test_structured_create_volume_permission_adds_and_removes(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_snapshot_create_volume_permission):
        _unused, snapshot = _volume_snapshot(ec2, False)
        snapshot_id = snapshot["SnapshotId"]
        ec2.modify_snapshot_attribute(
            SnapshotId=snapshot_id,
            Attribute="createVolumePermission",
            CreateVolumePermission={"Add": [{"UserId": OTHER_ACCOUNT}, {"Group": "all"}]},
        )
        assert _permissions(ec2, snapshot_id) == [{"Group": "all"}, {"UserId": OTHER_ACCOUNT}]
        ec2.modify_snapshot_attribute(
            SnapshotId=snapshot_id,
            Attribute="createVolumePermission",
            CreateVolumePermission={"Add": [{"UserId": "444455556666"}], "Remove": [{"Group": "all"}]},
        )
        assert _permissions(ec2, snapshot_id) == [{"UserId": OTHER_ACCOUNT}, {"UserId": "444455556666"}]
        # The OperationType form still works alongside.
        ec2.modify_snapshot_attribute(
            SnapshotId=snapshot_id, Attribute="createVolumePermission", OperationType="remove", UserIds=[OTHER_ACCOUNT]
        )
        assert _permissions(ec2, snapshot_id) == [{"UserId": "444455556666"}]
        # An invalid group changes nothing.
        with pytest.raises(ClientError) as excinfo:
            ec2.modify_snapshot_attribute(
                SnapshotId=snapshot_id,
                Attribute="createVolumePermission",
                CreateVolumePermission={"Add": [{"UserId": OTHER_ACCOUNT}, {"Group": "admins"}]},
            )
        assert error_code(excinfo) == "InvalidAMIAttributeItemValue"
        assert _permissions(ec2, snapshot_id) == [{"UserId": "444455556666"}]


# --- Shared and public AMIs seen from another account ----------------------------------------------------------


def _other_account_ec2(aws):
    credentials = aws("sts").assume_role(
        RoleArn="arn:aws:iam::{0}:role/workload".format(OTHER_ACCOUNT), RoleSessionName="workload"
    )["Credentials"]
    return boto3.client(
        "ec2",
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _shared_images(ec2):
    shared = ec2.register_image(Name="jenkins-ha-agent-shared")["ImageId"]
    ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"UserId": OTHER_ACCOUNT}]})
    public = ec2.register_image(Name="jenkins-ha-agent-public")["ImageId"]
    ec2.modify_image_attribute(ImageId=public, LaunchPermission={"Add": [{"Group": "all"}]})
    private = ec2.register_image(Name="jenkins-ha-agent-private")["ImageId"]
    return shared, public, private


def test_stock_moto_hides_shared_images_from_the_other_account(aws, compat_patch):
    compat_patch.stock(ec2_image_launch_permission_visibility)
    ec2 = aws("ec2")
    shared, _unused, _unused = _shared_images(ec2)
    owner = _image(ec2, shared)["OwnerId"]
    workload = _other_account_ec2(aws)
    with pytest.raises(ClientError) as excinfo:
        workload.describe_images(ImageIds=[shared])
    assert error_code(excinfo) == "InvalidAMIID.NotFound"
    assert workload.describe_images(Owners=[owner])["Images"] == []


def test_shared_and_public_images_are_visible_to_the_other_account(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_image_launch_permission_visibility):
        shared, public, private = _shared_images(ec2)
        owner = _image(ec2, shared)["OwnerId"]
        workload = _other_account_ec2(aws)

        def ids(**kwargs):
            return sorted(image["ImageId"] for image in workload.describe_images(**kwargs)["Images"])

        assert ids(ImageIds=[shared]) == [shared]
        assert ids(Owners=[owner]) == sorted([shared, public])
        assert ids(Owners=[owner], Filters=[{"Name": "name", "Values": ["*-shared"]}]) == [shared]
        assert shared in ids(ExecutableUsers=["self"]) and private not in ids(ExecutableUsers=["self"])
        assert ids(Owners=["self"]) == []
        with pytest.raises(ClientError) as excinfo:
            workload.describe_images(ImageIds=[private])
        assert error_code(excinfo) == "InvalidAMIID.NotFound"
        # Only the owner may change who can launch it.
        with pytest.raises(ClientError) as excinfo:
            workload.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"Group": "all"}]})
        assert error_code(excinfo) == "InvalidAMIID.NotFound"
        # Unshared, it is gone again.
        ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Remove": [{"UserId": OTHER_ACCOUNT}]})
        assert ids(Owners=[owner]) == [public]


def test_tags_on_a_shared_image_are_per_account(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_image_launch_permission_visibility):
        shared, _unused, _unused = _shared_images(ec2)
        ec2.create_tags(Resources=[shared], Tags=[{"Key": "jenkins-ha:role", "Value": "agent"}])
        workload = _other_account_ec2(aws)

        def tags(client):
            return {
                t["Key"]: t["Value"] for t in client.describe_images(ImageIds=[shared])["Images"][0].get("Tags", [])
            }

        assert tags(workload) == {}
        workload.create_tags(Resources=[shared], Tags=[{"Key": "jenkins-ha:role", "Value": "agent-copy"}])
        assert tags(workload) == {"jenkins-ha:role": "agent-copy"}
        assert tags(ec2) == {"jenkins-ha:role": "agent"}
        by_tag = workload.describe_images(Filters=[{"Name": "tag:jenkins-ha:role", "Values": ["agent-copy"]}])
        assert [image["ImageId"] for image in by_tag["Images"]] == [shared]
        assert ec2.describe_images(Filters=[{"Name": "tag:jenkins-ha:role", "Values": ["agent-copy"]}])["Images"] == []
