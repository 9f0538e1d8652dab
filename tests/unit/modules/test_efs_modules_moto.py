"""efs_file_system / efs_access_point / efs_file_system_policy ensure_* functions against in-process moto.

Stock moto lacks UpdateFileSystem, PutBackupPolicy and DeleteFileSystemPolicy, so these tests stay on the paths that
do not need them; the integration targets cover the rest against the emulator.
"""

import json

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_access_point
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system_policy
from tests.unit.modules.helpers import module_params

from .conftest import FakeModule


def fs_params(**overrides):
    base = dict(
        name="jenkins-home",
        lifecycle={
            "transition_to_ia": "AFTER_30_DAYS",
            "transition_to_primary_storage_class": None,
            "transition_to_archive": None,
        },
        tags={"owner": "ci"},
        wait_timeout=30,
    )
    return module_params(efs_file_system.argument_spec(), **dict(base, **overrides))


@pytest.fixture
def network(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.{0}.0/24".format(i), AvailabilityZone=az)["Subnet"]["SubnetId"]
        for i, az in ((1, "us-east-1a"), (2, "us-east-1b"))
    ]
    groups = [ec2.create_security_group(GroupName=n, Description=n, VpcId=vpc)["GroupId"] for n in ("a", "b")]
    return subnets, groups


def run_fs(aws, check_mode=False, **overrides):
    module = FakeModule(fs_params(**overrides), check_mode=check_mode)
    ensure = efs_file_system.ensure_present if module.params["state"] == "present" else efs_file_system.ensure_absent
    return ensure(module, aws("efs"))


def test_file_system_check_create_rerun_delete(aws, network):
    (subnet_a, subnet_b), (sg_a, sg_b) = network
    mount_targets = [
        {"subnet_id": subnet_a, "security_groups": [sg_a]},
        {"subnet_id": subnet_b, "security_groups": [sg_a]},
    ]

    changed, result, diff = run_fs(aws, check_mode=True, mount_targets=mount_targets)
    assert changed and result == {} and diff["before"] == {}
    assert aws("efs").describe_file_systems()["FileSystems"] == []

    changed, created, diff = run_fs(aws, mount_targets=mount_targets)
    assert changed
    assert created["creation_token"] == "jenkins-home"
    assert created["tags"] == {"Name": "jenkins-home", "owner": "ci"}
    assert created["lifecycle"] == {"transition_to_ia": "AFTER_30_DAYS"}
    assert sorted(mt["subnet_id"] for mt in created["mount_targets"]) == sorted([subnet_a, subnet_b])
    assert diff["after"]["mount_targets"][0]["security_groups"] == [sg_a]

    changed, again, diff = run_fs(aws, mount_targets=list(reversed(mount_targets)))
    assert not changed and again["file_system_id"] == created["file_system_id"]
    assert diff["before"] == diff["after"]

    # converge: drop one mount target, change the other's groups, retag
    changed, updated, _unused = run_fs(
        aws, mount_targets=[{"subnet_id": subnet_a, "security_groups": [sg_a, sg_b]}], tags={"owner": "ops"}
    )
    assert changed
    assert [(mt["subnet_id"], sorted(mt["security_groups"])) for mt in updated["mount_targets"]] == [
        (subnet_a, sorted([sg_a, sg_b]))
    ]
    assert updated["tags"] == {"Name": "jenkins-home", "owner": "ops"}

    aws("efs").create_access_point(ClientToken="t", FileSystemId=created["file_system_id"])
    changed, _unused, _unused2 = run_fs(aws, state="absent", check_mode=True)
    assert changed and len(aws("efs").describe_file_systems()["FileSystems"]) == 1
    changed, gone, _unused = run_fs(aws, state="absent")
    assert changed and gone == {}
    assert aws("efs").describe_file_systems()["FileSystems"] == []
    assert aws("efs").describe_access_points()["AccessPoints"] == []
    assert run_fs(aws, state="absent")[0] is False


def test_file_system_immutable_change_fails(aws):
    run_fs(aws)
    with pytest.raises(AnsibleEFSError, match="cannot change encrypted, performance_mode after creation"):
        run_fs(aws, performance_mode="maxIO", encrypted=False)


def test_file_system_found_by_name_tag_when_created_elsewhere(aws):
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="other-token", Tags=[{"Key": "Name", "Value": "jenkins-home"}])[
        "FileSystemId"
    ]
    changed, result, diff = run_fs(aws, encrypted=False, throughput_mode="bursting", lifecycle=None, tags=None)
    assert result["file_system_id"] == fs_id
    assert not changed


def test_access_point_lifecycle(aws):
    fs_id = run_fs(aws)[1]["file_system_id"]
    params = dict(
        file_system_id=fs_id,
        name="jenkins-home",
        state="present",
        posix_user={"uid": 1000, "gid": 1000, "secondary_gids": None},
        root_directory={"path": "/jenkins", "creation_info": None},
        replace=False,
        tags=None,
        purge_tags=True,
        wait=True,
        wait_timeout=30,
    )
    efs = aws("efs")
    assert efs_access_point.ensure_present(FakeModule(params, check_mode=True), efs)[0]
    changed, created, _unused = efs_access_point.ensure_present(FakeModule(params), efs)
    assert changed and created["root_directory"]["path"] == "/jenkins"
    assert not efs_access_point.ensure_present(FakeModule(params), efs)[0]

    other = dict(params, root_directory={"path": "/other", "creation_info": None})
    with pytest.raises(AnsibleEFSError, match="cannot change root_directory"):
        efs_access_point.ensure_present(FakeModule(other), efs)
    changed, replaced, _unused = efs_access_point.ensure_present(FakeModule(dict(other, replace=True)), efs)
    assert changed and replaced["access_point_id"] != created["access_point_id"]
    assert len(efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]) == 1

    assert efs_access_point.ensure_absent(FakeModule(params), efs)[0]
    assert not efs_access_point.ensure_absent(FakeModule(params), efs)[0]


def test_policy_set_and_compare(aws):
    fs_id = run_fs(aws)[1]["file_system_id"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}
    params = dict(
        file_system_id=fs_id, policy=json.dumps(policy), bypass_policy_lockout_safety_check=False, state="present"
    )
    efs = aws("efs")
    changed, _unused, diff = efs_file_system_policy.ensure_present(FakeModule(params, check_mode=True), efs)
    assert changed and diff["before"] == {}
    assert efs_file_system_policy.ensure_present(FakeModule(params), efs)[0]
    same = dict(
        params,
        policy={"Statement": {"Action": ["*"], "Principal": {"AWS": "*"}, "Effect": "Allow"}, "Version": "2012-10-17"},
    )
    changed, current, diff = efs_file_system_policy.ensure_present(FakeModule(same), efs)
    assert not changed and current == policy and diff["before"] == diff["after"]

    missing = dict(params, file_system_id="fs-00000000")
    with pytest.raises(AnsibleEFSError, match="fs-00000000 does not exist"):
        efs_file_system_policy.ensure_present(FakeModule(missing), efs)
