"""Auto Scaling patches the failover drill needs: an unhealthy instance is replaced, a replacement is registered."""

from __future__ import annotations

from tests.emulator.compat import autoscaling_replacement_target_groups, autoscaling_unhealthy_replacement
from tests.unit.modules.helpers import seed_group


def _controller(aws, grace=0):
    arn = seed_group(
        aws,
        "controller",
        "10.4",
        target_group={},
        LaunchTemplate={"LaunchTemplateName": "controller", "Version": "$Latest"},
        HealthCheckType="ELB",
        HealthCheckGracePeriod=grace,
    ).target_group_arn
    return aws("ec2"), aws("autoscaling"), aws("elbv2"), arn


def _instances(autoscaling):
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["controller"])["AutoScalingGroups"][0]
    return [(i["InstanceId"], i["LifecycleState"], i["HealthStatus"]) for i in group["Instances"]]


def _targets(elbv2, arn):
    health = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    return {item["Target"]["Id"]: item["TargetHealth"]["State"] for item in health}


def test_stock_moto_never_replaces_an_unhealthy_instance(aws, compat_patch):
    compat_patch.stock(autoscaling_unhealthy_replacement)
    _unused, autoscaling, _unused, _unused = _controller(aws)
    [(old, _unused, _unused)] = _instances(autoscaling)
    autoscaling.set_instance_health(InstanceId=old, HealthStatus="Unhealthy", ShouldRespectGracePeriod=False)
    for _poll in range(3):
        assert _instances(autoscaling) == [(old, "InService", "Unhealthy")]


def test_unhealthy_instance_is_terminated_then_replaced(aws, compat_patch):
    ec2, autoscaling, elbv2, arn = _controller(aws)
    [(old, _unused, _unused)] = _instances(autoscaling)
    with compat_patch(autoscaling_unhealthy_replacement):
        autoscaling.set_instance_health(InstanceId=old, HealthStatus="Unhealthy", ShouldRespectGracePeriod=False)
        assert _instances(autoscaling) == [(old, "Terminating", "Unhealthy")]
        assert _targets(elbv2, arn) == {}
        [(new, state, health)] = _instances(autoscaling)
        assert new != old and (state, health) == ("InService", "Healthy")
        old_state = ec2.describe_instances(InstanceIds=[old])["Reservations"][0]["Instances"][0]["State"]["Name"]
        assert old_state == "terminated"
        assert _targets(elbv2, arn) == {new: "healthy"}
        # Settled: the next polls change nothing.
        assert _instances(autoscaling) == [(new, "InService", "Healthy")]


def test_unhealthy_inside_the_grace_period_does_not_count(aws, compat_patch):
    _unused, autoscaling, _unused, _unused = _controller(aws, grace=900)
    [(old, _unused, _unused)] = _instances(autoscaling)
    with compat_patch(autoscaling_unhealthy_replacement):
        autoscaling.set_instance_health(InstanceId=old, HealthStatus="Unhealthy")
        assert _instances(autoscaling) == [(old, "InService", "Healthy")]
        autoscaling.set_instance_health(InstanceId=old, HealthStatus="Unhealthy", ShouldRespectGracePeriod=False)
        assert _instances(autoscaling) == [(old, "Terminating", "Unhealthy")]


def test_stock_moto_leaves_the_replacement_of_a_terminated_instance_unregistered(aws, compat_patch):
    compat_patch.stock(autoscaling_replacement_target_groups)
    ec2, autoscaling, elbv2, arn = _controller(aws)
    [(old, _unused, _unused)] = _instances(autoscaling)
    ec2.terminate_instances(InstanceIds=[old])
    [(new, _unused, _unused)] = _instances(autoscaling)
    assert new != old
    assert new not in _targets(elbv2, arn)


def test_replacement_of_a_terminated_instance_is_registered(aws, compat_patch):
    ec2, autoscaling, elbv2, arn = _controller(aws)
    [(old, _unused, _unused)] = _instances(autoscaling)
    with compat_patch(autoscaling_replacement_target_groups):
        ec2.terminate_instances(InstanceIds=[old])
        [(new, _unused, _unused)] = _instances(autoscaling)
        assert new != old
        assert _targets(elbv2, arn) == {new: "healthy"}
