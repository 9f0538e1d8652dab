"""Clients for the emulator's test hooks (/moto-api/jenkins-ha/...), for tests that talk to a launcher over HTTP.

Test-only, like the hooks themselves (tests/emulator/compat/, README "Test hooks"). In-process tests with mock_aws
call the compat functions directly instead, e.g. compat.backup_recovery_point_age.backdate_recovery_point().
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime

from tests.emulator.compat.backup_recovery_point_age import PATH as RECOVERY_POINT_AGE_PATH
from tests.emulator.compat.backup_recovery_point_age import HookError

__all__ = ["HookError", "backdate_recovery_point"]


def _iso(moment):
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("give a timezone-aware datetime, e.g. datetime.now(timezone.utc) - timedelta(days=2)")
        return moment.isoformat()
    return moment


def _post(endpoint_url, path, payload, timeout):
    request = urllib.request.Request(
        endpoint_url.rstrip("/") + path,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        try:
            answer = json.loads(text)
            code, message = answer["error"], answer["message"]
        except (ValueError, KeyError, TypeError):
            # Not our hook answering (e.g. 404 from an emulator started without the layer).
            code, message = "HTTPError", text[:500] or error.reason
        raise HookError(error.code, code, message) from None


def backdate_recovery_point(endpoint_url, recovery_point_arn, creation_date, completion_date=None, timeout=30):
    """Date an emulated recovery point and its backup job in the past (CreationDate, CompletionDate, lifecycle).

    endpoint_url: the emulator (AWS_ENDPOINT_URL, or the integration fixture's emulator.url).
    creation_date/completion_date: timezone-aware datetimes or ISO 8601 strings; completion defaults to creation.
    Returns {"recovery_point_arn", "creation_date", "completion_date", "backup_job_ids"}; raises HookError
    (.status 400/404/405, .code, .message) when the emulator refuses.
    """
    payload = {"recovery_point_arn": recovery_point_arn, "creation_date": _iso(creation_date)}
    if completion_date is not None:
        payload["completion_date"] = _iso(completion_date)
    return _post(endpoint_url, RECOVERY_POINT_AGE_PATH, payload, timeout)
