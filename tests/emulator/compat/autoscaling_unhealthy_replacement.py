"""An instance set Unhealthy (SetInstanceHealth) is terminated and replaced by its Auto Scaling group.

moto 5.2.5 only records the status: the instance stays InService for good and nothing replaces it. On AWS,
"Amazon EC2 Auto Scaling terminates and replaces the unhealthy instance" (API reference, SetInstanceHealth,
HealthStatus); with ShouldRespectGracePeriod left true, a call inside the group's health check grace period does not
count (same page, and the user guide's "Set the health check grace period"). Modelled as a poller sees it on AWS,
one step per DescribeAutoScalingGroups/DescribeAutoScalingInstances: Unhealthy InService -> Terminating (the
instance is deregistered from the group's target groups) -> terminated in EC2 and replaced by a new InService
instance, registered in the target groups. Lifecycle hooks, draining time and warm pools are not modelled.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ._util import Patcher

GAP = "SetInstanceHealth Unhealthy never terminates or replaces the instance"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _within_grace(state):
    group = state.auto_scaling_group
    launched = getattr(state.instance, "launch_time", None)
    if not isinstance(launched, datetime) or not group.health_check_grace_period:
        return False
    if launched.tzinfo is None:
        launched = launched.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc) < launched + timedelta(seconds=int(group.health_check_grace_period))


def set_instance_health(self):
    from moto.core.responses import EmptyResult

    instance_id = self._get_param("InstanceId")
    health_status = self._get_param("HealthStatus")
    if health_status not in ["Healthy", "Unhealthy"]:
        raise ValueError("Valid instance health states are: [Healthy, Unhealthy]")
    respect_grace = self._get_param("ShouldRespectGracePeriod") not in (False, "false")
    backend = self.autoscaling_backend
    state = next(
        (
            state
            for group in backend.autoscaling_groups.values()
            for state in group.instance_states
            if state.instance.id == instance_id
        ),
        None,
    )
    if state is not None and respect_grace and health_status == "Unhealthy" and _within_grace(state):
        return EmptyResult()
    backend.set_instance_health(instance_id, health_status)
    return EmptyResult()


def _deregister(backend, group, instance_ids):
    for arn in group.target_group_arns:
        target_group = backend.elbv2_backend.target_groups.get(arn)
        if target_group is not None:
            target_group.deregister_terminated_instances(instance_ids)


def _advance(backend):
    """One step of every group's replacement of its unhealthy instances."""
    for name, group in backend.autoscaling_groups.items():
        terminating = [state for state in group.instance_states if state.lifecycle_state == "Terminating"]
        if terminating:
            ids = [state.instance.id for state in terminating]
            backend.ec2_backend.terminate_instances(ids)
            group.instance_states = [state for state in group.instance_states if state not in terminating]
            group.replace_autoscaling_group_instances(len(terminating), group.get_propagated_tags())
            backend.update_attached_elbs(name)
            backend.update_attached_target_groups(name)
        for state in group.instance_states:
            if state.health_status == "Unhealthy" and state.lifecycle_state == "InService":
                state.lifecycle_state = "Terminating"
                _deregister(backend, group, [state.instance.id])


def _advancing(original):
    def describe(self):
        _advance(self.autoscaling_backend)
        return original(self)

    describe.__name__ = original.__name__
    return describe


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse

    _patcher.setattr(AutoScalingResponse, "set_instance_health", set_instance_health)
    for name in ("describe_auto_scaling_groups", "describe_auto_scaling_instances"):
        _patcher.setattr(AutoScalingResponse, name, _advancing(getattr(AutoScalingResponse, name)))
    _patcher.active = True


def remove():
    _patcher.restore()
