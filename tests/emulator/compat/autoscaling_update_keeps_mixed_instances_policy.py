"""Auto Scaling UpdateAutoScalingGroup that names no launch template keeps the group's mixed instances policy.

moto's UpdateAutoScalingGroup replaces the group's MixedInstancesPolicy with whatever the request carries, so an
update of anything else (NewInstancesProtectedFromScaleIn from jenkins_ha.aws.autoscaling_scale_in_protection,
CapacityRebalance, sizes) drops a Spot pool's policy and the group falls back to its launch template alone. AWS
changes only the parameters given (UpdateAutoScalingGroup: "Only specified parameters are updated"); a request with
LaunchTemplate or LaunchConfigurationName and no policy still switches the group to that template, as moto does.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "UpdateAutoScalingGroup without MixedInstancesPolicy drops the group's policy"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _update_keeping_policy(stock):
    def update_auto_scaling_group(self):
        group = self.autoscaling_backend.autoscaling_groups.get(self._get_param("AutoScalingGroupName"))
        kept = getattr(group, "mixed_instances_policy", None)
        result = stock(self)
        names_template = any(
            self._get_param(name) for name in ("MixedInstancesPolicy", "LaunchTemplate", "LaunchConfigurationName")
        )
        if group is not None and kept and not names_template:
            group.mixed_instances_policy = kept
        return result

    return update_auto_scaling_group


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse

    _patcher.setattr(
        AutoScalingResponse,
        "update_auto_scaling_group",
        _update_keeping_policy(AutoScalingResponse.update_auto_scaling_group),
    )
    _patcher.active = True


def remove():
    _patcher.restore()
