"""efs_contents and backup_restore_failure: a backup keeps a file system's data and a restore brings it back into
aws-backup-restore_<datetime>; a restore can be made to fail. Stock half: backup_jobs alone copies nothing."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import pytest

from tests.emulator.compat import backup_jobs, backup_restore_failure, efs_contents

ROLE = "arn:aws:iam::123456789012:role/backup"


def _home(root, fs_id, marker):
    home = root / fs_id / "jenkins-home"
    (home / "jobs" / "build").mkdir(parents=True)
    (home / "secrets").mkdir()
    (home / "config.xml").write_text("<hudson/>")
    (home / marker).write_text(marker)
    return home


def _backup_then_restore(aws, root, marker="nonce-1"):
    efs, backup = aws("efs"), aws("backup")
    source = efs.create_file_system(CreationToken=str(uuid.uuid4()), Encrypted=True)
    home = _home(root, source["FileSystemId"], marker)
    backup.create_backup_vault(BackupVaultName="jenkins")
    job = backup.start_backup_job(BackupVaultName="jenkins", ResourceArn=source["FileSystemArn"], IamRoleArn=ROLE)
    # Written after the point: must not be restored.
    (home / "later").write_text("after the backup")
    restore_id = backup.start_restore_job(
        RecoveryPointArn=job["RecoveryPointArn"],
        IamRoleArn=ROLE,
        Metadata={"newFileSystem": "true", "Encrypted": "true", "CreationToken": "drill-1"},
    )["RestoreJobId"]
    restore = backup.describe_restore_job(RestoreJobId=restore_id)
    return source, job, restore


def test_stock_backup_jobs_restore_no_data(aws, compat_patch, tmp_path):
    compat_patch.stock(efs_contents)
    with compat_patch(backup_jobs):
        _source, _job, restore = _backup_then_restore(aws, tmp_path)
        restored = tmp_path / restore["CreatedResourceArn"].rsplit("/", 1)[-1]
        assert restore["Status"] == "COMPLETED" and not restored.exists()


def test_restore_brings_back_the_data_of_the_point_into_a_restore_directory(aws, compat_patch, tmp_path):
    with compat_patch(backup_jobs), compat_patch(efs_contents):
        efs_contents.set_data_root(str(tmp_path))
        source, job, restore = _backup_then_restore(aws, tmp_path)
        new_id = restore["CreatedResourceArn"].rsplit("/", 1)[-1]
        assert new_id != source["FileSystemId"]
        (directory,) = (tmp_path / new_id).iterdir()
        assert directory.name.startswith("aws-backup-restore_")
        home = directory / "jenkins-home"
        assert (home / "nonce-1").read_text() == "nonce-1" and (home / "config.xml").is_file()
        assert (home / "jobs" / "build").is_dir() and (home / "secrets").is_dir()
        assert not (home / "later").exists()

        # Deleting the file system and the point removes their data.
        aws("efs").delete_file_system(FileSystemId=new_id)
        assert not (tmp_path / new_id).exists()
        aws("backup").delete_recovery_point(BackupVaultName="jenkins", RecoveryPointArn=job["RecoveryPointArn"])
        assert list((tmp_path / ".recovery-points").iterdir()) == []


def test_in_place_restore_lands_next_to_the_data(aws, compat_patch, tmp_path):
    with compat_patch(backup_jobs), compat_patch(efs_contents):
        efs_contents.set_data_root(str(tmp_path))
        efs, backup = aws("efs"), aws("backup")
        source = efs.create_file_system(CreationToken="src")
        _home(tmp_path, source["FileSystemId"], "m")
        backup.create_backup_vault(BackupVaultName="jenkins")
        job = backup.start_backup_job(BackupVaultName="jenkins", ResourceArn=source["FileSystemArn"], IamRoleArn=ROLE)
        backup.start_restore_job(
            RecoveryPointArn=job["RecoveryPointArn"], IamRoleArn=ROLE, Metadata={"newFileSystem": "false"}
        )
        names = sorted(p.name for p in (tmp_path / source["FileSystemId"]).iterdir())
        assert names[0].startswith("aws-backup-restore_") and names[1] == "jenkins-home"


@pytest.mark.parametrize("directory", ["relative/dir", "/nonexistent/dir", 5])
def test_data_root_refuses_what_is_not_an_existing_absolute_directory(directory):
    with pytest.raises(ValueError):
        efs_contents.set_data_root(directory)


def _hook(view, body):
    status, _headers, answer = view(SimpleNamespace(method="POST", body=json.dumps(body).encode()), "", {})
    return status, json.loads(answer)


def test_data_root_hook(tmp_path):
    try:
        assert _hook(efs_contents.data_root, {"directory": str(tmp_path)}) == (200, {"directory": str(tmp_path)})
        assert _hook(efs_contents.data_root, {"directory": "x"})[0] == 400
        assert _hook(efs_contents.data_root, {"path": "x"})[0] == 400
        assert _hook(efs_contents.data_root, {"directory": None}) == (200, {"directory": None})
    finally:
        efs_contents.set_data_root(None)


@pytest.mark.parametrize("leave", [True, False])
def test_injected_failure_fails_the_next_restore_only(aws, compat_patch, tmp_path, leave):
    with compat_patch(backup_jobs), compat_patch(backup_restore_failure):
        assert _hook(
            backup_restore_failure.restore_failure, {"count": 1, "status_message": "KMS", "leave_file_system": leave}
        ) == (
            200,
            {"pending": 1},
        )
        efs = aws("efs")
        _source, job, failed = _backup_then_restore(aws, tmp_path)
        assert failed["Status"] == "FAILED" and failed["StatusMessage"] == "KMS"
        assert "CreatedResourceArn" not in failed
        tokens = [fs["CreationToken"] for fs in efs.describe_file_systems()["FileSystems"]]
        assert ("drill-1" in tokens) is leave
        again = aws("backup").start_restore_job(RecoveryPointArn=job["RecoveryPointArn"], IamRoleArn=ROLE, Metadata={})
        assert aws("backup").describe_restore_job(RestoreJobId=again["RestoreJobId"])["Status"] == "COMPLETED"


def test_stock_backup_jobs_never_fail_a_restore(aws, compat_patch, tmp_path):
    compat_patch.stock(backup_restore_failure)
    with compat_patch(backup_jobs):
        assert _backup_then_restore(aws, tmp_path)[2]["Status"] == "COMPLETED"


@pytest.mark.parametrize("body", [{"count": -1}, {"count": "1"}, {"count": 1, "status_message": ""}, {"other": 1}])
def test_failure_hook_refuses_bad_bodies(body):
    assert _hook(backup_restore_failure.restore_failure, body)[0] == 400
