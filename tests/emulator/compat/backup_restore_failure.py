"""Test hook: make the next AWS Backup restore job(s) end FAILED, as a real restore can (role, KMS key, quota).

Not an AWS API. backup_jobs completes every restore at once, but a restore drill must report a failed restore and
clean up what it left, so in the style of moto's hooks this adds

    POST /moto-api/jenkins-ha/backup/restore-failure
    {"count": 1, "status_message": "Access denied to KMS key ...", "leave_file_system": true}

→ 200 {"pending": <count>}. The next `count` StartRestoreJob calls are accepted (as AWS accepts a restore that later
fails) and their jobs end Status FAILED with that StatusMessage and no CreatedResourceArn. With leave_file_system
(the default) the file system the restore had created stays, tagged by nothing but its CreationToken: AWS does not
document whether a failed EFS restore leaves a partial file system, so a drill must look for one by the creation
token it chose, and the test makes it. {"count": 0} clears. Errors: 400 ValidationError, 405 MethodNotAllowed.
"""

from __future__ import annotations

import json

from ._util import Patcher, hook_answer, hook_request

GAP = "Restore jobs always complete; a drill's failure path needs failed ones (test hook, not an AWS API)"
MOTO_VERSION = "5.2.5"
PATH = "/moto-api/jenkins-ha/backup/restore-failure"

_patcher = Patcher()
_pending = {"count": 0, "status_message": "", "leave_file_system": True}


def fail_next_restores(count, status_message="Restore failed (injected by the test bed)", leave_file_system=True):
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError(f"count must be a non-negative integer, got {count!r}")
    if not isinstance(status_message, str) or not status_message:
        raise ValueError("status_message must be a non-empty string")
    _pending.update(count=count, status_message=status_message, leave_file_system=bool(leave_file_system))
    return {"pending": count}


def _wrap_start_restore_job(original):
    def start_restore_job(self):
        answer = original(self)
        if _pending["count"] <= 0:
            return answer
        from moto.efs.models import efs_backends

        from .backup_jobs import _store

        body = json.loads(answer[0]) if isinstance(answer, tuple) and answer[0] else {}
        job = _store(self.backup_backend, "restore_jobs").get(body.get("RestoreJobId"))
        if job is None or job["Status"] != "COMPLETED":
            return answer
        _pending["count"] -= 1
        created = job.pop("CreatedResourceArn", None)
        job.update(Status="FAILED", StatusMessage=_pending["status_message"], PercentDone="0.00%")
        if created and created != job["SourceResourceArn"] and not _pending["leave_file_system"]:
            efs = efs_backends[self.backup_backend.account_id][created.split(":")[3]]
            efs.delete_file_system(created.rsplit("/", 1)[-1])
        return answer

    return start_restore_job


def restore_failure(request, full_url, headers):  # pylint: disable=unused-argument
    body, refused = hook_request(request, PATH)
    if refused:
        return refused
    if not isinstance(body, dict) or not set(body) <= {"count", "status_message", "leave_file_system"}:
        return hook_answer(
            400, {"error": "ValidationError", "message": "keys: count, status_message, leave_file_system"}
        )
    try:
        return hook_answer(200, fail_next_restores(**body))
    except (TypeError, ValueError) as error:
        return hook_answer(400, {"error": "ValidationError", "message": str(error)})


def apply():
    if _patcher.active:
        return
    from moto.backup.responses import BackupResponse
    from moto.moto_api._internal import urls

    # Wraps backup_jobs' restore (applied first); stock moto has no restore to wrap.
    if getattr(BackupResponse, "start_restore_job", None) is not None:
        _patcher.setattr(BackupResponse, "start_restore_job", _wrap_start_restore_job(BackupResponse.start_restore_job))
    _patcher.setitem(urls.url_paths, "{0}" + PATH, restore_failure)
    _patcher.active = True


def remove():
    _patcher.restore()
    _pending.update(count=0, status_message="", leave_file_system=True)
