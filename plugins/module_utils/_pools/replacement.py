# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which agent pool groups asgs.yml would update in a way that may replace their running agents (issue 18).

asgs.yml gives a pool's group its mixed instances policy (provisioning.mixed_instances_policy) or, without one, the
launch template alone. Changing an existing pool's instance types or On-Demand/Spot split therefore updates the
group at once, and UpdateAutoScalingGroup's reference says what follows (botocore 1.44.5's autoscaling model,
UpdateAutoScalingGroup documentation): "When you update a group to specify a mixed instances policy instead of a
launch configuration or template, existing instances may be replaced to match the new purchasing options that you
specified in the policy. For example, if the group currently has 100% On-Demand capacity and the policy specifies 50%
Spot capacity, this means that half of your instances will be gradually terminated and relaunched as Spot
Instances." Such a replacement happens outside upgrade.yml's drain, so a busy agent dies with its build. The same is
assumed of any change of the policy's instance types or distribution, and of dropping the policy (amazon.aws's
autoscaling_group then sends the launch template alone): nothing in that reference promises running instances are
kept.

A pool whose group has no instance in service has nothing to replace. Pure functions over the normalised pools and
the snake_case groups a describe lookup returns (tables in tests/unit/pools/test_replacement.py)."""

from __future__ import annotations

from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.provisioning import mixed_instances_policy

# The distribution members asgs.yml sets, with the words a message uses for them. AWS adds defaults of its own to
# the described distribution (OnDemandAllocationStrategy, SpotInstancePools...): not ours, not compared.
DISTRIBUTION = (
    ("on_demand_base_capacity", "On-Demand base capacity", "{0}"),
    ("on_demand_percentage_above_base_capacity", "On-Demand share above the base", "{0}%"),
    ("spot_allocation_strategy", "Spot allocation strategy", "{0}"),
)
IN_SERVICE = "InService"
# The variable that accepts the replacement (stack_config's argument spec).
ACCEPT_VARIABLE = "jenkins_ha_pool_replace_ok"


def _types(types):
    return "[" + ", ".join(types) + "]"


def _distribution(distribution):
    return ", ".join("{0} {1}".format(label, form.format(distribution.get(key))) for key, label, form in DISTRIBUTION)


def _described_policy(group):
    """(instance types, distribution) of the group's live mixed instances policy, or None without one."""
    policy = group.get("mixed_instances_policy")
    if not policy:
        return None
    overrides = (policy.get("launch_template") or {}).get("overrides") or []
    distribution = policy.get("instances_distribution") or {}
    return (
        [override.get("instance_type") for override in overrides],
        {key: distribution.get(key) for key, dummy, dummy2 in DISTRIBUTION},
    )


def policy_changes(pool, group):
    """What asgs.yml would change of the group's instance types and On-Demand/Spot split, one phrase each ([]:
    nothing)."""
    wanted = mixed_instances_policy(pool)
    have = _described_policy(group)
    if wanted is None and have is None:
        return []
    if have is None:
        return [
            "a mixed instances policy instead of the launch template alone: instance types {0}, {1}".format(
                _types(wanted["instance_types"]), _distribution(wanted["instances_distribution"])
            )
        ]
    if wanted is None:
        return [
            "the launch template alone instead of the mixed instances policy (instance types {0}, {1})".format(
                _types(have[0]), _distribution(have[1])
            )
        ]
    changes = []
    if have[0] != wanted["instance_types"]:
        changes.append("instance types {0} -> {1}".format(_types(have[0]), _types(wanted["instance_types"])))
    for key, label, form in DISTRIBUTION:
        before, after = have[1].get(key), wanted["instances_distribution"][key]
        if before != after:
            changes.append("{0} {1} -> {2}".format(label, form.format(before), form.format(after)))
    return changes


def in_service(group):
    """The group's instances in service (the agents a replacement would take)."""
    return [
        instance.get("instance_id")
        for instance in group.get("instances") or []
        if instance.get("lifecycle_state") == IN_SERVICE
    ]


def replacing_changes(pools, described):
    """One entry per pool whose existing group has instances in service and would get another instance type list
    or On-Demand/Spot split: {pool, asg_name, in_service (count), changes, message}, in pool order."""
    by_name = {group.get("auto_scaling_group_name"): group for group in described}
    found = []
    for pool in pools:
        group = by_name.get(pool["asg_name"])
        if group is None:
            continue
        running = in_service(group)
        changes = policy_changes(pool, group) if running else []
        if not changes:
            continue
        found.append(
            {
                "pool": pool["name"],
                "asg_name": pool["asg_name"],
                "in_service": len(running),
                "changes": changes,
                "message": "agent pool {0} (group {1}, {2} instance(s) in service): {3}".format(
                    pool["name"], pool["asg_name"], len(running), "; ".join(changes)
                ),
            }
        )
    return found


def refusal(found):
    """The message asgs.yml fails with: what changes, why it is refused, the two ways forward."""
    return (
        "Changing the instance types or On-Demand/Spot split of a pool with agents in service updates its group at"
        " once, and Auto Scaling may then replace running agents to match (UpdateAutoScalingGroup), outside"
        " upgrade.yml's drain, killing their builds: {0}. Either run this again when the pool is idle (no instance"
        " in service, e.g. scaled to 0 by its EC2 Fleet cloud once its builds are done), or accept the replacement"
        " with -e {1}=true. No Auto Scaling group was changed.".format(
            ". ".join(entry["message"] for entry in found), ACCEPT_VARIABLE
        )
    )
