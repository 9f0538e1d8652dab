"""agent_pool_replacements / agent_pool_replacement_refusal (module_utils/_pools/replacement.py): which pool groups
asgs.yml would give other instance types or another On-Demand/Spot split while agents are in service (Auto Scaling
may then replace them outside upgrade.yml's drain), one row per case."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.agent_pools import FilterModule
from tests.unit.pools.fixtures import normalised_pool

FILTERS = FilterModule().filters()

ON_DEMAND = normalised_pool("default")
SPOT = normalised_pool(
    "spot",
    instance_types=["m5.large", "m6i.large"],
    on_demand_base_capacity=1,
    on_demand_percentage_above_base=0,
    spot=True,
)


def group(pool, instances=("InService",), policy="same", name=None):
    """The group of pool as the describe lookup returns it (snake_case), its instances in the given lifecycle
    states; policy: "same" (what asgs.yml set for the pool), None (launch template alone) or a policy of its own."""
    if policy == "same":
        policy = (
            None
            if not pool["spot"] and len(pool["instance_types"]) == 1
            else described_policy(
                pool["instance_types"],
                pool["on_demand_base_capacity"],
                pool["on_demand_percentage_above_base"],
                pool["spot_allocation_strategy"],
            )
        )
    value = {
        "auto_scaling_group_name": name or pool["asg_name"],
        "instances": [
            {"instance_id": "i-{0:017x}".format(index), "lifecycle_state": state}
            for index, state in enumerate(instances)
        ],
    }
    if policy:
        value["mixed_instances_policy"] = policy
    return value


def described_policy(types, base, above, strategy="price-capacity-optimized"):
    """A live mixed instances policy, with the defaults AWS adds to what asgs.yml set."""
    return {
        "launch_template": {
            "launch_template_specification": {"launch_template_name": "demo-agent-spot", "version": "3"},
            "overrides": [{"instance_type": t} for t in types],
        },
        "instances_distribution": {
            "on_demand_allocation_strategy": "prioritized",
            "on_demand_base_capacity": base,
            "on_demand_percentage_above_base_capacity": above,
            "spot_allocation_strategy": strategy,
        },
    }


# (pools, described groups, expected [(pool, in service, changes)])
CASES = [
    pytest.param([ON_DEMAND, SPOT], [group(ON_DEMAND), group(SPOT)], [], id="converged"),
    pytest.param([ON_DEMAND, SPOT], [], [], id="new-groups-nothing-to-replace"),
    pytest.param(
        [dict(SPOT, instance_types=["c7i.large", "m5.large"])],
        [group(SPOT, instances=("InService", "InService", "Terminating"))],
        [("spot", 2, ["instance types [m5.large, m6i.large] -> [c7i.large, m5.large]"])],
        id="instance-types-changed-busy",
    ),
    pytest.param(
        [dict(SPOT, instance_types=["c7i.large", "m5.large"])],
        [group(SPOT, instances=())],
        [],
        id="instance-types-changed-idle-pool",
    ),
    pytest.param(
        [dict(SPOT, instance_types=["c7i.large"])],
        [group(SPOT, instances=("Pending", "Terminating:Wait"))],
        [],
        id="no-instance-in-service",
    ),
    pytest.param(
        [dict(SPOT, on_demand_base_capacity=0, on_demand_percentage_above_base=50)],
        [group(SPOT)],
        [("spot", 1, ["On-Demand base capacity 1 -> 0", "On-Demand share above the base 0% -> 50%"])],
        id="split-changed",
    ),
    pytest.param(
        [dict(SPOT, spot_allocation_strategy="capacity-optimized")],
        [group(SPOT)],
        [("spot", 1, ["Spot allocation strategy price-capacity-optimized -> capacity-optimized"])],
        id="strategy-changed",
    ),
    pytest.param(
        [dict(ON_DEMAND, on_demand_percentage_above_base=50, spot=True)],
        [group(ON_DEMAND)],
        [
            (
                "default",
                1,
                [
                    "a mixed instances policy instead of the launch template alone: instance types [t3.large],"
                    " On-Demand base capacity 0, On-Demand share above the base 50%, Spot allocation strategy"
                    " price-capacity-optimized"
                ],
            )
        ],
        id="on-demand-pool-gains-spot",
    ),
    pytest.param(
        [dict(ON_DEMAND, instance_types=["t3.large", "t3a.large"])],
        [group(ON_DEMAND)],
        [("default", 1, ["a mixed instances policy instead of the launch template alone: instance types"])],
        id="on-demand-pool-gains-a-second-type",
    ),
    pytest.param(
        [
            dict(
                SPOT,
                instance_types=["m5.large"],
                on_demand_base_capacity=0,
                on_demand_percentage_above_base=100,
                spot=False,
            )
        ],
        [group(SPOT)],
        [("spot", 1, ["the launch template alone instead of the mixed instances policy (instance types [m5.large"])],
        id="spot-pool-back-to-on-demand",
    ),
    pytest.param(
        # The launch template's own type changes without a policy: a new template version, which asgs.yml does not
        # move an existing group to (upgrade.yml's drained refresh does).
        [dict(ON_DEMAND, instance_types=["m6i.large"])],
        [group(ON_DEMAND)],
        [],
        id="launch-template-type-is-upgrades-business",
    ),
    pytest.param(
        [dict(SPOT, max_size=20, idle_minutes=3, tags={"team": "ci"}, capacity_rebalance=True)],
        [group(SPOT)],
        [],
        id="other-keys-replace-nothing",
    ),
    pytest.param(
        [ON_DEMAND, dict(SPOT, instance_types=["m6i.large", "m5.large"])],
        [group(ON_DEMAND, policy=described_policy(["t3.large"], 0, 50)), group(SPOT, instances=("InService",) * 3)],
        [
            ("default", 1, ["the launch template alone instead of the mixed instances policy"]),
            ("spot", 3, ["instance types [m5.large, m6i.large] -> [m6i.large, m5.large]"]),
        ],
        id="every-pool-in-order-priority-order-counts",
    ),
]


@pytest.mark.parametrize("pools, described, expected", CASES)
def test_replacements(pools, described, expected):
    found = FILTERS["agent_pool_replacements"](pools, described)
    assert [(entry["pool"], entry["in_service"]) for entry in found] == [(p, n) for p, n, dummy in expected]
    for entry, (dummy, dummy2, changes) in zip(found, expected):
        assert len(entry["changes"]) == len(changes), entry["changes"]
        for change, start in zip(entry["changes"], changes):
            assert change.startswith(start), change
        assert entry["message"].startswith(
            "agent pool {0} (group {1}, {2} instance(s) in service): ".format(
                entry["pool"], entry["asg_name"], entry["in_service"]
            )
        )


def test_refusal_names_what_changes_and_both_ways_forward():
    found = FILTERS["agent_pool_replacements"]([dict(SPOT, instance_types=["c7i.large", "m5.large"])], [group(SPOT)])
    message = FILTERS["agent_pool_replacement_refusal"](found)
    assert "agent pool spot (group demo-agent-spot, 1 instance(s) in service): instance types" in message
    assert "[m5.large, m6i.large] -> [c7i.large, m5.large]" in message
    assert "when the pool is idle" in message
    assert "-e jenkins_ha_pool_replace_ok=true" in message
    assert "UpdateAutoScalingGroup" in message and "upgrade.yml's drain" in message


@pytest.mark.parametrize(
    "call, args, match",
    [
        ("agent_pool_replacements", ([{"name": "x"}], []), "expects the normalised pools"),
        ("agent_pool_replacements", ([SPOT], "groups"), "described must be the groups"),
        ("agent_pool_replacement_refusal", (["x"],), "expects the list agent_pool_replacements returns"),
    ],
)
def test_bad_input_is_a_filter_error(call, args, match):
    with pytest.raises(AnsibleFilterError, match=match):
        FILTERS[call](*args)
