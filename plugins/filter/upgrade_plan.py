# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What playbooks/upgrade.yml replaces, and the report and timeline it prints.

upgrade_plan decides per group (from what AWS describes, with no call of its own): which launch template version
carries the image recorded under /jenkins-ha/<stack>/ami/<role>, which instances run another image, and why the
group is (or is not) rolled. The controller's group comes first, then one entry per agent pool (issue 18) in the
order of jenkins_ha_agent_pools: upgrade.yml rolls them one after the other in that order.
upgrade_report shapes the JSON the issue defines; upgrade_timeline prints it.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.instance_refresh import ACTIVE
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import group_launch_template

# Every pool runs the shared agent image today (the pool model refuses any other, issue 18).
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import DEFAULT_POOL
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools.model import SHARED_IMAGE

COMPONENTS = ("controller", "agent")


def _version_with_image(versions, image):
    """The newest version number of a launch template whose image is image, or None."""
    numbers = [
        int(v["version_number"]) for v in versions if (v.get("launch_template_data") or {}).get("image_id") == image
    ]
    return max(numbers) if numbers else None


def _refresh_target(refresh):
    """(launch template name, version) of a refresh's desired configuration, or None without one."""
    template = group_launch_template(refresh.get("desired_configuration") or {})
    name = template.get("launch_template_name") or template.get("launch_template_id")
    return (name, str(template.get("version"))) if name else None


def _active_refresh(entry, refresh):
    """Sets the entry's action when the group has an active refresh; returns whether it did.

    A refresh toward the recorded image's version is the roll-out itself, still running or baking (AWS gives the
    group the version only when it succeeds): rolling again would quiet Jenkins down a second time and be refused
    (one active refresh per group). Toward anything else it is in the way."""
    if not refresh or refresh.get("status") not in ACTIVE:
        return False
    target = _refresh_target(refresh)
    what = "refresh %s of %s is %s" % (refresh.get("instance_refresh_id", "?"), entry["name"], refresh["status"])
    if refresh.get("status_reason"):
        what += " (%s)" % refresh["status_reason"].rstrip(".")
    if refresh["status"] in ("RollbackInProgress", "Cancelling"):
        entry.update(action="error", reason="%s: rerun when it has ended" % what)
    elif target == (entry["launch_template"], entry["to_version"]):
        entry.update(
            action="refreshing",
            reason="%s toward version %s with the recorded image: the group launches that version once it succeeds;"
            " rerun when it has ended, or roll it back (jenkins_ha.aws.autoscaling_refresh state=rolled_back)"
            % (what, entry["to_version"]),
        )
    else:
        entry.update(
            action="error",
            reason="%s toward %s, not version %s with the recorded image: wait for it to end or cancel it"
            " (jenkins_ha.aws.autoscaling_refresh state=cancelled)"
            % (
                what,
                "version %s of %s" % (target[1], target[0]) if target else "the group's own configuration",
                entry["to_version"],
            ),
        )
    return True


def _selection(selected, pools, only):
    """The pool names jenkins_ha_upgrade_pools selects (a list, or a comma-separated string from -e), and the
    errors of that selection (names that are no pool of the stack, a selection with jenkins_ha_upgrade_only=controller).
    """
    if selected is None or selected == "":
        selected = []
    if isinstance(selected, str):
        selected = [name.strip() for name in selected.split(",") if name.strip()]
    if not isinstance(selected, (list, tuple)) or not all(isinstance(name, str) for name in selected):
        raise AnsibleFilterError(
            "jenkins_ha_upgrade_pools must be a list of pool names (or names separated by commas), not %r" % (selected,)
        )
    known = [pool["name"] for pool in pools]
    errors = []
    unknown = [name for name in selected if name not in known]
    if unknown:
        errors.append(
            "jenkins_ha_upgrade_pools names %s, not a pool of the stack (jenkins_ha_agent_pools: %s)"
            % (", ".join(unknown), ", ".join(known) or "none")
        )
    if selected and only == "controller":
        errors.append(
            "jenkins_ha_upgrade_pools selects agent pools (%s) but jenkins_ha_upgrade_only=controller rolls none:"
            " leave one of them out" % ", ".join(selected)
        )
    return set(selected), errors


def _entry(component, name, pool=None):
    entry = {"component": component, "name": name, "replace": [], "keep": [], "from_images": []}
    entry.update(pool=pool, label=name if pool is None else "%s (pool %s)" % (name, pool))
    return entry


def _plan_group(entry, group, images, versions, to_image, what, refreshes):
    """Fills a selected entry whose group exists: its action, reason, versions and instances."""
    template = group_launch_template(group)
    template_name = template.get("launch_template_name", "")
    entry.update(
        launch_template=template_name,
        current_version=str(template.get("version", "")),
        to_image=to_image,
        health_check_grace_period=int(group.get("health_check_grace_period") or 0),
    )
    if not to_image:
        entry.update(action="error", reason="no image recorded for %s: run playbooks/images.yml first" % what)
        return
    to_version = _version_with_image(versions.get(template_name, []), to_image)
    if to_version is None:
        entry.update(
            action="error",
            reason="no version of launch template %s has the recorded image %s: run playbooks/launch_templates.yml"
            " first" % (template_name, to_image),
        )
        return
    entry["to_version"] = str(to_version)
    if _active_refresh(entry, refreshes.get(entry["name"])):
        return
    live = [i for i in group.get("instances", []) if not i.get("lifecycle_state", "").startswith("Terminat")]
    for instance in sorted(live, key=lambda i: i["instance_id"]):
        image = images.get(instance["instance_id"], "")
        (entry["keep"] if image == to_image else entry["replace"]).append(instance["instance_id"])
        if image != to_image and image not in entry["from_images"]:
            entry["from_images"].append(image)
    reasons = []
    if entry["replace"]:
        reasons.append(
            "%d instance(s) run %s, not the recorded %s"
            % (len(entry["replace"]), ", ".join(entry["from_images"]), to_image)
        )
    if entry["current_version"] != entry["to_version"]:
        reasons.append(
            "the group launches version %s, the recorded image is in version %s"
            % (entry["current_version"] or "(none)", entry["to_version"])
        )
    entry.update(action="roll" if reasons else "none", reason="; ".join(reasons) or "already on %s" % to_image)


def upgrade_plan(groups, images, versions, recorded, names, only="", refreshes=None, pools=None, selected=None):
    """The controller's entry, then one per agent pool in the pools' order.

    groups: DescribeAutoScalingGroups (snake_case) of the stack's groups; images: instance id -> image id of their
    running instances; versions: launch template name -> its DescribeLaunchTemplateVersions (snake_case);
    recorded: role -> recorded image id (a pool's image names its role: agent); names: component -> group name
    (controller; agent: the group of the one pool of a caller that passes no pools); only: '' | 'controller' |
    'agents'; refreshes: group name -> its newest DescribeInstanceRefreshes entry (snake_case) or None;
    pools: the stack's normalised agent pools (name, asg_name, image; __stack_config_agent_pools);
    selected: jenkins_ha_upgrade_pools (empty: every pool).
    A pool whose group does not exist yet is skipped (asgs.yml creates it; it has nothing to replace); a missing
    controller group is an error.
    """
    if only not in ("", "controller", "agents"):
        raise AnsibleFilterError("jenkins_ha_upgrade_only must be controller, agents or empty, not %r" % (only,))
    if pools is None:
        pools = [{"name": DEFAULT_POOL, "asg_name": names["agent"], "image": SHARED_IMAGE}]
    chosen, errors = _selection(selected, pools, only)
    refreshes = refreshes or {}
    by_name = {g["auto_scaling_group_name"]: g for g in groups}
    plan = [_entry("controller", names["controller"])]
    plan.extend(_entry("agent", pool["asg_name"], pool["name"]) for pool in pools)
    for entry, pool in zip(plan, [None] + list(pools)):
        if only and only != ("agents" if entry["component"] == "agent" else entry["component"]):
            entry.update(action="skip", reason="not selected (jenkins_ha_upgrade_only=%s)" % only)
            continue
        if pool is not None and chosen and pool["name"] not in chosen:
            entry.update(action="skip", reason="pool not selected (jenkins_ha_upgrade_pools)")
            continue
        group = by_name.get(entry["name"])
        if group is None and pool is None:
            entry.update(action="error", reason="group %s not found: run playbooks/asgs.yml first" % entry["name"])
        elif group is None:
            entry.update(
                action="skip",
                reason="group %s of pool %s does not exist yet: playbooks/asgs.yml creates it (nothing to replace)"
                % (entry["name"], pool["name"]),
            )
        else:
            role = "controller" if pool is None else pool.get("image") or SHARED_IMAGE
            what = role if pool is None else "pool %s (ami/%s)" % (pool["name"], role)
            _plan_group(entry, group, images, versions, recorded.get(role, ""), what, refreshes)
    for error in errors:
        entry = _entry("agent", "jenkins_ha_upgrade_pools")
        entry.update(action="error", reason=error)
        plan.append(entry)
    return plan


def _phase_of(phase, entry):
    """Whether a phase belongs to a plan entry: by its group name (one entry per pool), else by its component."""
    if "group" in phase:
        return phase["group"] == entry["name"]
    return phase["component"] == entry["component"]


def upgrade_report(plan, phases, downtime=None, rolled_back=False):
    """The report of the issue: {"groups": [{"name", "pool", "from_image", "to_image", "phases": [{"name",
    "seconds"}]}], "controller_downtime_seconds", "rolled_back"}, for the groups that were (or would be) rolled, in
    the plan's order; pool is the agent pool's name, null for the controller.

    phases: list of {"component", "group", "name", "seconds"} in the order they happened."""
    groups = []
    for entry in plan:
        if entry.get("action") != "roll":
            continue
        groups.append(
            {
                "name": entry["name"],
                "pool": entry.get("pool"),
                "from_image": ", ".join(entry["from_images"]) or entry["to_image"],
                "to_image": entry["to_image"],
                "phases": [
                    {"name": p["name"], "seconds": round(float(p["seconds"]), 1)} for p in phases if _phase_of(p, entry)
                ],
            }
        )
    return {
        "groups": groups,
        "controller_downtime_seconds": None if downtime is None else round(float(downtime), 1),
        "rolled_back": bool(rolled_back),
    }


def upgrade_timeline(report):
    """Lines to print: each group and its phases with their seconds, then the controller downtime."""
    lines = []
    for group in report["groups"]:
        pool = " (pool %s)" % group["pool"] if group.get("pool") else ""
        lines.append("%s%s: %s -> %s" % (group["name"], pool, group["from_image"], group["to_image"]))
        total = 0.0
        for phase in group["phases"]:
            total += phase["seconds"]
            lines.append("  %-28s %8.1f s  (at %.1f s)" % (phase["name"], phase["seconds"], total))
    if not report["groups"]:
        lines.append("Nothing to roll: every group runs its recorded image.")
    downtime = report["controller_downtime_seconds"]
    lines.append("controller downtime: %s" % ("none" if downtime is None else "%.1f s" % downtime))
    if report["rolled_back"]:
        lines.append("ROLLED BACK")
    return lines


class FilterModule:
    def filters(self):
        return {
            "upgrade_plan": upgrade_plan,
            "upgrade_report": upgrade_report,
            "upgrade_timeline": upgrade_timeline,
        }
