"""Rule access_log_findings (issue 20 item 13): the load balancer's access logs on, into a bucket that is SSE-S3
encrypted, private (ACLs off, public access blocked), TLS-only, written by ELB only, and expiring."""

import json

import pytest

from tests.unit.posture.stack import LOG_BUCKET, check, good_state, lb


def bucket(state):
    return state.access_log_buckets[LOG_BUCKET]


def bucket_policy(state):
    return json.loads(bucket(state)["Policy"])


def set_policy(state, document):
    bucket(state)["Policy"] = json.dumps(document)


def edit_policy(change):
    def apply(state):
        document = bucket_policy(state)
        change(document)
        set_policy(state, document)

    return apply


def deny(document):
    return document["Statement"][1]


CASES = [
    ("logs off", lambda s: lb(s)["Attributes"].__setitem__("access_logs.s3.enabled", "false"), "access logs off"),
    ("no bucket", lambda s: lb(s)["Attributes"].__setitem__("access_logs.s3.bucket", ""), "access logs off"),
    ("bucket gone", lambda s: s.access_log_buckets.clear(), "missing or unreadable"),
    ("no encryption", lambda s: bucket(s).__setitem__("Encryption", None), "default encryption None, not SSE-S3"),
    ("KMS", lambda s: bucket(s).__setitem__("Encryption", "aws:kms"), "default encryption aws:kms, not SSE-S3"),
    ("no block", lambda s: bucket(s).__setitem__("PublicAccessBlock", None), "public access not fully blocked"),
    (
        "public policy allowed",
        lambda s: bucket(s)["PublicAccessBlock"].__setitem__("BlockPublicPolicy", False),
        "public access not fully blocked",
    ),
    ("ACLs", lambda s: bucket(s).__setitem__("ObjectOwnership", "ObjectWriter"), "ACLs enabled"),
    ("no policy", lambda s: bucket(s).__setitem__("Policy", None), "does not deny requests without TLS"),
    (
        "deny for one role only",
        edit_policy(lambda d: deny(d).__setitem__("Principal", {"AWS": "arn:aws:iam::123456789012:role/x"})),
        "does not deny requests without TLS",
    ),
    (
        "deny of writes only",
        edit_policy(lambda d: deny(d).__setitem__("Action", "s3:PutObject")),
        "does not deny requests without TLS",
    ),
    (
        "deny narrowed by another condition",
        edit_policy(lambda d: deny(d)["Condition"].__setitem__("StringEquals", {"aws:PrincipalAccount": "1"})),
        "does not deny requests without TLS",
    ),
    (
        "deny of the bucket but not its objects",
        edit_policy(lambda d: deny(d).__setitem__("Resource", "arn:aws:s3:::" + LOG_BUCKET)),
        "does not deny requests without TLS",
    ),
    (
        "anyone may write",
        edit_policy(lambda d: d["Statement"][0].__setitem__("Principal", "*")),
        'policy grants s3:PutObject to "*"',
    ),
    (
        "a writer may read",
        edit_policy(lambda d: d["Statement"][0].__setitem__("Action", ["s3:PutObject", "s3:GetObject"])),
        "policy grants",
    ),
    (
        "another service writes",
        edit_policy(lambda d: d["Statement"][0].__setitem__("Principal", {"Service": "delivery.logs.amazonaws.com"})),
        "policy grants s3:PutObject",
    ),
    ("kept forever", lambda s: bucket(s).__setitem__("LifecycleRules", None), "no lifecycle rule expires the logs"),
    (
        "expiry disabled",
        lambda s: bucket(s)["LifecycleRules"][0].__setitem__("Status", "Disabled"),
        "no lifecycle rule expires the logs",
    ),
]


def test_the_stack_bucket_passes():
    assert check(good_state()) == []


def test_the_log_delivery_service_principal_passes():
    state = good_state()
    edit_policy(
        lambda d: d["Statement"][0].__setitem__(
            "Principal", {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
        )
    )(state)
    assert check(state) == []


@pytest.mark.parametrize("change, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_bad_bucket_or_setting_is_flagged(change, expected):
    state = good_state()
    change(state)
    findings = check(state)
    assert len(findings) == 1 and expected in findings[0], findings
    assert findings[0].startswith("load balancer demo-alb:")


def test_logs_turned_off_by_the_description_are_not_flagged():
    state = good_state()
    lb(state)["Attributes"]["access_logs.s3.enabled"] = "false"
    assert check(state, alb_access_logs=False) == []
