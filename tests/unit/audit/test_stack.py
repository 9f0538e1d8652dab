"""The stack's resources as the audit names them (tests/audit/stack.py), read from in-process moto: what the stack
tags, what AWS creates untagged on its behalf in its VPC, and nothing of another stack or of the account's default
VPC."""

from __future__ import annotations

from tests.audit.stack import stack_resources
from tests.unit.modules.helpers import in_process_moto

TAGS = [{"Key": "jenkins-ha:stack", "Value": "demo"}]


def make_vpc(ec2, name, stack):
    tags = [{"Key": "Name", "Value": name}, {"Key": "jenkins-ha:stack", "Value": stack}]
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}])["Vpc"]
    ec2.create_security_group(
        GroupName=name + "-alb",
        Description="alb",
        VpcId=vpc["VpcId"],
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": name + "-alb"}]}],
    )
    return vpc["VpcId"]


def test_labels_are_stable_names_and_other_stacks_are_left_out(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        ec2 = client("ec2")
        vpc_id = make_vpc(ec2, "demo", "demo")
        other_vpc = make_vpc(ec2, "other", "other")
        client("logs").create_log_group(logGroupName="/jenkins-ha/demo/controller")
        client("logs").create_log_group(logGroupName="/jenkins-ha/other/controller")
        recorded, other_image = [i["ImageId"] for i in ec2.describe_images(Owners=["amazon"])["Images"][:2]]
        client("ssm").put_parameter(Name="/jenkins-ha/demo/ami/controller", Value=recorded, Type="String")
        ec2.create_launch_template(LaunchTemplateName="demo-agent", LaunchTemplateData={"ImageId": other_image})
        ec2.create_launch_template(LaunchTemplateName="other-agent", LaunchTemplateData={"ImageId": "ami-12c6146b"})
        s3 = client("s3")
        for name, stack in (("demo-alb-logs-123456789012-us-east-1", "demo"), ("other-alb-logs", "other")):
            s3.create_bucket(Bucket=name)
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "jenkins-ha:stack", "Value": stack}]})
        s3.create_bucket(Bucket="untagged")
        found = stack_resources(client, "demo", "us-east-1", "123456789012")

    labels = set(found.values())
    assert found[vpc_id] == "vpc demo"
    assert {
        "security-group demo-alb",
        "security-group default of vpc demo",
        "network-acl default of vpc demo",
        "route-table main of vpc demo",
        "log-group /jenkins-ha/demo/controller",
    } <= labels
    assert found["arn:aws:s3:::demo-alb-logs-123456789012-us-east-1"] == "bucket demo-alb-logs-${account}-us-east-1"
    assert found[recorded] == "image /jenkins-ha/demo/ami/controller"
    assert found[other_image] == "image of launch-template demo-agent"
    assert any(
        label.startswith("snapshot /dev/") and label.endswith("of image of launch-template demo-agent")
        for label in labels
    )
    assert other_vpc not in found
    assert not [label for label in labels if "other" in label]
    acl = next(i for i, label in found.items() if label == "network-acl default of vpc demo" and i.startswith("arn:"))
    assert acl.startswith("arn:aws:ec2:us-east-1:123456789012:network-acl/acl-")
