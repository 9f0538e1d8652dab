"""Auto Scaling CapacityRebalance on UpdateAutoScalingGroup.

moto's UpdateAutoScalingGroup drops CapacityRebalance (CreateAutoScalingGroup keeps it), so a group's capacity
rebalancing can be set once and never changed: jenkins_ha.aws.autoscaling_capacity_rebalance would report changed on
every run and the flag would stay as created. AWS applies it on update (Auto Scaling API reference,
UpdateAutoScalingGroup: "CapacityRebalance - Enables or disables Capacity Rebalancing").
"""

from __future__ import annotations

from ._util import Patcher

GAP = "UpdateAutoScalingGroup ignores CapacityRebalance"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _update_with_capacity_rebalance(stock):
    def update_auto_scaling_group(self):
        result = stock(self)
        wanted = self._get_bool_param("CapacityRebalance", None)
        if wanted is not None:
            group = self.autoscaling_backend.autoscaling_groups[self._get_param("AutoScalingGroupName")]
            group.capacity_rebalance = wanted
        return result

    return update_auto_scaling_group


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse

    _patcher.setattr(
        AutoScalingResponse,
        "update_auto_scaling_group",
        _update_with_capacity_rebalance(AutoScalingResponse.update_auto_scaling_group),
    )
    _patcher.active = True


def remove():
    _patcher.restore()
