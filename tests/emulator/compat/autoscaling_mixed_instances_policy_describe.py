"""Auto Scaling DescribeAutoScalingGroups of a group with a mixed instances policy: no top-level LaunchTemplate.

A group that held a launch template (created with LaunchTemplate, or given one by UpdateAutoScalingGroup or by the
instance refresh model) and then gets a MixedInstancesPolicy is described by moto with the old top-level
LaunchTemplate (its old version) beside the policy: FakeAutoScalingGroup.launch_template reads the version last given
as a LaunchTemplate. (A group created with a policy describes none only because that attribute is missing and the
serializer drops the raising property.) AWS names the launch template of a group with a mixed instances policy only
in MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification (API reference, AutoScalingGroup: LaunchTemplate
and MixedInstancesPolicy are alternatives, as in CreateAutoScalingGroup, which takes "a launch template, a launch
configuration, or a mixed instances policy"). Code reading only the top-level LaunchTemplate works on stock moto and
reads a stale version (or nothing) on AWS; with this patch the emulator describes what AWS does.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "DescribeAutoScalingGroups keeps a stale top-level LaunchTemplate beside a MixedInstancesPolicy"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _launch_template(stock):
    def launch_template(self):
        if getattr(self, "mixed_instances_policy", None):
            return None
        return stock.fget(self)

    return property(launch_template)


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.models import FakeAutoScalingGroup

    _patcher.setattr(
        FakeAutoScalingGroup, "launch_template", _launch_template(FakeAutoScalingGroup.__dict__["launch_template"])
    )
    _patcher.active = True


def remove():
    _patcher.restore()
