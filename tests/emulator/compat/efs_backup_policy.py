"""EFS PutBackupPolicy (community.aws.efs and our EFS role turn automatic backups on/off with it).

Stock moto only derives DescribeBackupPolicy from CreateFileSystem's Backup flag and has no PutBackupPolicy. AWS
reports the status last put (ENABLED/DISABLED); the transitional ENABLING/DISABLING states are skipped.
"""

from __future__ import annotations

from ._util import Patcher, json_response, rest_params

GAP = "EFS PutBackupPolicy is not implemented (NotImplementedError in-process, HTTP 500 in server mode)"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def put_backup_policy(self):
    from moto.efs.exceptions import FileSystemNotFound, BadRequest

    params = rest_params(self, "efs", "PutBackupPolicy")
    file_system = self.efs_backend.file_systems_by_id.get(params["FileSystemId"])
    if file_system is None:
        raise FileSystemNotFound(params["FileSystemId"])
    status = (params.get("BackupPolicy") or {}).get("Status")
    if status not in ("ENABLED", "DISABLED"):
        raise BadRequest("BackupPolicy.Status must be ENABLED or DISABLED")
    file_system._compat_backup_status = status
    file_system._backup = status == "ENABLED"
    return json_response({"BackupPolicy": {"Status": status}})


def backup_policy(self):
    status = getattr(self, "_compat_backup_status", None)
    if status:
        return {"Status": status}
    return {"Status": "ENABLED"} if self._backup else None


def apply():
    if _patcher.active:
        return
    from moto.efs.models import FileSystem
    from moto.efs.responses import EFSResponse

    _patcher.setattr(EFSResponse, "put_backup_policy", put_backup_policy)
    _patcher.setattr(FileSystem, "backup_policy", property(backup_policy))
    _patcher.active = True


def remove():
    _patcher.restore()
