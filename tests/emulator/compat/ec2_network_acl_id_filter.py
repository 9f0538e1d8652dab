"""EC2 DescribeNetworkAcls: the `network-acl-id` filter is not implemented.

amazon.aws.ec2_vpc_nacl looks an ACL up by that filter whenever it is given ``nacl_id`` (playbooks/network.yml
closes the VPC's default ACL by id; destroy.yml deletes the stack's ACLs by id); stock moto raises
FilterNotImplementedError, which the server answers with HTTP 500. AWS documents the filter ("network-acl-id - The
ID of the network ACL", DescribeNetworkAcls in the EC2 API reference and botocore's ec2 service model).
"""

from __future__ import annotations

from ._util import Patcher

GAP = "DescribeNetworkAcls with the network-acl-id filter fails (FilterNotImplementedError, HTTP 500)"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _with_id_filter(stock):
    def get_filter_value(self, filter_name, method_name=None):
        if filter_name == "network-acl-id":
            return self.id
        return stock(self, filter_name, method_name)

    get_filter_value.__name__ = stock.__name__
    return get_filter_value


def apply():
    if _patcher.active:
        return
    from moto.ec2.models.network_acls import NetworkAcl

    _patcher.setattr(NetworkAcl, "get_filter_value", _with_id_filter(NetworkAcl.get_filter_value))
    _patcher.active = True


def remove():
    _patcher.restore()
