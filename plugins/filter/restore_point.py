# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What playbooks/restore.yml decides: which recovery point a real restore uses, and which directory of the
restored file system becomes JENKINS_HOME.

A real restore goes back to before the damage: the newest COMPLETED point taken strictly before the incident time
(a point taken at or after it may already hold the damage), or the newest point when no time is given.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.restore_drill import RESTORE_DIRECTORY_PREFIX
from ansible_collections.jenkins_ha.aws.plugins.filter.restore_drill import _moment


def restore_point(recovery_points, before=None, now=None):
    """The point to restore: the newest COMPLETED one created before `before` (ISO 8601 with a time zone; empty or
    None: the newest), its age at `now` (ISO 8601, default the current time) and how many points were weighed.

    recovery_points: jenkins_ha.aws.backup_recovery_point_info's recovery_points (any order, any status).
    Returns {"point": <point or None>, "age_seconds": float or None, "completed": int, "before": <ISO or None>}.
    """
    if not isinstance(recovery_points, list) or not all(isinstance(p, dict) for p in recovery_points):
        raise AnsibleFilterError("restore_point expects a list of recovery points, got {0!r}".format(recovery_points))
    limit = _moment(before, "before") if before else None
    moment = _moment(now, "now") if now else datetime.now(timezone.utc)
    completed = [
        (_moment(p.get("creation_date"), "creation_date"), p) for p in recovery_points if p.get("status") == "COMPLETED"
    ]
    eligible = [(created, p) for created, p in completed if limit is None or created < limit]
    if not eligible:
        return {"point": None, "age_seconds": None, "completed": len(completed), "before": before or None}
    created, point = max(eligible, key=lambda pair: pair[0])
    return {
        "point": point,
        "age_seconds": round((moment - created).total_seconds(), 3),
        "completed": len(completed),
        "before": limit.isoformat() if limit else None,
    }


def restore_home_move(listing, home_path):
    """How the restored home becomes the file system's home directory, from a listing of the restored file system's
    root (paths relative to it, directories ending with "/", two levels deep).

    AWS Backup restores a full EFS backup into aws-backup-restore_<datetime>/ off the new file system's root; the home
    (home_path, e.g. "jenkins-home") is to be renamed to /<home_path>, the directory the access point and the boot
    unit's plain NFS mount use. Returns {"source": <relative path or None>, "restore_directory": <name or None>,
    "target": home_path, "done": bool, "error": <message or None>}: done when the home is already in place and no
    restore directory holds another; an error when neither is there, or when both are (a rename would mix them).
    """
    if not isinstance(listing, list):
        raise AnsibleFilterError("restore_home_move expects a list of paths, got {0!r}".format(listing))
    home_path = (home_path or "").strip("/")
    if not home_path or "/" in home_path:
        raise AnsibleFilterError("restore_home_move needs the home's directory name, got {0!r}".format(home_path))
    entries = {path.rstrip("/"): path.endswith("/") for path in listing}
    sources = sorted(
        path
        for path, is_directory in entries.items()
        if is_directory
        and path.startswith(RESTORE_DIRECTORY_PREFIX)
        and path.count("/") == 1
        and path.split("/", 1)[1] == home_path
    )
    in_place = entries.get(home_path, False)
    answer = {"source": None, "restore_directory": None, "target": home_path, "done": False, "error": None}
    if len(sources) > 1:
        answer["error"] = "more than one restore directory holds {0}: {1}".format(home_path, ", ".join(sources))
    elif sources and in_place:
        answer["error"] = "/{0} exists beside {1}: not a file system this restore created".format(home_path, sources[0])
    elif sources:
        answer.update(source=sources[0], restore_directory=sources[0].split("/", 1)[0])
    elif in_place:
        answer["done"] = True
    else:
        answer["error"] = "no {0}*/{1} directory on the restored file system".format(
            RESTORE_DIRECTORY_PREFIX, home_path
        )
    return answer


class FilterModule:
    def filters(self):
        return {"restore_point": restore_point, "restore_home_move": restore_home_move}
