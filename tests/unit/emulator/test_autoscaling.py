"""Auto Scaling patches: metrics collection and instance refreshes."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import autoscaling_instance_refresh, autoscaling_metrics_collection

from .conftest import error_code


def _group(aws, name="controller", capacity=2):
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    images = [image["ImageId"] for image in ec2.describe_images(Owners=["amazon"])["Images"][:2]]
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.3.0.0/24")["Subnet"]["SubnetId"]
    ec2.create_launch_template(
        LaunchTemplateName=name, LaunchTemplateData={"ImageId": images[0], "InstanceType": "t3.micro"}
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": name, "Version": "$Latest"},
        MinSize=capacity,
        MaxSize=capacity,
        DesiredCapacity=capacity,
        VPCZoneIdentifier=subnet_id,
    )
    return autoscaling, ec2, images


def _enabled(autoscaling, name="controller"):
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    return [metric["Metric"] for metric in group.get("EnabledMetrics", [])]


def test_stock_moto_lacks_disable_metrics_collection(aws, compat_patch):
    compat_patch.stock(autoscaling_metrics_collection)
    autoscaling, _unused, _unused = _group(aws)
    with pytest.raises((NotImplementedError, ClientError)):
        autoscaling.disable_metrics_collection(AutoScalingGroupName="controller")
    # And omitting Metrics, which means "all of them" on AWS, enables none.
    autoscaling.enable_metrics_collection(AutoScalingGroupName="controller", Granularity="1Minute")
    assert _enabled(autoscaling) == []


def test_metrics_collection_adds_and_removes_metrics(aws, compat_patch):
    autoscaling, _unused, _unused = _group(aws)
    with compat_patch(autoscaling_metrics_collection):
        autoscaling.enable_metrics_collection(
            AutoScalingGroupName="controller", Granularity="1Minute", Metrics=["GroupInServiceInstances"]
        )
        autoscaling.enable_metrics_collection(
            AutoScalingGroupName="controller", Granularity="1Minute", Metrics=["GroupDesiredCapacity"]
        )
        assert _enabled(autoscaling) == ["GroupInServiceInstances", "GroupDesiredCapacity"]
        autoscaling.disable_metrics_collection(AutoScalingGroupName="controller", Metrics=["GroupInServiceInstances"])
        assert _enabled(autoscaling) == ["GroupDesiredCapacity"]
        autoscaling.disable_metrics_collection(AutoScalingGroupName="controller")
        assert _enabled(autoscaling) == []
        autoscaling.enable_metrics_collection(AutoScalingGroupName="controller", Granularity="1Minute")
        assert _enabled(autoscaling) == list(autoscaling_metrics_collection.ALL_METRICS)
        with pytest.raises(ClientError) as missing:
            autoscaling.disable_metrics_collection(AutoScalingGroupName="nope")
        assert error_code(missing) == "ValidationError"


def test_stock_moto_lacks_instance_refresh(aws, compat_patch):
    compat_patch.stock(autoscaling_instance_refresh)
    autoscaling, _unused, _unused = _group(aws)
    with pytest.raises((NotImplementedError, ClientError)):
        autoscaling.start_instance_refresh(AutoScalingGroupName="controller")
    with pytest.raises((NotImplementedError, ClientError)):
        autoscaling.describe_instance_refreshes(AutoScalingGroupName="controller")


def _instances(autoscaling, name="controller"):
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    return {instance["InstanceId"] for instance in group["Instances"]}


def test_instance_refresh_replaces_instances_from_the_current_template(aws, compat_patch):
    autoscaling, ec2, images = _group(aws)
    before = _instances(autoscaling)
    ec2.create_launch_template_version(LaunchTemplateName="controller", LaunchTemplateData={"ImageId": images[1]})
    with compat_patch(autoscaling_instance_refresh):
        refresh_id = autoscaling.start_instance_refresh(
            AutoScalingGroupName="controller", Preferences={"MinHealthyPercentage": 100}
        )["InstanceRefreshId"]
        with pytest.raises(ClientError) as busy:
            autoscaling.start_instance_refresh(AutoScalingGroupName="controller")
        assert error_code(busy) == "InstanceRefreshInProgress"

        seen = []
        for _unused in range(3):
            refresh = autoscaling.describe_instance_refreshes(AutoScalingGroupName="controller")["InstanceRefreshes"][0]
            seen.append(refresh["Status"])
        assert seen == ["InProgress", "Successful", "Successful"]
        assert refresh["InstanceRefreshId"] == refresh_id
        assert refresh["PercentageComplete"] == 100
        assert refresh["Preferences"]["MinHealthyPercentage"] == 100
        assert refresh["EndTime"] >= refresh["StartTime"]

        after = _instances(autoscaling)
        assert len(after) == 2 and not after & before
        described = ec2.describe_instances(InstanceIds=sorted(after))["Reservations"]
        assert {i["ImageId"] for r in described for i in r["Instances"]} == {images[1]}
        old = ec2.describe_instances(InstanceIds=sorted(before))["Reservations"]
        assert {i["State"]["Name"] for r in old for i in r["Instances"]} == {"terminated"}

        listed = autoscaling.describe_instance_refreshes(
            AutoScalingGroupName="controller", InstanceRefreshIds=[refresh_id]
        )["InstanceRefreshes"]
        assert [r["InstanceRefreshId"] for r in listed] == [refresh_id]


def test_instance_refresh_can_be_cancelled_while_active(aws, compat_patch):
    autoscaling, _unused, _unused = _group(aws, capacity=1)
    before = _instances(autoscaling)
    with compat_patch(autoscaling_instance_refresh):
        refresh_id = autoscaling.start_instance_refresh(AutoScalingGroupName="controller")["InstanceRefreshId"]
        assert autoscaling.cancel_instance_refresh(AutoScalingGroupName="controller")["InstanceRefreshId"] == refresh_id
        refresh = autoscaling.describe_instance_refreshes(AutoScalingGroupName="controller")["InstanceRefreshes"][0]
        assert refresh["Status"] == "Cancelled"
        assert _instances(autoscaling) == before
        with pytest.raises(ClientError) as nothing:
            autoscaling.cancel_instance_refresh(AutoScalingGroupName="controller")
        assert error_code(nothing) == "ActiveInstanceRefreshNotFound"
        # A new refresh may start once the previous one is over.
        autoscaling.start_instance_refresh(AutoScalingGroupName="controller", Preferences={"SkipMatching": True})
        for _unused in range(2):
            refresh = autoscaling.describe_instance_refreshes(AutoScalingGroupName="controller")["InstanceRefreshes"][0]
        assert refresh["Status"] == "Successful"
        # Skip matching: instances already on the template's image and type are kept.
        assert _instances(autoscaling) == before
