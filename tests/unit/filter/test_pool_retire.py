"""pool_retire_groups: which of the stack's pool-tagged groups playbooks/pools_retire.yml retires, and what it freezes,
drains and deletes for each (tables; the described groups are snake_case as the aws_read lookup gives them)."""

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.pool_retire import (
    FilterModule,
    pool_alarm_names,
    pool_record_names,
    pool_retire_groups,
)
from tests.unit.filter.test_pool_alarms import NAME_PATTERN, POOLS, pool_alarms

SSM = {"agent_pool_asg_name": "agent/pools/{pool}/asg-name", "agent_asg_name": "agent/asg-name"}
PREFIX = "/jenkins-ha/demo"
TAG = "jenkins-ha:pool"


def described(name, pool, instances=(), **extra):
    group = {
        "auto_scaling_group_name": name,
        "tags": [{"key": "jenkins-ha:stack", "value": "demo"}] + ([{"key": TAG, "value": pool}] if pool else []),
        "instances": [{"instance_id": i, "protected_from_scale_in": p} for i, p in instances],
        "launch_template": {"launch_template_name": name, "version": "1"},
        "min_size": 0,
        "max_size": 4,
        "desired_capacity": len(instances),
        "health_check_type": "EC2",
        "health_check_grace_period": 300,
        "default_cooldown": 300,
        "termination_policies": ["Default"],
        "suspended_processes": [],
        "enabled_metrics": [{"metric": "GroupMaxSize", "granularity": "1Minute"}],
    }
    group.update(extra)
    return group


def retire(groups, pools=None):
    return pool_retire_groups(groups, POOLS if pools is None else pools, "demo", TAG, SSM, PREFIX)


@pytest.mark.parametrize(
    "groups, expected",
    [
        ([], []),
        # Listed pools' groups stay.
        ([described("demo-agent", "default"), described("demo-agent-spot", "spot")], []),
        # A group without the pool tag is no pool's (the controller's).
        ([described("demo-controller", None)], []),
        ([described("demo-agent-gpu", "gpu"), described("demo-agent", "default")], ["demo-agent-gpu"]),
        ([described("demo-agent-z", "z"), described("demo-agent-a", "a")], ["demo-agent-a", "demo-agent-z"]),
    ],
)
def test_only_groups_of_pools_no_longer_listed_are_retired(groups, expected):
    assert [entry["name"] for entry in retire(groups)] == expected


def test_a_retired_pool_names_its_template_agents_records_and_alarms():
    [entry] = retire([described("demo-agent-gpu", "gpu", [("i-2", True), ("i-1", False)])])
    assert entry["pool"] == "gpu" and entry["launch_template"] == "demo-agent-gpu"
    assert entry["instance_ids"] == ["i-1", "i-2"] and entry["unprotected"] == ["i-1"]
    assert entry["records"] == ["/jenkins-ha/demo/agent/pools/gpu/asg-name"]
    assert entry["alarms"] == ["demo-agents-gpu-at-max", "demo-agents-gpu-short"]
    assert entry["frozen"] is False


def test_the_template_of_a_spot_pool_is_read_from_its_mixed_instances_policy():
    spec = {"launch_template_name": "demo-agent-cheap", "version": "3"}
    group = described(
        "demo-agent-cheap", "cheap", mixed_instances_policy={"launch_template": {"launch_template_specification": spec}}
    )
    del group["launch_template"]
    assert retire([group])[0]["launch_template"] == "demo-agent-cheap"


def test_a_retired_default_pool_also_takes_the_legacy_record_and_alarm_names():
    [entry] = retire([described("demo-agent", "default")], pools=[POOLS[1]])
    assert entry["records"] == ["/jenkins-ha/demo/agent/pools/default/asg-name", "/jenkins-ha/demo/agent/asg-name"]
    assert entry["alarms"] == ["demo-agents-at-max", "demo-agents-short"]


def test_a_group_left_by_a_listed_pool_keeps_that_pools_records_and_alarms():
    """A pool still listed by name whose group has another name: the old group goes, the pool's records stay."""
    [entry] = retire([described("demo-agent-spot-old", "spot")])
    assert entry["name"] == "demo-agent-spot-old" and entry["records"] == [] and entry["alarms"] == []


@pytest.mark.parametrize(
    "sizes, suspended, frozen",
    [
        ((0, 0, 0), ["Launch"], True),
        ((0, 0, 0), ["AZRebalance", "Launch"], True),
        ((0, 0, 0), [], False),
        ((0, 4, 0), ["Launch"], False),
        ((1, 1, 1), ["Launch"], False),
    ],
)
def test_frozen_means_launch_suspended_and_no_capacity(sizes, suspended, frozen):
    group = described("demo-agent-gpu", "gpu", suspended_processes=[{"process_name": p} for p in suspended])
    group.update(zip(("min_size", "max_size", "desired_capacity"), sizes))
    [entry] = retire([group])
    assert entry["frozen"] is frozen
    assert entry["keep"]["suspend_processes"] == sorted(set(suspended) | {"Launch"})


def test_the_freeze_keeps_the_groups_own_options():
    group = described(
        "demo-agent-gpu",
        "gpu",
        health_check_type="ELB",
        health_check_grace_period=60,
        default_cooldown=0,
        termination_policies=["OldestInstance"],
        enabled_metrics=[
            {"metric": "GroupTotalInstances", "granularity": "1Minute"},
            {"metric": "GroupMaxSize", "granularity": "1Minute"},
        ],
    )
    assert retire([group])[0]["keep"] == {
        "suspend_processes": ["Launch"],
        "health_check_type": "ELB",
        "health_check_period": 60,
        "default_cooldown": 0,
        "termination_policies": ["OldestInstance"],
        "metrics_collection": True,
        "metrics_list": ["GroupMaxSize", "GroupTotalInstances"],
        "metrics_granularity": "1Minute",
    }
    assert retire([described("demo-agent-gpu", "gpu", enabled_metrics=[])])[0]["keep"]["metrics_collection"] is False


@pytest.mark.parametrize("pool", ["default", "spot"])
def test_the_alarm_names_are_those_monitoring_gives_the_pool(pool):
    """Cross-checked against the alarms monitoring.yml converges (filter stack_metric_alarms) and a fixed pattern."""
    rendered = {alarm["name"] for alarm in pool_alarms(pools=[p for p in POOLS if p["name"] == pool])}
    names = pool_alarm_names("demo", pool)
    assert set(names) <= rendered
    assert all(re.fullmatch(NAME_PATTERN, name) for name in names)


def test_record_names_follow_the_contract():
    assert pool_record_names("gpu", SSM, PREFIX) == ["/jenkins-ha/demo/agent/pools/gpu/asg-name"]


@pytest.mark.parametrize(
    "groups, pools, ssm, message",
    [
        ({}, [], SSM, "must be lists"),
        ([], None, SSM, "must be lists"),
        (["demo-agent"], [], SSM, "not a mapping"),
        ([], [], {"agent_asg_name": "agent/asg-name"}, "jenkins_ha_contract.ssm"),
    ],
)
def test_bad_input_is_refused(groups, pools, ssm, message):
    with pytest.raises(AnsibleFilterError, match=message):
        pool_retire_groups(groups, pools, "demo", TAG, ssm, PREFIX)


def test_the_filter_is_registered():
    assert FilterModule().filters()["pool_retire_groups"] is pool_retire_groups
