"""Rules on the stack key and what it protects: rotation, log groups, SSM parameters, the alarm topic."""

from __future__ import annotations

import re

from .model import OPTIONAL_SECRETS, SECRET_PARAMETERS, contract, is_stack_key


def kms_findings(state):
    if not state.kms_key_arn:
        return ["kms alias/jenkins-ha/{0}: missing".format(state.stack)]
    if not state.kms_rotation:
        return ["kms {0}: rotation off".format(state.kms_key_arn)]
    return []


# AWS Foundational Security Best Practices CloudWatch.16: log groups kept for at least a year (jenkins_ha_log_retention_days
# defaults to it; a shorter setting is allowed but reported here).
MIN_LOG_RETENTION_DAYS = 365


def log_group_findings(state):
    findings = []
    if len(state.log_groups) < 3:
        findings.append(
            "log groups /jenkins-ha/{0}/*: {1} found, expected controller, agent, vpc-flow-logs".format(
                state.stack, len(state.log_groups)
            )
        )
    for group in state.log_groups:
        where = "log group {0}".format(group["logGroupName"])
        if not group.get("retentionInDays"):
            findings.append("{0}: no retention".format(where))
        elif group["retentionInDays"] < MIN_LOG_RETENTION_DAYS:
            findings.append(
                "{0}: retention {1} days, below {2} (FSBP CloudWatch.16)".format(
                    where, group["retentionInDays"], MIN_LOG_RETENTION_DAYS
                )
            )
        if group.get("kmsKeyId") != state.kms_key_arn:
            findings.append("{0}: not encrypted with the stack key".format(where))
    return findings


def parameter_findings(state):
    findings = []
    names = {p["Name"]: p for p in state.parameters}
    for secret in SECRET_PARAMETERS:
        name = "{0}/{1}/{2}".format(contract.SSM_PREFIX, state.stack, secret)
        param = names.get(name)
        if param is None:
            if secret not in OPTIONAL_SECRETS:
                findings.append("ssm {0}: missing".format(name))
        elif param.get("Type") != "SecureString":
            findings.append("ssm {0}: {1}, not SecureString".format(name, param.get("Type")))
        elif not is_stack_key(param.get("KeyId"), state):
            findings.append("ssm {0}: encrypted with {1}, not the stack key".format(name, param.get("KeyId")))
    for name, param in names.items():
        if re.search(r"password|private-key|secret|token", name) and param.get("Type") != "SecureString":
            findings.append("ssm {0}: looks secret but is {1}".format(name, param.get("Type")))
    return findings


def alarm_topic_findings(state, expect):
    """The alarm topic (when the stack has one) is encrypted at rest with the stack key (monitoring.yml)."""
    if not expect.alarm_sns_topic:
        return []
    where = "sns topic {0}-alarms".format(state.stack)
    if not state.alarm_topic:
        return ["{0}: missing".format(where)]
    key_id = state.alarm_topic.get("KmsMasterKeyId")
    if not key_id:
        return ["{0}: not encrypted".format(where)]
    if not is_stack_key(key_id, state):
        return ["{0}: encrypted with {1}, not the stack key".format(where, key_id)]
    return []
