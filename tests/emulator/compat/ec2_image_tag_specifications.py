"""EC2 CreateImage/RegisterImage TagSpecifications.

amazon.aws.ec2_ami passes tags at creation for both resource types "image" and "snapshot"; moto raises
NotImplementedError on "snapshot" (HTTP 500) in CreateImage, and RegisterImage ignores TagSpecifications.
AWS tags the image and the snapshots it creates in the same call.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "CreateImage with a 'snapshot' TagSpecification fails (HTTP 500); RegisterImage drops TagSpecifications"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _tags_for(specs, resource_type):
    return {
        tag["Key"]: tag.get("Value", "")
        for spec in specs
        if spec.get("ResourceType") == resource_type
        for tag in spec.get("Tags", [])
    }


def create_image(self):
    from moto.core.responses import ActionResult

    specs = self._get_param("TagSpecifications", [])
    self.error_on_dryrun()
    image = self.ec2_backend.create_image(
        self._get_param("InstanceId"),
        self._get_param("Name"),
        self._get_param("Description", ""),
        # The stock backend handles "image" (and rejects unknown types); only "snapshot" is taken over here.
        tag_specifications=[spec for spec in specs if spec.get("ResourceType") != "snapshot"],
    )
    snapshot_tags = _tags_for(specs, "snapshot")
    if snapshot_tags:
        # Every snapshot the image was made of (one on stock moto; one per volume with ec2_image_block_devices).
        snapshot_ids = [
            mapping["Ebs"]["SnapshotId"]
            for mapping in image.block_device_mappings
            if mapping.get("Ebs", {}).get("SnapshotId")
        ]
        self.ec2_backend.create_tags(snapshot_ids or [image.ebs_snapshot.id], snapshot_tags)
    return ActionResult({"ImageId": image.id})


def _wrap_register_image(original):
    def register_image(self):
        result = original(self)
        image_tags = _tags_for(self._get_param("TagSpecifications", []), "image")
        if image_tags:
            self.ec2_backend.create_tags([result.result["ImageId"]], image_tags)
        return result

    return register_image


def apply():
    if _patcher.active:
        return
    from moto.ec2.responses.amis import AmisResponse

    _patcher.setattr(AmisResponse, "create_image", create_image)
    _patcher.setattr(AmisResponse, "register_image", _wrap_register_image(AmisResponse.register_image))
    _patcher.active = True


def remove():
    _patcher.restore()
