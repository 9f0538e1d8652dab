"""efs_replication's comparison and request building (pure), one table per function."""

from datetime import datetime, timezone

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import replication_plan as plan

KEY = "arn:aws:kms:eu-west-1:123456789012:key/dr"
OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/other"
CURRENT = dict(
    source_file_system_id="fs-src",
    destination_region="eu-west-1",
    destination_file_system_id="fs-dst",
    destination_kms_key_arn=KEY,
    status="ENABLED",
)

CONFLICTS = [
    ("same region, nothing else asked", plan.desired_view("fs-src", "eu-west-1"), []),
    ("same region and key", plan.desired_view("fs-src", "eu-west-1", kms_key_arn=KEY), []),
    ("same existing destination", plan.desired_view("fs-src", "eu-west-1", "fs-dst"), []),
    ("other region", plan.desired_view("fs-src", "us-west-2"), [("region", "eu-west-1", "us-west-2")]),
    ("other key", plan.desired_view("fs-src", "eu-west-1", kms_key_arn=OTHER_KEY), [("kms_key_arn", KEY, OTHER_KEY)]),
    (
        "other destination file system",
        plan.desired_view("fs-src", "eu-west-1", "fs-new"),
        [("file_system_id", "fs-dst", "fs-new")],
    ),
    (
        "everything differs, reported in order",
        plan.desired_view("fs-src", "us-west-2", "fs-new"),
        [("region", "eu-west-1", "us-west-2"), ("file_system_id", "fs-dst", "fs-new")],
    ),
]


@pytest.mark.parametrize("desired, expected", [c[1:] for c in CONFLICTS], ids=[c[0] for c in CONFLICTS])
def test_conflicts(desired, expected):
    assert plan.conflicts(CURRENT, desired) == expected


def test_a_destination_key_unknown_is_a_conflict_when_a_key_is_asked():
    """The destination file system could not be read (gone): its key is unknown, not equal to the one asked."""
    current = dict(CURRENT, destination_kms_key_arn=None)
    assert plan.conflicts(current, plan.desired_view("fs-src", "eu-west-1", kms_key_arn=KEY)) == [
        ("kms_key_arn", None, KEY)
    ]


DESTINATIONS = [
    ("new, default key", plan.desired_view("fs-src", "eu-west-1"), {"Region": "eu-west-1"}),
    (
        "new, stack key",
        plan.desired_view("fs-src", "eu-west-1", kms_key_arn=KEY),
        {"Region": "eu-west-1", "KmsKeyId": KEY},
    ),
    ("existing", plan.desired_view("fs-src", "eu-west-1", "fs-dst"), {"Region": "eu-west-1", "FileSystemId": "fs-dst"}),
]


@pytest.mark.parametrize("desired, expected", [c[1:] for c in DESTINATIONS], ids=[c[0] for c in DESTINATIONS])
def test_destination_to_create(desired, expected):
    assert plan.destination_to_create(desired) == expected


SYNCED = datetime(2026, 12, 7, 11, 0, tzinfo=timezone.utc)
REPLICATION = {
    "SourceFileSystemId": "fs-src",
    "SourceFileSystemRegion": "us-east-1",
    "SourceFileSystemArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-src",
    "CreationTime": SYNCED,
    "Destinations": [
        {"Status": "ENABLED", "FileSystemId": "fs-dst", "Region": "eu-west-1", "LastReplicatedTimestamp": SYNCED}
    ],
}
VIEWS = [
    ("none", None, None, {}),
    (
        "synced",
        REPLICATION,
        KEY,
        dict(
            source_file_system_id="fs-src",
            source_file_system_arn=REPLICATION["SourceFileSystemArn"],
            source_file_system_region="us-east-1",
            creation_time="2026-12-07T11:00:00+00:00",
            destination_region="eu-west-1",
            destination_file_system_id="fs-dst",
            destination_kms_key_arn=KEY,
            status="ENABLED",
            status_message=None,
            last_replicated_timestamp="2026-12-07T11:00:00+00:00",
        ),
    ),
]


@pytest.mark.parametrize("replication, key, expected", [c[1:] for c in VIEWS], ids=[c[0] for c in VIEWS])
def test_replication_view(replication, key, expected):
    assert plan.replication_view(replication, key) == expected


def test_a_replication_never_synced_has_no_timestamp():
    enabling = dict(REPLICATION, Destinations=[{"Status": "ENABLING", "FileSystemId": "fs-dst", "Region": "eu-west-1"}])
    view = plan.replication_view(enabling)
    assert (view["status"], view["last_replicated_timestamp"]) == ("ENABLING", None)


def test_the_conflict_message_names_each_difference_and_the_way_out():
    message = plan.describe_conflicts("fs-src", [("region", "eu-west-1", "us-west-2")])
    assert "fs-src" in message and "region: 'eu-west-1' (asked 'us-west-2')" in message and "state=absent" in message
