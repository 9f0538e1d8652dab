"""EFS replication configurations: created to a new or existing file system in another region, described from either
side, deleted on both sides, the destination kept and writable, a replicated file system not deletable."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import efs_default_kms_key, efs_replication

from .conftest import REGION, error_code

DR_REGION = "eu-west-1"
STOCK_FAILURES = (NotImplementedError, ClientError)


@pytest.fixture
def clients(aws):
    return aws("efs"), boto3.client("efs", region_name=DR_REGION), boto3.client("kms", region_name=DR_REGION)


def _source(efs):
    return efs.create_file_system(CreationToken="home", Encrypted=True)["FileSystemId"]


def _described(efs, fs_id):
    return efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]


def test_stock_moto_lacks_efs_replication(clients, compat_patch):
    compat_patch.stock(efs_replication)
    efs, _dr, _kms = clients
    fs_id = _source(efs)
    with pytest.raises(STOCK_FAILURES):
        efs.create_replication_configuration(SourceFileSystemId=fs_id, Destinations=[{"Region": DR_REGION}])
    with pytest.raises(STOCK_FAILURES):
        efs.describe_replication_configurations(FileSystemId=fs_id)
    with pytest.raises(STOCK_FAILURES):
        efs.delete_replication_configuration(SourceFileSystemId=fs_id)


def test_stock_moto_deletes_a_file_system_whatever_its_replication(clients, compat_patch):
    """The stock half of the DeleteFileSystem refusal: nothing stops it (there is no replication to stop it)."""
    compat_patch.stock(efs_replication)
    efs, _dr, _kms = clients
    fs_id = _source(efs)
    efs.delete_file_system(FileSystemId=fs_id)
    assert efs.describe_file_systems()["FileSystems"] == []


def test_replication_to_a_new_file_system_in_another_region(clients, compat_patch):
    efs, dr, kms = clients
    key = kms.create_key(Description="dr")["KeyMetadata"]
    kms.create_alias(AliasName="alias/dr", TargetKeyId=key["KeyId"])
    fs_id = _source(efs)
    with compat_patch(efs_default_kms_key), compat_patch(efs_replication):
        created = efs.create_replication_configuration(
            SourceFileSystemId=fs_id, Destinations=[{"Region": DR_REGION, "KmsKeyId": "alias/dr"}]
        )
        (destination,) = created["Destinations"]
        assert (created["SourceFileSystemId"], created["SourceFileSystemRegion"]) == (fs_id, REGION)
        assert (destination["Region"], destination["Status"]) == (DR_REGION, "ENABLING")
        assert "LastReplicatedTimestamp" not in destination

        # The destination exists in the destination region only, encrypted with the key (as its ARN), read-only.
        dr_fs = _described(dr, destination["FileSystemId"])
        assert dr_fs["Encrypted"] and dr_fs["KmsKeyId"] == key["Arn"]
        assert dr_fs["FileSystemProtection"] == {"ReplicationOverwriteProtection": "REPLICATING"}
        assert destination["FileSystemId"] not in [
            f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]
        ]

        # Either side describes the one configuration; ENABLING is over at the first describe, then syncs are reported.
        (seen,) = efs.describe_replication_configurations(FileSystemId=fs_id)["Replications"]
        assert seen["Destinations"][0]["Status"] == "ENABLED"
        (seen,) = dr.describe_replication_configurations(FileSystemId=destination["FileSystemId"])["Replications"]
        assert seen["SourceFileSystemId"] == fs_id and "LastReplicatedTimestamp" in seen["Destinations"][0]
        assert len(dr.describe_replication_configurations()["Replications"]) == 1

        # One replication per file system, and a replicated file system cannot be deleted.
        with pytest.raises(ClientError) as second:
            efs.create_replication_configuration(SourceFileSystemId=fs_id, Destinations=[{"Region": "us-west-2"}])
        assert error_code(second) == "BadRequest"
        with pytest.raises(ClientError) as in_use:
            efs.delete_file_system(FileSystemId=fs_id)
        assert error_code(in_use) == "BadRequest" and "replication" in str(in_use.value)

        # Deleted from the source's region: gone on both sides, the destination kept and writable again.
        efs.delete_replication_configuration(SourceFileSystemId=fs_id)
        for client, asked in ((efs, fs_id), (dr, destination["FileSystemId"])):
            with pytest.raises(ClientError) as gone:
                client.describe_replication_configurations(FileSystemId=asked)
            assert error_code(gone) == "ReplicationNotFound"
        assert _described(dr, destination["FileSystemId"])["FileSystemProtection"] == {
            "ReplicationOverwriteProtection": "ENABLED"
        }
        with pytest.raises(ClientError) as again:
            efs.delete_replication_configuration(SourceFileSystemId=fs_id)
        assert error_code(again) == "ReplicationNotFound"
        efs.delete_file_system(FileSystemId=fs_id)


def test_replication_to_an_existing_file_system_deleted_from_the_destination_region(clients, compat_patch):
    efs, dr, _kms = clients
    fs_id = _source(efs)
    existing = dr.create_file_system(CreationToken="dr-home", Encrypted=True)["FileSystemId"]
    with compat_patch(efs_replication):
        created = efs.create_replication_configuration(
            SourceFileSystemId=fs_id, Destinations=[{"Region": DR_REGION, "FileSystemId": existing}]
        )
        assert created["Destinations"][0]["FileSystemId"] == existing
        assert len(dr.describe_file_systems()["FileSystems"]) == 1
        dr.delete_replication_configuration(SourceFileSystemId=fs_id)
        with pytest.raises(ClientError) as gone:
            efs.describe_replication_configurations(FileSystemId=fs_id)
        assert error_code(gone) == "ReplicationNotFound"


@pytest.mark.parametrize(
    "destination, code",
    [
        pytest.param({"Region": DR_REGION, "KmsKeyId": "alias/none"}, "BadRequest", id="unknown-key"),
        pytest.param({"Region": DR_REGION, "FileSystemId": "fs-00000000"}, "FileSystemNotFound", id="unknown-fs"),
        pytest.param({"KmsKeyId": "alias/none"}, "BadRequest", id="no-region"),
    ],
)
def test_bad_destinations_are_refused(clients, compat_patch, destination, code):
    efs, dr, _kms = clients
    fs_id = _source(efs)
    with compat_patch(efs_replication):
        with pytest.raises(ClientError) as refused:
            efs.create_replication_configuration(SourceFileSystemId=fs_id, Destinations=[destination])
        assert error_code(refused) == code
        assert dr.describe_file_systems()["FileSystems"] == []
        with pytest.raises(ClientError) as none:
            efs.describe_replication_configurations(FileSystemId=fs_id)
        assert error_code(none) == "ReplicationNotFound"


def test_unknown_file_systems(clients, compat_patch):
    efs, _dr, _kms = clients
    with compat_patch(efs_replication):
        for call in (
            lambda: efs.describe_replication_configurations(FileSystemId="fs-00000000"),
            lambda: efs.delete_replication_configuration(SourceFileSystemId="fs-00000000"),
            lambda: efs.create_replication_configuration(
                SourceFileSystemId="fs-00000000", Destinations=[{"Region": DR_REGION}]
            ),
        ):
            with pytest.raises(ClientError) as missing:
                call()
            assert error_code(missing) == "FileSystemNotFound"
