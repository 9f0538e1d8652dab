"""EFS in transit (issue 20 item 3): with jenkins_ha_efs_tls the file-system policy must refuse every client action
without TLS, to everyone, with nothing narrowing the deny; a deny that leaves a clear-text path is flagged."""

import json

import pytest

from tests.unit.posture.stack import check, fs, good_state, policy

DENY = {
    "Sid": "DenyWithoutTLS",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "*",
    "Resource": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def with_deny(**change):
    state = good_state()
    fs(state)["Policy"] = json.dumps(policy(dict(DENY, **change)))
    return state


def test_the_policy_playbooks_write_for_tls_passes():
    assert check(with_deny(), efs_tls=True) == []


@pytest.mark.parametrize(
    "change",
    [
        {"Principal": {"AWS": "arn:aws:iam::123456789012:role/demo-agent"}},
        {"Action": "elasticfilesystem:ClientWrite"},
        {"Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]},
        {"Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalAccount": "1"}}},
        {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Effect": "Allow"},
    ],
    ids=["one role only", "writes only", "root access left", "narrowed by a condition", "inverted", "an allow"],
)
def test_a_deny_that_leaves_a_clear_text_path_is_flagged(change):
    findings = check(with_deny(**change), efs_tls=True)
    assert any("does not deny access without TLS" in f for f in findings), findings


def test_the_elasticfilesystem_wildcard_counts():
    assert check(with_deny(Action="elasticfilesystem:Client*"), efs_tls=True) == []
