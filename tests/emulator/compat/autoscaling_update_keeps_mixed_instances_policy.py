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


def _as_request(policy):
    """The stored policy as a request names it: the described specification carries the template's id and name, a
    request only one of them (moto refuses both)."""
    template = dict(policy.get("LaunchTemplate") or {})
    spec = dict(template.get("LaunchTemplateSpecification") or {})
    if spec.get("LaunchTemplateName"):
        spec.pop("LaunchTemplateId", None)
    template["LaunchTemplateSpecification"] = spec
    return dict(policy, LaunchTemplate=template)


def _update_keeping_policy(stock):
    # The group's model, not the response: stock update() sets the policy before it resizes the group, so a request
    # that also changes the sizes launches its instances from the kept policy (its overrides), not the template alone.
    def update(self, *args, **kwargs):
        names_template = any(
            kwargs.get(name) for name in ("mixed_instances_policy", "launch_template", "launch_config_name")
        )
        kept = getattr(self, "mixed_instances_policy", None)
        if kept and not names_template and not args:
            kwargs["mixed_instances_policy"] = _as_request(kept)
        return stock(self, *args, **kwargs)

    return update


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.models import FakeAutoScalingGroup

    _patcher.setattr(FakeAutoScalingGroup, "update", _update_keeping_policy(FakeAutoScalingGroup.update))
    _patcher.active = True


def remove():
    _patcher.restore()
