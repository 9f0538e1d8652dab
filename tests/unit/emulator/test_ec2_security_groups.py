"""EC2 security group patches: UpdateSecurityGroupRuleDescriptions* answer Return."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import ec2_security_group_rule_descriptions_return


def _group_with_rules(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    group_id = ec2.create_security_group(GroupName="jenkins", Description="jenkins", VpcId=vpc_id)["GroupId"]
    rule = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}
    ec2.authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[dict(rule, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "old"}])]
    )
    ec2.authorize_security_group_egress(
        GroupId=group_id, IpPermissions=[dict(rule, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "old"}])]
    )
    return group_id, [dict(rule, IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "new"}])]


def _descriptions(ec2, group_id):
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return {
        direction: [r.get("Description") for p in group[key] for r in p.get("IpRanges", []) if p["IpProtocol"] == "tcp"]
        for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress"))
    }


def test_stock_moto_answers_rule_description_updates_without_return(aws, compat_patch):
    compat_patch.stock(ec2_security_group_rule_descriptions_return)
    ec2 = aws("ec2")
    group_id, permissions = _group_with_rules(ec2)
    # amazon.aws.ec2_security_group reads response["Return"] and fails with KeyError.
    assert "Return" not in ec2.update_security_group_rule_descriptions_ingress(
        GroupId=group_id, IpPermissions=permissions
    )
    assert "Return" not in ec2.update_security_group_rule_descriptions_egress(
        GroupId=group_id, IpPermissions=permissions
    )


def test_rule_description_updates_return_true(aws, compat_patch):
    ec2 = aws("ec2")
    group_id, permissions = _group_with_rules(ec2)
    with compat_patch(ec2_security_group_rule_descriptions_return):
        ingress = ec2.update_security_group_rule_descriptions_ingress(GroupId=group_id, IpPermissions=permissions)
        egress = ec2.update_security_group_rule_descriptions_egress(GroupId=group_id, IpPermissions=permissions)
        assert ingress["Return"] is True and egress["Return"] is True
        assert _descriptions(ec2, group_id) == {"ingress": ["new"], "egress": ["new"]}
        with pytest.raises(ClientError):
            ec2.update_security_group_rule_descriptions_ingress(GroupId="sg-00000000", IpPermissions=permissions)
