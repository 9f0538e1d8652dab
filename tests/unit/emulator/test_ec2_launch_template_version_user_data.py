"""Instances launch from a launch template's version 2 with user data (ec2_launch_template_version_user_data): what
an instance refresh onto the version launch_templates.yml adds for a new image needs (`make demo-upgrade`)."""

from __future__ import annotations

import base64

import pytest

from tests.emulator.compat import ec2_launch_template_version_user_data
from tests.unit.modules.helpers import seed_group

USER_DATA = base64.b64encode(b"#!/bin/sh\necho stack=demo\n").decode()


def _group_on_version_2(aws):
    """A group on version 1 of template grp (user data), then told to launch from its version 2 (user data too)."""
    seed_group(aws, "g", "10.62", template="grp", template_data={"UserData": USER_DATA}, MinSize=0, DesiredCapacity=0)
    ec2 = aws("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][1]["ImageId"]
    ec2.create_launch_template_version(
        LaunchTemplateName="grp", SourceVersion="1", LaunchTemplateData={"ImageId": image, "UserData": USER_DATA}
    )
    autoscaling = aws("autoscaling")
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName="g", LaunchTemplate={"LaunchTemplateName": "grp", "Version": "2"}
    )
    return autoscaling, image


def test_stock_moto_cannot_launch_from_version_2_with_user_data(aws, compat_patch):
    compat_patch.stock(ec2_launch_template_version_user_data)
    autoscaling, dummy = _group_on_version_2(aws)
    with pytest.raises(AssertionError):
        autoscaling.set_desired_capacity(AutoScalingGroupName="g", DesiredCapacity=1)


def test_the_group_launches_from_version_2_with_its_user_data(aws, compat_patch):
    with compat_patch(ec2_launch_template_version_user_data):
        autoscaling, image = _group_on_version_2(aws)
        autoscaling.set_desired_capacity(AutoScalingGroupName="g", DesiredCapacity=1)
        [instance] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0][
            "Instances"
        ]
        ec2 = aws("ec2")
        [reservation] = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"]
        assert reservation["Instances"][0]["ImageId"] == image
        attribute = ec2.describe_instance_attribute(InstanceId=instance["InstanceId"], Attribute="userData")
        assert attribute["UserData"]["Value"] == USER_DATA
        [version] = ec2.describe_launch_template_versions(LaunchTemplateName="grp", Versions=["2"])[
            "LaunchTemplateVersions"
        ]
        assert version["LaunchTemplateData"]["UserData"] == USER_DATA


def test_user_data_that_is_not_base64_is_refused(aws, compat_patch):
    with compat_patch(ec2_launch_template_version_user_data):
        seed_group(aws, "g", "10.63", template="grp", MinSize=0, DesiredCapacity=0)
        with pytest.raises(aws("ec2").exceptions.ClientError) as raised:
            aws("ec2").create_launch_template_version(
                LaunchTemplateName="grp", LaunchTemplateData={"UserData": "not base64 !"}
            )
        assert "InvalidUserData" in raised.value.response["Error"]["Code"]
