"""playbooks/monitoring.yml alone against the session's emulator (no converge: the alarms need only the stack
description; a missing target group or EFS leaves their alarms out): two alarms per agent pool, a converged rerun that
runs no alarm module, a changed maximum reaching its pool's alarm, and a removed pool's alarms deleted (issue 18).
Three runs of the play, about 45 s with the emulator's start."""

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


def run(emulator, pools):
    return run_playbook(
        MONITORING,
        emulator.env(),
        inventory=DEMO,
        extra_vars=[
            {"jenkins_ha_stack_name": STACK, "jenkins_ha_alarm_sns_topic": False, "jenkins_ha_agent_pools": pools}
        ],
    )


def alarms(emulator):
    found = emulator.client("cloudwatch").describe_alarms(AlarmNamePrefix=STACK + "-")["MetricAlarms"]
    return {alarm["AlarmName"]: alarm for alarm in found}


@pytest.fixture(scope="module")
def converged(emulator):
    first = run(emulator, POOLS)
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


def test_rerun_runs_no_alarm_module(emulator, converged):
    second = run(emulator, POOLS)
    assert second.rc == 0, second.output[-3000:]
    assert second.changed() == 0, second.output


def test_a_new_maximum_and_a_removed_pool(emulator, converged):
    # One run: the default pool's maximum grows (its alarm is updated) and the spot pool goes (its alarms deleted).
    changed = run(emulator, [dict(POOLS[0], max_size=7)])
    assert changed.rc == 0, changed.output[-3000:]
    assert changed.changed() == 2, changed.output
    assert "changed: [localhost] => (item=mon-agents-at-max)" in changed.output
    found = alarms(emulator)
    assert sorted(found) == ["mon-agents-at-max", "mon-agents-short", "mon-controller-in-service"]
    assert found["mon-agents-at-max"]["Threshold"] == 7.0
