"""DeleteAutoScalingGroup with ForceDelete terminates the group's instances, protected from scale-in or not
(autoscaling_force_delete): what removes a retired agent pool's agents with its group."""

from __future__ import annotations

from tests.emulator.compat import autoscaling_force_delete
from tests.unit.modules.helpers import seed_group

GROUP = "retired"


def _group(aws, **group_args):
    """Three agents, the first two protected from scale-in (as the EC2 Fleet plugin launches them)."""
    seeded = seed_group(aws, GROUP, "10.62", target_group={}, MinSize=0, MaxSize=4, DesiredCapacity=3, **group_args)
    autoscaling = aws("autoscaling")
    described = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"][0]
    ids = sorted(i["InstanceId"] for i in described["Instances"])
    autoscaling.set_instance_protection(AutoScalingGroupName=GROUP, InstanceIds=ids[:2], ProtectedFromScaleIn=True)
    return autoscaling, ids, seeded.target_group_arn


def _states(aws, ids):
    reservations = aws("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}


def _targets(aws, arn):
    health = aws("elbv2").describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return sorted(item["Target"]["Id"] for item in health)


def _gone(autoscaling):
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])["AutoScalingGroups"] == []


def test_stock_moto_force_delete_leaves_protected_instances_running(aws, compat_patch):
    compat_patch.stock(autoscaling_force_delete)
    autoscaling, ids, _unused = _group(aws)
    autoscaling.delete_auto_scaling_group(AutoScalingGroupName=GROUP, ForceDelete=True)
    assert _gone(autoscaling)
    assert _states(aws, ids) == {ids[0]: "running", ids[1]: "running", ids[2]: "terminated"}


def test_force_delete_terminates_every_instance_of_the_group(aws, compat_patch):
    autoscaling, ids, arn = _group(aws)
    assert _targets(aws, arn) == ids
    with compat_patch(autoscaling_force_delete):
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName=GROUP, ForceDelete=True)
        assert _gone(autoscaling)
        assert _states(aws, ids) == dict.fromkeys(ids, "terminated")
        assert _targets(aws, arn) == []
        # Nothing replaced them: the account has no other instance running.
        running = aws("ec2").describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["running"]}])
        assert running["Reservations"] == []


def test_force_delete_of_a_frozen_group_with_launch_and_terminate_suspended(aws, compat_patch):
    autoscaling, ids, _unused = _group(aws)
    with compat_patch(autoscaling_force_delete):
        autoscaling.suspend_processes(AutoScalingGroupName=GROUP, ScalingProcesses=["Launch", "Terminate"])
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName=GROUP, ForceDelete=True)
        assert _gone(autoscaling) and _states(aws, ids) == dict.fromkeys(ids, "terminated")
