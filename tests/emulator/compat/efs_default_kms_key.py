"""EFS CreateFileSystem reports the ARN of the KMS key that encrypts the file system, as AWS does.

Encrypted without KmsKeyId: AWS uses the account's AWS managed key for EFS (alias aws/elasticfilesystem) and the
description's KmsKeyId is that key's ARN; stock moto reports none. A KmsKeyId given as key id, alias or alias ARN
is reported by AWS as the key's ARN; stock moto echoes what was sent. The key comes from moto's own KMS backend,
which creates the key behind a reserved aws/ alias on first use, so DescribeKey of alias/aws/elasticfilesystem
answers the same ARN. A KmsKeyId moto's KMS does not know is left as sent (what AWS does with it is not modelled).
"""

from __future__ import annotations

import inspect

from ._util import Patcher

GAP = (
    "EFS CreateFileSystem with Encrypted and no KmsKeyId reports no KmsKeyId (AWS: the aws/elasticfilesystem key's"
    " ARN); a key id or alias is echoed instead of the key ARN"
)
MOTO_VERSION = "5.2.5"

DEFAULT_KEY_ALIAS = "alias/aws/elasticfilesystem"

_patcher = Patcher()


def key_arn(account_id, region_name, key_id):
    """The ARN of the key moto's KMS backend knows by this id, ARN, alias or alias ARN; None if it knows none."""
    from moto.kms.models import kms_backends

    kms = kms_backends[account_id][region_name]
    try:
        key = kms.keys.get(kms.any_id_to_key_id(key_id))
    except (AttributeError, KeyError, TypeError):
        # any_id_to_key_id fails on an alias nothing targets.
        key = None
    return key.arn if key else None


def _wrap_create_file_system(original):
    signature = inspect.signature(original)

    def create_file_system(self, *args, **kwargs):
        call = signature.bind(self, *args, **kwargs)
        if call.arguments.get("encrypted"):
            wanted = call.arguments.get("kms_key_id") or DEFAULT_KEY_ALIAS
            call.arguments["kms_key_id"] = key_arn(self.account_id, self.region_name, wanted) or wanted
        return original(*call.args, **call.kwargs)

    create_file_system.__doc__ = original.__doc__
    return create_file_system


def apply():
    if _patcher.active:
        return
    from moto.efs.models import EFSBackend

    _patcher.setattr(EFSBackend, "create_file_system", _wrap_create_file_system(EFSBackend.create_file_system))
    _patcher.active = True


def remove():
    _patcher.restore()
