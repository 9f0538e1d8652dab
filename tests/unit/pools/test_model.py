"""The agent pool model (module_utils/_pools/model.py, filters agent_pools/agent_pool_errors): every shape of
jenkins_ha_agent_pools normalised or refused, one row per case."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.agent_pools import FilterModule
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import (
    NORMALISED_KEYS,
    LEGACY_VARIABLES,
    PoolError,
    normalise_pools,
    pool_errors,
)
from tests.unit.pools.fixtures import normalised_pool

LEGACY = {
    "jenkins_ha_agent_label": "ec2-fleet",
    "jenkins_ha_agent_instance_type": "t3.large",
    "jenkins_ha_agent_min_size": 0,
    "jenkins_ha_agent_max_size": 6,
    "jenkins_ha_agent_desired_capacity": 0,
    "jenkins_ha_agent_root_volume_size": 50,
    "jenkins_ha_agent_max_total_uses": 1,
}
SPEC = {name: {"type": "raw", "default": value} for name, value in LEGACY.items()}
SPEC["jenkins_ha_stack_name"] = {"type": "str"}

DEFAULT_POOL = normalised_pool("default", labels="ec2-fleet", root_volume_size=50)


def _legacy(**changes):
    values = dict(LEGACY)
    values.update({"jenkins_ha_agent_" + key: value for key, value in changes.items()})
    return values


# (pools, legacy, expected normalised pools)
NORMALISED = [
    ([], LEGACY, [DEFAULT_POOL]),
    (
        [],
        _legacy(
            label="linux docker",
            instance_type="m5.xlarge",
            min_size=1,
            max_size=4,
            desired_capacity=2,
            root_volume_size=100,
        ),
        [
            dict(
                DEFAULT_POOL,
                labels="linux docker",
                instance_types=["m5.xlarge"],
                min_size=1,
                max_size=4,
                desired_capacity=2,
                root_volume_size=100,
            )
        ],
    ),
    ([{"name": "default"}], LEGACY, [DEFAULT_POOL]),
    (
        [
            {
                "name": "spot",
                "instance_types": ["m5.large", "m6i.large"],
                "on_demand_percentage_above_base": 0,
                "max_size": 10,
                "tags": {"team": "ci"},
            }
        ],
        LEGACY,
        [
            dict(
                DEFAULT_POOL,
                name="spot",
                labels="spot",
                asg_name="demo-agent-spot",
                launch_template_name="demo-agent-spot",
                instance_types=["m5.large", "m6i.large"],
                on_demand_percentage_above_base=0,
                # Off unless asked for: a rebalance recommendation would terminate a busy agent.
                capacity_rebalance=False,
                # Not the default pool: only jobs asking for its labels.
                restrict_usage=True,
                max_size=10,
                tags={"team": "ci"},
                spot=True,
            )
        ],
    ),
    (
        [
            {
                "name": "big",
                "labels": "  large   docker ",
                "min_size": 1,
                "capacity_rebalance": True,
                "on_demand_base_capacity": 1,
                "on_demand_percentage_above_base": 50,
                "spot_allocation_strategy": "capacity-optimized",
                "executors": 1,
                "max_total_uses": 1,
            }
        ],
        LEGACY,
        [
            dict(
                DEFAULT_POOL,
                name="big",
                labels="large docker",
                asg_name="demo-agent-big",
                launch_template_name="demo-agent-big",
                min_size=1,
                desired_capacity=1,
                capacity_rebalance=True,
                on_demand_base_capacity=1,
                on_demand_percentage_above_base=50,
                spot_allocation_strategy="capacity-optimized",
                executors=1,
                max_total_uses=1,
                restrict_usage=True,
                spot=True,
            )
        ],
    ),
    (
        [{"name": "a", "on_demand_percentage_above_base": 99, "capacity_rebalance": False}, {"name": "default"}],
        LEGACY,
        [
            dict(
                DEFAULT_POOL,
                name="a",
                labels="a",
                asg_name="demo-agent-a",
                launch_template_name="demo-agent-a",
                on_demand_percentage_above_base=99,
                restrict_usage=True,
                spot=True,
            ),
            DEFAULT_POOL,
        ],
    ),
]


# min_spare_size (the pool's cloud's minSpareSize, idle agents kept ready): (pools, expected value per pool).
MIN_SPARE_SIZE = [
    ([], [0]),
    ([{"name": "default"}, {"name": "spot", "max_size": 10, "min_spare_size": 2}], [0, 2]),
    ([{"name": "warm", "max_size": 3, "min_spare_size": 3}], [3]),
]


# Agent reuse (issue 20 finding 7): single use unless a pool or jenkins_ha_agent_max_total_uses opts into reuse, and
# one executor on a single-use agent that does not set them. (pools, legacy, expected (max_total_uses, executors)).
REUSE = [
    ([], LEGACY, [(1, 1)]),
    ([], _legacy(max_total_uses=-1), [(-1, 2)]),
    ([], _legacy(max_total_uses=20), [(20, 2)]),
    ([{"name": "default"}, {"name": "spot"}], LEGACY, [(1, 1), (1, 1)]),
    ([{"name": "trusted", "max_total_uses": -1}], LEGACY, [(-1, 2)]),
    ([{"name": "batch", "max_total_uses": 10, "executors": 4}], LEGACY, [(10, 4)]),
    ([{"name": "wide", "executors": 2}], LEGACY, [(1, 2)]),
]


@pytest.mark.parametrize("pools, legacy, expected", REUSE)
def test_agent_reuse_defaults_to_single_use(pools, legacy, expected):
    normalised = normalise_pools("demo", pools, legacy, LEGACY)
    assert [(pool["max_total_uses"], pool["executors"]) for pool in normalised] == expected


@pytest.mark.parametrize("pools, expected", MIN_SPARE_SIZE)
def test_min_spare_size(pools, expected):
    assert [pool["min_spare_size"] for pool in normalise_pools("demo", pools, LEGACY, LEGACY)] == expected


@pytest.mark.parametrize("pools, legacy, expected", NORMALISED)
def test_normalised(pools, legacy, expected):
    assert normalise_pools("demo", pools, legacy, LEGACY) == expected
    assert pool_errors("demo", pools, legacy, LEGACY) == []


# restrict_usage (the pool's cloud's restrictUsage): (pools, expected value per pool, in order). Only the default
# pool takes jobs without a label unless a pool says otherwise.
RESTRICT_USAGE = [
    ([], [False]),
    ([{"name": "default"}], [False]),
    ([{"name": "default"}, {"name": "spot"}, {"name": "docker"}], [False, True, True]),
    ([{"name": "default", "restrict_usage": True}, {"name": "spot", "restrict_usage": False}], [True, False]),
    ([{"name": "large", "restrict_usage": True}], [True]),
]


@pytest.mark.parametrize("pools, expected", RESTRICT_USAGE)
def test_restrict_usage(pools, expected):
    assert [pool["restrict_usage"] for pool in normalise_pools("demo", pools, LEGACY, LEGACY)] == expected


def test_every_pool_has_exactly_the_model_keys():
    for pools, legacy, _expected in NORMALISED:
        for pool in normalise_pools("demo", pools, legacy, LEGACY):
            assert tuple(sorted(pool)) == NORMALISED_KEYS


def _pool(**keys):
    return dict({"name": "p"}, **keys)


# (pools, legacy, a fragment of the single expected message)
REFUSED = [
    ("nope", LEGACY, "jenkins_ha_agent_pools must be a list"),
    (["p"], LEGACY, "jenkins_ha_agent_pools[0] must be a mapping with at least a name"),
    ([{"labels": "x"}], LEGACY, "jenkins_ha_agent_pools[0] must be a mapping with at least a name"),
    ([_pool(colour="red")], LEGACY, "(p) has unknown key(s) colour"),
    ([_pool(name="Big")], LEGACY, "name 'Big' must be 1-20"),
    ([_pool(name="a" * 21)], LEGACY, "must be 1-20"),
    ([_pool(name="1a")], LEGACY, "must be 1-20"),
    ([_pool(), _pool()], LEGACY, "names p more than once"),
    ([_pool(labels="")], LEGACY, "labels must be a non-empty string"),
    ([_pool(labels="a&&b")], LEGACY, "label(s) a&&b are not plain"),
    ([_pool(labels=["a"])], LEGACY, "labels must be a non-empty string"),
    ([_pool(image="docker")], LEGACY, "pool-specific images are not built yet (issue 18)"),
    ([_pool(instance_types=[])], LEGACY, "instance_types must be a non-empty list"),
    ([_pool(instance_types="t3.large")], LEGACY, "instance_types must be a non-empty list"),
    ([_pool(instance_types=["large"])], LEGACY, "large are not EC2 instance types"),
    ([_pool(instance_types=["t3.large", "t3.large"])], LEGACY, "lists a type twice"),
    ([_pool(spot_allocation_strategy="cheapest")], LEGACY, "spot_allocation_strategy 'cheapest' must be one of"),
    ([_pool(capacity_rebalance="yes")], LEGACY, "capacity_rebalance must be true or false"),
    ([_pool(restrict_usage="yes")], LEGACY, "(p): restrict_usage must be true or false, got 'yes'"),
    ([_pool(restrict_usage=1)], LEGACY, "restrict_usage must be true or false, got 1"),
    ([_pool(restrict_usage=None)], LEGACY, "restrict_usage must be true or false, got None"),
    ([_pool(on_demand_base_capacity=-1)], LEGACY, "on_demand_base_capacity must be 0 or more"),
    ([_pool(on_demand_percentage_above_base=101)], LEGACY, "must be from 0 to 100"),
    ([_pool(on_demand_percentage_above_base=-1)], LEGACY, "must be from 0 to 100"),
    ([_pool(min_size=3, max_size=2)], LEGACY, "0 <= min_size <= max_size"),
    ([_pool(min_size=0, max_size=0)], LEGACY, "max_size >= 1"),
    ([_pool(min_size=-1)], LEGACY, "0 <= min_size"),
    ([_pool(desired_capacity=7)], LEGACY, "desired_capacity must be between"),
    ([_pool(min_size="1", desired_capacity=0)], LEGACY, "min_size must be an integer"),
    ([_pool(max_size=True)], LEGACY, "max_size must be an integer"),
    ([_pool(min_spare_size=7)], LEGACY, "(p): min_spare_size must be from 0 to max_size (6), got 7"),
    ([_pool(min_spare_size=-1)], LEGACY, "min_spare_size must be from 0 to max_size (6), got -1"),
    ([_pool(min_spare_size="1")], LEGACY, "min_spare_size must be an integer, got '1'"),
    ([_pool(idle_minutes=-1)], LEGACY, "idle_minutes must be 0 or more"),
    ([_pool(executors=0)], LEGACY, "executors must be at least 1"),
    ([_pool(max_total_uses=0)], LEGACY, "max_total_uses must be -1"),
    ([_pool(max_total_uses=-2)], LEGACY, "max_total_uses must be -1"),
    ([_pool(root_volume_size=4)], LEGACY, "root_volume_size must be at least 8"),
    ([_pool(tags={"jenkins-ha:pool": "x"})], LEGACY, "tags may not set jenkins-ha:pool"),
    ([_pool(tags={"aws:x": "x"})], LEGACY, "tags may not set aws:x"),
    ([_pool(tags={"managed-by": "x"})], LEGACY, "tags may not set managed-by"),
    ([_pool(tags={"team": 1})], LEGACY, "tags must map strings to strings"),
    ([_pool()], _legacy(max_size=8), "jenkins_ha_agent_max_size describe(s) the agent pool only when"),
    ([_pool()], _legacy(label="x", root_volume_size=9), "jenkins_ha_agent_label, jenkins_ha_agent_root_volume_size"),
    ([], _legacy(max_size=0), "the default agent pool: sizes must satisfy"),
    ([], _legacy(max_total_uses=0), "the default agent pool: max_total_uses must be -1 (unlimited) or at least 1"),
    ([_pool()], _legacy(max_total_uses=-1), "jenkins_ha_agent_max_total_uses describe(s) the agent pool only when"),
    ([], _legacy(label=""), "the default agent pool: labels must be"),
]


@pytest.mark.parametrize("pools, legacy, fragment", REFUSED)
def test_refused(pools, legacy, fragment):
    errors = pool_errors("demo", pools, legacy, LEGACY)
    assert len(errors) == 1, errors
    assert fragment in errors[0]
    with pytest.raises(PoolError, match="jenkins_ha_agent_pools|default agent pool|jenkins_ha_agent_"):
        normalise_pools("demo", pools, legacy, LEGACY)


def test_every_problem_is_reported_at_once():
    errors = pool_errors(
        "demo", [_pool(executors=0, image="x"), _pool(name="q", max_size=0)], _legacy(max_size=2), LEGACY
    )
    assert len(errors) == 4, errors


FILTERS = FilterModule().filters()


def test_filter_takes_the_defaults_from_the_argument_spec():
    assert FILTERS["agent_pools"]([], "demo", LEGACY, SPEC) == [DEFAULT_POOL]
    assert FILTERS["agent_pool_errors"]([_pool()], "demo", _legacy(min_size=1), SPEC) != []


def test_filter_raises_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="agent_pools: .*pool-specific images"):
        FILTERS["agent_pools"]([_pool(image="gpu")], "demo", LEGACY, SPEC)


@pytest.mark.parametrize("legacy", [{}, {"jenkins_ha_agent_label": "x"}, None])
def test_missing_legacy_values_are_a_caller_error(legacy):
    with pytest.raises(AnsibleFilterError, match="legacy must map"):
        FILTERS["agent_pools"]([], "demo", legacy, SPEC)


def test_legacy_variables_are_the_stack_config_ones():
    import yaml
    from pathlib import Path

    spec = Path(__file__).resolve().parents[3] / "roles" / "stack_config" / "meta" / "argument_specs.yml"
    options = yaml.safe_load(spec.read_text())["argument_specs"]["main"]["options"]
    assert {name: options[name]["default"] for name in LEGACY_VARIABLES} == LEGACY
