"""The EFS waiters: one life-cycle pair per resource, as the modules call them (names, operations, timing)."""

import boto3
import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.waiters import LIFECYCLE_RESOURCES
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.waiters import EFSWaiterFactory
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.waiters import lifecycle_waiters
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.waiters import replication_waiters

# (waiter, operation, delay, max attempts, (state, matcher, expected) of every acceptor in order)
CASES = [
    (
        "file_system_available",
        "DescribeFileSystems",
        5,
        120,
        [
            ("success", "pathAll", "available"),
            ("failure", "pathAny", "error"),
            ("failure", "pathAny", "deleting"),
            ("retry", "error", "FileSystemNotFound"),
        ],
    ),
    (
        "file_system_deleted",
        "DescribeFileSystems",
        5,
        120,
        [("success", "path", True), ("success", "pathAll", "deleted"), ("success", "error", "FileSystemNotFound")],
    ),
    (
        "mount_targets_available",
        "DescribeMountTargets",
        5,
        120,
        [("success", "pathAll", "available"), ("failure", "pathAny", "error")],
    ),
    (
        "mount_target_deleted",
        "DescribeMountTargets",
        5,
        120,
        [("success", "path", True), ("success", "pathAll", "deleted"), ("success", "error", "MountTargetNotFound")],
    ),
    (
        "access_point_available",
        "DescribeAccessPoints",
        2,
        60,
        [("success", "pathAll", "available"), ("failure", "pathAny", "error")],
    ),
    (
        "access_point_deleted",
        "DescribeAccessPoints",
        2,
        60,
        [("success", "path", True), ("success", "pathAll", "deleted"), ("success", "error", "AccessPointNotFound")],
    ),
    (
        "replication_enabled",
        "DescribeReplicationConfigurations",
        15,
        80,
        [
            ("success", "pathAll", "ENABLED"),
            ("failure", "pathAny", "ERROR"),
            ("failure", "pathAny", "DELETING"),
            ("retry", "error", "ReplicationNotFound"),
        ],
    ),
    (
        "replication_deleted",
        "DescribeReplicationConfigurations",
        15,
        80,
        [("success", "error", "ReplicationNotFound"), ("success", "path", True)],
    ),
]
# The result list of an operation whose name does not give it (DescribeReplicationConfigurations → Replications).
RESULT_KEYS = {"DescribeReplicationConfigurations": "Replications"}


def test_exactly_the_waiters_the_modules_use():
    names = [name for resource, spec in LIFECYCLE_RESOURCES.items() for name in lifecycle_waiters(resource, *spec)]
    names += list(replication_waiters())
    assert sorted(names) == sorted(case[0] for case in CASES)


@pytest.mark.parametrize("name, operation, delay, attempts, acceptors", CASES, ids=[case[0] for case in CASES])
def test_waiter_model(name, operation, delay, attempts, acceptors):
    # botocore builds the waiter from the model (no call is made), which also checks the model's shape
    client = boto3.client("efs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    config = EFSWaiterFactory().get_waiter(client, name).config
    assert (config.operation, config.delay, config.max_attempts) == (operation, delay, attempts)
    # amazon.aws' factory appends retries on throttling after the waiter's own acceptors
    own = config.acceptors[: len(acceptors)]
    assert [(a.state, a.matcher, a.expected) for a in own] == acceptors
    items = RESULT_KEYS.get(operation, operation[len("Describe") :])
    assert all(items + "[]" in a.argument for a in own if a.matcher != "error")
