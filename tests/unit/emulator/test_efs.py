"""EFS patches: legacy tag APIs, PutBackupPolicy, default security group of mount targets."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import efs_backup_policy, efs_legacy_tags, efs_mount_target_default_security_group

from .conftest import error_code

STOCK_FAILURES = (NotImplementedError, ClientError)


def _file_system(efs, token="fs1", **kwargs):
    return efs.create_file_system(CreationToken=token, Tags=[{"Key": "Name", "Value": token}], **kwargs)


def test_stock_moto_lacks_efs_legacy_tag_apis(aws, compat_patch):
    compat_patch.stock(efs_legacy_tags)
    efs = aws("efs")
    fs_id = _file_system(efs)["FileSystemId"]
    with pytest.raises(STOCK_FAILURES):
        efs.describe_tags(FileSystemId=fs_id)
    with pytest.raises(STOCK_FAILURES):
        efs.create_tags(FileSystemId=fs_id, Tags=[{"Key": "a", "Value": "b"}])


def test_efs_legacy_tag_apis_share_tags_with_tag_resource(aws, compat_patch):
    efs = aws("efs")
    fs_id = _file_system(efs)["FileSystemId"]
    with compat_patch(efs_legacy_tags):
        efs.create_tags(FileSystemId=fs_id, Tags=[{"Key": "a", "Value": "b"}, {"Key": "c", "Value": "d"}])
        assert efs.describe_tags(FileSystemId=fs_id)["Tags"] == [
            {"Key": "Name", "Value": "fs1"},
            {"Key": "a", "Value": "b"},
            {"Key": "c", "Value": "d"},
        ]
        efs.delete_tags(FileSystemId=fs_id, TagKeys=["a"])
        assert efs.list_tags_for_resource(ResourceId=fs_id)["Tags"] == [
            {"Key": "Name", "Value": "fs1"},
            {"Key": "c", "Value": "d"},
        ]
        page = efs.describe_tags(FileSystemId=fs_id, MaxItems=1)
        assert page["Tags"] == [{"Key": "Name", "Value": "fs1"}] and page["NextMarker"]
        rest = efs.describe_tags(FileSystemId=fs_id, Marker=page["NextMarker"])
        assert rest["Tags"] == [{"Key": "c", "Value": "d"}] and "NextMarker" not in rest
        with pytest.raises(ClientError) as missing:
            efs.describe_tags(FileSystemId="fs-00000000")
        assert error_code(missing) == "FileSystemNotFound"


def test_stock_moto_lacks_efs_put_backup_policy(aws, compat_patch):
    compat_patch.stock(efs_backup_policy)
    efs = aws("efs")
    fs_id = _file_system(efs)["FileSystemId"]
    with pytest.raises(STOCK_FAILURES):
        efs.put_backup_policy(FileSystemId=fs_id, BackupPolicy={"Status": "ENABLED"})


def test_efs_backup_policy_reports_the_status_put(aws, compat_patch):
    efs = aws("efs")
    fs_id = _file_system(efs)["FileSystemId"]
    with compat_patch(efs_backup_policy):
        assert efs.put_backup_policy(FileSystemId=fs_id, BackupPolicy={"Status": "ENABLED"})["BackupPolicy"] == {
            "Status": "ENABLED"
        }
        assert efs.describe_backup_policy(FileSystemId=fs_id)["BackupPolicy"] == {"Status": "ENABLED"}
        efs.put_backup_policy(FileSystemId=fs_id, BackupPolicy={"Status": "DISABLED"})
        assert efs.describe_backup_policy(FileSystemId=fs_id)["BackupPolicy"] == {"Status": "DISABLED"}
        with pytest.raises(ClientError) as missing:
            efs.put_backup_policy(FileSystemId="fs-00000000", BackupPolicy={"Status": "ENABLED"})
        assert error_code(missing) == "FileSystemNotFound"


def _subnet(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    default_sg = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    return subnet_id, default_sg


def test_stock_moto_leaves_mount_targets_without_security_groups(aws, compat_patch):
    compat_patch.stock(efs_mount_target_default_security_group)
    efs, ec2 = aws("efs"), aws("ec2")
    subnet_id, _unused = _subnet(ec2)
    target = efs.create_mount_target(FileSystemId=_file_system(efs)["FileSystemId"], SubnetId=subnet_id)
    # community.aws.efs reads response["SecurityGroups"] and fails with KeyError.
    assert "SecurityGroups" not in efs.describe_mount_target_security_groups(MountTargetId=target["MountTargetId"])


def test_mount_target_gets_the_vpc_default_security_group(aws, compat_patch):
    efs, ec2 = aws("efs"), aws("ec2")
    subnet_id, default_sg = _subnet(ec2)
    other_sg = ec2.create_security_group(
        GroupName="efs", Description="efs", VpcId=ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["VpcId"]
    )["GroupId"]
    fs_id = _file_system(efs)["FileSystemId"]
    with compat_patch(efs_mount_target_default_security_group):
        target = efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnet_id)
        groups = efs.describe_mount_target_security_groups(MountTargetId=target["MountTargetId"])
        assert groups["SecurityGroups"] == [default_sg]
        efs.delete_mount_target(MountTargetId=target["MountTargetId"])
        # Explicit groups are left alone.
        target = efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnet_id, SecurityGroups=[other_sg])
        groups = efs.describe_mount_target_security_groups(MountTargetId=target["MountTargetId"])
        assert groups["SecurityGroups"] == [other_sg]
