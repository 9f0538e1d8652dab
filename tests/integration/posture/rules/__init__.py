"""The posture rules: pure functions of plain data (what the describe calls return) that yield findings, strings
naming the resource and the rule. What a stack should look like is an Expectations, what it does look like a
StackState (collect.py fills it). One module per area; findings_of() runs them all."""

from __future__ import annotations

from .agent_reuse import agent_reuse_findings
from .compute import launch_template_findings, placement_findings
from .encryption import alarm_topic_findings, kms_findings, log_group_findings, parameter_findings
from .iam import iam_findings, policy_findings
from .load_balancer import access_log_findings, load_balancer_findings
from .model import STACK_TAG, Expectations, StackState, as_list, tag_dict
from .network import (
    default_security_group_findings,
    flow_log_findings,
    security_group_findings,
    zone_outage_findings,
)
from .network_acls import network_acl_findings
from .pools import pool_findings, scaling_findings
from .storage import backup_vault_findings, efs_findings

__all__ = [
    "STACK_TAG",
    "access_log_findings",
    "agent_reuse_findings",
    "Expectations",
    "StackState",
    "alarm_topic_findings",
    "as_list",
    "backup_vault_findings",
    "default_security_group_findings",
    "efs_findings",
    "findings_of",
    "flow_log_findings",
    "iam_findings",
    "kms_findings",
    "launch_template_findings",
    "load_balancer_findings",
    "log_group_findings",
    "network_acl_findings",
    "parameter_findings",
    "placement_findings",
    "policy_findings",
    "pool_findings",
    "scaling_findings",
    "security_group_findings",
    "tag_dict",
    "zone_outage_findings",
]


def findings_of(state, expect, account_id=""):
    """Every finding of the stack's state (pure: no AWS call)."""
    return (
        security_group_findings(state, expect)
        + default_security_group_findings(state)
        + flow_log_findings(state)
        + zone_outage_findings(state)
        + network_acl_findings(state)
        + iam_findings(state, account_id)
        + launch_template_findings(state)
        + placement_findings(state)
        + pool_findings(state, expect)
        + scaling_findings(state, expect, account_id)
        + agent_reuse_findings(state, expect)
        + efs_findings(state, expect)
        + kms_findings(state)
        + log_group_findings(state)
        + parameter_findings(state)
        + backup_vault_findings(state)
        + alarm_topic_findings(state, expect)
        + load_balancer_findings(state, expect)
        + access_log_findings(state, expect)
    )
