"""sns_topic_encryption: key comparison (pure), ensure_* functions and main() against in-process moto."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils import _sns as sns
from ansible_collections.jenkins_ha.aws.plugins.modules import sns_topic_encryption
from tests.unit.modules.helpers import module_params, run_module

from .conftest import FakeModule

ALIAS = "alias/jenkins-ha/unit"


def params(**overrides):
    return module_params(sns_topic_encryption.argument_spec(), **dict(dict(topic="unit-alarms"), **overrides))


@pytest.fixture
def keys(aws):
    """(key id, key ARN, other key ARN); ALIAS names the first key."""
    kms = aws("kms")
    key = kms.create_key(Description="unit")["KeyMetadata"]
    other = kms.create_key(Description="other")["KeyMetadata"]
    kms.create_alias(AliasName=ALIAS, TargetKeyId=key["KeyId"])
    return key["KeyId"], key["Arn"], other["Arn"]


@pytest.fixture
def topic(aws):
    return aws("sns").create_topic(Name="unit-alarms")["TopicArn"]


def topic_key(aws, arn):
    return aws("sns").get_topic_attributes(TopicArn=arn)["Attributes"].get("KmsMasterKeyId", "")


def present(aws, check_mode=False, **overrides):
    module = FakeModule(params(**overrides), check_mode=check_mode)
    return sns_topic_encryption.ensure_present(module, aws("sns"), aws("kms"))


def absent(aws, check_mode=False, **overrides):
    module = FakeModule(params(state="absent", **overrides), check_mode=check_mode)
    return sns_topic_encryption.ensure_absent(module, aws("sns"))


# ---- pure comparison -------------------------------------------------------------------------------------------------

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/k1"
RESOLVED = {"alias/a": KEY_ARN, "k1": KEY_ARN, KEY_ARN: KEY_ARN, "k2": "arn:aws:kms:us-east-1:123456789012:key/k2"}
SAME_KEY_CASES = [
    ("same string, even unresolvable", "alias/gone", "alias/gone", True),
    ("alias vs key id", "alias/a", "k1", True),
    ("key ARN vs alias", KEY_ARN, "alias/a", True),
    ("two keys", "k1", "k2", False),
    ("not encrypted", "", "k1", False),
    ("current no longer resolves", "alias/gone", "k1", False),
]


@pytest.mark.parametrize("current, desired, same", [c[1:] for c in SAME_KEY_CASES], ids=[c[0] for c in SAME_KEY_CASES])
def test_same_key(current, desired, same):
    assert sns.same_key(current, desired, RESOLVED.get) is same


def test_find_topic_arn_matches_the_whole_name():
    arns = ["arn:aws:sns:us-east-1:1:prod-alarms-old", "arn:aws:sns:us-east-1:1:prod-alarms"]
    assert sns.find_topic_arn("prod-alarms", arns) == arns[1]
    assert sns.find_topic_arn("alarms", arns) is None


# ---- against in-process moto -----------------------------------------------------------------------------------------


def test_encrypts_a_topic_by_name_then_is_idempotent(aws, keys, topic):
    changed, result, diff = present(aws, kms_key_id=ALIAS)
    assert changed
    assert result == dict(topic_arn=topic, kms_master_key_id=ALIAS, kms_key_arn=keys[1])
    assert diff == dict(before=dict(kms_master_key_id=""), after=dict(kms_master_key_id=ALIAS))
    assert topic_key(aws, topic) == ALIAS
    assert present(aws, kms_key_id=ALIAS)[0] is False


@pytest.mark.parametrize("spelling", [0, 1], ids=["key id", "key ARN"])
def test_alias_and_key_id_of_one_key_are_equal(aws, keys, topic, spelling):
    aws("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=ALIAS)
    changed, result, _diff = present(aws, kms_key_id=keys[spelling], topic=topic)
    assert not changed
    assert result["kms_master_key_id"] == ALIAS  # kept as stored
    assert topic_key(aws, topic) == ALIAS


def test_another_key_replaces_the_current_one(aws, keys, topic):
    aws("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=ALIAS)
    changed, result, diff = present(aws, kms_key_id=keys[2])
    assert changed
    assert diff["before"] == dict(kms_master_key_id=ALIAS)
    assert topic_key(aws, topic) == keys[2] == result["kms_key_arn"]


def test_check_mode_reports_without_changing(aws, keys, topic):
    changed, result, diff = present(aws, check_mode=True, kms_key_id=keys[0])
    assert changed
    assert result["kms_master_key_id"] == keys[0]
    assert diff["after"] == dict(kms_master_key_id=keys[0])
    assert topic_key(aws, topic) == ""


@pytest.mark.parametrize("name", ["missing-alarms", "arn:aws:sns:us-east-1:123456789012:missing-alarms"])
def test_a_missing_topic_fails_clearly(aws, keys, name):
    with pytest.raises(sns_topic_encryption.TopicNotFound, match="missing-alarms not found"):
        present(aws, kms_key_id=ALIAS, topic=name)
    with pytest.raises(sns_topic_encryption.TopicNotFound):
        absent(aws, topic=name)


def test_an_unknown_key_fails_before_any_change(aws, keys, topic):
    with pytest.raises(sns_topic_encryption.KeyNotFound, match="alias/nope not found"):
        present(aws, kms_key_id="alias/nope")
    assert topic_key(aws, topic) == ""


def test_absent_turns_encryption_off_once(aws, keys, topic):
    aws("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=ALIAS)
    changed, _result, diff = absent(aws, check_mode=True)
    assert changed and topic_key(aws, topic) == ALIAS
    changed, result, diff = absent(aws)
    assert changed
    assert diff == dict(before=dict(kms_master_key_id=ALIAS), after=dict(kms_master_key_id=""))
    assert result == dict(topic_arn=topic, kms_master_key_id="")
    assert topic_key(aws, topic) == ""
    assert absent(aws)[0] is False


# ---- main(): option checks and the module's answer -------------------------------------------------------------------


def test_main_requires_a_key_with_state_present(aws, capsys):
    result = run_module(sns_topic_encryption.main, capsys, topic="unit-alarms")
    assert result["failed"]
    assert "kms_key_id" in result["msg"]


def test_main_refuses_an_empty_key(aws, capsys):
    result = run_module(sns_topic_encryption.main, capsys, topic="unit-alarms", kms_key_id=" ")
    assert result["failed"]
    assert "state=absent" in result["msg"]


def test_main_reports_a_missing_topic(aws, keys, capsys):
    result = run_module(sns_topic_encryption.main, capsys, topic="missing-alarms", kms_key_id=ALIAS)
    assert result["failed"]
    assert result["msg"] == "SNS topic missing-alarms not found: create it first"


def test_main_encrypts_and_returns_the_diff(aws, keys, topic, capsys):
    result = run_module(sns_topic_encryption.main, capsys, topic=topic, kms_key_id=ALIAS)
    assert result["changed"]
    assert result["topic_arn"] == topic
    assert result["kms_key_arn"] == keys[1]
    assert result["diff"]["after"] == dict(kms_master_key_id=ALIAS)
