"""The hardening rules: AWS managed policies judged by their documents (not their names), SSM reads only inside the
stack's path, aws:SourceAccount in service trust policies, log retention of a year, and the TLS policy allow-list
equal to what roles/stack_config accepts. Each passes the compliant stack and flags a bad change to it."""

import copy
import json

import pytest
import yaml

from tests.integration.harness import ROOT
from tests.integration.posture.rules import iam as iam_rules
from tests.integration.posture.rules.load_balancer import MODERN_TLS_POLICIES
from tests.unit.posture.stack import ACCOUNT, allow, check, good_state, policy, role_of

SSM_CORE_ARN = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


def ssm_core_document():
    """AmazonSSMManagedInstanceCore as AWS publishes it (moto's copy, what the emulator serves)."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data)["AmazonSSMManagedInstanceCore"]["Document"]


def test_the_compliant_stack_passes():
    assert check(good_state()) == []


def test_ssm_managed_instance_core_is_flagged_by_its_document_even_when_allow_listed(monkeypatch):
    state = good_state()
    role_of(state, "demo-agent")["AttachedPolicies"].append(
        {"PolicyArn": SSM_CORE_ARN, "PolicyName": "AmazonSSMManagedInstanceCore", "Document": ssm_core_document()}
    )
    findings = check(state)
    assert any("AmazonSSMManagedInstanceCore not in the allow-list" in f for f in findings), findings
    # Allow-listing the name does not make the document harmless: ssm:GetParameter(s) on "*".
    monkeypatch.setitem(iam_rules.ALLOWED_MANAGED_POLICIES, "agent", {"AmazonSSMManagedInstanceCore"})
    findings = check(state)
    assert not any("not in the allow-list" in f for f in findings), findings
    assert any("iam role demo-agent: may read SSM parameters outside /jenkins-ha/demo/ (*)" in f for f in findings)
    assert any("may read /jenkins-ha/demo/controller/admin-password" in f for f in findings), findings


def test_the_controller_with_ssm_managed_instance_core_reads_other_teams_parameters():
    state = good_state()
    role_of(state, "demo-controller")["AttachedPolicies"].append(
        {"PolicyArn": SSM_CORE_ARN, "Document": ssm_core_document()}
    )
    assert any("iam role demo-controller: may read SSM parameters outside" in f for f in check(state))


def test_an_attached_policy_without_its_document_cannot_pass():
    state = good_state()
    role_of(state, "demo-backup")["AttachedPolicies"][0].pop("Document")
    assert any("AWSBackupServiceRolePolicyForBackup attached but its document was not read" in f for f in check(state))


def test_allow_listed_service_policies_are_still_read_for_parameter_access():
    state = good_state()
    role_of(state, "demo-backup")["AttachedPolicies"][0]["Document"]["Statement"].append(
        allow("ssm:GetParametersByPath", "arn:aws:ssm:*:*:parameter/*")
    )
    assert any("iam role demo-backup: may read SSM parameters outside" in f for f in check(state))


@pytest.mark.parametrize(
    "resource",
    [
        "*",
        "arn:aws:ssm:us-east-1:123456789012:parameter/*",
        "arn:aws:ssm:us-east-1:123456789012:parameter/jenkins-ha/*",
        "arn:aws:ssm:us-east-1:123456789012:parameter/jenkins-ha/demo*",
        "arn:aws:ssm:us-east-1:123456789012:parameter/team-b/db",
        "arn:aws:ssm:us-east-1:123456789012:*",
    ],
)
def test_parameter_reads_outside_the_stack_path_are_flagged(resource):
    state = good_state()
    statements = role_of(state, "demo-controller")["InlinePolicies"]["jenkins-ha"]["Statement"]
    statements.append(allow("ssm:GetParameters", resource, sid="Wide"))
    assert any("may read SSM parameters outside /jenkins-ha/demo/" in f for f in check(state)), resource


def test_a_customer_managed_policy_is_judged_like_an_inline_one():
    state = good_state()
    role_of(state, "demo-controller")["AttachedPolicies"].append(
        {
            "PolicyArn": "arn:aws:iam::123456789012:policy/extra",
            "Document": policy(allow("ssm:Get*", "*", sid="Everything")),
        }
    )
    findings = check(state)
    assert any("policy arn:aws:iam::123456789012:policy/extra statement Everything" in f for f in findings), findings
    assert any("iam role demo-controller: may read SSM parameters outside" in f for f in findings), findings


def test_only_resourceless_session_channels_may_use_star():
    state = good_state()
    statements = role_of(state, "demo-agent")["InlinePolicies"]["jenkins-ha"]["Statement"]
    statements.append(allow("ssm:SendCommand", "*", sid="RunAnything"))
    assert any('Resource "*" without a Condition on ssm:SendCommand' in f for f in check(state))


def _service_trust(state, name):
    return role_of(state, name)["AssumeRolePolicyDocument"]["Statement"][0]


@pytest.mark.parametrize("name", ["demo-flow-logs", "demo-backup"])
def test_a_service_trust_without_source_account_is_flagged(name):
    state = good_state()
    _service_trust(state, name).pop("Condition")
    assert any(
        "{0}: trust policy of".format(name) in f and "without aws:SourceAccount" in f for f in check(state)
    ), check(state)


def test_a_service_trust_naming_another_account_is_flagged():
    state = good_state()
    _service_trust(state, "demo-backup")["Condition"] = {"StringEquals": {"aws:SourceAccount": "210987654321"}}
    assert any("demo-backup: trust policy of backup.amazonaws.com without aws:SourceAccount" in f for f in check(state))


def test_source_account_with_source_arn_passes_and_ec2_needs_none():
    state = good_state()
    _service_trust(state, "demo-flow-logs")["Condition"] = {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*"},
    }
    assert "Condition" not in _service_trust(state, "demo-agent")
    assert check(state) == []


@pytest.mark.parametrize("days, flagged", [(1, True), (30, True), (364, True), (365, False), (3653, False)])
def test_log_retention_below_a_year_is_flagged(days, flagged):
    state = copy.deepcopy(good_state())
    state.log_groups[0]["retentionInDays"] = days
    findings = check(state)
    assert any("below 365 (FSBP CloudWatch.16)" in f for f in findings) == flagged, findings


def test_tls_allow_list_is_what_stack_config_accepts():
    spec = yaml.safe_load((ROOT / "roles" / "stack_config" / "meta" / "argument_specs.yml").read_text())
    option = spec["argument_specs"]["main"]["options"]["jenkins_ha_alb_ssl_policy"]
    assert set(option["choices"]) == MODERN_TLS_POLICIES
    assert option["default"] in MODERN_TLS_POLICIES
    assert not {"ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01"} & MODERN_TLS_POLICIES


def test_a_tls_1_0_policy_is_flagged():
    state = good_state()
    state.load_balancers[0]["Listeners"][0]["SslPolicy"] = "ELBSecurityPolicy-TLS13-1-0-2021-06"
    assert any("not in the modern allow-list" in f for f in check(state))
