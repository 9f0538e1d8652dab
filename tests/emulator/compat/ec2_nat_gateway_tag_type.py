"""EC2 DescribeTags resource type of NAT gateways: "natgateway", as AWS names it.

moto reports (and filters) nat-… ids as "nat-gateway". amazon.aws.ec2_vpc_nat_gateway reads tags with the filter
resource-type=natgateway, finds none, re-tags and reports changed on every rerun.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "DescribeTags calls NAT gateways 'nat-gateway'; filter resource-type=natgateway finds no tags"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def apply():
    if _patcher.active:
        return
    # moto.ec2.models.tags imported this very dict object, so one entry fixes filter and output alike.
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE

    _patcher.setitem(EC2_PREFIX_TO_RESOURCE, "nat", "natgateway")
    _patcher.active = True


def remove():
    _patcher.restore()
