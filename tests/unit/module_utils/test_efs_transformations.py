"""Pure EFS logic: creation tokens, lifecycle, option-shaped views, desired state and planned changes."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import transformations as tf
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system
from tests.unit.modules.helpers import module_params

FS = {
    "FileSystemId": "fs-1",
    "FileSystemArn": "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1",
    "CreationToken": "jenkins-home",
    "Name": "jenkins-home",
    "Encrypted": True,
    "KmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/k1",
    "PerformanceMode": "generalPurpose",
    "ThroughputMode": "elastic",
    "LifeCycleState": "available",
    "Tags": [{"Key": "Name", "Value": "jenkins-home"}],
}
MOUNT_TARGETS = [
    {
        "MountTargetId": "fsmt-b",
        "SubnetId": "subnet-b",
        "LifeCycleState": "available",
        "SecurityGroups": ["sg-2", "sg-1"],
    },
    {"MountTargetId": "fsmt-a", "SubnetId": "subnet-a", "LifeCycleState": "available", "SecurityGroups": ["sg-1"]},
    {"MountTargetId": "fsmt-c", "SubnetId": "subnet-c", "LifeCycleState": "deleting", "SecurityGroups": []},
]
POLICIES = [{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}]
TAGS = {"Name": "jenkins-home"}


def params(**overrides):
    """Module parameters with the efs_file_system defaults."""
    return module_params(efs_file_system.argument_spec(), **dict({"name": "jenkins-home"}, **overrides))


def current_view():
    return tf.file_system_view(FS, TAGS, POLICIES, "ENABLED", MOUNT_TARGETS)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("jenkins-home", "jenkins-home"),
        ("x" * 64, "x" * 64),
    ],
)
def test_creation_token_short_names_are_used_as_is(name, expected):
    assert tf.creation_token_for(name) == expected


@pytest.mark.parametrize("name", ["x" * 65, "jenkins-ä-home", "é" * 80])
def test_creation_token_long_or_non_ascii_names_are_hashed(name):
    token = tf.creation_token_for(name)
    assert len(token) <= 64 and token.isascii()
    assert token == tf.creation_token_for(name)
    assert token != tf.creation_token_for(name + "y")


LIFECYCLE_CASES = [
    ({}, []),
    (None, []),
    ({"transition_to_ia": "AFTER_30_DAYS"}, [{"TransitionToIA": "AFTER_30_DAYS"}]),
    (
        {
            "transition_to_ia": "AFTER_7_DAYS",
            "transition_to_primary_storage_class": "AFTER_1_ACCESS",
            "transition_to_archive": "AFTER_90_DAYS",
        },
        [
            {"TransitionToIA": "AFTER_7_DAYS"},
            {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"},
            {"TransitionToArchive": "AFTER_90_DAYS"},
        ],
    ),
    ({"transition_to_ia": None, "transition_to_archive": "AFTER_1_DAY"}, [{"TransitionToArchive": "AFTER_1_DAY"}]),
]


@pytest.mark.parametrize("lifecycle, policies", LIFECYCLE_CASES)
def test_lifecycle_to_policies(lifecycle, policies):
    assert tf.lifecycle_to_policies(lifecycle) == policies
    assert tf.policies_to_lifecycle(policies) == {k: v for k, v in (lifecycle or {}).items() if v}


@pytest.mark.parametrize(
    "status, enabled", [("ENABLED", True), ("ENABLING", True), ("DISABLED", False), ("DISABLING", False), (None, False)]
)
def test_backup_enabled(status, enabled):
    assert tf.backup_enabled(status) is enabled


def test_file_system_view():
    assert current_view() == {
        "encrypted": True,
        "kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/k1",
        "performance_mode": "generalPurpose",
        "throughput_mode": "elastic",
        "provisioned_throughput_in_mibps": None,
        "lifecycle": {"transition_to_ia": "AFTER_30_DAYS", "transition_to_primary_storage_class": "AFTER_1_ACCESS"},
        "backup": True,
        "mount_targets": [
            {"subnet_id": "subnet-a", "security_groups": ["sg-1"]},
            {"subnet_id": "subnet-b", "security_groups": ["sg-1", "sg-2"]},
        ],
        "tags": TAGS,
    }


def test_provisioned_throughput_only_counts_in_provisioned_mode():
    fs = dict(FS, ThroughputMode="bursting", ProvisionedThroughputInMibps=0.0)
    assert tf.file_system_view(fs, {}, [], None, [])["provisioned_throughput_in_mibps"] is None
    fs = dict(FS, ThroughputMode="provisioned", ProvisionedThroughputInMibps=100)
    assert tf.file_system_view(fs, {}, [], None, [])["provisioned_throughput_in_mibps"] == 100.0


# (id, params, expected changes to the current view; None = no change)
DESIRED_CASES = [
    ("defaults leave everything", params(), {}),
    (
        "same lifecycle",
        params(
            lifecycle={"transition_to_ia": "AFTER_30_DAYS", "transition_to_primary_storage_class": "AFTER_1_ACCESS"}
        ),
        {},
    ),
    ("lifecycle cleared", params(lifecycle={}), {"lifecycle": {}}),
    (
        "lifecycle changed",
        params(lifecycle={"transition_to_ia": "AFTER_7_DAYS"}),
        {"lifecycle": {"transition_to_ia": "AFTER_7_DAYS"}},
    ),
    ("backup off", params(backup=False), {"backup": False}),
    ("backup on again", params(backup=True), {}),
    ("throughput", params(throughput_mode="bursting"), {"throughput_mode": "bursting"}),
    (
        "provisioned",
        params(throughput_mode="provisioned", provisioned_throughput_in_mibps=64),
        {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 64.0},
    ),
    (
        "same mount targets in another order, groups unset keep current",
        params(
            mount_targets=[
                {"subnet_id": "subnet-b", "security_groups": None},
                {"subnet_id": "subnet-a", "security_groups": ["sg-1", "sg-1"]},
            ]
        ),
        {},
    ),
    (
        "mount target dropped",
        params(mount_targets=[{"subnet_id": "subnet-a", "security_groups": ["sg-1"]}]),
        {"mount_targets": [{"subnet_id": "subnet-a", "security_groups": ["sg-1"]}]},
    ),
    ("mount targets cleared", params(mount_targets=[]), {"mount_targets": []}),
    ("performance mode (immutable)", params(performance_mode="maxIO"), {"performance_mode": "maxIO"}),
    ("unencrypted (immutable)", params(encrypted=False), {"encrypted": False}),
]


@pytest.mark.parametrize("params_, changes", [c[1:] for c in DESIRED_CASES], ids=[c[0] for c in DESIRED_CASES])
def test_desired_file_system_view(params_, changes):
    current = current_view()
    desired = tf.desired_file_system_view(current, params_, None, TAGS)
    assert desired == dict(current, **changes)


def test_desired_kms_key_is_compared_only_when_given():
    current = current_view()
    other = "arn:aws:kms:eu-west-1:123456789012:key/k2"
    desired = tf.desired_file_system_view(current, params(kms_key_id="alias/x"), other, TAGS)
    assert tf.immutable_differences(current, desired, tf.FILE_SYSTEM_IMMUTABLE) == ["kms_key_id"]
    desired = tf.desired_file_system_view(current, params(), None, TAGS)
    assert tf.immutable_differences(current, desired, tf.FILE_SYSTEM_IMMUTABLE) == []


def test_desired_view_for_a_new_file_system():
    desired = tf.desired_file_system_view({}, params(), None, TAGS)
    assert desired == {
        "encrypted": True,
        "kms_key_id": None,
        "performance_mode": "generalPurpose",
        "throughput_mode": "elastic",
        "provisioned_throughput_in_mibps": None,
        "lifecycle": {},
        "backup": False,
        "mount_targets": [],
        "tags": TAGS,
    }
    assert tf.immutable_differences({}, desired, tf.FILE_SYSTEM_IMMUTABLE) == []


@pytest.mark.parametrize(
    "changes, immutable",
    [
        ({}, []),
        ({"performance_mode": "maxIO"}, ["performance_mode"]),
        ({"encrypted": False, "performance_mode": "maxIO"}, ["encrypted", "performance_mode"]),
        ({"throughput_mode": "bursting", "backup": False}, []),
    ],
)
def test_immutable_differences(changes, immutable):
    current = current_view()
    assert tf.immutable_differences(current, dict(current, **changes), tf.FILE_SYSTEM_IMMUTABLE) == immutable


def mt(subnet, *groups):
    return {"subnet_id": subnet, "security_groups": sorted(groups)}


MOUNT_TARGET_CASES = [
    ("nothing to do", [mt("a", "sg-1")], [mt("a", "sg-1")], ([], [], [])),
    ("create", [], [mt("a", "sg-1")], ([mt("a", "sg-1")], [], [])),
    ("delete", [mt("a", "sg-1"), mt("b")], [mt("a", "sg-1")], ([], [], [mt("b")])),
    ("modify groups", [mt("a", "sg-1")], [mt("a", "sg-1", "sg-2")], ([], [mt("a", "sg-1", "sg-2")], [])),
    ("swap subnet", [mt("a", "sg-1")], [mt("b", "sg-1")], ([mt("b", "sg-1")], [], [mt("a", "sg-1")])),
]


@pytest.mark.parametrize(
    "current, desired, expected", [c[1:] for c in MOUNT_TARGET_CASES], ids=[c[0] for c in MOUNT_TARGET_CASES]
)
def test_mount_target_changes(current, desired, expected):
    assert tf.mount_target_changes(current, desired) == expected


def test_create_file_system_params():
    args = tf.create_file_system_params(
        params(kms_key_id="alias/efs", throughput_mode="provisioned", provisioned_throughput_in_mibps=10, backup=True),
        "token",
        {"b": "2", "Name": "n"},
    )
    assert args == {
        "CreationToken": "token",
        "PerformanceMode": "generalPurpose",
        "Encrypted": True,
        "KmsKeyId": "alias/efs",
        "ThroughputMode": "provisioned",
        "ProvisionedThroughputInMibps": 10.0,
        "Backup": True,
        "Tags": [{"Key": "Name", "Value": "n"}, {"Key": "b", "Value": "2"}],
    }
    minimal = tf.create_file_system_params(params(), "token", {})
    assert "KmsKeyId" not in minimal and "Backup" not in minimal and "ProvisionedThroughputInMibps" not in minimal


@pytest.mark.parametrize(
    "arn, expected",
    [
        ("arn:aws:elasticfilesystem:eu-west-1:1:file-system/fs-1", "fs-1.efs.eu-west-1.amazonaws.com"),
        ("arn:aws-cn:elasticfilesystem:cn-north-1:1:file-system/fs-1", "fs-1.efs.cn-north-1.amazonaws.com.cn"),
        ("", None),
    ],
)
def test_dns_name(arn, expected):
    assert tf.dns_name({"FileSystemId": "fs-1", "FileSystemArn": arn}) == expected


def test_normalize_file_system():
    result = tf.normalize_file_system(FS, MOUNT_TARGETS[:1], {"Name": "jenkins-home", "a": "b"}, POLICIES, None)
    assert result["file_system_id"] == "fs-1"
    assert result["dns_name"] == "fs-1.efs.eu-west-1.amazonaws.com"
    assert result["tags"] == {"Name": "jenkins-home", "a": "b"}
    assert result["lifecycle"]["transition_to_ia"] == "AFTER_30_DAYS"
    assert result["backup"] is False
    assert result["mount_targets"][0]["mount_target_id"] == "fsmt-b"
    assert tf.normalize_file_system(None) == {}


# ---- access points ---------------------------------------------------------------------------------------------------

AP = {
    "AccessPointId": "fsap-1",
    "FileSystemId": "fs-1",
    "Name": "jenkins-home",
    "PosixUser": {"Uid": 1000, "Gid": 1000, "SecondaryGids": [5, 4]},
    "RootDirectory": {"Path": "/jenkins", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"}},
    "Tags": [{"Key": "Name", "Value": "jenkins-home"}],
}
AP_PARAMS = dict(
    file_system_id="fs-1",
    name="jenkins-home",
    posix_user={"uid": 1000, "gid": 1000, "secondary_gids": [4, 5, 5]},
    root_directory={"path": "/jenkins", "creation_info": {"owner_uid": 1000, "owner_gid": 1000, "permissions": "0750"}},
)
AP_TAGS = {"Name": "jenkins-home"}


def test_access_point_view_matches_equivalent_options():
    assert tf.access_point_view(AP) == tf.desired_access_point_view(AP_PARAMS, AP_TAGS)


@pytest.mark.parametrize(
    "changes, immutable",
    [
        ({}, []),
        ({"posix_user": {"uid": 0, "gid": 0}}, ["posix_user"]),
        ({"posix_user": None}, ["posix_user"]),
        ({"root_directory": {"path": "/other"}}, ["root_directory"]),
        (
            {
                "root_directory": {
                    "path": "/jenkins",
                    "creation_info": {"owner_uid": 1000, "owner_gid": 1000, "permissions": "0700"},
                }
            },
            ["root_directory"],
        ),
        ({"posix_user": None, "root_directory": None}, ["posix_user", "root_directory"]),
    ],
)
def test_access_point_immutable_differences(changes, immutable):
    desired = tf.desired_access_point_view(dict(AP_PARAMS, **changes), AP_TAGS)
    assert tf.immutable_differences(tf.access_point_view(AP), desired, tf.ACCESS_POINT_IMMUTABLE) == immutable


@pytest.mark.parametrize("given, expected", [("750", "0750"), ("0750", "0750"), ("755", "0755"), ("2775", "2775")])
def test_root_directory_permissions_are_normalised(given, expected):
    view = tf.root_directory_view(
        {"path": "/x", "creation_info": {"owner_uid": 1, "owner_gid": 1, "permissions": given}}
    )
    assert view["creation_info"]["permissions"] == expected


def test_root_directory_defaults_to_slash():
    assert tf.root_directory_view(None) == {"path": "/", "creation_info": None}
    assert tf.access_point_view({"FileSystemId": "fs-1", "RootDirectory": {"Path": "/"}})["root_directory"] == {
        "path": "/",
        "creation_info": None,
    }


def test_create_access_point_params():
    args = tf.create_access_point_params(AP_PARAMS, AP_TAGS, "token")
    assert args == {
        "ClientToken": "token",
        "FileSystemId": "fs-1",
        "Tags": [{"Key": "Name", "Value": "jenkins-home"}],
        "PosixUser": {"Uid": 1000, "Gid": 1000, "SecondaryGids": [4, 5]},
        "RootDirectory": {
            "Path": "/jenkins",
            "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "0750"},
        },
    }
    bare = tf.create_access_point_params(dict(file_system_id="fs-1"), {}, "t")
    assert "PosixUser" not in bare and "RootDirectory" not in bare
