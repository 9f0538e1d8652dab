"""Semantic comparison of EFS file system policies: one table of equivalent and one of different documents."""

import json

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import PolicyError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import dump_policy
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import load_policy
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import normalize_policy
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import policies_equal

DENY = {
    "Sid": "Deny",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
ALLOW = {
    "Sid": "Allow",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
}
BASE = {"Version": "2012-10-17", "Statement": [DENY, ALLOW]}


def variant(**changes):
    """BASE with the Allow statement changed."""
    return {"Version": "2012-10-17", "Statement": [DENY, dict(ALLOW, **changes)]}


EQUIVALENT = [
    ("same dict", BASE, json.loads(json.dumps(BASE))),
    ("JSON string", BASE, json.dumps(BASE, indent=4)),
    ("bytes", BASE, json.dumps(BASE).encode()),
    ("statement order", BASE, {"Version": "2012-10-17", "Statement": [ALLOW, DENY]}),
    ("key order", BASE, {"Statement": [DENY, ALLOW], "Version": "2012-10-17"}),
    (
        "action order and duplicates",
        BASE,
        variant(
            Action=["elasticfilesystem:ClientWrite", "elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
        ),
    ),
    ("root ARN vs account id", BASE, variant(Principal={"AWS": "123456789012"})),
    ("principal list of one", BASE, variant(Principal={"AWS": ["arn:aws:iam::123456789012:root"]})),
    (
        "single statement object",
        {"Version": "2012-10-17", "Statement": DENY},
        {"Version": "2012-10-17", "Statement": [DENY]},
    ),
    (
        "Principal * vs AWS *",
        {"Statement": [dict(DENY, Principal="*")]},
        {"Statement": [dict(DENY, Principal={"AWS": ["*"]})]},
    ),
    (
        "scalar vs list action",
        {"Statement": [dict(DENY, Action="*")]},
        {"Statement": [dict(DENY, Action=["*"])]},
    ),
    (
        "boolean condition value vs string",
        {"Statement": [dict(DENY, Condition={"Bool": {"aws:SecureTransport": False}})]},
        {"Statement": [dict(DENY, Condition={"Bool": {"aws:SecureTransport": ["false"]}})]},
    ),
    (
        "numeric condition value vs string",
        {"Statement": [dict(DENY, Condition={"NumericLessThan": {"s3:max-keys": 10}})]},
        {"Statement": [dict(DENY, Condition={"NumericLessThan": {"s3:max-keys": "10"}})]},
    ),
]

DIFFERENT = [
    ("effect", BASE, variant(Effect="Deny")),
    (
        "extra action",
        BASE,
        variant(
            Action=[
                "elasticfilesystem:ClientMount",
                "elasticfilesystem:ClientRootAccess",
                "elasticfilesystem:ClientWrite",
            ]
        ),
    ),
    ("other account", BASE, variant(Principal={"AWS": "210987654321"})),
    ("Sid", BASE, variant(Sid="Other")),
    ("missing statement", BASE, {"Version": "2012-10-17", "Statement": [DENY]}),
    ("version", BASE, dict(BASE, Version="2008-10-17")),
    (
        "condition value",
        {"Statement": [DENY]},
        {"Statement": [dict(DENY, Condition={"Bool": {"aws:SecureTransport": "true"}})]},
    ),
    ("no policy vs policy", None, BASE),
]


@pytest.mark.parametrize("name, left, right", EQUIVALENT, ids=[c[0] for c in EQUIVALENT])
def test_equivalent_policies(name, left, right):
    assert policies_equal(left, right)
    assert policies_equal(right, left)


@pytest.mark.parametrize("name, left, right", DIFFERENT, ids=[c[0] for c in DIFFERENT])
def test_different_policies(name, left, right):
    assert not policies_equal(left, right)


def test_normalize_is_idempotent():
    once = normalize_policy(BASE)
    assert normalize_policy(once) == once


def test_normalize_keeps_unknown_keys():
    assert normalize_policy({"Id": "x", "Statement": []}) == {"Id": "x", "Statement": []}


@pytest.mark.parametrize(
    "value, message",
    [("{not json", "not valid JSON"), ("[1, 2]", "must be a JSON object"), (42, "must be a JSON object")],
)
def test_load_policy_rejects(value, message):
    with pytest.raises(PolicyError, match=message):
        load_policy(value)


def test_load_policy_none():
    assert load_policy(None) is None
    assert normalize_policy(None) is None


def test_dump_policy_is_compact_and_stable():
    assert dump_policy({"b": 1, "a": [1]}) == '{"a":[1],"b":1}'
    assert dump_policy('{"b": 1, "a": [1]}') == '{"a":[1],"b":1}'
