"""Auto Scaling group calls are authorized against the group's ARN, as AWS does, when IAM enforcement is on.

Stock moto checks every Auto Scaling request against the resource ``"*"``, so with INITIAL_NO_AUTH_ACTION_COUNT
set a role allowed ``autoscaling:UpdateAutoScalingGroup`` on its own group's ARN is denied, and only an Allow on
``"*"`` (every group of the account) passes. The patch names the group's ARN
(``arn:<partition>:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>``) for the
calls that act on one group by name, and the group an instance belongs to for TerminateInstanceInAutoScalingGroup
and SetInstanceHealth. A group moto does not know is named with ``*`` for its uuid; an instance in no group, and
the Describe* calls (which AWS authorizes on ``"*"`` too), keep ``"*"``. Without enforcement nothing changes.
"""

from __future__ import annotations

from ._iam import authorize_each
from ._util import Patcher

GAP = "Auto Scaling requests are authorized against Resource '*': an Allow scoped to a group ARN is denied"
MOTO_VERSION = "5.2.5"

# Calls that name their group with AutoScalingGroupName (the Service Authorization Reference lists the
# autoScalingGroup resource type for each).
BY_GROUP_NAME = frozenset(
    {
        "UpdateAutoScalingGroup",
        "SetDesiredCapacity",
        "SetInstanceProtection",
        "DeleteAutoScalingGroup",
        "AttachInstances",
        "DetachInstances",
        "SuspendProcesses",
        "ResumeProcesses",
        "EnableMetricsCollection",
        "DisableMetricsCollection",
        "StartInstanceRefresh",
        "CancelInstanceRefresh",
        "PutScalingPolicy",
        "PutLifecycleHook",
        "CompleteLifecycleAction",
        "AttachLoadBalancerTargetGroups",
        "DetachLoadBalancerTargetGroups",
    }
)
BY_INSTANCE_ID = frozenset({"TerminateInstanceInAutoScalingGroup", "SetInstanceHealth"})

_patcher = Patcher()


def group_arn(response, name):
    group = response.autoscaling_backend.autoscaling_groups.get(name)
    if group is not None:
        return group.arn
    return "arn:{0}:autoscaling:{1}:{2}:autoScalingGroup:*:autoScalingGroupName/{3}".format(
        response.partition, response.region, response.current_account, name
    )


def resources_of(response):
    action = response._get_action()
    if action in BY_GROUP_NAME:
        name = response._get_param("AutoScalingGroupName")
        return [group_arn(response, name)] if name else []
    if action in BY_INSTANCE_ID:
        instance_id = response._get_param("InstanceId")
        for group in response.autoscaling_backend.autoscaling_groups.values():
            if any(state.instance.id == instance_id for state in group.instance_states):
                return [group.arn]
    return []


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse

    _patcher.setattr(AutoScalingResponse, "_authenticate_and_authorize_normal_action", authorize_each(resources_of))
    _patcher.active = True


def remove():
    _patcher.restore()
