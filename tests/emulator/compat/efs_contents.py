"""Test-bed model of EFS file contents, so that a backup keeps what the file system held and a restore brings it back.

moto's EFS holds metadata only, and backup_jobs' recovery points and restores copy nothing: a restore drill could
not find its marker, whatever the playbook did. Real EFS data lives on NFS servers no emulator has, so the test bed
names a host directory that stands for the servers (the data root), set through a test hook in the style of
moto's own (/moto-api/reset, /moto-api/seed):

    POST /moto-api/jenkins-ha/efs/data-root   {"directory": "/abs/path"}   or {"directory": null} to stop
    → 200 {"directory": ...}; 400 ValidationError (not an absolute path to an existing directory); 405 otherwise

With a data root set, file system fs-X's data is <root>/fs-X/ (a test bind-mounts it where an instance mounts the
file system; the fake mount.nfs4 in tests/integration maps <fs-X>.efs.<region>.amazonaws.com:/path there) and:
- StartBackupJob of an EFS file system copies <root>/fs-X/ into <root>/.recovery-points/<point id>/ (a missing
  directory is an empty file system: an empty point);
- StartRestoreJob of such a point copies it into <root>/<target>/aws-backup-restore_<datetime>/ on the file system
  the job created (newFileSystem=true) or on the source (newFileSystem=false): AWS Backup "restores your file system
  to a recovery directory off of the root directory" (AWS Backup Developer Guide, "Restore an Amazon EFS file
  system"), for new and existing file systems alike;
- DeleteFileSystem removes <root>/fs-X/, DeleteRecoveryPoint the point's copy.
What it cannot prove: AWS's consistency (a point is a crash-consistent copy taken over minutes while Jenkins writes;
here it is an instant copy), ownership and permissions as EFS stores them (copied with the host's semantics), item
-level restores, the restore directory's exact date format (the drill only relies on the prefix), and restore time.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ._util import Patcher, hook_answer, hook_request, now

GAP = "EFS has no contents, so recovery points and restores copy nothing (test-bed model of the data, not an AWS API)"
MOTO_VERSION = "5.2.5"
PATH = "/moto-api/jenkins-ha/efs/data-root"
RESTORE_PREFIX = "aws-backup-restore_"

_patcher = Patcher()
_state = {"root": None}


def set_data_root(directory):
    """Set (or with None clear) the directory standing for EFS's servers; returns it. Raises ValueError."""
    if directory is not None:
        if not isinstance(directory, str) or not os.path.isabs(directory) or not os.path.isdir(directory):
            raise ValueError(f"directory must be an absolute path to an existing directory, got {directory!r}")
    _state["root"] = directory
    return directory


def _root():
    return Path(_state["root"]) if _state["root"] else None


def _point_copy(point_arn):
    return _root() / ".recovery-points" / point_arn.rsplit(":", 1)[-1]


def _copy(source, destination):
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, destination, symlinks=True)
    else:
        destination.mkdir()


def _body(answer):
    return json.loads(answer[0]) if isinstance(answer, tuple) and answer[0] else {}


def _wrap_start_backup_job(original):
    def start_backup_job(self):
        answer = original(self)
        root = _root()
        point_arn = _body(answer).get("RecoveryPointArn")
        if root is not None and point_arn:
            from .backup_jobs import _store

            point = _store(self.backup_backend, "recovery_points").get(point_arn)
            copy = _point_copy(point_arn)
            if point and point["ResourceType"] == "EFS" and not copy.exists():
                _copy(root / point["ResourceArn"].rsplit("/", 1)[-1], copy)
        return answer

    return start_backup_job


def _wrap_start_restore_job(original):
    def start_restore_job(self):
        answer = original(self)
        root = _root()
        job_id = _body(answer).get("RestoreJobId")
        if root is not None and job_id:
            from .backup_jobs import _store

            job = _store(self.backup_backend, "restore_jobs").get(job_id)
            copy = _point_copy(job["RecoveryPointArn"]) if job else None
            if job and job.get("CreatedResourceArn") and copy.is_dir() and not job.get("_contents"):
                stamp = now().strftime("%Y-%m-%dT%H-%M-%S-") + "%03dZ" % (now().microsecond // 1000)
                target = root / job["CreatedResourceArn"].rsplit("/", 1)[-1] / (RESTORE_PREFIX + stamp)
                _copy(copy, target)
                job["_contents"] = str(target)
        return answer

    return start_restore_job


def _wrap_delete_recovery_point(original):
    def delete_recovery_point(self):
        from ._util import rest_params

        arn = rest_params(self, "backup", "DeleteRecoveryPoint").get("RecoveryPointArn")
        answer = original(self)
        if _root() is not None and arn:
            shutil.rmtree(_point_copy(arn), ignore_errors=True)
        return answer

    return delete_recovery_point


def _wrap_delete_file_system(original):
    def delete_file_system(self):
        file_system_id = self._get_param("FileSystemId")
        answer = original(self)
        if _root() is not None and file_system_id and "/" not in file_system_id:
            shutil.rmtree(_root() / file_system_id, ignore_errors=True)
        return answer

    return delete_file_system


def data_root(request, full_url, headers):  # pylint: disable=unused-argument
    """The /moto-api/ view: (request, url, headers) -> (status, headers, body)."""
    body, refused = hook_request(request, PATH)
    if refused:
        return refused
    if not isinstance(body, dict) or set(body) != {"directory"}:
        return hook_answer(
            400, {"error": "ValidationError", "message": 'the body must be {"directory": <path or null>}'}
        )
    try:
        return hook_answer(200, {"directory": set_data_root(body["directory"])})
    except ValueError as error:
        return hook_answer(400, {"error": "ValidationError", "message": str(error)})


def apply():
    if _patcher.active:
        return
    from moto.backup.responses import BackupResponse
    from moto.efs.responses import EFSResponse
    from moto.moto_api._internal import urls

    # Wraps what backup_jobs installed (it is applied first), so the copies follow its recovery points and jobs;
    # without it stock moto has none of these operations and there is nothing to wrap.
    for name, wrap in (
        ("start_backup_job", _wrap_start_backup_job),
        ("start_restore_job", _wrap_start_restore_job),
        ("delete_recovery_point", _wrap_delete_recovery_point),
    ):
        if getattr(BackupResponse, name, None) is not None:
            _patcher.setattr(BackupResponse, name, wrap(getattr(BackupResponse, name)))
    _patcher.setattr(EFSResponse, "delete_file_system", _wrap_delete_file_system(EFSResponse.delete_file_system))
    _patcher.setitem(urls.url_paths, "{0}" + PATH, data_root)
    _patcher.active = True


def remove():
    _patcher.restore()
    _state["root"] = None
