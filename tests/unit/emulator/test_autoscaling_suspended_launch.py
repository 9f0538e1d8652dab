"""A group with its Launch process suspended launches nothing until Launch is resumed (autoscaling_suspended_launch):
what keeps a retiring agent pool's group from starting agents while its EC2 Fleet cloud still asks for capacity."""

from __future__ import annotations

import pytest

from tests.emulator.compat import autoscaling_suspended_launch
from tests.unit.modules.helpers import seed_group

GROUP = "frozen"

# Every way the group's capacity rises while Launch is suspended: the call, and the desired capacity it records.
RAISES = {
    # What the EC2 Fleet plugin sends when its cloud wants agents (tests/fakes/jenkins/README.md, update()).
    "fleet plugin update": (
        lambda autoscaling: autoscaling.update_auto_scaling_group(
            AutoScalingGroupName=GROUP, MinSize=0, MaxSize=4, DesiredCapacity=3, NewInstancesProtectedFromScaleIn=True
        ),
        3,
    ),
    "set desired capacity": (
        lambda autoscaling: autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=2),
        2,
    ),
    "min size above the instances": (
        lambda autoscaling: autoscaling.update_auto_scaling_group(AutoScalingGroupName=GROUP, MinSize=2),
        2,
    ),
}


def _group(aws):
    seed_group(aws, GROUP, "10.61", MinSize=0, MaxSize=4, DesiredCapacity=1)
    return aws("autoscaling")


def _described(autoscaling):
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]
    return group["DesiredCapacity"], sorted(i["InstanceId"] for i in group["Instances"])


def _running(aws, ids):
    reservations = aws("ec2").describe_instances(InstanceIds=ids)["Reservations"] if ids else []
    return sorted(i["InstanceId"] for r in reservations for i in r["Instances"] if i["State"]["Name"] == "running")


def test_stock_moto_launches_with_launch_suspended(aws, compat_patch):
    compat_patch.stock(autoscaling_suspended_launch)
    autoscaling = _group(aws)
    autoscaling.suspend_processes(AutoScalingGroupName=GROUP, ScalingProcesses=["Launch"])
    autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=3)
    desired, instances = _described(autoscaling)
    assert desired == 3 and len(instances) == 3


@pytest.mark.parametrize("raise_capacity, desired", RAISES.values(), ids=list(RAISES))
def test_raised_capacity_launches_nothing_until_launch_resumes(aws, compat_patch, raise_capacity, desired):
    autoscaling = _group(aws)
    _unused, before = _described(autoscaling)
    with compat_patch(autoscaling_suspended_launch):
        autoscaling.suspend_processes(AutoScalingGroupName=GROUP, ScalingProcesses=["Launch"])
        raise_capacity(autoscaling)
        assert _described(autoscaling) == (desired, before)
        # Resuming another process launches nothing; resuming Launch brings the group to its desired capacity.
        autoscaling.resume_processes(AutoScalingGroupName=GROUP, ScalingProcesses=["AZRebalance"])
        assert _described(autoscaling) == (desired, before)
        autoscaling.resume_processes(AutoScalingGroupName=GROUP, ScalingProcesses=["Launch"])
        after_desired, after = _described(autoscaling)
        assert after_desired == desired and len(after) == desired and set(before) <= set(after)
        assert _running(aws, after) == after


def test_suspending_every_process_suspends_launch(aws, compat_patch):
    autoscaling = _group(aws)
    with compat_patch(autoscaling_suspended_launch):
        autoscaling.suspend_processes(AutoScalingGroupName=GROUP)
        autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=2)
        assert len(_described(autoscaling)[1]) == 1
        autoscaling.resume_processes(AutoScalingGroupName=GROUP)
        assert len(_described(autoscaling)[1]) == 2


def test_a_terminated_instance_is_replaced_only_once_launch_resumes(aws, compat_patch):
    autoscaling = _group(aws)
    [old] = _described(autoscaling)[1]
    with compat_patch(autoscaling_suspended_launch):
        autoscaling.suspend_processes(AutoScalingGroupName=GROUP, ScalingProcesses=["Launch"])
        aws("ec2").terminate_instances(InstanceIds=[old])
        assert _described(autoscaling) == (1, [])
        autoscaling.resume_processes(AutoScalingGroupName=GROUP, ScalingProcesses=["Launch"])
        [new] = _described(autoscaling)[1]
        assert new != old and _running(aws, [new]) == [new]


def test_scale_in_still_works_with_launch_suspended(aws, compat_patch):
    autoscaling = _group(aws)
    with compat_patch(autoscaling_suspended_launch):
        autoscaling.suspend_processes(AutoScalingGroupName=GROUP, ScalingProcesses=["Launch"])
        autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=0)
        assert _described(autoscaling) == (0, [])
