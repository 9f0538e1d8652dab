"""EC2 snapshot encryption: CreateSnapshot(s) and CopySnapshot.

A snapshot of an encrypted volume is encrypted with the volume's key, and AWS reports that key as KmsKeyId; stock
moto says Encrypted true with no KmsKeyId. CopySnapshot with Encrypted=true (and no KmsKeyId) should encrypt the copy
with the account's default EBS key, and a copy of an encrypted snapshot keeps the source's key in the same region;
stock moto makes an unencrypted copy in the first case and drops the key in the second. KmsKeyId without Encrypted
is refused, as on AWS.
"""

from __future__ import annotations

from ._util import Patcher

GAP = (
    "Snapshots of encrypted volumes report no KmsKeyId; CopySnapshot ignores Encrypted (Encrypted=true without "
    "KmsKeyId copies unencrypted) and drops the source's key"
)
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _key_arn(backend, key_id):
    from moto.kms import kms_backends

    try:
        return kms_backends[backend.account_id][backend.region_name].describe_key(key_id).arn
    except Exception:  # a key moto's KMS does not know is kept as sent
        return key_id


def _wrap_create_snapshot(original):
    def create_snapshot(self, volume_id, description, owner_id=None, from_ami=None):
        snapshot = original(self, volume_id, description, owner_id=owner_id, from_ami=from_ami)
        if snapshot.encrypted and not snapshot.kms_key_id:
            snapshot.kms_key_id = snapshot.volume.kms_key_id
        return snapshot

    return create_snapshot


def _wrap_copy_snapshot(original):
    def copy_snapshot(self):
        from moto.ec2.exceptions import InvalidParameterDependency
        from moto.ec2.models import ec2_backends

        encrypt = str(self._get_param("Encrypted", False)).lower() == "true"
        kms_key_id = self._get_param("KmsKeyId")
        if kms_key_id and not encrypt:
            raise InvalidParameterDependency("KmsKeyId", "Encrypted")
        result = original(self)
        backend = self.ec2_backend
        copy = backend.get_snapshot(result.result["SnapshotId"])
        source_backend = ec2_backends[backend.account_id][self._get_param("SourceRegion")]
        source = source_backend.get_snapshot(self._get_param("SourceSnapshotId"))
        copy.encrypted = bool(source.encrypted or encrypt)
        if not copy.encrypted:
            copy.kms_key_id = None
        elif kms_key_id:
            copy.kms_key_id = _key_arn(backend, kms_key_id)
        elif source.encrypted and source_backend is backend and source.kms_key_id:
            copy.kms_key_id = source.kms_key_id
        else:
            copy.kms_key_id = backend.default_kms_key_id or backend._create_default_encryption_key()
        return result

    return copy_snapshot


def apply():
    if _patcher.active:
        return
    from moto.ec2.models.elastic_block_store import EBSBackend
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    _patcher.setattr(EBSBackend, "create_snapshot", _wrap_create_snapshot(EBSBackend.create_snapshot))
    _patcher.setattr(ElasticBlockStore, "copy_snapshot", _wrap_copy_snapshot(ElasticBlockStore.copy_snapshot))
    _patcher.active = True


def remove():
    _patcher.restore()
