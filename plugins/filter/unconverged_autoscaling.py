# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Auto Scaling groups of asgs.yml whose live definition differs from what amazon.aws.autoscaling_group would
set (or that are missing), so that a converged rerun makes no module call and check mode predicts honestly (the
module answers changed for any existing group in check mode without comparing anything).

Conservative like the other unconverged_* filters: every option asgs.yml passes to the module is compared, and
anything not modelled counts as a difference."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import group_launch_template

# What asgs.yml leaves at the module's defaults, and so must find on a converged group.
DEFAULT_COOLDOWN = 300
TERMINATION_POLICIES = ["Default"]
GRANULARITY = "1Minute"
ITEM_KEYS = ("name", "component", "launch_template", "health_check_type", "health_check_period", "target_group_arns")


def _int(value):
    """Jinja's int filter: a number, or 0 for what is not one (asgs.yml's omitted sizes)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return 0


def _wanted_tags(item, tags, component_tag):
    wanted = dict(tags or {})
    wanted.update(item.get("extra_tags") or {})
    wanted.update({component_tag: item["component"], "Name": item["name"]})
    return {str(key): str(value) for key, value in wanted.items()}


def _mixed_instances_policy_same(item, group):
    """The described policy carries what the item's option sets (AWS adds defaults such as
    OnDemandAllocationStrategy=prioritized to the distribution; those are not ours to compare)."""
    wanted, have = item.get("mixed_instances_policy"), group.get("mixed_instances_policy")
    if not wanted:
        return not have
    if not have:
        return False
    overrides = (have.get("launch_template") or {}).get("overrides") or []
    distribution = have.get("instances_distribution") or {}
    return [o.get("instance_type") for o in overrides] == list(wanted.get("instance_types") or []) and all(
        distribution.get(key) == value for key, value in (wanted.get("instances_distribution") or {}).items()
    )


def group_differences(item, group, latest_versions, subnet_ids, tags, component_tag, metrics):
    """The names of the fields in which the described group differs from the item ([]: converged)."""
    if group is None:
        return ["missing"]
    template = group_launch_template(group)
    enabled = group.get("enabled_metrics") or []
    have_tags = group.get("tags") or []
    have_keys = [tag.get("key") for tag in have_tags]
    checks = {
        "launch_template": template.get("launch_template_name", "") == item["launch_template"],
        "launch_template_version": template.get("version", "")
        == str(item.get("launch_template_version") or latest_versions.get(item["launch_template"], "none")),
        "subnets": group.get("vpc_zone_identifier", "") == ",".join(subnet_ids),
        "health_check_type": group.get("health_check_type") == item["health_check_type"],
        "health_check_period": _int(group.get("health_check_grace_period")) == _int(item["health_check_period"]),
        "target_groups": sorted(group.get("target_group_arns") or []) == sorted(item["target_group_arns"]),
        "cooldown": _int(group.get("default_cooldown")) == DEFAULT_COOLDOWN,
        "termination_policies": (group.get("termination_policies") or []) == TERMINATION_POLICIES,
        "suspended_processes": not group.get("suspended_processes"),
        "metrics": sorted(m.get("metric") for m in enabled) == sorted(metrics),
        "granularity": sorted({m.get("granularity") for m in enabled}) == [GRANULARITY],
        "tags": {tag.get("key"): tag.get("value") for tag in have_tags} == _wanted_tags(item, tags, component_tag),
        "tags_propagate": all(tag.get("propagate_at_launch") for tag in have_tags),
        "tag_order": have_keys == sorted(have_keys),
        "mixed_instances_policy": _mixed_instances_policy_same(item, group),
        "capacity_rebalance": bool(group.get("capacity_rebalance")) == bool(item.get("capacity_rebalance")),
        "size": bool(item.get("fleet_owns_size"))
        or [group.get("min_size"), group.get("max_size"), group.get("desired_capacity")]
        == [_int(item.get("min_size")), _int(item.get("max_size")), _int(item.get("desired_capacity"))],
    }
    return [name for name, same in checks.items() if not same]


def unconverged_auto_scaling_groups(desired, actual, launch_templates, subnet_ids, tags, component_tag, metrics):
    """The items of desired whose group is missing or differs from its definition, in input order."""
    for value, what in ((desired, "desired"), (actual, "actual"), (launch_templates, "launch_templates")):
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise AnsibleFilterError("unconverged_auto_scaling_groups: {0} must be a list of dicts".format(what))
    for item in desired:
        missing = [key for key in ITEM_KEYS if key not in item]
        if missing:
            raise AnsibleFilterError(
                "unconverged_auto_scaling_groups: item {0!r} lacks {1}".format(
                    item.get("name", item), ", ".join(missing)
                )
            )
    latest = {t.get("launch_template_name"): str(t.get("latest_version_number")) for t in launch_templates}
    described = {group.get("auto_scaling_group_name"): group for group in actual}
    return [
        item
        for item in desired
        if group_differences(
            item, described.get(item["name"]), latest, list(subnet_ids or []), tags, component_tag, metrics
        )
    ]


class FilterModule:
    def filters(self):
        return {"unconverged_auto_scaling_groups": unconverged_auto_scaling_groups}
