"""Interface VPC endpoints (playbooks/network.yml): the private DNS preconditions AWS enforces. network.yml relies on
the second one: a create retried after a lost response fails on the name the first attempt's endpoint holds, and the
task's retry adopts that endpoint."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import ec2_vpc_endpoint_private_dns

from .conftest import REGION, error_code

SSM = "com.amazonaws.{0}.ssm".format(REGION)


def _vpc(ec2, dns_hostnames=True):
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    if dns_hostnames:
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.1.0/24", AvailabilityZone=REGION + "a")["Subnet"]
    group = ec2.create_security_group(GroupName="endpoints", Description="endpoints", VpcId=vpc_id)["GroupId"]
    return vpc_id, subnet["SubnetId"], group


def _create(ec2, vpc_id, subnet, group, **extra):
    return ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName=SSM,
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
        SecurityGroupIds=[group],
        **extra,
    )["VpcEndpoint"]


def _live(ec2, vpc_id):
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    return [e["VpcEndpointId"] for e in endpoints if e["State"] != "deleted"]


def test_stock_moto_accepts_private_dns_that_aws_refuses(aws, compat_patch):
    compat_patch.stock(ec2_vpc_endpoint_private_dns)
    ec2 = aws("ec2")
    vpc_id, subnet, group = _vpc(ec2, dns_hostnames=False)
    assert _create(ec2, vpc_id, subnet, group)["PrivateDnsEnabled"] is True
    assert _create(ec2, vpc_id, subnet, group)["PrivateDnsEnabled"] is True
    assert len(_live(ec2, vpc_id)) == 2


def test_private_dns_needs_the_vpc_dns_attributes(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_vpc_endpoint_private_dns):
        vpc_id, subnet, group = _vpc(ec2, dns_hostnames=False)
        with pytest.raises(ClientError) as refused:
            _create(ec2, vpc_id, subnet, group)
        assert error_code(refused) == "InvalidParameter"
        assert "enableDnsHostnames" in str(refused.value)
        # Without private DNS the endpoint is allowed (only its vpce-... names resolve).
        assert _create(ec2, vpc_id, subnet, group, PrivateDnsEnabled=False)["PrivateDnsEnabled"] is False


def test_a_second_private_dns_endpoint_for_the_same_service_is_refused(aws, compat_patch):
    ec2 = aws("ec2")
    with compat_patch(ec2_vpc_endpoint_private_dns):
        vpc_id, subnet, group = _vpc(ec2)
        first = _create(ec2, vpc_id, subnet, group)
        with pytest.raises(ClientError) as conflict:
            _create(ec2, vpc_id, subnet, group)
        assert error_code(conflict) == "InvalidParameter"
        assert "conflicting DNS domain for ssm.{0}.amazonaws.com".format(REGION) in str(conflict.value)
        # The same service once the first endpoint is deleted is fine.
        ec2.delete_vpc_endpoints(VpcEndpointIds=[first["VpcEndpointId"]])
        assert _create(ec2, vpc_id, subnet, group)["PrivateDnsEnabled"] is True
