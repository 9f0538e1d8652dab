"""efs_replication's main() against in-process moto with the emulator's replication patch (stock moto has none):
check mode, create, rerun, a conflicting request, the destination side, absent and its rerun."""

import boto3
import pytest

from ansible_collections.jenkins_ha.aws.plugins.modules import efs_replication
from tests.emulator.compat import efs_default_kms_key, efs_replication as replication_patch
from tests.unit.modules.helpers import in_process_moto, run_module

DR_REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch):
    efs_default_kms_key.apply()
    replication_patch.apply()
    try:
        with in_process_moto(monkeypatch) as client:
            yield client
    finally:
        replication_patch.remove()
        efs_default_kms_key.remove()


@pytest.fixture
def source(aws):
    return aws("efs").create_file_system(CreationToken="home", Encrypted=True)["FileSystemId"]


@pytest.fixture
def dr_key(aws):
    kms = boto3.client("kms", region_name=DR_REGION)
    key = kms.create_key(Description="dr")["KeyMetadata"]
    kms.create_alias(AliasName="alias/dr", TargetKeyId=key["KeyId"])
    return key["Arn"]


def _but(args, **changes):
    """A copy of the module arguments with some changed (built by update: pylint reads ``dict(a, k=v)`` expanded
    into a call as a keyword given twice)."""
    changed = dict(args)
    changed.update(changes)
    return changed


def run(capsys, check_mode=False, **args):
    return run_module(efs_replication.main, capsys, _ansible_check_mode=check_mode, **args)


def test_check_create_rerun_conflict_absent(aws, source, dr_key, capsys):
    dr = boto3.client("efs", region_name=DR_REGION)
    present = dict(source_file_system_id=source, destination_region=DR_REGION, destination_kms_key_id="alias/dr")

    checked = run(capsys, check_mode=True, **present)
    assert checked["changed"] and checked["replication"]["destination_file_system_id"] is None
    assert checked["diff"]["before"] == {} and checked["diff"]["after"]["destination_kms_key_arn"] == dr_key
    assert dr.describe_file_systems()["FileSystems"] == []

    created = run(capsys, **present)
    replication = created["replication"]
    assert created["changed"] and replication["status"] == "ENABLED", created
    assert (replication["destination_region"], replication["destination_kms_key_arn"]) == (DR_REGION, dr_key)
    (dr_fs,) = dr.describe_file_systems()["FileSystems"]
    assert dr_fs["FileSystemId"] == replication["destination_file_system_id"]

    again = run(capsys, **present)
    assert not again["changed"] and again["replication"]["destination_file_system_id"] == dr_fs["FileSystemId"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert not run(capsys, check_mode=True, **present)["changed"]

    # Another region, or another key, is a clear failure: nothing is replaced.
    elsewhere = run(capsys, **_but(present, destination_region="us-west-2", destination_kms_key_id=None))
    assert elsewhere["failed"] and "region: 'eu-west-1' (asked 'us-west-2')" in elsewhere["msg"]
    other_key = boto3.client("kms", region_name=DR_REGION).create_key(Description="other")["KeyMetadata"]["Arn"]
    rekeyed = run(capsys, **_but(present, destination_kms_key_id=other_key))
    assert rekeyed["failed"] and "kms_key_arn" in rekeyed["msg"]
    assert run(capsys, **present)["replication"]["destination_file_system_id"] == dr_fs["FileSystemId"]

    # The destination is not a source.
    from_dr = run(capsys, source_file_system_id=dr_fs["FileSystemId"], destination_region="us-east-1", region=DR_REGION)
    assert from_dr["failed"] and "is the destination of the replication of " + source in from_dr["msg"]

    absent = dict(source_file_system_id=source, state="absent")
    assert run(capsys, check_mode=True, **absent)["changed"]
    assert aws("efs").describe_replication_configurations(FileSystemId=source)["Replications"]
    removed = run(capsys, **absent)
    assert removed["changed"] and removed["replication"] == {}
    assert removed["diff"]["before"]["destination_file_system_id"] == dr_fs["FileSystemId"]
    # The destination is kept, writable again.
    (kept,) = dr.describe_file_systems()["FileSystems"]
    assert kept["FileSystemProtection"] == {"ReplicationOverwriteProtection": "ENABLED"}
    assert not run(capsys, **absent)["changed"]


def test_an_existing_destination(aws, source, capsys):
    dr = boto3.client("efs", region_name=DR_REGION)
    existing = dr.create_file_system(CreationToken="dr-home", Encrypted=True)["FileSystemId"]
    args = dict(source_file_system_id=source, destination_region=DR_REGION, destination_file_system_id=existing)
    created = run(capsys, **args)
    assert created["changed"] and created["replication"]["destination_file_system_id"] == existing
    assert not run(capsys, **args)["changed"]


def test_a_missing_source_fails_without_writing(aws, capsys):
    result = run(capsys, source_file_system_id="fs-00000000", destination_region=DR_REGION)
    assert result["failed"] and "fs-00000000 does not exist" in result["msg"]
    result = run(capsys, source_file_system_id="fs-00000000", state="absent")
    assert result["failed"] and "fs-00000000 does not exist" in result["msg"]
