# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What playbooks/upgrade.yml replaces, and the report and timeline it prints.

upgrade_plan decides per group (from what AWS describes, with no call of its own): which launch template version
carries the image recorded under /jenkins-ha/<stack>/ami/<role>, which instances run another image, and why the
group is (or is not) rolled.
upgrade_report shapes the JSON the issue defines; upgrade_timeline prints it.
"""

from ansible.errors import AnsibleFilterError

COMPONENTS = ("controller", "agent")
# InstanceRefreshStatus values of a refresh that is not over (botocore's autoscaling model).
ACTIVE = ("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking")


def _version_with_image(versions, image):
    """The newest version number of a launch template whose image is image, or None."""
    numbers = [
        int(v["version_number"]) for v in versions if (v.get("launch_template_data") or {}).get("image_id") == image
    ]
    return max(numbers) if numbers else None


def _refresh_target(refresh):
    """(launch template name, version) of a refresh's desired configuration, or None without one."""
    template = (refresh.get("desired_configuration") or {}).get("launch_template") or {}
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


def upgrade_plan(groups, images, versions, recorded, names, only="", refreshes=None):
    """One entry per component of the stack, in COMPONENTS order.

    groups: DescribeAutoScalingGroups (snake_case) of the stack's groups; images: instance id -> image id of their
    running instances; versions: launch template name -> its DescribeLaunchTemplateVersions (snake_case);
    recorded: role -> recorded image id; names: component -> group name; only: '' | 'controller' | 'agents';
    refreshes: group name -> its newest DescribeInstanceRefreshes entry (snake_case) or None.
    """
    if only not in ("", "controller", "agents"):
        raise AnsibleFilterError("jenkins_ha_upgrade_only must be controller, agents or empty, not %r" % (only,))
    by_name = {g["auto_scaling_group_name"]: g for g in groups}
    plan = []
    for component in COMPONENTS:
        entry = {"component": component, "name": names[component], "replace": [], "keep": [], "from_images": []}
        plan.append(entry)
        if only and only != ("agents" if component == "agent" else component):
            entry.update(action="skip", reason="not selected (jenkins_ha_upgrade_only=%s)" % only)
            continue
        group = by_name.get(names[component])
        if group is None:
            entry.update(action="error", reason="group %s not found: run playbooks/asgs.yml first" % names[component])
            continue
        template = group.get("launch_template") or {}
        template_name = template.get("launch_template_name", "")
        to_image = recorded.get(component, "")
        entry.update(
            launch_template=template_name,
            current_version=str(template.get("version", "")),
            to_image=to_image,
            health_check_grace_period=int(group.get("health_check_grace_period") or 0),
        )
        if not to_image:
            entry.update(action="error", reason="no image recorded for %s: run playbooks/images.yml first" % component)
            continue
        to_version = _version_with_image(versions.get(template_name, []), to_image)
        if to_version is None:
            entry.update(
                action="error",
                reason="no version of launch template %s has the recorded image %s: run playbooks/launch_templates.yml"
                " first" % (template_name, to_image),
            )
            continue
        entry["to_version"] = str(to_version)
        if _active_refresh(entry, (refreshes or {}).get(names[component])):
            continue
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
    return plan


def upgrade_report(plan, phases, downtime=None, rolled_back=False):
    """The report of the issue: {"groups": [{"name", "from_image", "to_image", "phases": [{"name", "seconds"}]}],
    "controller_downtime_seconds", "rolled_back"}, for the groups that were (or would be) rolled.

    phases: list of {"component", "name", "seconds"} in the order they happened."""
    groups = []
    for entry in plan:
        if entry.get("action") != "roll":
            continue
        groups.append(
            {
                "name": entry["name"],
                "from_image": ", ".join(entry["from_images"]) or entry["to_image"],
                "to_image": entry["to_image"],
                "phases": [
                    {"name": p["name"], "seconds": round(float(p["seconds"]), 1)}
                    for p in phases
                    if p["component"] == entry["component"]
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
        lines.append("%s: %s -> %s" % (group["name"], group["from_image"], group["to_image"]))
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
