"""EFS module_utils against in-process moto: the API wrappers, their error handling, tags and waiters.

Only APIs stock moto serves are used here; UpdateFileSystem, PutBackupPolicy and DeleteFileSystemPolicy are covered
by the integration targets against the emulator (with its compatibility layer).
"""

import json

import botocore.exceptions
import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import access_points as ap_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import file_systems as fs_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import mount_targets as mt_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import policies as policy_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.tagging import ensure_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.tagging import list_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.waiters import wait_for


@pytest.fixture
def clients(aws):
    return aws("efs"), aws("ec2")


@pytest.fixture
def file_system(clients):
    efs, _unused = clients
    created = fs_api.create_file_system(
        efs, CreationToken="jenkins-home", Encrypted=True, Tags=[{"Key": "Name", "Value": "jenkins-home"}]
    )
    wait_for(efs, "file_system_available", 30, FileSystemId=created["FileSystemId"])
    return created["FileSystemId"]


@pytest.fixture
def subnet(clients):
    _unused, ec2 = clients
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"
    ]
    groups = [ec2.create_security_group(GroupName=n, Description=n, VpcId=vpc)["GroupId"] for n in ("a", "b")]
    return subnet_id, groups


def test_describe_by_creation_token_and_missing_id(clients, file_system):
    efs, _unused = clients
    found = fs_api.describe_file_systems(efs, creation_token="jenkins-home")
    assert [fs["FileSystemId"] for fs in found] == [file_system]
    assert fs_api.describe_file_systems(efs, creation_token="other") == []
    # FileSystemNotFound is "not there", not an error
    assert fs_api.get_file_system(efs, "fs-00000000") is None


def test_a_create_retried_after_a_lost_answer_returns_the_file_system_it_made(clients, file_system):
    """EFS answers a second create with the same CreationToken with FileSystemAlreadyExists: the first attempt was
    applied (its answer lost), so that file system is the result, not an error and not a second file system."""
    efs, _unused = clients
    again = fs_api.create_file_system(efs, CreationToken="jenkins-home", Encrypted=True)
    assert again["FileSystemId"] == file_system
    assert len(fs_api.describe_file_systems(efs, creation_token="jenkins-home")) == 1


def test_other_create_errors_are_ours(clients, monkeypatch):
    efs, _unused = clients

    def refuse(**_params):
        raise botocore.exceptions.ClientError({"Error": {"Code": "BadRequest", "Message": "no"}}, "CreateFileSystem")

    monkeypatch.setattr(efs, "create_file_system", refuse)
    with pytest.raises(AnsibleEFSError, match="Failed to create file system"):
        fs_api.create_file_system(efs, CreationToken="jenkins-home")


def test_ensure_tags(clients, file_system):
    efs, _unused = clients
    current = list_tags(efs, file_system)
    assert current == {"Name": "jenkins-home"}
    desired = {"Name": "jenkins-home", "a": "1"}
    assert ensure_tags(efs, file_system, current, desired, check_mode=True)
    assert list_tags(efs, file_system) == current
    assert ensure_tags(efs, file_system, current, desired, check_mode=False)
    assert list_tags(efs, file_system) == desired
    assert ensure_tags(efs, file_system, desired, {"Name": "jenkins-home"}, check_mode=False)
    assert list_tags(efs, file_system) == {"Name": "jenkins-home"}
    assert not ensure_tags(efs, file_system, {"Name": "jenkins-home"}, {"Name": "jenkins-home"}, check_mode=False)


def test_lifecycle_policies(clients, file_system):
    efs, _unused = clients
    assert fs_api.describe_lifecycle_policies(efs, file_system) == []
    policies = [{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}]
    fs_api.put_lifecycle_policies(efs, file_system, policies)
    assert fs_api.describe_lifecycle_policies(efs, file_system) == policies


def test_backup_status_without_policy_is_none(clients, file_system):
    efs, _unused = clients
    assert fs_api.describe_backup_status(efs, file_system) is None


def test_mount_targets(clients, file_system, subnet):
    efs, _unused = clients
    subnet_id, (sg_a, sg_b) = subnet
    created = mt_api.create_mount_target(efs, file_system, subnet_id, [sg_a])
    wait_for(efs, "mount_targets_available", 30, FileSystemId=file_system)
    described = mt_api.describe_mount_targets_with_security_groups(efs, file_system)
    assert [(mt["SubnetId"], mt["SecurityGroups"]) for mt in described] == [(subnet_id, [sg_a])]

    mt_api.modify_mount_target_security_groups(efs, created["MountTargetId"], [sg_a, sg_b])
    assert sorted(mt_api.describe_mount_target_security_groups(efs, created["MountTargetId"])) == sorted([sg_a, sg_b])

    with pytest.raises(AnsibleEFSError, match="Failed to create mount target"):
        mt_api.create_mount_target(efs, file_system, "subnet-00000000", [sg_a])

    assert mt_api.delete_mount_target(efs, created["MountTargetId"]) is True
    wait_for(efs, "mount_target_deleted", 30, MountTargetId=created["MountTargetId"])
    assert mt_api.describe_mount_targets(efs, file_system) == []
    # deleting what is gone is not an error
    assert mt_api.delete_mount_target(efs, created["MountTargetId"]) is False


def test_a_mount_target_create_retried_after_a_lost_answer_returns_the_mount_target_it_made(
    clients, file_system, subnet
):
    """CreateMountTarget takes no client token: a retry of a create EFS applied is refused as MountTargetConflict. The
    mount target of this file system in this subnet is then the answer; a conflict in another subnet of the zone stays
    an error."""
    efs, ec2 = clients
    subnet_id, (sg_a, _sg_b) = subnet
    created = mt_api.create_mount_target(efs, file_system, subnet_id, [sg_a])
    again = mt_api.create_mount_target(efs, file_system, subnet_id, [sg_a])
    assert again["MountTargetId"] == created["MountTargetId"]
    assert len(mt_api.describe_mount_targets(efs, file_system)) == 1
    vpc = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["VpcId"]
    neighbour = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    with pytest.raises(AnsibleEFSError, match="MountTargetConflict|mount target"):
        mt_api.create_mount_target(efs, file_system, neighbour["SubnetId"], [sg_a])


def test_delete_file_system(clients, file_system):
    efs, _unused = clients
    assert fs_api.delete_file_system(efs, file_system) is True
    wait_for(efs, "file_system_deleted", 30, FileSystemId=file_system)
    assert fs_api.delete_file_system(efs, file_system) is False


def test_access_points(clients, file_system):
    efs, _unused = clients
    created = ap_api.create_access_point(
        efs,
        ClientToken="t1",
        FileSystemId=file_system,
        PosixUser={"Uid": 1000, "Gid": 1000},
        Tags=[{"Key": "Name", "Value": "jenkins-home"}],
    )
    ap_api.create_access_point(efs, ClientToken="t2", FileSystemId=file_system, Tags=[{"Key": "Name", "Value": "x"}])
    wait_for(efs, "access_point_available", 30, AccessPointId=created["AccessPointId"])
    found = ap_api.find_access_points_by_name(efs, file_system, "jenkins-home")
    assert [ap["AccessPointId"] for ap in found] == [created["AccessPointId"]]
    assert ap_api.describe_access_points(efs, access_point_id="fsap-0123456789abcdef0") == []

    assert ap_api.delete_access_point(efs, created["AccessPointId"]) is True
    wait_for(efs, "access_point_deleted", 30, AccessPointId=created["AccessPointId"])
    assert ap_api.find_access_points_by_name(efs, file_system, "jenkins-home") == []


def test_file_system_policy(clients, file_system):
    efs, _unused = clients
    assert policy_api.describe_file_system_policy(efs, file_system) is None
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}
    policy_api.put_file_system_policy(efs, file_system, json.dumps(policy))
    assert json.loads(policy_api.describe_file_system_policy(efs, file_system)) == policy


def test_waiter_timeout_raises_our_error(clients, file_system, subnet):
    efs, _unused = clients
    with pytest.raises(AnsibleEFSError, match="Timeout trying to wait"):
        # a file system that exists never reaches "deleted"
        wait_for(efs, "file_system_deleted", 1, FileSystemId=file_system)
