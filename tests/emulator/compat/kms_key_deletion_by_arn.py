"""KMS ScheduleKeyDeletion and CancelKeyDeletion accept the key ARN, as AWS does (and amazon.aws.kms_key sends).

Stock moto looks the key up by the raw id only, so a key ARN raises KeyError inside the backend and the server
answers HTTP 500. The patch turns any key id form into the raw id first, as moto's other KMS calls already do.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "KMS ScheduleKeyDeletion/CancelKeyDeletion with a key ARN answer HTTP 500 (KeyError on the raw-id lookup)"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _by_any_id(original):
    def call(self, key_id, *args, **kwargs):
        return original(self, self.any_id_to_key_id(key_id), *args, **kwargs)

    call.__doc__ = original.__doc__
    return call


def apply():
    if _patcher.active:
        return
    from moto.kms.models import KmsBackend

    for name in ("schedule_key_deletion", "cancel_key_deletion"):
        _patcher.setattr(KmsBackend, name, _by_any_id(getattr(KmsBackend, name)))
    _patcher.active = True


def remove():
    _patcher.restore()
