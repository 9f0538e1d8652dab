"""What the provisioning playbooks make of the normalised pools (module_utils/_pools/provisioning.py, filters
agent_pool_groups/_templates/_records/agent_pools_unprotected), and how unconverged_auto_scaling_groups judges a pool's
group (mixed instances policy, capacity rebalancing, pool tags). Tables, no AWS."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.agent_pools import FilterModule
from ansible_collections.jenkins_ha.aws.plugins.filter.unconverged_autoscaling import group_differences
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import normalise_pools

from tests.unit.pools.test_model import LEGACY

FILTERS = FilterModule().filters()
SPOT = {
    "name": "spot",
    "instance_types": ["m5.large", "m6i.large"],
    "on_demand_base_capacity": 1,
    "on_demand_percentage_above_base": 0,
    "capacity_rebalance": True,
    "max_size": 10,
    "tags": {"team": "ci"},
}
POOLS = normalise_pools(
    "demo", [{"name": "default"}, SPOT, {"name": "wide", "instance_types": ["c5.large", "c6i.large"]}], LEGACY, LEGACY
)
DEFAULT, SPOT_POOL, WIDE = POOLS
SPOT_POLICY = {
    "instance_types": ["m5.large", "m6i.large"],
    "instances_distribution": {
        "on_demand_base_capacity": 1,
        "on_demand_percentage_above_base_capacity": 0,
        "spot_allocation_strategy": "price-capacity-optimized",
    },
}


def test_group_items():
    groups = FILTERS["agent_pool_groups"](POOLS, ["demo-agent"])
    assert [g["name"] for g in groups] == ["demo-agent", "demo-agent-spot", "demo-agent-wide"]
    default, spot, wide = groups
    # The existing group gets no sizes (EC2 Fleet owns them); new ones are created with the pool's.
    assert "min_size" not in default and "desired_capacity" not in default
    assert (spot["min_size"], spot["max_size"], spot["desired_capacity"]) == (0, 10, 0)
    assert default["mixed_instances_policy"] is None and default["capacity_rebalance"] is False
    assert spot["mixed_instances_policy"] == SPOT_POLICY and spot["capacity_rebalance"] is True
    # On-demand with two types: a policy (both types usable), all on-demand, no rebalancing.
    assert wide["mixed_instances_policy"]["instances_distribution"]["on_demand_percentage_above_base_capacity"] == 100
    assert wide["capacity_rebalance"] is False
    assert default["extra_tags"] == {"jenkins-ha:pool": "default"}
    assert spot["extra_tags"] == {"jenkins-ha:pool": "spot", "team": "ci"}
    assert {g["component"] for g in groups} == {"agent"} and {g["health_check_type"] for g in groups} == {"EC2"}
    assert [g["launch_template"] for g in groups] == ["demo-agent", "demo-agent-spot", "demo-agent-wide"]


def test_template_items():
    templates = FILTERS["agent_pool_templates"](POOLS)
    assert [(t["name"], t["instance_type"], t["volume_size"]) for t in templates] == [
        ("demo-agent", "t3.large", 50),
        ("demo-agent-spot", "m5.large", 50),
        ("demo-agent-wide", "c5.large", 50),
    ]
    # The pool tag on the template only: the default pool's instances and volumes keep their tag specifications.
    assert templates[0]["launch_tags"] == {} and templates[0]["extra_tags"] == {"jenkins-ha:pool": "default"}
    assert templates[1]["launch_tags"] == {"team": "ci"}


SSM = {"agent_asg_name": "agent/asg-name", "agent_pool_asg_name": "agent/pools/{pool}/asg-name"}


@pytest.mark.parametrize(
    "pools, expected",
    [
        (
            [DEFAULT, SPOT_POOL],
            [
                ("agent_pool_asg_name/default", "/jenkins-ha/demo/agent/pools/default/asg-name", "demo-agent"),
                ("agent_asg_name", "/jenkins-ha/demo/agent/asg-name", "demo-agent"),
                ("agent_pool_asg_name/spot", "/jenkins-ha/demo/agent/pools/spot/asg-name", "demo-agent-spot"),
            ],
        ),
        ([SPOT_POOL], [("agent_pool_asg_name/spot", "/jenkins-ha/demo/agent/pools/spot/asg-name", "demo-agent-spot")]),
        ([], []),
    ],
)
def test_records(pools, expected):
    records = FILTERS["agent_pool_records"](pools, SSM, "/jenkins-ha/demo")
    assert [(r["key"], r["name"], r["value"]) for r in records] == expected
    assert {r["component"] for r in records} <= {"agent"}


def _group(name, flag=True, instances=()):
    return {
        "auto_scaling_group_name": name,
        "new_instances_protected_from_scale_in": flag,
        # As DescribeAutoScalingGroups answers (snake_case): every instance has its id.
        "instances": [
            {"instance_id": "i-%d" % index, "protected_from_scale_in": p, "lifecycle_state": s}
            for index, (p, s) in enumerate(instances)
        ],
    }


@pytest.mark.parametrize(
    "described, expected",
    [
        ([], ["demo-agent", "demo-agent-spot"]),
        ([_group("demo-agent"), _group("demo-agent-spot")], []),
        ([_group("demo-agent", flag=False), _group("demo-agent-spot")], ["demo-agent"]),
        (
            [_group("demo-agent", instances=[(True, "InService"), (False, "InService")]), _group("demo-agent-spot")],
            ["demo-agent"],
        ),
        ([_group("demo-agent", instances=[(False, "Terminating")]), _group("demo-agent-spot")], []),
        ([_group("demo-agent")], ["demo-agent-spot"]),
    ],
)
def test_unprotected(described, expected):
    assert FILTERS["agent_pools_unprotected"]([DEFAULT, SPOT_POOL], described) == expected


class _LazyDict(dict):
    """Like Ansible's lazy templating containers (a lookup's result in a filter): no constructor without contents."""

    def __init__(self, contents):
        super().__init__(contents)


class _LazyList(list):
    def __init__(self, contents):
        super().__init__(contents)


def test_unprotected_reads_the_lazy_containers_a_lookup_hands_over():
    group = _group("demo-agent", instances=[(False, "InService")])
    lazy = _LazyDict(dict(group, instances=_LazyList([_LazyDict(i) for i in group["instances"]])))
    assert FILTERS["agent_pools_unprotected"]([DEFAULT, SPOT_POOL], [lazy]) == ["demo-agent", "demo-agent-spot"]


@pytest.mark.parametrize(
    "name", ["agent_pool_groups", "agent_pool_templates", "agent_pool_records", "agent_pools_unprotected"]
)
def test_filters_want_normalised_pools(name):
    args = {
        "agent_pool_groups": ([],),
        "agent_pool_templates": (),
        "agent_pool_records": (SSM, "/p"),
        "agent_pools_unprotected": ([],),
    }
    with pytest.raises(AnsibleFilterError, match="normalised pools"):
        FILTERS[name]([{"name": "default"}], *args[name])


# unconverged_auto_scaling_groups on a pool's group: converged as described, then one field at a time.
SPOT_ITEM = FILTERS["agent_pool_groups"]([SPOT_POOL], ["demo-agent-spot"])[0]
STACK_TAGS = {"jenkins-ha:stack": "demo"}


def _described_spot(**changes):
    tags = dict(
        STACK_TAGS,
        **{"jenkins-ha:component": "agent", "Name": "demo-agent-spot", "jenkins-ha:pool": "spot", "team": "ci"},
    )
    group = {
        "auto_scaling_group_name": "demo-agent-spot",
        "mixed_instances_policy": {
            "launch_template": {
                "launch_template_specification": {"launch_template_name": "demo-agent-spot", "version": "2"},
                "overrides": [{"instance_type": "m5.large"}, {"instance_type": "m6i.large"}],
            },
            # As AWS describes it: with the defaults it adds.
            "instances_distribution": {
                "on_demand_allocation_strategy": "prioritized",
                "on_demand_base_capacity": 1,
                "on_demand_percentage_above_base_capacity": 0,
                "spot_allocation_strategy": "price-capacity-optimized",
            },
        },
        "capacity_rebalance": True,
        "vpc_zone_identifier": "subnet-a",
        "health_check_type": "EC2",
        "health_check_grace_period": 300,
        "target_group_arns": [],
        "default_cooldown": 300,
        "termination_policies": ["Default"],
        "suspended_processes": [],
        "enabled_metrics": [{"metric": "GroupMinSize", "granularity": "1Minute"}],
        "tags": [{"key": k, "value": v, "propagate_at_launch": True} for k, v in sorted(tags.items())],
    }
    group.update(changes)
    return group


def _policy(**distribution):
    policy = _described_spot()["mixed_instances_policy"]
    policy["instances_distribution"].update(distribution)
    return policy


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        ({"capacity_rebalance": False}, ["capacity_rebalance"]),
        (
            {
                "mixed_instances_policy": None,
                "launch_template": {"launch_template_name": "demo-agent-spot", "version": "2"},
            },
            ["mixed_instances_policy"],
        ),
        ({"mixed_instances_policy": _policy(on_demand_percentage_above_base_capacity=10)}, ["mixed_instances_policy"]),
        ({"mixed_instances_policy": _policy(spot_allocation_strategy="lowest-price")}, ["mixed_instances_policy"]),
        ({"tags": _described_spot()["tags"][:-1]}, ["tags"]),
    ],
)
def test_pool_group_differences(changes, expected):
    group = _described_spot(**changes)
    assert (
        group_differences(
            SPOT_ITEM,
            group,
            {"demo-agent-spot": "2"},
            ["subnet-a"],
            STACK_TAGS,
            "jenkins-ha:component",
            ["GroupMinSize"],
        )
        == expected
    )


def test_an_on_demand_group_with_a_policy_left_over_differs():
    default_item = FILTERS["agent_pool_groups"]([DEFAULT], ["demo-agent"])[0]
    group = _described_spot(auto_scaling_group_name="demo-agent", capacity_rebalance=False)
    assert "mixed_instances_policy" in group_differences(default_item, group, {}, [], {}, "c", [])
