"""The instance refresh model against AWS's documented behaviour (User Guide "Replacing Auto Scaling instances based
on an instance refresh", botocore's autoscaling model): a refresh waits for its new instances to pass the group's
health checks (ELB: target health), the group takes the DesiredConfiguration only when the refresh succeeds, a
rollback in progress can be cancelled, and DescribeInstanceRefreshes lists newest first under MaxRecords."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import autoscaling_instance_refresh, autoscaling_instance_refresh_rollback
from tests.unit.modules.helpers import seed_group

from .conftest import DESIRED, described_group, error_code, launched_images, newest_refresh

HANDOVER = {"MinHealthyPercentage": 0, "MaxHealthyPercentage": 100}


def _stack(aws, elb=False, capacity=1):
    health = {"HealthCheckType": "ELB", "HealthCheckGracePeriod": 0} if elb else {}
    seeded = seed_group(
        aws,
        "g",
        "10.5",
        images=2,
        template="grp",
        target_group={"HealthCheckPath": "/login", "TargetType": "instance"} if elb else None,
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=capacity,
        **health,
    )
    return aws("autoscaling"), aws("ec2"), aws("elbv2"), seeded.images, seeded.target_group_arn


def _health(elbv2, arn):
    return {
        t["Target"]["Id"]: t["TargetHealth"]["State"]
        for t in elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    }


def test_stock_moto_reports_every_registered_instance_healthy(aws, compat_patch):
    compat_patch.stock(autoscaling_instance_refresh)
    _unused, _unused, elbv2, images, arn = _stack(aws, elb=True)
    autoscaling_instance_refresh.set_failing_image(images[0])
    try:
        assert set(_health(elbv2, arn).values()) == {"healthy"}
    finally:
        autoscaling_instance_refresh.set_failing_image(images[0], failing=False)


def test_stock_moto_refresh_does_not_wait_for_health(aws, compat_patch):
    """Stock moto has no refresh at all; the model before this change went on to Successful with a failing target."""
    compat_patch.stock(autoscaling_instance_refresh)
    autoscaling, _unused, _unused, _unused, _unused = _stack(aws, elb=True)
    with pytest.raises((NotImplementedError, ClientError)):
        autoscaling.start_instance_refresh(AutoScalingGroupName="g", DesiredConfiguration=DESIRED)


def test_a_refresh_waits_for_its_new_instance_to_be_a_healthy_target(aws, compat_patch):
    autoscaling, ec2, elbv2, images, arn = _stack(aws, elb=True)
    with compat_patch(autoscaling_instance_refresh), compat_patch(autoscaling_instance_refresh_rollback):
        autoscaling_instance_refresh.set_failing_image(images[1])
        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g", DesiredConfiguration=DESIRED, Preferences=dict(HANDOVER)
        )
        refresh = newest_refresh(autoscaling, 2)
        [new] = described_group(autoscaling)["Instances"]
        assert refresh["Status"] == "InProgress" and "insufficient data" in refresh["StatusReason"]
        assert launched_images(ec2, described_group(autoscaling)) == [images[1]]
        refresh = newest_refresh(autoscaling, 5)
        assert refresh["Status"] == "InProgress", refresh
        assert f"{new['InstanceId']} is unhealthy with Elastic Load Balancing" in refresh["StatusReason"]
        assert _health(elbv2, arn) == {new["InstanceId"]: "unhealthy"}
        # The group keeps its own configuration while the refresh is not done.
        assert described_group(autoscaling)["LaunchTemplate"]["Version"] == "1"
        # RollbackInstanceRefresh accepts an InProgress refresh: the way out of a refresh that never gets healthy.
        autoscaling.rollback_instance_refresh(AutoScalingGroupName="g")
        # The rollback, too, waits for the instance it launches to be a healthy target.
        assert [newest_refresh(autoscaling)["Status"] for _unused in range(2)] == [
            "RollbackInProgress",
            "RollbackSuccessful",
        ]
        group = described_group(autoscaling)
        assert group["LaunchTemplate"]["Version"] == "1" and launched_images(ec2, group) == [images[0]]

        autoscaling_instance_refresh.set_failing_image(images[1], failing=False)
        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g", DesiredConfiguration=DESIRED, Preferences=dict(HANDOVER)
        )
        assert [newest_refresh(autoscaling)["Status"] for _unused in range(4)] == [
            "InProgress",
            "InProgress",
            "Successful",
            "Successful",
        ]
        assert described_group(autoscaling)["LaunchTemplate"]["Version"] == "2"


def test_the_group_takes_the_desired_configuration_only_when_the_refresh_succeeds(aws, compat_patch):
    autoscaling, ec2, _unused, images, _unused = _stack(aws, capacity=2)
    with compat_patch(autoscaling_instance_refresh):
        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g", DesiredConfiguration=DESIRED, Preferences=dict(HANDOVER, BakeTime=3600)
        )
        assert newest_refresh(autoscaling, 2)["Status"] == "Baking"
        group = described_group(autoscaling)
        assert launched_images(ec2, group) == [images[1]] * 2 and group["LaunchTemplate"]["Version"] == "1"
        # A cancel keeps the replaced instances and the group's own configuration.
        autoscaling.cancel_instance_refresh(AutoScalingGroupName="g")
        assert newest_refresh(autoscaling)["Status"] == "Cancelled"
        assert described_group(autoscaling)["LaunchTemplate"]["Version"] == "1"

        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g", DesiredConfiguration=DESIRED, Preferences=dict(HANDOVER, BakeTime=0)
        )
        assert newest_refresh(autoscaling, 2)["Status"] == "Successful"
        assert described_group(autoscaling)["LaunchTemplate"]["Version"] == "2"


def test_a_rollback_in_progress_can_be_cancelled(aws, compat_patch):
    autoscaling, _unused, _unused, _unused, _unused = _stack(aws)
    with compat_patch(autoscaling_instance_refresh), compat_patch(autoscaling_instance_refresh_rollback):
        refresh_id = autoscaling.start_instance_refresh(
            AutoScalingGroupName="g", DesiredConfiguration=DESIRED, Preferences=dict(HANDOVER, BakeTime=3600)
        )["InstanceRefreshId"]
        assert newest_refresh(autoscaling, 2)["Status"] == "Baking"
        autoscaling.rollback_instance_refresh(AutoScalingGroupName="g")
        assert autoscaling.cancel_instance_refresh(AutoScalingGroupName="g")["InstanceRefreshId"] == refresh_id
        refresh = newest_refresh(autoscaling)
        assert refresh["Status"] == "Cancelled" and "Rollback cancelled" in refresh["StatusReason"]
        with pytest.raises(ClientError) as nothing:
            autoscaling.cancel_instance_refresh(AutoScalingGroupName="g")
        assert error_code(nothing) == "ActiveInstanceRefreshNotFound"


def test_described_newest_first_and_max_records_gives_the_newest(aws, compat_patch):
    autoscaling, _unused, _unused, _unused, _unused = _stack(aws)
    with compat_patch(autoscaling_instance_refresh):
        ids = []
        for _unused in range(3):
            ids.append(autoscaling.start_instance_refresh(AutoScalingGroupName="g")["InstanceRefreshId"])
            autoscaling.cancel_instance_refresh(AutoScalingGroupName="g")
        page = autoscaling.describe_instance_refreshes(AutoScalingGroupName="g", MaxRecords=1)
        assert [r["InstanceRefreshId"] for r in page["InstanceRefreshes"]] == [ids[-1]] and page["NextToken"]
        rest = autoscaling.describe_instance_refreshes(AutoScalingGroupName="g", NextToken=page["NextToken"])
        assert [r["InstanceRefreshId"] for r in rest["InstanceRefreshes"]] == ids[-2::-1]


def test_failing_images_hook_refuses_bad_bodies(aws, compat_patch):
    class Request:
        method = "POST"

        def __init__(self, body):
            self.body = json.dumps(body).encode()

    with compat_patch(autoscaling_instance_refresh):
        status, _unused, body = autoscaling_instance_refresh.failing_images(Request({"failing": True}), "", {})
        assert status == 400 and json.loads(body)["error"] == "ValidationError"
        status, _unused, body = autoscaling_instance_refresh.failing_images(
            Request({"image_id": "ami-1", "failing": "yes"}), "", {}
        )
        assert status == 400
        status, _unused, body = autoscaling_instance_refresh.failing_images(Request({"image_id": "ami-1"}), "", {})
        assert status == 200 and json.loads(body) == {"failing_images": ["ami-1"]}
    assert autoscaling_instance_refresh.set_failing_image("ami-2", failing=False) == []
