"""unconverged_efs_file_system, unconverged_efs_access_point, unconverged_efs_file_system_policy,
unconverged_backup_vault, unconverged_backup_selection: converged resources need no module run, every kind of drift
the module would correct keeps it, and bad input fails clearly.

The EFS state is shaped as the jenkins_ha.aws.efs_file_system_state lookup returns it (the API's keys, as the EFS
modules read them); the backup reads as jenkins_ha.aws.aws_read returns them (snake_case).
"""

import copy
import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_storage import (
    FilterModule,
    unconverged_backup_selection,
    unconverged_backup_vault,
    unconverged_efs_access_point,
    unconverged_efs_file_system,
    unconverged_efs_file_system_policy,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/k-1"
FS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"
TAGS = {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws", "jenkins-ha:component": "efs"}
FILE_SYSTEM = {
    "name": "demo-jenkins-home",
    "file_system_id": "",
    "encrypted": True,
    "performance_mode": "generalPurpose",
    "throughput_mode": "elastic",
    "provisioned_throughput_in_mibps": None,
    "lifecycle": {"transition_to_ia": "AFTER_30_DAYS", "transition_to_primary_storage_class": "AFTER_1_ACCESS"},
    "backup": False,
    "mount_targets": [
        {"subnet_id": "subnet-b", "security_groups": ["sg-efs"]},
        {"subnet_id": "subnet-a", "security_groups": ["sg-efs"]},
    ],
    "tags": TAGS,
}
AP_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1"
ACCESS_POINT = {
    "file_system_id": "fs-1",
    "name": "demo-jenkins-home",
    "posix_user": {"uid": "1000", "gid": 1000},
    "root_directory": {
        "path": "/jenkins-home",
        "creation_info": {"owner_uid": 1000, "owner_gid": "1000", "permissions": "0750"},
    },
    "tags": TAGS,
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "MountTargetsOnly",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Resource": FS_ARN,
            "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
        }
    ],
}
STATE = {
    "file_system": {
        "FileSystemId": "fs-1",
        "FileSystemArn": FS_ARN,
        "LifeCycleState": "available",
        "Name": "demo-jenkins-home",
        "Encrypted": True,
        "KmsKeyId": KEY,
        "PerformanceMode": "generalPurpose",
        "ThroughputMode": "elastic",
        "CreationTime": "2026-12-07 08:00:00+00:00",
    },
    "tags": dict(TAGS, Name="demo-jenkins-home"),
    "lifecycle_policies": [{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}],
    "backup_status": "DISABLED",
    "mount_targets": [
        {
            "MountTargetId": "fsmt-a",
            "SubnetId": "subnet-a",
            "LifeCycleState": "available",
            "SecurityGroups": ["sg-efs"],
        },
        {
            "MountTargetId": "fsmt-b",
            "SubnetId": "subnet-b",
            "LifeCycleState": "available",
            "SecurityGroups": ["sg-efs"],
        },
    ],
    "access_points": [
        {
            "AccessPointId": "fsap-1",
            "AccessPointArn": AP_ARN,
            "FileSystemId": "fs-1",
            "Name": "demo-jenkins-home",
            "LifeCycleState": "available",
            "PosixUser": {"Uid": 1000, "Gid": 1000},
            "RootDirectory": {
                "Path": "/jenkins-home",
                "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"},
            },
            "Tags": [{"Key": k, "Value": v} for k, v in dict(TAGS, Name="demo-jenkins-home").items()],
        }
    ],
    "policy": json.dumps(POLICY),
}


def state(path=None, value=None, delete=False):
    """STATE with one value changed (path: keys and list indexes)."""
    changed = copy.deepcopy(STATE)
    if path:
        target = changed
        for key in path[:-1]:
            target = target[key]
        if delete:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return changed


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {
        "unconverged_efs_file_system",
        "unconverged_efs_access_point",
        "unconverged_efs_file_system_policy",
        "unconverged_backup_vault",
        "unconverged_backup_selection",
    }


FS_CASES = [
    ("converged", STATE, FILE_SYSTEM, KEY, False),
    ("converged, followed by id", STATE, dict(FILE_SYSTEM, file_system_id="fs-1"), KEY, False),
    ("converged, no key given (AWS's kept)", STATE, FILE_SYSTEM, "", False),
    ("missing", {}, FILE_SYSTEM, KEY, True),
    ("record names another file system", STATE, dict(FILE_SYSTEM, file_system_id="fs-2"), KEY, True),
    ("creating", state(["file_system", "LifeCycleState"], "creating"), FILE_SYSTEM, KEY, True),
    ("key given by alias (the module resolves it)", STATE, FILE_SYSTEM, "alias/jenkins-ha/demo", True),
    ("other key (immutable: the module refuses)", STATE, FILE_SYSTEM, KEY + "x", True),
    ("unencrypted", state(["file_system", "Encrypted"], False), FILE_SYSTEM, KEY, True),
    ("throughput mode", state(["file_system", "ThroughputMode"], "bursting"), FILE_SYSTEM, KEY, True),
    ("performance mode", state(["file_system", "PerformanceMode"], "maxIO"), FILE_SYSTEM, KEY, True),
    ("lifecycle", state(["lifecycle_policies"], [{"TransitionToIA": "AFTER_7_DAYS"}]), FILE_SYSTEM, KEY, True),
    (
        "lifecycle rule removed",
        state(["lifecycle_policies"], [{"TransitionToIA": "AFTER_30_DAYS"}]),
        FILE_SYSTEM,
        KEY,
        True,
    ),
    ("automatic backups on", state(["backup_status"], "ENABLED"), FILE_SYSTEM, KEY, True),
    ("backups never set (none is off)", state(["backup_status"], None), FILE_SYSTEM, KEY, False),
    ("mount target missing", state(["mount_targets"], STATE["mount_targets"][:1]), FILE_SYSTEM, KEY, True),
    ("mount target group", state(["mount_targets", 0, "SecurityGroups"], ["sg-other"]), FILE_SYSTEM, KEY, True),
    ("mount target deleting", state(["mount_targets", 0, "LifeCycleState"], "deleting"), FILE_SYSTEM, KEY, True),
    ("tag added", state(["tags", "owner"], "x"), FILE_SYSTEM, KEY, True),
    ("Name tag gone", state(["tags", "Name"], delete=True), FILE_SYSTEM, KEY, True),
    ("aws: tag kept", state(["tags", "aws:backup:source-resource"], "x"), FILE_SYSTEM, KEY, False),
    (
        "provisioned throughput",
        state(["file_system", "ThroughputMode"], "provisioned"),
        dict(FILE_SYSTEM, throughput_mode="provisioned", provisioned_throughput_in_mibps="64"),
        KEY,
        True,
    ),
]


@pytest.mark.parametrize("live, desired, key, differs", [c[1:] for c in FS_CASES], ids=[c[0] for c in FS_CASES])
def test_efs_file_system(live, desired, key, differs):
    assert unconverged_efs_file_system(desired, live, key) == ([desired] if differs else [])


def test_provisioned_throughput_is_compared():
    live = state(["file_system", "ThroughputMode"], "provisioned")
    live["file_system"]["ProvisionedThroughputInMibps"] = 64.0
    desired = dict(FILE_SYSTEM, throughput_mode="provisioned", provisioned_throughput_in_mibps="64")
    assert unconverged_efs_file_system(desired, live, KEY) == []
    assert unconverged_efs_file_system(dict(desired, provisioned_throughput_in_mibps=128), live, KEY) == [
        dict(desired, provisioned_throughput_in_mibps=128)
    ]


AP_CASES = [
    ("converged (numbers as text, 750 and 0750)", STATE, False),
    ("no file system", {}, True),
    ("missing", state(["access_points"], []), True),
    ("deleting", state(["access_points", 0, "LifeCycleState"], "deleting"), True),
    ("two of the name", state(["access_points"], STATE["access_points"] * 2), True),
    ("another uid (immutable: the module refuses)", state(["access_points", 0, "PosixUser", "Uid"], 0), True),
    ("secondary gids", state(["access_points", 0, "PosixUser", "SecondaryGids"], [10]), True),
    ("another root", state(["access_points", 0, "RootDirectory", "Path"], "/"), True),
    ("permissions", state(["access_points", 0, "RootDirectory", "CreationInfo", "Permissions"], "755"), True),
    ("tags", state(["access_points", 0, "Tags"], [{"Key": "Name", "Value": "demo-jenkins-home"}]), True),
]


@pytest.mark.parametrize("live, differs", [c[1:] for c in AP_CASES], ids=[c[0] for c in AP_CASES])
def test_efs_access_point(live, differs):
    assert unconverged_efs_access_point(ACCESS_POINT, live) == ([ACCESS_POINT] if differs else [])


def reordered(policy):
    policy = copy.deepcopy(policy)
    policy["Statement"][0]["Action"].reverse()
    policy["Statement"] = policy["Statement"][0]
    return json.dumps(policy)


POLICY_CASES = [
    ("converged", STATE, POLICY, False),
    ("converged, written another way", state(["policy"], reordered(POLICY)), json.dumps(POLICY), False),
    ("no file system", {}, POLICY, True),
    ("default policy", state(["policy"], None), POLICY, True),
    ("condition dropped", STATE, dict(POLICY, Statement=[dict(POLICY["Statement"][0], Condition={})]), True),
]


@pytest.mark.parametrize("live, policy, differs", [c[1:] for c in POLICY_CASES], ids=[c[0] for c in POLICY_CASES])
def test_efs_file_system_policy(live, policy, differs):
    desired = {"file_system_id": "fs-1", "policy": policy}
    assert unconverged_efs_file_system_policy(desired, live) == ([desired] if differs else [])


def test_another_file_systems_state_is_not_converged():
    desired = {"file_system_id": "fs-2", "policy": POLICY}
    assert unconverged_efs_file_system_policy(desired, STATE) == [desired]
    assert unconverged_efs_access_point(dict(ACCESS_POINT, file_system_id="fs-2"), STATE) != []


VAULT = {"backup_vault_name": "demo-backups", "tags": {"jenkins-ha:stack": "demo"}}
LIVE_VAULTS = [{"backup_vault_name": "demo-backups", "backup_vault_arn": "arn:vault"}]
VAULT_CASES = [
    ("converged", LIVE_VAULTS, {"jenkins-ha:stack": "demo"}, False),
    ("missing", [], None, True),
    ("tags not read", LIVE_VAULTS, None, True),
    ("tag added", LIVE_VAULTS, {"jenkins-ha:stack": "demo", "x": "y"}, True),
    ("tag changed", LIVE_VAULTS, {"jenkins-ha:stack": "prod"}, True),
]


@pytest.mark.parametrize("vaults, tags, differs", [c[1:] for c in VAULT_CASES], ids=[c[0] for c in VAULT_CASES])
def test_backup_vault(vaults, tags, differs):
    assert unconverged_backup_vault(VAULT, vaults, tags) == ([VAULT] if differs else [])


SELECTION = {"backup_selection_name": "demo-efs", "iam_role_arn": "arn:role/demo-backup", "resources": [FS_ARN]}
LIVE_SELECTION = {
    "selection_name": "demo-efs",
    "iam_role_arn": "arn:role/demo-backup",
    "resources": [FS_ARN],
    "list_of_tags": [],
    "conditions": {"string_equals": [], "string_like": [], "string_not_equals": [], "string_not_like": []},
}
SELECTION_CASES = [
    ("converged", LIVE_SELECTION, False),
    ("converged, no conditions answered", {k: v for k, v in LIVE_SELECTION.items() if k != "conditions"}, False),
    ("missing", {}, True),
    ("role", dict(LIVE_SELECTION, iam_role_arn="arn:role/other"), True),
    ("other file system", dict(LIVE_SELECTION, resources=[FS_ARN + "x"]), True),
    ("another resource too", dict(LIVE_SELECTION, resources=[FS_ARN, "arn:x"]), True),
    ("tag condition", dict(LIVE_SELECTION, list_of_tags=[{"condition_type": "STRINGEQUALS"}]), True),
    ("exclusion", dict(LIVE_SELECTION, not_resources=["arn:x"]), True),
    ("conditions answered as {} (the module differs too)", dict(LIVE_SELECTION, conditions={}), True),
]


@pytest.mark.parametrize("live, differs", [c[1:] for c in SELECTION_CASES], ids=[c[0] for c in SELECTION_CASES])
def test_backup_selection(live, differs):
    assert unconverged_backup_selection(SELECTION, live) == ([SELECTION] if differs else [])


def test_a_selection_option_not_modelled_differs():
    desired = dict(SELECTION, not_resources=["arn:x"])
    assert unconverged_backup_selection(desired, dict(LIVE_SELECTION, not_resources=["arn:x"])) == [desired]


@pytest.mark.parametrize(
    "call",
    [
        lambda: unconverged_efs_file_system({"name": "x"}, STATE),
        lambda: unconverged_efs_file_system(FILE_SYSTEM, []),
        lambda: unconverged_efs_access_point({"name": "x"}, STATE),
        lambda: unconverged_efs_file_system_policy({"file_system_id": "fs-1", "policy": "{bad"}, STATE),
        lambda: unconverged_efs_file_system_policy({"file_system_id": "fs-1"}, STATE),
        lambda: unconverged_backup_vault(VAULT, {}, None),
        lambda: unconverged_backup_selection(SELECTION, []),
    ],
)
def test_bad_input_fails_clearly(call):
    with pytest.raises(AnsibleFilterError):
        call()
