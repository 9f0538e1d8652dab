"""ec2_network_acl_id_filter: DescribeNetworkAcls by the documented network-acl-id filter."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import ec2_network_acl_id_filter


def _acls(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    own = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    default = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"][0]["NetworkAclId"]
    return own, default


def test_stock_moto_fails_the_network_acl_id_filter(aws, compat_patch):
    compat_patch.stock(ec2_network_acl_id_filter)
    ec2 = aws("ec2")
    own, _default = _acls(ec2)
    with pytest.raises(Exception) as excinfo:
        ec2.describe_network_acls(Filters=[{"Name": "network-acl-id", "Values": [own]}])
    # In process moto raises its FilterNotImplementedError; the server answers it with HTTP 500.
    assert "network-acl-id" in str(excinfo.value) and not isinstance(excinfo.value, ClientError)


def test_network_acl_id_filter_finds_exactly_that_acl(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_network_acl_id_filter):
        own, default = _acls(ec2)
        for wanted in (own, default):
            found = ec2.describe_network_acls(Filters=[{"Name": "network-acl-id", "Values": [wanted]}])["NetworkAcls"]
            assert [acl["NetworkAclId"] for acl in found] == [wanted]
        assert (
            ec2.describe_network_acls(Filters=[{"Name": "network-acl-id", "Values": ["acl-0000"]}])["NetworkAcls"] == []
        )
        # Other filters still work as before.
        assert ec2.describe_network_acls(Filters=[{"Name": "association.network-acl-id", "Values": [own]}])[
            "NetworkAcls"
        ]
