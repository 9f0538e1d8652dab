"""Instance refresh preferences, bake time and rollback on the emulator: AWS's rules (botocore's RefreshPreferences
documentation and the RollbackInstanceRefresh reference), refused where AWS refuses."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import autoscaling_instance_refresh, autoscaling_instance_refresh_rollback
from tests.unit.modules.helpers import seed_group

from .conftest import DESIRED, described_group, error_code, launched_images, newest_refresh


def _stack(aws, capacity=2, protect=False):
    seeded = seed_group(
        aws,
        "g",
        "10.4",
        images=2,
        template="grp",
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=capacity,
        NewInstancesProtectedFromScaleIn=protect,
    )
    return aws("autoscaling"), aws("ec2"), seeded.images


@pytest.mark.parametrize(
    "preferences, desired, message",
    [
        ({"MaxHealthyPercentage": 100}, None, "requires MinHealthyPercentage"),
        ({"MinHealthyPercentage": 0, "MaxHealthyPercentage": 150}, None, "cannot be greater than 100"),
        ({"AutoRollback": True}, None, "requires a DesiredConfiguration"),
        (
            {"AutoRollback": True},
            {"LaunchTemplate": {"LaunchTemplateName": "grp", "Version": "$Latest"}},
            "$Latest or $Default",
        ),
    ],
)
def test_refused_preferences(aws, compat_patch, preferences, desired, message):
    autoscaling, _unused, _unused = _stack(aws)
    with compat_patch(autoscaling_instance_refresh):
        extra = {"DesiredConfiguration": desired} if desired else {}
        with pytest.raises(ClientError) as refused:
            autoscaling.start_instance_refresh(AutoScalingGroupName="g", Preferences=preferences, **extra)
        assert error_code(refused) == "ValidationError" and message in str(refused.value)


def test_defaults_are_awss(aws, compat_patch):
    autoscaling, _unused, _unused = _stack(aws)
    with compat_patch(autoscaling_instance_refresh):
        autoscaling.start_instance_refresh(AutoScalingGroupName="g")
        preferences = newest_refresh(autoscaling)["Preferences"]
    assert preferences["ScaleInProtectedInstances"] == "Wait" and preferences["MinHealthyPercentage"] == 90


@pytest.mark.parametrize("mode, replaced", [("Refresh", 2), ("Ignore", 0)])
def test_protected_instances_refresh_or_ignore(aws, compat_patch, mode, replaced):
    autoscaling, ec2, images = _stack(aws, protect=True)
    before = {i["InstanceId"] for i in described_group(autoscaling)["Instances"]}
    with compat_patch(autoscaling_instance_refresh):
        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g", DesiredConfiguration=DESIRED, Preferences={"ScaleInProtectedInstances": mode}
        )
        assert newest_refresh(autoscaling, 2)["Status"] == "Successful"
    group = described_group(autoscaling)
    assert len(before - {i["InstanceId"] for i in group["Instances"]}) == replaced
    assert group["LaunchTemplate"]["Version"] == "2"
    assert launched_images(ec2, group).count(images[1]) == replaced


def test_protected_instances_wait_until_unprotected_and_fail_after_the_hour(aws, compat_patch, monkeypatch):
    autoscaling, ec2, images = _stack(aws, protect=True)
    ids = sorted(i["InstanceId"] for i in described_group(autoscaling)["Instances"])
    with compat_patch(autoscaling_instance_refresh):
        autoscaling.start_instance_refresh(AutoScalingGroupName="g", DesiredConfiguration=DESIRED)
        refresh = newest_refresh(autoscaling, 3)
        assert refresh["Status"] == "InProgress" and ids[0] in refresh["StatusReason"]
        # Still waiting: the group keeps its configuration.
        assert described_group(autoscaling)["LaunchTemplate"]["Version"] == "1"
        autoscaling.set_instance_protection(AutoScalingGroupName="g", InstanceIds=ids, ProtectedFromScaleIn=False)
        assert newest_refresh(autoscaling)["Status"] == "Successful"
        assert launched_images(ec2, described_group(autoscaling)) == [images[1]] * 2

        autoscaling.set_instance_protection(
            AutoScalingGroupName="g",
            InstanceIds=[i["InstanceId"] for i in described_group(autoscaling)["Instances"]],
            ProtectedFromScaleIn=True,
        )
        monkeypatch.setattr(autoscaling_instance_refresh, "PROTECTED_WAIT_SECONDS", 0)
        autoscaling.start_instance_refresh(AutoScalingGroupName="g")
        refresh = newest_refresh(autoscaling, 2)
        assert refresh["Status"] == "Failed" and "scale-in protection" in refresh["StatusReason"]


def test_stock_moto_lacks_rollback(aws, compat_patch):
    compat_patch.stock(autoscaling_instance_refresh_rollback)
    autoscaling, _unused, _unused = _stack(aws)
    with compat_patch(autoscaling_instance_refresh):
        autoscaling.start_instance_refresh(AutoScalingGroupName="g", DesiredConfiguration=DESIRED)
        with pytest.raises((NotImplementedError, ClientError)):
            autoscaling.rollback_instance_refresh(AutoScalingGroupName="g")


def test_rollback_while_baking_restores_the_previous_version_and_image(aws, compat_patch):
    autoscaling, ec2, images = _stack(aws)
    with compat_patch(autoscaling_instance_refresh), compat_patch(autoscaling_instance_refresh_rollback):
        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g",
            DesiredConfiguration=DESIRED,
            Preferences={"MinHealthyPercentage": 0, "MaxHealthyPercentage": 100, "BakeTime": 3600},
        )
        assert newest_refresh(autoscaling, 2)["Status"] == "Baking"
        assert launched_images(ec2, described_group(autoscaling)) == [images[1]] * 2
        autoscaling.rollback_instance_refresh(AutoScalingGroupName="g")
        assert newest_refresh(autoscaling)["Status"] == "RollbackSuccessful"
        group = described_group(autoscaling)
        assert group["LaunchTemplate"]["Version"] == "1" and launched_images(ec2, group) == [images[0]] * 2
        with pytest.raises(ClientError) as over:
            autoscaling.rollback_instance_refresh(AutoScalingGroupName="g")
        assert error_code(over) == "ActiveInstanceRefreshNotFound"

        autoscaling.start_instance_refresh(AutoScalingGroupName="g")
        with pytest.raises(ClientError) as irreversible:
            autoscaling.rollback_instance_refresh(AutoScalingGroupName="g")
        assert error_code(irreversible) == "IrreversibleInstanceRefresh"
