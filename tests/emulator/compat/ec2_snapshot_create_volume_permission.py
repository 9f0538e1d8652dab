"""EC2 ModifySnapshotAttribute with the structured ``CreateVolumePermission={Add: [...], Remove: [...]}`` form.

A snapshot is shared either with OperationType plus UserIds/GroupNames (amazon.aws.ec2_snapshot, our ami_share) or
with CreateVolumePermission (Packer's amazon-ebs `snapshot_users`/`snapshot_groups`, the AWS SDKs' documented form);
stock moto only reads the first and answers 200 to the second while sharing nothing. AWS applies the Add entries,
then the Remove entries; an invalid group changes nothing.
"""

from __future__ import annotations

from ._util import Patcher

GAP = (
    "ModifySnapshotAttribute ignores CreateVolumePermission={Add,Remove} (answers 200, shares nothing); "
    "only OperationType with UserIds/GroupNames works"
)
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _targets(entries):
    return (
        [entry["UserId"] for entry in entries if entry.get("UserId")],
        [entry["Group"] for entry in entries if entry.get("Group")],
    )


def _wrap_modify_snapshot_attribute(original):
    def modify_snapshot_attribute(self):
        from moto.ec2.exceptions import InvalidAMIAttributeItemValueError

        permission = self._get_param("CreateVolumePermission") or {}
        add, remove = _targets(permission.get("Add") or []), _targets(permission.get("Remove") or [])
        if add != ([], []) or remove != ([], []):
            self.error_on_dryrun()
            snapshot_id = self._get_param("SnapshotId")
            self.ec2_backend.get_snapshot(snapshot_id)  # InvalidSnapshot.NotFound before anything changes
            for _unused, groups in (add, remove):
                for group in groups:
                    if group != "all":  # all or nothing, as on AWS
                        raise InvalidAMIAttributeItemValueError("UserGroup", group)
            self.ec2_backend.add_create_volume_permission(snapshot_id, user_ids=add[0], groups=add[1])
            self.ec2_backend.remove_create_volume_permission(snapshot_id, user_ids=remove[0], groups=remove[1])
        # The OperationType form, if also given, is stock moto's to apply.
        return original(self)

    return modify_snapshot_attribute


def apply():
    if _patcher.active:
        return
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    _patcher.setattr(
        ElasticBlockStore,
        "modify_snapshot_attribute",
        _wrap_modify_snapshot_attribute(ElasticBlockStore.modify_snapshot_attribute),
    )
    _patcher.active = True


def remove():
    _patcher.restore()
