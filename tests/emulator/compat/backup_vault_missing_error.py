"""AWS Backup DescribeBackupVault of a vault that does not exist: AccessDeniedException, as AWS answers.

AWS replies 403 AccessDeniedException ("Insufficient privileges to perform this action.") even with full rights
(aws/aws-sdk-js#2625; amazon.aws.backup_vault relies on it and treats it as "absent"). moto answers
ResourceNotFoundException, so backup_vault fails "Unable to get vault facts" before creating the vault.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "DescribeBackupVault of a missing vault raises ResourceNotFoundException where AWS raises AccessDeniedException"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def access_denied():
    from moto.core.exceptions import JsonRESTError

    error = JsonRESTError("AccessDeniedException", "Insufficient privileges to perform this action.")
    error.code = 403
    return error


def _wrap_describe_backup_vault(original):
    def describe_backup_vault(self):
        from urllib.parse import unquote

        if unquote(self.path.rstrip("/").split("/")[-1]) not in self.backup_backend.vaults:
            raise access_denied()
        return original(self)

    return describe_backup_vault


def apply():
    if _patcher.active:
        return
    from moto.backup.responses import BackupResponse

    _patcher.setattr(
        BackupResponse, "describe_backup_vault", _wrap_describe_backup_vault(BackupResponse.describe_backup_vault)
    )
    _patcher.active = True


def remove():
    _patcher.restore()
