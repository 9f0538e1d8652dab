"""The alarm topic rule: when the stack has an alarm topic, it is encrypted with the stack key in any spelling AWS
keeps (key ARN, key id, alias name, alias ARN), and flagged when missing, unencrypted or on another key."""

import pytest

from tests.integration.posture import Expectations
from tests.unit.posture.stack import KEY, check, good_state

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:demo-alarms"
STACK_KEY_SPELLINGS = [
    KEY,
    KEY.rsplit("/", 1)[-1],
    "alias/jenkins-ha/demo",
    "arn:aws:kms:us-east-1:123456789012:alias/jenkins-ha/demo",
]


def with_topic(attributes):
    state = good_state()
    state.alarm_topic = attributes
    return state


@pytest.mark.parametrize("key_id", STACK_KEY_SPELLINGS)
def test_a_topic_on_the_stack_key_passes(key_id):
    assert check(with_topic({"TopicArn": TOPIC_ARN, "KmsMasterKeyId": key_id}), alarm_sns_topic=True) == []


BAD_TOPICS = [
    ("missing", {}, "sns topic demo-alarms: missing"),
    ("not encrypted", {"TopicArn": TOPIC_ARN}, "sns topic demo-alarms: not encrypted"),
    ("encryption removed", {"TopicArn": TOPIC_ARN, "KmsMasterKeyId": ""}, "not encrypted"),
    (
        "AWS managed key",
        {"TopicArn": TOPIC_ARN, "KmsMasterKeyId": "alias/aws/sns"},
        "encrypted with alias/aws/sns, not the stack key",
    ),
    (
        "another stack's alias",
        {"TopicArn": TOPIC_ARN, "KmsMasterKeyId": "alias/jenkins-ha/prod"},
        "not the stack key",
    ),
]


@pytest.mark.parametrize("attributes, expected", [c[1:] for c in BAD_TOPICS], ids=[c[0] for c in BAD_TOPICS])
def test_a_bad_topic_is_flagged(attributes, expected):
    findings = check(with_topic(attributes), alarm_sns_topic=True)
    assert len(findings) == 1 and expected in findings[0], findings


def test_no_topic_is_expected_unless_the_stack_asks_for_one():
    assert check(with_topic({})) == []


def test_without_a_stack_key_nothing_counts_as_the_stack_key():
    state = with_topic({"TopicArn": TOPIC_ARN, "KmsMasterKeyId": "alias/jenkins-ha/demo"})
    state.kms_key_arn = ""
    assert any("sns topic demo-alarms: encrypted with" in f for f in check(state, alarm_sns_topic=True))


def test_expectations_read_the_alarm_topic_switch():
    assert Expectations.from_stack_vars({"jenkins_ha_alarm_sns_topic": True}).alarm_sns_topic is True
    assert Expectations.from_stack_vars({}).alarm_sns_topic is False
