"""Agent pools as the tests write them: the normalised shape (SHARED.md; stack_config's fact
__stack_config_agent_pools, the settings document's agent_pools) with the role's defaults, and the part of it a
settings document hands to the fleet clouds."""

# The keys jenkins_fleet_clouds reads from a pool of the settings document, in the document's order.
DOCUMENT_KEYS = (
    "name",
    "labels",
    "asg_name",
    "min_size",
    "max_size",
    "idle_minutes",
    "executors",
    "max_total_uses",
    "restrict_usage",
    "min_spare_size",
)


def normalised_pool(name, **overrides):
    """A normalised pool named name (the default pool: label linux, group demo-agent; others demo-agent-<name>)."""
    value = {
        "name": name,
        "labels": "linux" if name == "default" else name,
        "asg_name": "demo-agent" if name == "default" else "demo-agent-" + name,
        "launch_template_name": "demo-agent" if name == "default" else "demo-agent-" + name,
        "image": "agent",
        "instance_types": ["t3.large"],
        "on_demand_base_capacity": 0,
        "on_demand_percentage_above_base": 100,
        "spot_allocation_strategy": "price-capacity-optimized",
        "capacity_rebalance": False,
        # Only the default pool takes jobs without a label.
        "restrict_usage": name != "default",
        "min_size": 0,
        "max_size": 6,
        "desired_capacity": 0,
        "min_spare_size": 0,
        "idle_minutes": 10,
        # Single use, one executor: the secure default (issue 20 finding 7).
        "executors": 1,
        "max_total_uses": 1,
        "root_volume_size": 30,
        "tags": {},
        "spot": False,
    }
    value.update(overrides)
    return value


def document_pool(name, **overrides):
    """normalised_pool's keys that a settings document's pool carries for the fleet clouds."""
    value = normalised_pool(name)
    return dict({key: value[key] for key in DOCUMENT_KEYS}, **overrides)
