"""EC2 images keep their block devices: RegisterImage, CreateImage and CopyImage.

Stock moto gives every image the same root: RootDeviceType `standard` and one fresh 15 GiB unencrypted `standard`
volume on /dev/sda1, whatever RegisterImage asked for or the instance had; RegisterImage also drops RootDeviceName,
VirtualizationType and Architecture. Packer's amazon-ebs builder refuses such a source AMI ("invalid root device
type"), and nothing can test encrypted images. AWS:

- RegisterImage: the image reports the BlockDeviceMappings, RootDeviceName, VirtualizationType (default
  paravirtual) and Architecture (default i386) given; RootDeviceType is `ebs` when it has EBS mappings. A mapping
  with a SnapshotId takes its size and encryption from that snapshot (InvalidSnapshot.NotFound if unknown).
- CreateImage: one snapshot per EBS volume attached to the instance, with its size, type and encryption (KmsKeyId
  of the volume); RootDeviceType `ebs` and the instance's root device name.
- CopyImage: copies every snapshot of the source image; Encrypted=true encrypts the copies (KmsKeyId, or the
  account's default EBS key), an encrypted source stays encrypted; KmsKeyId without Encrypted is refused.

Images registered without mappings (and moto's shipped images) are left as stock moto makes them.
"""

from __future__ import annotations

from ._util import Patcher

GAP = (
    "RegisterImage/CreateImage/CopyImage ignore block devices, root device, virtualization type and architecture "
    "(every image: RootDeviceType standard, one unencrypted 15 GiB standard volume on /dev/sda1); CopyImage ignores "
    "Encrypted/KmsKeyId"
)
MOTO_VERSION = "5.2.5"

_patcher = Patcher()
_stock = {}

# VolumeType → the Iops/Throughput AWS reports when none were given.
_PROVISIONED_DEFAULTS = {"gp3": (3000, 125), "io1": (None, None), "io2": (None, None)}


def _key_arn(backend, key_id):
    """AWS reports a snapshot's key as its ARN, whichever form (id, alias, ARN) was sent."""
    if not key_id:
        return key_id
    from moto.kms import kms_backends

    try:
        return kms_backends[backend.account_id][backend.region_name].describe_key(key_id).arn
    except Exception:  # a key moto's KMS does not know is kept as sent
        return key_id


def _default_key(backend):
    return backend.default_kms_key_id or backend._create_default_encryption_key()


def _ebs(snapshot_id, size, volume_type, encrypted, delete_on_termination, iops=None, throughput=None):
    ebs = {"DeleteOnTermination": bool(delete_on_termination)}
    if snapshot_id:
        ebs["SnapshotId"] = snapshot_id
    ebs.update({"VolumeSize": size, "VolumeType": volume_type or "gp2", "Encrypted": bool(encrypted)})
    default_iops, default_throughput = _PROVISIONED_DEFAULTS.get(volume_type, (None, None))
    if iops or default_iops:
        ebs["Iops"] = int(iops or default_iops)
    if volume_type == "gp3":
        ebs["Throughput"] = int(throughput or default_throughput)
    return ebs


def _point_snapshot_at(snapshot, volume, encrypted, kms_key_id):
    snapshot.volume = volume
    snapshot.encrypted = bool(encrypted)
    snapshot.kms_key_id = kms_key_id if encrypted else None


def _new_snapshot(backend, ami, volume, description, encrypted, kms_key_id, tags):
    from moto.ec2.models.elastic_block_store import Snapshot
    from moto.ec2.utils import random_snapshot_id

    snapshot = Snapshot(backend, random_snapshot_id(), volume, description, owner_id=ami.owner_id, from_ami=ami.id)
    _point_snapshot_at(snapshot, volume, encrypted, kms_key_id)
    backend.snapshots[snapshot.id] = snapshot
    if tags:
        snapshot.add_tags(tags)
    return snapshot


def _tags(resource):
    return {tag["key"]: tag["value"] for tag in resource.get_tags()}


def _drop_placeholder_snapshot(backend, ami):
    """Forget the 15 GiB snapshot stock moto made for the image when the image does not use it."""
    backend.snapshots.pop(ami.ebs_snapshot.id, None)
    backend.tags.pop(ami.ebs_snapshot.id, None)


def _scratch_volume(backend, size, volume_type, encrypted, kms_key_id, iops, throughput):
    """A volume that exists only as the content of a snapshot (as stock moto's placeholder does)."""
    volume = backend.create_volume(
        size=size,
        zone_name=backend.region_name + "a",
        encrypted=bool(encrypted),
        kms_key_id=kms_key_id,
        volume_type=volume_type,
        iops=iops,
        throughput=throughput,
    )
    backend.volumes.pop(volume.id, None)
    return volume


# --- RegisterImage --------------------------------------------------------------------------------------------


def _checked_register_mappings(backend, mappings):
    """Validate before the image exists, so a refused request registers nothing."""
    from moto.ec2.exceptions import InvalidParameterDependency

    for mapping in mappings:
        ebs = mapping.get("Ebs")
        if not ebs:
            continue
        if ebs.get("SnapshotId"):
            backend.get_snapshot(ebs["SnapshotId"])  # InvalidSnapshot.NotFound
        if ebs.get("KmsKeyId") and not ebs.get("Encrypted"):
            raise InvalidParameterDependency("KmsKeyId", "Encrypted")
    return mappings


def _register_mappings(backend, ami, mappings):
    result = []
    placeholder_used = False
    for mapping in mappings:
        device = mapping["DeviceName"]
        ebs = mapping.get("Ebs")
        if not ebs:
            entry = {"DeviceName": device}
            if mapping.get("VirtualName"):
                entry["VirtualName"] = mapping["VirtualName"]
            if "NoDevice" in mapping:
                entry["NoDevice"] = mapping["NoDevice"]
            result.append(entry)
            continue
        volume_type = ebs.get("VolumeType") or "gp2"
        common = dict(
            volume_type=volume_type,
            delete_on_termination=ebs.get("DeleteOnTermination", True),
            iops=ebs.get("Iops"),
            throughput=ebs.get("Throughput"),
        )
        if ebs.get("SnapshotId"):
            snapshot = backend.get_snapshot(ebs["SnapshotId"])
            if not snapshot.from_ami or snapshot.from_ami not in backend.amis:
                snapshot.from_ami = ami.id  # DeleteSnapshot now answers InvalidSnapshot.InUse, as on AWS
            if device == ami.root_device_name and not placeholder_used:
                _drop_placeholder_snapshot(backend, ami)
                ami.ebs_snapshot = snapshot
                placeholder_used = True
            size = ebs.get("VolumeSize") or snapshot.volume_size
            result.append(
                {"DeviceName": device, "Ebs": _ebs(snapshot.id, size, encrypted=snapshot.encrypted, **common)}
            )
            continue
        encrypted = bool(ebs.get("Encrypted"))
        kms_key_id = _key_arn(backend, ebs.get("KmsKeyId")) or (_default_key(backend) if encrypted else None)
        size = ebs.get("VolumeSize") or 8
        snapshot_id = None
        if device == ami.root_device_name and not placeholder_used:
            # AWS requires a snapshot for the root device; the emulator has no disk content, so it keeps stock moto's
            # leniency and makes one of the requested size, type and encryption.
            volume = _scratch_volume(
                backend, size, volume_type, encrypted, kms_key_id, common["iops"], common["throughput"]
            )
            _point_snapshot_at(ami.ebs_snapshot, volume, encrypted, kms_key_id)
            placeholder_used = True
            snapshot_id = ami.ebs_snapshot.id
        result.append({"DeviceName": device, "Ebs": _ebs(snapshot_id, size, encrypted=encrypted, **common)})
    if not placeholder_used:
        _drop_placeholder_snapshot(backend, ami)
    return result


def _wrap_register_image(original):
    def register_image(self):
        mappings = self._get_param("BlockDeviceMappings", [])
        _checked_register_mappings(self.ec2_backend, mappings)
        result = original(self)
        ami = self.ec2_backend.amis[result.result["ImageId"]]
        ami.virtualization_type = self._get_param("VirtualizationType") or "paravirtual"
        ami.architecture = self._get_param("Architecture") or "i386"
        ami.root_device_name = self._get_param("RootDeviceName") or ami.root_device_name
        if mappings:
            ami._compat_block_device_mappings = _register_mappings(self.ec2_backend, ami, mappings)
            if any(mapping.get("Ebs") for mapping in mappings):
                ami.root_device_type = "ebs"
        return result

    return register_image


# --- CreateImage ----------------------------------------------------------------------------------------------


def _reshape_from_instance(backend, ami, instance):
    ami.root_device_name = instance.root_device_name
    ami.root_device_type = "ebs"
    snapshot_tags = _tags(ami.ebs_snapshot)
    description = ami.ebs_snapshot.description
    attached = sorted(instance.get_block_device_mapping, key=lambda item: item[0] != instance.root_device_name)
    result = []
    for index, (device, block) in enumerate(attached):
        volume = backend.get_volume(block.volume_id)
        if index == 0:
            # Reuse stock moto's snapshot for the first volume: it already carries the image's snapshot tags.
            snapshot = ami.ebs_snapshot
            _point_snapshot_at(snapshot, volume, volume.encrypted, volume.kms_key_id)
        else:
            snapshot = _new_snapshot(
                backend, ami, volume, description, volume.encrypted, volume.kms_key_id, snapshot_tags
            )
        ebs = _ebs(
            snapshot.id,
            volume.size,
            volume.volume_type,
            volume.encrypted,
            block.delete_on_termination,
            iops=volume.iops,
            throughput=volume.throughput,
        )
        result.append({"DeviceName": device, "Ebs": ebs})
    if not attached:
        _drop_placeholder_snapshot(backend, ami)
    ami._compat_block_device_mappings = result


def _wrap_create_image(original):
    # On the backend, not the response: ec2_image_tag_specifications replaces the response method and calls this.
    def create_image(self, instance_id, name, description, tag_specifications):
        ami = original(self, instance_id, name, description, tag_specifications)
        _reshape_from_instance(self, ami, self.get_instance(instance_id))
        return ami

    return create_image


# --- CopyImage ------------------------------------------------------------------------------------------------


def _reshape_from_source(backend, ami, source, encrypt, kms_key_id):
    ami.root_device_name = source.root_device_name
    ami.root_device_type = source.root_device_type
    source_backend = source.ec2_backend
    result = []
    placeholder_used = False
    for mapping in source.block_device_mappings:
        ebs = mapping.get("Ebs")
        if not ebs or not ebs.get("SnapshotId"):
            result.append(dict(mapping, Ebs=dict(ebs)) if ebs else dict(mapping))
            continue
        source_snapshot = source_backend.get_snapshot(ebs["SnapshotId"])
        encrypted = bool(source_snapshot.encrypted or encrypt)
        key = None
        if encrypted:
            same_region = source_backend is backend
            key = kms_key_id or (source_snapshot.kms_key_id if same_region else None) or _default_key(backend)
        description = "Copied for DestinationAmi {0} from SourceAmi {1} for SourceSnapshot {2}".format(
            ami.id, source.id, source_snapshot.id
        )
        if not placeholder_used:
            snapshot = ami.ebs_snapshot
            snapshot.description = description
            _point_snapshot_at(snapshot, source_snapshot.volume, encrypted, key)
            placeholder_used = True
        else:
            snapshot = _new_snapshot(backend, ami, source_snapshot.volume, description, encrypted, key, None)
        result.append(dict(mapping, Ebs=dict(ebs, SnapshotId=snapshot.id, Encrypted=encrypted)))
    if not placeholder_used:
        _drop_placeholder_snapshot(backend, ami)
    ami._compat_block_device_mappings = result


def _wrap_copy_image(original):
    def copy_image(self):
        from moto.ec2.exceptions import InvalidParameterDependency
        from moto.ec2.models import ec2_backends

        encrypt = str(self._get_param("Encrypted", False)).lower() == "true"
        kms_key_id = self._get_param("KmsKeyId")
        if kms_key_id and not encrypt:
            raise InvalidParameterDependency("KmsKeyId", "Encrypted")
        result = original(self)
        backend = self.ec2_backend
        ami = backend.amis[result.result["ImageId"]]
        source_backend = ec2_backends[backend.account_id][self._get_param("SourceRegion")]
        source = source_backend.describe_images(ami_ids=[self._get_param("SourceImageId")])[0]
        _reshape_from_source(backend, ami, source, encrypt, _key_arn(backend, kms_key_id))
        return result

    return copy_image


def block_device_mappings(self):
    mappings = self.__dict__.get("_compat_block_device_mappings")
    return mappings if mappings is not None else _stock["block_device_mappings"].fget(self)


def apply():
    if _patcher.active:
        return
    from moto.ec2.models.amis import Ami, AmiBackend
    from moto.ec2.responses.amis import AmisResponse

    _stock["block_device_mappings"] = Ami.__dict__["block_device_mappings"]
    _patcher.setattr(Ami, "block_device_mappings", property(block_device_mappings))
    _patcher.setattr(AmisResponse, "register_image", _wrap_register_image(AmisResponse.register_image))
    _patcher.setattr(AmiBackend, "create_image", _wrap_create_image(AmiBackend.create_image))
    _patcher.setattr(AmisResponse, "copy_image", _wrap_copy_image(AmisResponse.copy_image))
    _patcher.active = True


def remove():
    _patcher.restore()
