# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stack's agent pools (issue 18): `jenkins_ha_agent_pools` checked and normalised into the one shape every
playbook, template and filter of the collection reads.

An empty list is the stack as it was before pools existed: one pool named `default` described by the legacy
`jenkins_ha_agent_*` variables, whose launch template, group and record keep their names (`<stack>-agent`,
`agent/asg-name`), so an existing stack converges without replacing anything. A listed pool named `default` keeps
those names too; any other pool gets `<stack>-agent-<name>`.

Where the limits come from:
- Spot allocation strategies: the Amazon EC2 Auto Scaling API reference, InstancesDistribution.SpotAllocationStrategy
  ("capacity-optimized", "capacity-optimized-prioritized", "lowest-price", "price-capacity-optimized"; botocore's
  model declares the member as a plain string, so the list is written here). AWS recommends price-capacity-optimized.
- OnDemandPercentageAboveBaseCapacity: 0-100; OnDemandBaseCapacity: 0 or more (same reference).
- Tag keys `aws:*` are reserved by AWS; `jenkins-ha:*` and `managed-by` are the stack's own (stack_config).

restrict_usage is the pool's cloud's restrictUsage. At ec2-fleet 4.3.0.549.vf2a_da_a_d19b_5e (commit f2adaad19b5e)
a cloud without it provisions for a job with no label (EC2FleetCloud.java:854-857, canProvision: "if
(this.restrictUsage && labelString != null && label == null) { ... return false; }"; a labelled job needs the pool's
labels either way, :858-861), and its nodes are Node.Mode.NORMAL instead of EXCLUSIVE (:935, "restrictUsage ?
Node.Mode.EXCLUSIVE : Node.Mode.NORMAL", handed to EC2FleetNode at :936-941), so they also take unlabelled builds.
Only the pool `default` takes them unless told otherwise (the stack's behaviour before pools): a Spot, Docker or
large pool runs only the jobs that ask for its labels.

min_spare_size is the pool's cloud's minSpareSize: how many idle agents the plugin keeps ready for the next build. At
the same commit, EC2FleetCloud.update() counts as spares the group's desired capacity minus its busy agents
(EC2FleetCloud.java:977-998) and asks for what they lack of minSpareSize on top (:519-528); the new capacity is capped
at maxSize (:659-661, "Math.max(minSize, Math.min(maxSize, ...))"), and an idle agent is not terminated while the
spares would fall to minSpareSize (:829-838), whatever idleMinutes says. So spares come on top of the busy agents,
never beyond maxSize (a value above it is silently capped: refused here), and they cost instance hours while idle. A
single-use agent (max_total_uses 1) is terminated after its build whatever the spares (EC2RetentionStrategy.java:63-65,
73, ignoreMinConstraints), and a fresh spare is started in its place.

max_total_uses defaults to 1, single use (jenkins_ha_agent_max_total_uses, the secure default of issue 20 finding 7):
a build runs arbitrary code, and an agent kept for the next build (possibly another project's) hands it whatever the
previous one planted - a changed tool, a poisoned cache, a process left running. At the same commit the plugin counts
a node's builds as they start and stops it taking more after the last allowed one (EC2RetentionStrategy.java:120-135),
then terminates it once idle even below minSize or minSpareSize (:63-65,73). It costs an instance start per build.
That holds only with one executor: the suspension comes when a build has started, so two builds handed out together
could still share a node with two executors. A pool that does not set executors therefore gets 1 when single use, 2
(the controller's default before pools) otherwise. Trusted builds can opt into reuse per pool (max_total_uses -1,
unlimited, or N builds) or, for a stack without a pool list, with jenkins_ha_agent_max_total_uses.
"""

from __future__ import annotations

import re

DEFAULT_POOL = "default"
SHARED_IMAGE = "agent"
NAME = re.compile(r"^[a-z][a-z0-9-]{0,19}$")
# One Jenkins label atom: no whitespace and none of the label expression operators (&&, ||, !, ->, <->, parentheses).
LABEL = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.:/-]*$")
INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
SPOT_ALLOCATION_STRATEGIES = (
    "capacity-optimized",
    "capacity-optimized-prioritized",
    "lowest-price",
    "price-capacity-optimized",
)
RESERVED_TAG_PREFIXES = ("aws:", "jenkins-ha:")
RESERVED_TAG_KEYS = ("managed-by", "Name")
# The controller's EC2 Fleet cloud settings before pools existed (jenkins_controller's defaults); uses per agent and
# executors follow jenkins_ha_agent_max_total_uses (see the module docstring).
FLEET_DEFAULTS = {"idle_minutes": 10, "min_spare_size": 0}
# Executors of a pool that does not set them: one on a single-use agent (another would let a second build share it),
# two otherwise (the controller's default before pools).
SINGLE_USE_EXECUTORS = 1
REUSED_EXECUTORS = 2
# The legacy variables: with a non-empty pool list they must keep their defaults (they describe only the default
# pool of an empty list).
LEGACY_VARIABLES = (
    "jenkins_ha_agent_label",
    "jenkins_ha_agent_instance_type",
    "jenkins_ha_agent_min_size",
    "jenkins_ha_agent_max_size",
    "jenkins_ha_agent_desired_capacity",
    "jenkins_ha_agent_root_volume_size",
    "jenkins_ha_agent_max_total_uses",
)
INT_KEYS = (
    "on_demand_base_capacity",
    "on_demand_percentage_above_base",
    "min_size",
    "max_size",
    "desired_capacity",
    "min_spare_size",
    "idle_minutes",
    "executors",
    "max_total_uses",
    "root_volume_size",
)
KEYS = (
    "name",
    "labels",
    "image",
    "instance_types",
    "spot_allocation_strategy",
    "capacity_rebalance",
    "restrict_usage",
    "tags",
) + INT_KEYS
# What a listed pool may set (the rest of the normalised pool is derived).
INPUT_KEYS = tuple(sorted(KEYS))
NORMALISED_KEYS = tuple(sorted(KEYS + ("asg_name", "launch_template_name", "spot")))


class PoolError(ValueError):
    """The pool list cannot be normalised; the message lists every problem."""


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def pool_group_name(stack_name, name):
    """The Auto Scaling group (and launch template) of a pool: <stack>-agent for `default`, the name a stack had
    before pools existed, <stack>-agent-<name> for any other."""
    return "{0}-agent{1}".format(stack_name, "" if name == DEFAULT_POOL else "-" + name)


def _names(stack_name, name):
    return {"asg_name": pool_group_name(stack_name, name), "launch_template_name": pool_group_name(stack_name, name)}


def legacy_pool(legacy):
    """The pool the legacy jenkins_ha_agent_* variables describe (an empty jenkins_ha_agent_pools): a listed pool
    named default whose sizes are the legacy ones."""
    return _with_defaults(
        {
            "name": DEFAULT_POOL,
            "min_size": legacy["jenkins_ha_agent_min_size"],
            "desired_capacity": legacy["jenkins_ha_agent_desired_capacity"],
        },
        legacy,
    )


def _with_defaults(pool, legacy):
    """A listed pool with its unset keys filled: sizes and volume from the legacy variables' defaults, on-demand
    only, labels the pool's name (the legacy label for `default`, so its jobs keep finding agents)."""
    name = pool.get("name")
    filled = {
        "labels": legacy["jenkins_ha_agent_label"] if name == DEFAULT_POOL else name if isinstance(name, str) else "",
        "image": SHARED_IMAGE,
        "instance_types": [legacy["jenkins_ha_agent_instance_type"]],
        "on_demand_base_capacity": 0,
        "on_demand_percentage_above_base": 100,
        "spot_allocation_strategy": "price-capacity-optimized",
        "min_size": 0,
        "max_size": legacy["jenkins_ha_agent_max_size"],
        "root_volume_size": legacy["jenkins_ha_agent_root_volume_size"],
        "tags": {},
    }
    filled.update(FLEET_DEFAULTS)
    # Single use unless the pool (or jenkins_ha_agent_max_total_uses) says otherwise: see the module docstring.
    filled["max_total_uses"] = legacy["jenkins_ha_agent_max_total_uses"]
    filled.update(pool)
    filled.setdefault("executors", SINGLE_USE_EXECUTORS if filled["max_total_uses"] == 1 else REUSED_EXECUTORS)
    filled.setdefault("desired_capacity", filled["min_size"])
    # Capacity rebalancing is off unless asked for: on a rebalance recommendation (a risk, not an interruption) Auto
    # Scaling launches a replacement and then terminates the old Spot instance itself ("After launching a new
    # instance, it then terminates an old instance", CreateAutoScalingGroup CapacityRebalance), whatever build that
    # agent runs; without it a build is lost only when EC2 really reclaims the instance.
    filled.setdefault("capacity_rebalance", False)
    # Only the default pool takes jobs without a label (see the module docstring).
    filled.setdefault("restrict_usage", name != DEFAULT_POOL)
    return filled


def _pool_errors(where, pool):
    errors = []
    name = pool["name"]
    if not isinstance(name, str) or not NAME.match(name):
        errors.append(
            "{0}: name {1!r} must be 1-20 lower case letters, digits and dashes, starting with a letter".format(
                where, name
            )
        )
    not_ints = [
        "{0}: {1} must be an integer, got {2!r}".format(where, key, pool[key])
        for key in INT_KEYS
        if not _is_int(pool[key])
    ]
    if not_ints:
        return errors + not_ints
    labels = pool["labels"]
    if not isinstance(labels, str) or not labels.split():
        errors.append("{0}: labels must be a non-empty string of space-separated Jenkins labels".format(where))
    else:
        bad = [label for label in labels.split() if not LABEL.match(label)]
        if bad:
            errors.append(
                "{0}: label(s) {1} are not plain Jenkins labels (letters, digits, '_.:/-'; no operators)".format(
                    where, ", ".join(bad)
                )
            )
    if pool["image"] != SHARED_IMAGE:
        errors.append(
            "{0}: image {1!r}: pool-specific images are not built yet (issue 18); use image: agent".format(
                where, pool["image"]
            )
        )
    types = pool["instance_types"]
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        errors.append("{0}: instance_types must be a non-empty list of EC2 instance types".format(where))
    else:
        bad = [t for t in types if not INSTANCE_TYPE.match(t)]
        if bad:
            errors.append("{0}: {1} are not EC2 instance types such as t3.large".format(where, ", ".join(bad)))
        if len(set(types)) != len(types):
            errors.append("{0}: instance_types lists a type twice".format(where))
    if pool["spot_allocation_strategy"] not in SPOT_ALLOCATION_STRATEGIES:
        errors.append(
            "{0}: spot_allocation_strategy {1!r} must be one of {2}".format(
                where, pool["spot_allocation_strategy"], ", ".join(SPOT_ALLOCATION_STRATEGIES)
            )
        )
    if not isinstance(pool["capacity_rebalance"], bool):
        errors.append("{0}: capacity_rebalance must be true or false".format(where))
    if not isinstance(pool["restrict_usage"], bool):
        errors.append("{0}: restrict_usage must be true or false, got {1!r}".format(where, pool["restrict_usage"]))
    if pool["on_demand_base_capacity"] < 0:
        errors.append("{0}: on_demand_base_capacity must be 0 or more".format(where))
    if not 0 <= pool["on_demand_percentage_above_base"] <= 100:
        errors.append("{0}: on_demand_percentage_above_base must be from 0 to 100".format(where))
    if not 0 <= pool["min_size"] <= pool["max_size"] or pool["max_size"] < 1:
        errors.append("{0}: sizes must satisfy 0 <= min_size <= max_size and max_size >= 1".format(where))
    elif not pool["min_size"] <= pool["desired_capacity"] <= pool["max_size"]:
        errors.append("{0}: desired_capacity must be between min_size and max_size".format(where))
    if not 0 <= pool["min_spare_size"] <= max(pool["max_size"], 0):
        errors.append(
            "{0}: min_spare_size must be from 0 to max_size ({1}), got {2}: the idle agents the EC2 Fleet cloud keeps"
            " ready count within its maximum".format(where, pool["max_size"], pool["min_spare_size"])
        )
    if pool["idle_minutes"] < 0:
        errors.append("{0}: idle_minutes must be 0 or more".format(where))
    if pool["executors"] < 1:
        errors.append("{0}: executors must be at least 1".format(where))
    if pool["max_total_uses"] < -1 or pool["max_total_uses"] == 0:
        errors.append("{0}: max_total_uses must be -1 (unlimited) or at least 1".format(where))
    if pool["root_volume_size"] < 8:
        errors.append("{0}: root_volume_size must be at least 8 (GiB)".format(where))
    errors += _tag_errors(where, pool["tags"])
    return errors


def _tag_errors(where, tags):
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        return ["{0}: tags must map strings to strings".format(where)]
    reserved = sorted(k for k in tags if k.startswith(RESERVED_TAG_PREFIXES) or k in RESERVED_TAG_KEYS)
    if reserved:
        return [
            "{0}: tags may not set {1} (aws:*, jenkins-ha:*, managed-by and Name are set by the stack)".format(
                where, ", ".join(reserved)
            )
        ]
    return []


def _legacy_errors(legacy, legacy_defaults):
    changed = sorted(name for name in LEGACY_VARIABLES if legacy[name] != legacy_defaults[name])
    if not changed:
        return []
    return [
        "{0} describe(s) the agent pool only when jenkins_ha_agent_pools is empty; with a pool list, set these "
        "per pool in jenkins_ha_agent_pools and leave the variables at their defaults".format(", ".join(changed))
    ]


def _normalise(stack_name, pools, legacy, legacy_defaults):
    """(normalised pools, errors)."""
    for what, value, keys in (
        ("legacy", legacy, LEGACY_VARIABLES),
        ("legacy_defaults", legacy_defaults, LEGACY_VARIABLES),
    ):
        if not isinstance(value, dict) or any(key not in value for key in keys):
            raise TypeError("agent_pools: {0} must map {1}".format(what, ", ".join(keys)))
    if not isinstance(pools, list):
        return [], ["jenkins_ha_agent_pools must be a list of pools, got {0}".format(type(pools).__name__)]
    if not pools:
        described = [legacy_pool(legacy)]
        errors = []
    else:
        described, errors = [], _legacy_errors(legacy, legacy_defaults)
        for index, pool in enumerate(pools):
            where = "jenkins_ha_agent_pools[{0}]".format(index)
            if not isinstance(pool, dict) or "name" not in pool:
                errors.append("{0} must be a mapping with at least a name".format(where))
                continue
            unknown = sorted(set(pool) - set(INPUT_KEYS))
            if unknown:
                errors.append(
                    "{0} ({1}) has unknown key(s) {2}; known: {3}".format(
                        where, pool["name"], ", ".join(map(str, unknown)), ", ".join(INPUT_KEYS)
                    )
                )
                continue
            described.append(_with_defaults(pool, legacy))
    normalised = []
    for index, pool in enumerate(described):
        where = "jenkins_ha_agent_pools[{0}] ({1})".format(index, pool["name"]) if pools else "the default agent pool"
        pool_errors = _pool_errors(where, pool)
        errors += pool_errors
        if pool_errors:
            continue
        pool = dict(pool, labels=" ".join(pool["labels"].split()), instance_types=list(pool["instance_types"]))
        pool.update(_names(stack_name, pool["name"]))
        pool["spot"] = pool["on_demand_percentage_above_base"] < 100
        normalised.append({key: pool[key] for key in NORMALISED_KEYS})
    names = [pool["name"] for pool in described if isinstance(pool.get("name"), str)]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        errors.append(
            "jenkins_ha_agent_pools names {0} more than once; pool names must be unique".format(", ".join(twice))
        )
    return normalised, errors


def pool_errors(stack_name, pools, legacy, legacy_defaults):
    """Every problem of the pool list, one message each naming the pool and key ([]: valid)."""
    return _normalise(stack_name, pools, legacy, legacy_defaults)[1]


def normalise_pools(stack_name, pools, legacy, legacy_defaults):
    """The normalised pools (see the module docstring), in the order listed; PoolError if any is invalid."""
    normalised, errors = _normalise(stack_name, pools, legacy, legacy_defaults)
    if errors:
        raise PoolError("; ".join(errors))
    return normalised
