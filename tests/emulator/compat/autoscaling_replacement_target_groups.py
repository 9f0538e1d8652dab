"""A replacement for an instance terminated through EC2 is registered in the group's target groups.

moto 5.2.5 replaces the instance (AutoScalingBackend.notify_terminate_instances) but registers the replacement only
with classic load balancers (update_attached_elbs), so the ALB target group of a group that lost an instance stays
empty for good. On AWS the group registers every instance it brings InService in its target groups ("Use Elastic
Load Balancing to distribute incoming application traffic in your Auto Scaling group": instances are registered
when they enter InService). The failover drill follows the replacement to a healthy target and meets this gap.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "an instance that replaces a terminated one is not registered in the group's ALB target groups"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _notify_terminate_instances(original):
    def notify_terminate_instances(self, instance_ids):
        before = {
            name: {state.instance.id for state in group.instance_states}
            for name, group in self.autoscaling_groups.items()
        }
        original(self, instance_ids)
        for name, group in self.autoscaling_groups.items():
            if {state.instance.id for state in group.instance_states} != before.get(name):
                self.update_attached_target_groups(name)

    return notify_terminate_instances


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.models import AutoScalingBackend

    _patcher.setattr(
        AutoScalingBackend,
        "notify_terminate_instances",
        _notify_terminate_instances(AutoScalingBackend.notify_terminate_instances),
    )
    _patcher.active = True


def remove():
    _patcher.restore()
