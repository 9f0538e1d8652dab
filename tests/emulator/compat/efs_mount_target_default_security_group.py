"""EFS CreateMountTarget without SecurityGroups gets the VPC's default security group, as on AWS.

moto leaves the mount target without any (DescribeMountTargetSecurityGroups answers {"SecurityGroups": null}), and
community.aws.efs then fails with KeyError 'SecurityGroups' while reading the mount targets it just created.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "CreateMountTarget without SecurityGroups leaves none; DescribeMountTargetSecurityGroups returns null"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _wrap_create_mount_target(original):
    def create_mount_target(self, file_system_id, subnet_id, ip_address=None, security_groups=None):
        if not security_groups:
            from moto.ec2.exceptions import InvalidSubnetIdError

            try:
                vpc_id = self.ec2_backend.get_subnet(subnet_id).vpc_id
            except InvalidSubnetIdError:
                vpc_id = None  # the stock code raises the right SubnetNotFound
            default = self.ec2_backend.get_default_security_group(vpc_id) if vpc_id else None
            security_groups = [default.id] if default else None
        return original(self, file_system_id, subnet_id, ip_address, security_groups)

    return create_mount_target


def apply():
    if _patcher.active:
        return
    from moto.efs.models import EFSBackend

    _patcher.setattr(EFSBackend, "create_mount_target", _wrap_create_mount_target(EFSBackend.create_mount_target))
    _patcher.active = True


def remove():
    _patcher.restore()
