"""unconverged_sns_topic: what community.aws.sns_topic would change on the alarm topic, from the topic as
monitoring.yml reads it in process (lookup sns_topic_state): tables, and a topic made as the module makes it in moto,
read back by the lookup."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError, AnsibleLookupError
from ansible.template import Templar

from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_sns_topic import unconverged_sns_topic
from ansible_collections.jenkins_ha.aws.plugins.lookup.sns_topic_state import LookupModule
from tests.unit.modules.helpers import REGION, in_process_moto

NAME = "demo-alarms"
ARN = "arn:aws:sns:us-east-1:123456789012:" + NAME
OPTIONS = {
    "name": NAME,
    "display_name": "jenkins_ha demo alarms",
    "subscriptions": [{"endpoint": "ops@example.com", "protocol": "email"}],
    "tags": {"jenkins-ha:stack": "demo", "jenkins-ha:component": "monitoring"},
}


def live(**changes):
    topic = {
        "topic_arn": ARN,
        "attributes": {"display_name": "jenkins_ha demo alarms", "kms_master_key_id": "arn:aws:kms:k"},
        "subscriptions": [
            {"subscription_arn": ARN + ":1", "protocol": "email", "endpoint": "ops@example.com", "topic_arn": ARN}
        ],
        "tags": {"jenkins-ha:stack": "demo", "jenkins-ha:component": "monitoring"},
    }
    topic.update(changes)
    return topic


def subscription(endpoint, arn="x", protocol="email"):
    return {"subscription_arn": arn, "protocol": protocol, "endpoint": endpoint}


@pytest.mark.parametrize(
    "topic, options, expected",
    [
        pytest.param(live(), OPTIONS, [], id="converged"),
        pytest.param(live(topic_arn=""), OPTIONS, ["create"], id="missing"),
        pytest.param({}, OPTIONS, ["create"], id="nothing-read"),
        pytest.param(live(attributes={"display_name": "old"}), OPTIONS, ["display_name"], id="display-name"),
        # The module leaves a display name alone when none is asked for.
        pytest.param(live(attributes={"display_name": "old"}), dict(OPTIONS, display_name=None), [], id="no-name"),
        pytest.param(live(subscriptions=[]), OPTIONS, ["subscriptions"], id="subscription-missing"),
        pytest.param(
            live(subscriptions=[subscription("ops@example.com", "PendingConfirmation")]),
            OPTIONS,
            [],
            id="pending-counts-as-subscribed",
        ),
        pytest.param(
            live(subscriptions=live()["subscriptions"] + [subscription("old@example.com", ARN + ":2")]),
            OPTIONS,
            ["subscriptions"],
            id="unwanted-purged",
        ),
        pytest.param(
            live(subscriptions=live()["subscriptions"] + [subscription("old@example.com", "PendingConfirmation")]),
            OPTIONS,
            [],
            id="unwanted-pending-left",
        ),
        pytest.param(
            live(subscriptions=live()["subscriptions"] + [subscription("old@example.com", "Deleted")]),
            OPTIONS,
            [],
            id="unwanted-deleted-left",
        ),
        pytest.param(live(), dict(OPTIONS, subscriptions=[]), ["subscriptions"], id="all-unsubscribed"),
        pytest.param(
            live(subscriptions=[subscription("+15550100", protocol="sms")]),
            dict(OPTIONS, subscriptions=[{"protocol": "sms", "endpoint": "+1 555-0100"}]),
            [],
            id="sms-canonical",
        ),
        pytest.param(
            live(subscriptions=[subscription("OPS@example.com")]), OPTIONS, ["subscriptions"], id="endpoint-case"
        ),
        pytest.param(live(tags={"jenkins-ha:stack": "demo"}), OPTIONS, ["tags"], id="tag-missing"),
        pytest.param(live(tags=dict(OPTIONS["tags"], owner="x")), OPTIONS, ["tags"], id="tag-purged"),
        pytest.param(live(tags=dict(OPTIONS["tags"], **{"aws:x": "y"})), OPTIONS, [], id="aws-tag-kept"),
        pytest.param(
            live(tags=dict(OPTIONS["tags"], **{"jenkins-ha:stack": "other"})), OPTIONS, ["tags"], id="tag-value"
        ),
        pytest.param(live(tags={"n": "1"}), dict(OPTIONS, tags={"n": 1}), [], id="tag-value-as-text"),
        pytest.param(live(tags={"x": "1"}), dict(OPTIONS, tags=None), [], id="tags-not-asked"),
        pytest.param(
            live(attributes={"display_name": "old"}, subscriptions=[], tags={}),
            OPTIONS,
            ["display_name", "subscriptions", "tags"],
            id="everything",
        ),
    ],
)
def test_what_the_module_would_change(topic, options, expected):
    assert unconverged_sns_topic(topic, options) == expected


@pytest.mark.parametrize(
    "topic, options, message",
    [
        ([], OPTIONS, "live topic must be a mapping"),
        (live(), [], "module options must be a mapping"),
        (live(), dict(OPTIONS, policy={}), "options policy are not compared"),
        (live(), dict(OPTIONS, purge_subscriptions=False), "purge_subscriptions"),
        (live(tags=[{"Key": "x", "Value": "y"}]), OPTIONS, "tags must be a mapping"),
        (live(), dict(OPTIONS, subscriptions=["ops@example.com"]), "an asked subscription must be a mapping"),
        (live(), dict(OPTIONS, subscriptions=[{"endpoint": "ops@example.com"}]), "needs a protocol and an endpoint"),
        (live(subscriptions=[None]), OPTIONS, "a live subscription must be a mapping"),
    ],
)
def test_bad_input_is_refused(topic, options, message):
    with pytest.raises(AnsibleFilterError, match=message):
        unconverged_sns_topic(topic, options)


@pytest.fixture
def sns(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        yield client("sns")


def make_as_the_module_does(client, options):
    """community.aws.sns_topic 10.x for these options: CreateTopic with the tags, DisplayName, Subscribe."""
    arn = client.create_topic(
        Name=options["name"], Attributes={}, Tags=[{"Key": k, "Value": v} for k, v in options["tags"].items()]
    )["TopicArn"]
    client.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue=options["display_name"])
    for item in options["subscriptions"]:
        client.subscribe(TopicArn=arn, Protocol=item["protocol"], Endpoint=item["endpoint"])
    return arn


def read_as_monitoring_does(name):
    """monitoring.yml's read: lookup('jenkins_ha.aws.sns_topic_state', name)."""
    return LookupModule(loader=None, templar=Templar(loader=None)).run([name], {}, region=REGION)[0]


def test_a_topic_the_module_made_reads_back_as_converged(sns):
    assert unconverged_sns_topic(read_as_monitoring_does(NAME), OPTIONS) == ["create"]
    arn = make_as_the_module_does(sns, OPTIONS)
    assert unconverged_sns_topic(read_as_monitoring_does(NAME), OPTIONS) == []
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "owner", "Value": "someone"}])
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="renamed")
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="old@example.com")
    drifted = read_as_monitoring_does(NAME)
    assert unconverged_sns_topic(drifted, OPTIONS) == ["display_name", "subscriptions", "tags"]


def test_a_topic_whose_name_ends_like_ours_is_not_ours(sns):
    make_as_the_module_does(sns, dict(OPTIONS, name="x" + NAME))
    assert read_as_monitoring_does(NAME) == {"topic_arn": ""}


@pytest.mark.parametrize("terms", [[], [NAME, NAME], [ARN], [""], [None]])
def test_the_lookup_takes_one_name(sns, terms):
    with pytest.raises(AnsibleLookupError, match="one topic name"):
        LookupModule(loader=None, templar=Templar(loader=None)).run(terms, {}, region=REGION)
