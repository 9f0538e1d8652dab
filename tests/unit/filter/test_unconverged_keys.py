"""unconverged_kms_key, unconverged_key_pair: a converged key needs no module run, every kind of drift the module would
correct keeps it, and bad input fails clearly. Live dicts as the jenkins_ha.aws.aws_read lookup returns them."""

import copy
import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_keys import (
    FilterModule,
    unconverged_key_pair,
    unconverged_kms_key,
)

TAGS = {"jenkins-ha:stack": "demo", "managed-by": "jenkins_ha.aws", "jenkins-ha:component": "kms"}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*"},
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
            "Action": ["kms:Encrypt", "kms:Decrypt"],
            "Resource": "*",
        },
    ],
}
KEY = {
    "alias": "alias/jenkins-ha-demo",
    "description": "jenkins_ha demo: keys",
    "enable_key_rotation": True,
    "policy": json.dumps(POLICY, indent=2),
    "tags": TAGS,
    "key_id": "",
}
LIVE_KEY = {
    "key_metadata": {
        "arn": "arn:aws:kms:us-east-1:123456789012:key/k-1",
        "key_state": "Enabled",
        "description": KEY["description"],
    },
    "rotation_enabled": True,
    "tags": [{"tag_key": k, "tag_value": v} for k, v in TAGS.items()],
    "policy": json.dumps(POLICY),
}


def changed(live, **changes):
    live = copy.deepcopy(live)
    for key, value in changes.items():
        if key in ("key_state", "description"):
            live["key_metadata"][key] = value
        else:
            live[key] = value
    return live


def reordered_policy():
    policy = copy.deepcopy(POLICY)
    policy["Statement"].reverse()
    policy["Statement"][0]["Action"] = ["kms:Decrypt", "kms:Encrypt"]
    return json.dumps(policy)


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {"unconverged_kms_key", "unconverged_key_pair"}


KMS_CASES = [
    ("converged", LIVE_KEY, False),
    ("converged, policy in another order (compare_policies)", changed(LIVE_KEY, policy=reordered_policy()), False),
    ("converged, policy given as a dict", LIVE_KEY, False),
    ("no alias", {}, True),
    ("disabled", changed(LIVE_KEY, key_state="Disabled"), True),
    ("pending deletion", changed(LIVE_KEY, key_state="PendingDeletion"), True),
    ("description", changed(LIVE_KEY, description="other"), True),
    ("rotation off", changed(LIVE_KEY, rotation_enabled=False), True),
    ("rotation not read", changed(LIVE_KEY, rotation_enabled=None), True),
    ("tag added", changed(LIVE_KEY, tags=LIVE_KEY["tags"] + [{"tag_key": "owner", "tag_value": "x"}]), True),
    ("tag removed", changed(LIVE_KEY, tags=LIVE_KEY["tags"][1:]), True),
    (
        "policy statement added",
        changed(LIVE_KEY, policy=json.dumps(dict(POLICY, Statement=POLICY["Statement"][:1]))),
        True,
    ),
    ("policy not read", changed(LIVE_KEY, policy=""), True),
]


@pytest.mark.parametrize("live, differs", [c[1:] for c in KMS_CASES], ids=[c[0] for c in KMS_CASES])
def test_kms_key(live, differs, request):
    desired = dict(KEY, policy=POLICY) if "as a dict" in request.node.callspec.id else KEY
    assert unconverged_kms_key(desired, live) == ([desired] if differs else [])


def test_a_key_to_adopt_always_reaches_the_module():
    desired = dict(KEY, key_id="arn:aws:kms:us-east-1:123456789012:key/k-2")
    assert unconverged_kms_key(desired, LIVE_KEY) == [desired]


PAIR = {"name": "demo-controller", "tags": TAGS}
LIVE_PAIR = {"key_name": "demo-controller", "key_pair_id": "key-1", "key_type": "ed25519", "tags": dict(TAGS)}
PAIR_CASES = [
    ("converged", [LIVE_PAIR], False),
    ("missing", [], True),
    ("another name only", [dict(LIVE_PAIR, key_name="x")], True),
    ("tag changed", [dict(LIVE_PAIR, tags=dict(TAGS, **{"managed-by": "x"}))], True),
    ("untagged", [dict(LIVE_PAIR, tags={})], True),
]


@pytest.mark.parametrize("live, differs", [c[1:] for c in PAIR_CASES], ids=[c[0] for c in PAIR_CASES])
def test_key_pair(live, differs):
    assert unconverged_key_pair(PAIR, live) == ([PAIR] if differs else [])


@pytest.mark.parametrize(
    "call",
    [
        lambda: unconverged_kms_key([KEY], LIVE_KEY),
        lambda: unconverged_kms_key({"alias": "x"}, LIVE_KEY),
        lambda: unconverged_kms_key(KEY, []),
        lambda: unconverged_kms_key(dict(KEY, policy="{not json"), LIVE_KEY),
        lambda: unconverged_key_pair(PAIR, {}),
        lambda: unconverged_key_pair({"name": "x"}, []),
    ],
)
def test_bad_input_fails_clearly(call):
    with pytest.raises(AnsibleFilterError):
        call()
