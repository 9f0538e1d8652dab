# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What playbooks/restore_drill.yml decides: which recovery point to restore and what the drill measured.

A drill proves a backup only if the point it restores was taken after the marker was written (else the marker
cannot be in it), so the point is chosen against the marker's time and the verdict is computed from what the
reader found, never from the choice alone.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ansible.errors import AnsibleFilterError

# The directory AWS Backup restores a whole EFS file system into, off the new file system's root: "AWS Backup
# restores your file system to a recovery directory off of the root directory" (AWS Backup Developer Guide,
# restoring-efs), named aws-backup-restore_<datetime>.
RESTORE_DIRECTORY_PREFIX = "aws-backup-restore_"
# What a JENKINS_HOME holds whatever its plugins: the core's configuration, the jobs and the secrets that decrypt
# the credentials (a home restored without secrets/ cannot read any stored credential).
HOME_SHAPE = ("config.xml", "jobs", "secrets")
# arn:<partition>:elasticfilesystem:<region>:<account>:file-system/fs-<hex> (EFS API reference, FileSystemArn).
_FILE_SYSTEM_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticfilesystem:[a-z0-9-]+:[0-9]{12}:file-system/(fs-[0-9a-f]{8,40})$"
)


def _moment(value, name):
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise AnsibleFilterError("{0} {1!r} is not an ISO 8601 date".format(name, value)) from None
    else:
        raise AnsibleFilterError("{0} must be an ISO 8601 date, got {1!r}".format(name, value))
    if moment.tzinfo is None:
        raise AnsibleFilterError("{0} {1!r} has no time zone".format(name, value))
    return moment.astimezone(timezone.utc)


def restore_drill_point(latest_completed, marker_time):
    """The point to restore and whether it was taken after the marker.

    latest_completed: the ``latest_completed`` of jenkins_ha.aws.backup_recovery_point_info for the file system (its
    newest COMPLETED recovery point, or None): the module chose it, this says what it is worth to the drill.
    Returns {"point": <point or None>, "after_marker": bool, "age_at_marker_seconds": float or None}.
    """
    marker = _moment(marker_time, "marker_time")
    if latest_completed is None:
        return {"point": None, "after_marker": False, "age_at_marker_seconds": None}
    if not isinstance(latest_completed, dict) or latest_completed.get("status") != "COMPLETED":
        raise AnsibleFilterError(
            "restore_drill_point expects backup_recovery_point_info's latest_completed (a COMPLETED recovery point"
            " or None), got {0!r}".format(latest_completed)
        )
    created = _moment(latest_completed.get("creation_date"), "creation_date")
    return {
        "point": latest_completed,
        "after_marker": created >= marker,
        "age_at_marker_seconds": round((marker - created).total_seconds(), 3),
    }


def restore_drill_file_system(restore_job):
    """The id of the file system a restore job created, from its CreatedResourceArn ("" when it has none yet, e.g.
    a job that failed). The drill finds the restored file system by this first: AWS Backup documents the restore's
    CreationToken metadata as an input, not that the new file system keeps it."""
    if not isinstance(restore_job, (dict, type(None))):
        raise AnsibleFilterError(
            "restore_drill_file_system expects the restore job (a dict), got {0!r}".format(restore_job)
        )
    arn = (restore_job or {}).get("created_resource_arn") or ""
    if not arn:
        return ""
    match = _FILE_SYSTEM_ARN.match(arn)
    if not match:
        raise AnsibleFilterError(
            "restore_drill_file_system: created_resource_arn {0!r} is not an EFS file system ARN".format(arn)
        )
    return match.group(1)


def restore_drill_home(listing, home_path, nonce):
    """Where the restored home is and what it holds, from the reader's listing of the restored file system.

    listing: relative paths under the restored file system's root (files and directories, directories ending
    with "/"), as the reader found them (find -maxdepth). home_path: the home's path on the source file system
    ("jenkins-home", or "" for a home at the root). Returns {"home": <relative path or None>, "marker_found": bool,
    "shape": {name: bool}, "missing": [names]}.
    """
    if not isinstance(listing, list):
        raise AnsibleFilterError("restore_drill_home expects a list of paths, got {0!r}".format(listing))
    home_path = (home_path or "").strip("/")
    roots = sorted(
        {path.split("/", 1)[0] for path in listing if path.startswith(RESTORE_DIRECTORY_PREFIX)}, reverse=True
    )
    if not roots:
        return {
            "home": None,
            "marker_found": False,
            "shape": dict.fromkeys(HOME_SHAPE, False),
            "missing": list(HOME_SHAPE),
        }
    # One full restore makes one directory; should there be more, the newest (the names sort by date) is ours.
    home = "/".join(part for part in (roots[0], home_path) if part)
    entries = {path.rstrip("/") for path in listing}
    kinds = {path.rstrip("/"): path.endswith("/") for path in listing}
    shape = {
        "config.xml": home + "/config.xml" in entries and not kinds[home + "/config.xml"],
        "jobs": kinds.get(home + "/jobs", False),
        "secrets": kinds.get(home + "/secrets", False),
    }
    marker = home + "/" + marker_name(nonce)
    return {
        "home": home,
        "marker_found": marker in entries and not kinds[marker],
        "shape": shape,
        "missing": [name for name in HOME_SHAPE if not shape[name]],
    }


def marker_name(nonce):
    """The marker's file name in JENKINS_HOME for a nonce (hex only: it is also a path component)."""
    if not isinstance(nonce, str) or len(nonce) < 16 or any(c not in "0123456789abcdef" for c in nonce):
        raise AnsibleFilterError("the drill's nonce must be at least 16 lower-case hex digits, got {0!r}".format(nonce))
    return ".jenkins-ha-restore-drill-" + nonce


def restore_drill_report(point, restore_job, found, cleaned_up, observed_restore_seconds=None):
    """The drill's JSON report: the issue's interface keys first, then what explains them.

    point: the result of restore_drill_point; restore_job: the restore job (snake_case, or {} when none started);
    found: the result of restore_drill_home (or {} when nothing could be read); cleaned_up: whether nothing the
    drill created is left. rpo_seconds is the age of the restored point when the restore started (the data a
    disaster at that moment would have lost); restore_seconds is AWS's own job duration, else the observed one.
    """
    problems = []
    job = restore_job or {}
    chosen = (point or {}).get("point")
    rpo = None
    if chosen is None:
        problems.append("no completed recovery point of the file system")
    elif job.get("creation_date"):
        rpo = round(
            (
                _moment(job["creation_date"], "creation_date") - _moment(chosen["creation_date"], "creation_date")
            ).total_seconds(),
            3,
        )
    if chosen is not None and not point.get("after_marker"):
        problems.append("the newest recovery point predates the marker: the backups are behind")
    status = job.get("status")
    restore_seconds = None
    if status == "COMPLETED" and job.get("creation_date") and job.get("completion_date"):
        restore_seconds = round(
            (
                _moment(job["completion_date"], "completion_date") - _moment(job["creation_date"], "creation_date")
            ).total_seconds(),
            3,
        )
    elif status == "COMPLETED" and observed_restore_seconds is not None:
        restore_seconds = round(float(observed_restore_seconds), 3)
    if chosen is not None and status != "COMPLETED":
        problems.append(
            "the restore job {0} ended {1}: {2}".format(
                job.get("restore_job_id", "(not started)"),
                status or "without a status",
                job.get("status_message") or "no message",
            )
        )
    found = found or {}
    marker_found = bool(found.get("marker_found"))
    if status == "COMPLETED":
        if found.get("home") is None:
            problems.append(
                "no {0}* directory with the home on the restored file system".format(RESTORE_DIRECTORY_PREFIX)
            )
        else:
            if not marker_found:
                problems.append("the marker is not in the restored home")
            if found.get("missing"):
                problems.append("the restored home lacks " + ", ".join(found["missing"]))
    if not cleaned_up:
        problems.append("the drill left resources behind (see cleanup)")
    return {
        "rpo_seconds": rpo,
        "restore_seconds": restore_seconds,
        "marker_found": marker_found,
        "cleaned_up": bool(cleaned_up),
        "recovery_point_arn": (chosen or {}).get("recovery_point_arn"),
        "point_after_marker": bool((point or {}).get("after_marker")),
        "restore_status": status,
        "home_shape": found.get("shape", dict.fromkeys(HOME_SHAPE, False)),
        "passed": not problems,
        "problems": problems,
    }


class FilterModule:
    def filters(self):
        return {
            "restore_drill_point": restore_drill_point,
            "restore_drill_file_system": restore_drill_file_system,
            "restore_drill_home": restore_drill_home,
            "restore_drill_marker_name": marker_name,
            "restore_drill_report": restore_drill_report,
        }
