"""ELBv2 patches: default attributes of application load balancers."""

from __future__ import annotations

from tests.emulator.compat import elbv2_alb_default_attributes


def _alb(aws, name="jenkins"):
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc_id = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.6.0.0/24", "us-east-1a"), ("10.6.1.0/24", "us-east-1b"))
    ]
    return elbv2.create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]


def _attributes(elbv2, arn):
    return {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}


def test_stock_moto_omits_alb_default_attributes(aws, compat_patch):
    compat_patch.stock(elbv2_alb_default_attributes)
    attributes = _attributes(aws("elbv2"), _alb(aws))
    # amazon.aws.elb_application_lb indexes these and fails with KeyError.
    assert "idle_timeout.timeout_seconds" not in attributes
    assert "access_logs.s3.enabled" not in attributes
    assert "routing.http2.enabled" not in attributes


def test_new_alb_lists_aws_default_attributes(aws, compat_patch):
    elbv2 = aws("elbv2")
    with compat_patch(elbv2_alb_default_attributes):
        arn = _alb(aws)
        attributes = _attributes(elbv2, arn)
        expected = {
            "idle_timeout.timeout_seconds": "60",
            "access_logs.s3.enabled": "false",
            "access_logs.s3.bucket": "",
            "access_logs.s3.prefix": "",
            "deletion_protection.enabled": "false",
            "routing.http.drop_invalid_header_fields.enabled": "false",
            "routing.http2.enabled": "true",
        }
        assert {key: attributes.get(key) for key in expected} == expected
        elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=arn,
            Attributes=[
                {"Key": "idle_timeout.timeout_seconds", "Value": "300"},
                {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
            ],
        )
        attributes = _attributes(elbv2, arn)
        assert attributes["idle_timeout.timeout_seconds"] == "300"
        assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
        assert attributes["routing.http2.enabled"] == "true"
