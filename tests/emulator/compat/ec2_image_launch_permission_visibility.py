"""EC2 DescribeImages sees AMIs other accounts share with the caller (launch permission) or made public.

ami_share shares baked AMIs with the workload accounts; those accounts then look them up with DescribeImages
(ImageIds, `Owners=[<build account>]` or `ExecutableUsers=[self]`). moto keeps images per account and region and only
searches the caller's own, so a shared or public AMI of another account is InvalidAMIID.NotFound or simply absent.
AWS returns every image the caller may launch: its own, public ones and those shared with its account.

Tags are per account on AWS: the account an AMI is shared with sees none of the owner's tags, and the tags it creates
on the AMI (ami_share copies the build tags that way) are its own. moto would show the owner's tags and drop the
consumer's (they land in the consumer's tag store, which the owner's image never reads), so a shared image is
returned as the caller sees it: with the caller's tags, also for tag filters.
"""

from __future__ import annotations

import copy

from ._util import Patcher

GAP = (
    "DescribeImages from another account never returns AMIs shared with it (launch permission) or made public: "
    "InvalidAMIID.NotFound by id, nothing with Owners=[owner] or ExecutableUsers=[self]; and tags on an image are not "
    "per account"
)
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _launchable_from_other_accounts(backend):
    """Images in the same region of every other existing account that this account may launch."""
    from moto.ec2.models import ec2_backends

    found = {}
    for account_id, regions in dict.items(ec2_backends):
        other = dict.get(regions, backend.region_name)
        if account_id == backend.account_id or other is None:
            continue
        for ami in list(other.amis.values()):
            if ami.id in backend.amis or ami.owner_id == backend.account_id:
                continue  # moto's shipped images exist in every account under the same ids
            if ami.is_public or {"UserId": backend.account_id} in ami.launch_permissions:
                found[ami.id] = _as_seen_by(ami, backend)
    return list(found.values())


def _as_seen_by(ami, backend):
    """The image as another account sees it: moto reads an image's tags through its ec2_backend (only __init__ uses
    it otherwise), so a copy bound to the caller's backend carries the caller's own tags."""
    view = copy.copy(ami)
    view.ec2_backend = backend
    return view


def _scoped(backend, images, filters, exec_users, owners):
    from moto.ec2.utils import generic_filter

    if exec_users:
        users = {backend.account_id if user == "self" else user for user in exec_users}
        images = [
            ami
            for ami in images
            if ("all" in users and ami.is_public)
            or any(permission.get("UserId") in users for permission in ami.launch_permissions)
        ]
    if owners:
        wanted = {backend.account_id if owner == "self" else owner for owner in owners}
        images = [ami for ami in images if ami.owner_id in wanted or ami.owner_alias in wanted]
    return generic_filter(filters, images) if filters else images


def _wrap_describe_images(original):
    def describe_images(self, ami_ids=None, filters=None, exec_users=None, owners=None):
        foreign = _launchable_from_other_accounts(self)
        if not foreign:
            return original(self, ami_ids=ami_ids, filters=filters, exec_users=exec_users, owners=owners)
        if ami_ids:
            shared = [ami for ami in foreign if ami.id in ami_ids]
            shared = _scoped(self, shared, filters, None, None)
            rest = [ami_id for ami_id in ami_ids if ami_id not in {ami.id for ami in foreign}]
            own = original(self, ami_ids=rest, filters=filters, exec_users=exec_users, owners=owners) if rest else []
            return list(own) + shared
        own = original(self, ami_ids=ami_ids, filters=filters, exec_users=exec_users, owners=owners)
        return list(own) + _scoped(self, foreign, filters, exec_users, owners)

    return describe_images


def _wrap_modify_image_attribute(original):
    # moto finds the image through describe_images, which now sees shared images: only the owner may share.
    def modify_image_attribute(self, ami_id, launch_permissions_to_add, launch_permissions_to_remove):
        from moto.ec2.exceptions import InvalidAMIIdError

        if ami_id not in self.amis and any(ami.id == ami_id for ami in _launchable_from_other_accounts(self)):
            raise InvalidAMIIdError(ami_id)
        return original(self, ami_id, launch_permissions_to_add, launch_permissions_to_remove)

    return modify_image_attribute


def apply():
    if _patcher.active:
        return
    from moto.ec2.models.amis import AmiBackend

    _patcher.setattr(AmiBackend, "describe_images", _wrap_describe_images(AmiBackend.describe_images))
    _patcher.setattr(
        AmiBackend, "modify_image_attribute", _wrap_modify_image_attribute(AmiBackend.modify_image_attribute)
    )
    _patcher.active = True


def remove():
    _patcher.restore()
