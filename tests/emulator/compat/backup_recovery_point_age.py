"""Test hook: backdate an AWS Backup recovery point (and its backup job) that the backup_jobs patch created.

Not an AWS API. backup_jobs stamps every recovery point "now", but destroy.yml (refuses to delete EFS without a
recovery point newer than N hours) and backup_check.yml (fails when the newest point is older than the RPO) must be
tested with old points. In the style of moto's own hooks (/moto-api/reset, /moto-api/seed, /moto-api/state-manager/…)
this adds

    POST /moto-api/jenkins-ha/backup/recovery-point-age
    {"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:…",
     "creation_date": "2026-01-01T00:00:00Z", "completion_date": "2026-01-01T00:20:00Z"}   # completion optional

→ 200 {"recovery_point_arn", "creation_date", "completion_date", "backup_job_ids"} (ISO 8601, UTC). The point's
CreationDate/InitiationDate/CompletionDate and CalculatedLifecycle, and CreationDate/CompletionDate/StartBy of the
backup job(s) that made it (and RecoveryPointCreationDate of restore jobs from it) move accordingly.
Errors answer {"error": <code>, "message": <text>}: 400 ValidationError (body, dates: ISO 8601 with a time zone, not
in the future, completion not before creation), 400 InvalidArn (not a recovery point ARN), 404 ResourceNotFound
(no such recovery point in the account and region of the ARN), 405 MethodNotAllowed.

The account and region come from the ARN. backdate_recovery_point() does the same in-process (with mock_aws);
tests/emulator/testhooks.py is the HTTP client for tests that talk to a launcher. Dates are not checked against the
vault's or the resource's creation, so a test can age a point it has just made.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ._util import Patcher, hook_answer, hook_request, now
from .backup_jobs import _store

GAP = "Recovery points are always stamped now; RPO and age checks need old ones (test hook, not an AWS API)"
MOTO_VERSION = "5.2.5"

PATH = "/moto-api/jenkins-ha/backup/recovery-point-age"
ARN = re.compile(r"^arn:[^:]+:backup:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):recovery-point:[^:/]+$")

_patcher = Patcher()


class HookError(Exception):
    """A refused hook call; status is the HTTP status the server answers with."""

    def __init__(self, status, code, message):
        super().__init__("{0} {1}: {2}".format(status, code, message))
        self.status = status
        self.code = code
        self.message = message


def _moment(name, value):
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise HookError(400, "ValidationError", f"{name} {value!r} is not an ISO 8601 date and time") from None
    else:
        raise HookError(400, "ValidationError", f"{name} must be an ISO 8601 string, got {value!r}")
    if moment.tzinfo is None:
        raise HookError(400, "ValidationError", f"{name} {value!r} has no time zone (add Z or +00:00)")
    if moment > now():
        raise HookError(400, "ValidationError", f"{name} {moment.isoformat()} is in the future")
    return moment


def _backend(arn):
    from moto.backup.models import backup_backends

    match = ARN.match(arn) if isinstance(arn, str) else None
    if match is None:
        raise HookError(400, "InvalidArn", f"{arn!r} is not an AWS Backup recovery point ARN")
    try:
        return backup_backends[match["account"]][match["region"]]
    except KeyError:
        raise HookError(404, "ResourceNotFound", f"Recovery point {arn} not found") from None


def backdate_recovery_point(recovery_point_arn, creation_date, completion_date=None):
    """Date a recovery point (and the jobs that refer to it) in the past; returns what the hook answers.

    creation_date/completion_date: timezone-aware datetimes or ISO 8601 strings; completion defaults to creation.
    Raises HookError. Works on moto's in-process backends, so call it inside mock_aws or from the server.
    """
    created = _moment("creation_date", creation_date)
    completed = created if completion_date is None else _moment("completion_date", completion_date)
    if completed < created:
        raise HookError(400, "ValidationError", "completion_date is before creation_date")
    backend = _backend(recovery_point_arn)
    point = _store(backend, "recovery_points").get(recovery_point_arn)
    if point is None:
        raise HookError(404, "ResourceNotFound", f"Recovery point {recovery_point_arn} not found")

    point.update(CreationDate=created, InitiationDate=created, CompletionDate=completed)
    lifecycle = point.get("Lifecycle") or {}
    calculated = {
        key: created + timedelta(days=lifecycle[days])
        for key, days in (("MoveToColdStorageAt", "MoveToColdStorageAfterDays"), ("DeleteAt", "DeleteAfterDays"))
        if lifecycle.get(days)
    }
    if calculated:
        point["CalculatedLifecycle"] = calculated
    job_ids = []
    for job in _store(backend, "backup_jobs").values():
        if job["RecoveryPointArn"] == recovery_point_arn:
            window = job["StartBy"] - job["CreationDate"]
            job.update(CreationDate=created, CompletionDate=completed, StartBy=created + window)
            job_ids.append(job["BackupJobId"])
    for job in _store(backend, "restore_jobs").values():
        if job["RecoveryPointArn"] == recovery_point_arn:
            job["RecoveryPointCreationDate"] = created
    return {
        "recovery_point_arn": recovery_point_arn,
        "creation_date": created.isoformat(),
        "completion_date": completed.isoformat(),
        "backup_job_ids": sorted(job_ids),
    }


def recovery_point_age(request, full_url, headers):
    """The /moto-api/ view: moto calls it with (request, url, headers) and sends back (status, headers, body)."""
    body, refused = hook_request(request, PATH)
    if refused:
        return refused
    try:
        if not isinstance(body, dict):
            raise HookError(400, "ValidationError", "the body must be a JSON object")
        unknown = sorted(set(body) - {"recovery_point_arn", "creation_date", "completion_date"})
        if unknown:
            raise HookError(400, "ValidationError", "unknown key(s): " + ", ".join(unknown))
        for key in ("recovery_point_arn", "creation_date"):
            if not body.get(key):
                raise HookError(400, "ValidationError", f"{key} is required")
        result = backdate_recovery_point(body["recovery_point_arn"], body["creation_date"], body.get("completion_date"))
    except HookError as error:
        return hook_answer(error.status, {"error": error.code, "message": error.message})
    return hook_answer(200, result)


def apply():
    if _patcher.active:
        return
    from moto.moto_api._internal import urls

    # Server mode builds the /moto-api/ Flask app from this table on its first request: apply before serving.
    _patcher.setitem(urls.url_paths, "{0}" + PATH, recovery_point_age)
    _patcher.active = True


def remove():
    _patcher.restore()
