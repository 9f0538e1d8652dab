"""The IAM analyser's judgement (tests/integration/iam_analyser.py) on policies made here: parliament's findings are
tied to their statement, the exceptions file is enforced (unexcepted finding, stale exception, forbidden exception),
and the key policy's delegation statement must have exactly AWS's default shape. Also the leak detector's forms."""

from __future__ import annotations

import base64

import pytest

from tests.integration import iam_analyser
from tests.integration.iam_analyser import Finding, Policy
from tests.integration.leaks import leaks

ROLE = "arn:aws:iam::123456789012:role/demo-controller"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT = "arn:aws:iam::123456789012:root"


def identity(*statements):
    return Policy(
        "role/demo-controller jenkins-ha", "identity", ROLE, {"Version": "2012-10-17", "Statement": list(statements)}
    )


def key_policy(*statements, delegation=True):
    first = [
        {"Sid": "AccountIAMPolicies", "Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}
    ]
    return Policy(
        "key-policy alias/jenkins-ha/demo",
        "key",
        KEY,
        {"Version": "2012-10-17", "Statement": (first if delegation else []) + list(statements)},
    )


def exception(finding, **changes):
    entry = {
        "issue": finding.issue,
        "policy": finding.policy,
        "statement": finding.statement,
        "resource": finding.resource,
        "category": "emulator-artefact",
        "reason": "test",
    }
    entry.update(changes)
    return entry


def test_a_finding_names_its_statement_and_resource_and_fails_until_excepted():
    policy = identity(
        {
            "Sid": "Flow",
            "Effect": "Allow",
            "Action": ["logs:DescribeLogGroups"],
            "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:x",
        }
    )
    (finding,) = iam_analyser.analyse([policy])
    assert (finding.issue, finding.statement, finding.resource) == (
        "RESOURCE_MISMATCH",
        "Flow",
        "arn:aws:logs:us-east-1:${account}:log-group:x",
    )
    assert iam_analyser.judge([finding], [], [policy]) == ["finding: " + str(finding)]
    assert iam_analyser.judge([finding], [exception(finding)], [policy]) == []


def test_a_stale_exception_fails():
    policy = identity({"Sid": "Ok", "Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"})
    assert iam_analyser.analyse([policy]) == []
    stale = exception(Finding("RESOURCE_MISMATCH", policy.name, "Ok", "*", ""))
    (problem,) = iam_analyser.judge([], [stale], [policy])
    assert problem.startswith("stale exception")


@pytest.mark.parametrize(
    "statement, reason",
    [
        ({"Action": ["ssm:GetParameter"], "Resource": "*"}, 'ssm:GetParameter on Resource "*"'),
        ({"Action": ["ssm:Get*"], "Resource": "*"}, 'ssm:GetParametersByPath on Resource "*"'),
        (
            {"Action": ["kms:Decrypt"], "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
            "kms:Decrypt",
        ),
        ({"Action": ["iam:Pass*"], "Resource": ROLE}, "IAM wildcard action iam:Pass*"),
        ({"Action": "*", "Resource": ROLE}, "IAM wildcard action *"),
        ({"Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*"}, "wildcard action s3:Get* in an identity policy"),
    ],
)
def test_no_exception_may_cover_a_wildcard_read_or_an_iam_wildcard(statement, reason):
    policy = identity(dict(statement, Sid="Wide", Effect="Allow"))
    entry = exception(Finding("ANY", policy.name, "Wide", "*", ""))
    problems = iam_analyser.judge([Finding("ANY", policy.name, "Wide", "*", "")], [entry], [policy])
    assert len(problems) == 1 and problems[0].startswith("exception not allowed") and reason in problems[0], problems


def test_in_a_key_policy_star_is_the_key_and_the_delegation_is_checked_not_analysed():
    logs = {
        "Sid": "Logs",
        "Effect": "Allow",
        "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
        "Action": ["kms:Decrypt*", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:*"}},
    }
    policy = key_policy(logs)
    findings = iam_analyser.analyse([policy])
    # No RESOURCE_STAR (the "*" is this key) and nothing from the delegation; the ArnLike type remark stays.
    assert [(f.issue, f.statement, f.resource) for f in findings] == [("MISMATCHED_TYPE", "Logs", "*")]
    # A service statement with kms:Decrypt on "this key" may be excepted; the delegation must be exactly AWS's.
    assert iam_analyser.judge(findings, [exception(findings[0])], [policy]) == []
    assert iam_analyser.judge([], [], [key_policy(logs, delegation=False)])[0].startswith(
        "key-policy alias/jenkins-ha/demo: expected exactly one delegation"
    )
    widened = key_policy(
        {"Sid": "Wide", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
    )
    assert any("statement Wide allows every key operation" in p for p in iam_analyser.judge([], [], [widened]))


def test_a_trust_policy_is_analysed_with_the_role_as_its_resource():
    trust = Policy(
        "role/demo-backup trust",
        "trust",
        ROLE,
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "backup.amazonaws.com"}}
            ],
        },
    )
    assert iam_analyser.analyse([trust]) == []


def test_exceptions_file_entries_are_complete(tmp_path):
    path = tmp_path / "exceptions.yml"
    path.write_text(
        "exceptions:\n  - {issue: X, policy: p, statement: s, resource: '*', category: documented-design-choice, reason: r}\n"
    )
    with pytest.raises(ValueError, match="names its doc"):
        iam_analyser.load_exceptions(path)
    path.write_text("exceptions:\n  - {issue: X, policy: p, statement: s, resource: '*', category: fine, reason: r}\n")
    with pytest.raises(ValueError, match="category"):
        iam_analyser.load_exceptions(path)
    assert all(e["category"] in iam_analyser.CATEGORIES for e in iam_analyser.load_exceptions())


def test_the_leak_detector_finds_a_key_in_its_printed_forms():
    key = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "QyNTUxOQAAACDsecretsecretsecretsecretsecretsecretsecret\n"
        "-----END OPENSSH PRIVATE KEY-----\n"
    )
    secret = {"key": key}
    assert leaks("content: " + base64.b64encode(key.encode()).decode(), secret) == [("key", "base64 with a newline")]
    assert ("key", "JSON-escaped") in leaks('{"value": "' + key.strip().replace("\n", "\\n") + '"}', secret)
    assert ("key", "line 2") in leaks("...QyNTUxOQAAACDsecretsecretsecretsecretsecretsecretsecret...", secret)
    assert leaks("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 and -----BEGIN OPENSSH PRIVATE KEY-----", secret) == []
