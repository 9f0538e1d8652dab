"""playbooks/monitoring.yml alone against the session's emulator (no converge: the alarms need only the stack
description; a missing target group or EFS leaves their alarms out): the alarm topic, encrypted with the stack's key
(a key made here, handed over as jenkins_ha_kms_key_arn), two alarms per agent pool notifying it, a converged rerun
that runs no module (neither the topic's nor an alarm's), a changed maximum reaching its pool's alarm, a removed
pool's alarms deleted (issue 18) and a drifted topic put back. Three runs of the play, about 45 s with the emulator's
start."""

import pytest

from tests.integration.harness import ROOT, run_playbook

MONITORING = ROOT / "playbooks" / "monitoring.yml"
DEMO = ROOT / "inventory" / "demo"
STACK = "mon"
POOLS = [
    {"name": "default", "labels": "ec2-fleet", "instance_types": ["t3.large"], "min_size": 0, "max_size": 6},
    {
        "name": "spot",
        "labels": "spot",
        "instance_types": ["m5.large", "m6i.large"],
        "on_demand_base_capacity": 0,
        "on_demand_percentage_above_base": 0,
        "min_size": 0,
        "max_size": 10,
    },
]


EMAILS = ["ops@example.com"]


@pytest.fixture(scope="module")
def key_arn(emulator):
    return emulator.client("kms").create_key(Description="jenkins_ha mon (test_monitoring)")["KeyMetadata"]["Arn"]


def run(emulator, pools, key_arn):
    return run_playbook(
        MONITORING,
        emulator.env(),
        inventory=DEMO,
        extra_vars=[
            {
                "jenkins_ha_stack_name": STACK,
                "jenkins_ha_alarm_sns_topic": True,
                "jenkins_ha_alarm_emails": EMAILS,
                "jenkins_ha_kms_key_arn": key_arn,
                "jenkins_ha_agent_pools": pools,
            }
        ],
    )


def topic(emulator):
    sns = emulator.client("sns")
    arns = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":" + STACK + "-alarms")]
    assert len(arns) == 1, arns
    return {
        "arn": arns[0],
        "attributes": sns.get_topic_attributes(TopicArn=arns[0])["Attributes"],
        "endpoints": [s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=arns[0])["Subscriptions"]],
        "tags": {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arns[0])["Tags"]},
    }


def alarms(emulator):
    found = emulator.client("cloudwatch").describe_alarms(AlarmNamePrefix=STACK + "-")["MetricAlarms"]
    return {alarm["AlarmName"]: alarm for alarm in found}


@pytest.fixture(scope="module")
def converged(emulator, key_arn):
    first = run(emulator, POOLS, key_arn)
    assert first.rc == 0, first.output[-3000:]
    return first


def test_two_alarms_per_pool_with_the_pools_maximum(emulator, converged):
    found = alarms(emulator)
    assert sorted(found) == [
        "mon-agents-at-max",
        "mon-agents-short",
        "mon-agents-spot-at-max",
        "mon-agents-spot-short",
        "mon-controller-in-service",
    ]
    assert found["mon-agents-at-max"]["Threshold"] == 6.0
    assert found["mon-agents-spot-at-max"]["Threshold"] == 10.0
    assert found["mon-agents-spot-at-max"]["Dimensions"] == [
        {"Name": "AutoScalingGroupName", "Value": "mon-agent-spot"}
    ]
    short = found["mon-agents-spot-short"]
    assert "MetricName" not in short
    assert [m["Id"] for m in short["Metrics"]] == ["desired", "in_service", "shortfall"]
    assert short["Metrics"][2]["Expression"] == "desired - in_service"


def test_the_topic_encrypted_and_notified(emulator, converged, key_arn):
    made = topic(emulator)
    assert made["attributes"]["DisplayName"] == "jenkins_ha mon alarms"
    assert made["attributes"]["KmsMasterKeyId"] == key_arn
    assert made["endpoints"] == EMAILS
    assert made["tags"]["jenkins-ha:stack"] == STACK and made["tags"]["jenkins-ha:component"] == "monitoring"
    assert {alarm["AlarmActions"][0] for alarm in alarms(emulator).values()} == {made["arn"]}
    assert {alarm["OKActions"][0] for alarm in alarms(emulator).values()} == {made["arn"]}


def test_rerun_runs_no_module(emulator, converged, key_arn):
    second = run(emulator, POOLS, key_arn)
    assert second.rc == 0, second.output[-3000:]
    assert second.changed() == 0, second.output
    # Read in process, not by the modules (each of which would report ok, at about a second each).
    for task in ("Create the alarm topic", "Encrypt the alarm topic with the stack's key"):
        assert "skipping: [localhost]" in second.output.split("TASK [{0}]".format(task))[1].split("TASK [")[0], task


def test_a_new_maximum_a_removed_pool_and_a_drifted_topic(emulator, converged, key_arn):
    # One run: the default pool's maximum grows (its alarm is updated), the spot pool goes (its alarms deleted) and
    # the topic renamed outside Ansible gets its display name back.
    emulator.client("sns").set_topic_attributes(
        TopicArn=topic(emulator)["arn"], AttributeName="DisplayName", AttributeValue="renamed"
    )
    changed = run(emulator, [dict(POOLS[0], max_size=7)], key_arn)
    assert changed.rc == 0, changed.output[-3000:]
    assert changed.changed() == 3, changed.output
    assert "changed: [localhost] => (item=mon-agents-at-max)" in changed.output
    assert topic(emulator)["attributes"]["DisplayName"] == "jenkins_ha mon alarms"
    found = alarms(emulator)
    assert sorted(found) == ["mon-agents-at-max", "mon-agents-short", "mon-controller-in-service"]
    assert found["mon-agents-at-max"]["Threshold"] == 7.0
