"""Helpers the unit tests share: in-process moto, module parameters, a seeded Auto Scaling group."""

import collections
import contextlib
import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from moto import mock_aws

REGION = "us-east-1"
# Settings of the caller's environment that would send boto3 elsewhere than moto, or to a real account.
FOREIGN_SETTINGS = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def use_test_credentials(monkeypatch, region=REGION):
    """Fake credentials and the test region, and none of the caller's endpoint, profile or session."""
    for key in FOREIGN_SETTINGS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)


@contextlib.contextmanager
def in_process_moto(monkeypatch, region=REGION):
    """moto's backends in this process; yields a factory of boto3 clients (service name -> client)."""
    use_test_credentials(monkeypatch, region)
    with mock_aws():
        yield lambda service: boto3.client(service, region_name=region)


def module_params(argument_spec, **overrides):
    """module.params as AnsibleModule would fill them from argument_spec (every default), with overrides."""
    params = {name: option.get("default") for name, option in argument_spec.items()}
    params.update(overrides)
    return params


def run_module(main, capsys, **args):
    """Run a module's main() with args (region us-east-1 unless given) and return its JSON result."""
    args.setdefault("region", REGION)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            main()
    return json.loads(capsys.readouterr().out)


SeededGroup = collections.namedtuple("SeededGroup", "images target_group_arn")


def seed_group(aws, name, cidr, images=1, template=None, template_data=None, target_group=None, **group_args):
    """A launch template (default: the group's name) with one version per image, Amazon's first images, and an Auto
    Scaling group on its version 1 in one subnet of a new VPC cidr.0.0/16. template_data: more of version 1's data;
    target_group: CreateTargetGroup arguments of a target group named after the template, the group registers in it.
    group_args add to or override CreateAutoScalingGroup's (size 1 unless given; a MixedInstancesPolicy replaces the
    LaunchTemplate)."""
    ec2 = aws("ec2")
    template = template or name
    image_ids = [image["ImageId"] for image in ec2.describe_images(Owners=["amazon"])["Images"][:images]]
    vpc_id = ec2.create_vpc(CidrBlock=cidr + ".0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr + ".0.0/24")["Subnet"]["SubnetId"]
    first = {"ImageId": image_ids[0], **(template_data or {})}
    ec2.create_launch_template(LaunchTemplateName=template, LaunchTemplateData=first)
    for image in image_ids[1:]:
        ec2.create_launch_template_version(LaunchTemplateName=template, LaunchTemplateData={"ImageId": image})
    arn = None
    if target_group is not None:
        listener = {"Protocol": "HTTP", "Port": 8080, "VpcId": vpc_id}
        created = aws("elbv2").create_target_group(Name=template, **listener, **target_group)
        arn = created["TargetGroups"][0]["TargetGroupArn"]
        group_args.setdefault("TargetGroupARNs", [arn])
    if "MixedInstancesPolicy" not in group_args:
        group_args.setdefault("LaunchTemplate", {"LaunchTemplateName": template, "Version": "1"})
    for size in ("MinSize", "MaxSize", "DesiredCapacity"):
        group_args.setdefault(size, 1)
    aws("autoscaling").create_auto_scaling_group(AutoScalingGroupName=name, VPCZoneIdentifier=subnet_id, **group_args)
    return SeededGroup(image_ids, arn)
