"""EC2 UpdateSecurityGroupRuleDescriptionsIngress/Egress answer without `Return`.

amazon.aws.ec2_security_group reads response["Return"] after changing a rule's description; stock moto answers an
empty result, so the module fails with KeyError 'Return'. AWS answers <return>true</return>.
"""

from __future__ import annotations

from ._util import Patcher

GAP = (
    "UpdateSecurityGroupRuleDescriptionsIngress/Egress answer without Return; amazon.aws.ec2_security_group "
    "fails with KeyError 'Return' when a rule description changes"
)
MOTO_VERSION = "5.2.5"

_patcher = Patcher()
_OPERATIONS = ("update_security_group_rule_descriptions_ingress", "update_security_group_rule_descriptions_egress")


def _returning_true(stock):
    def operation(self):
        from moto.core.responses import ActionResult

        stock(self)  # updates the rules; raises as stock moto does for unknown groups/rules
        return ActionResult({"Return": True})

    operation.__name__ = stock.__name__
    return operation


def apply():
    if _patcher.active:
        return
    from moto.ec2.responses.security_groups import SecurityGroups

    for name in _OPERATIONS:
        _patcher.setattr(SecurityGroups, name, _returning_true(getattr(SecurityGroups, name)))
    _patcher.active = True


def remove():
    _patcher.restore()
