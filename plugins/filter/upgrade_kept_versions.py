# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which launch template version asgs.yml gives each Auto Scaling group, so that only upgrade.yml moves a running
group to a new image.

An existing group on a numbered version of its launch template keeps that version: a site.yml run between images.yml
and upgrade.yml must leave the previous version in place, or upgrade.yml has nothing to roll back to (a rollback
needs numbered versions on both sides) and an instance the group replaces on its own (failed health check) boots an
image no pre-flight has seen. A new group, a group moving to another launch template, or one on $Latest/$Default
gets the template's latest version number.

A group with a mixed instances policy (a Spot pool) names its launch template only in the policy: AWS then describes
no top-level LaunchTemplate.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import group_launch_template


def upgrade_kept_versions(desired, actual, launch_templates):
    """The items of desired, each with the launch_template_version the module is given.

    desired: asgs.yml's group definitions (name, launch_template); actual: DescribeAutoScalingGroups (snake_case);
    launch_templates: DescribeLaunchTemplates (snake_case, latest_version_number)."""
    for value, what in ((desired, "desired"), (actual, "actual"), (launch_templates, "launch_templates")):
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise AnsibleFilterError("upgrade_kept_versions: {0} must be a list of dicts".format(what))
    latest = {t.get("launch_template_name"): str(t.get("latest_version_number", "")) for t in launch_templates}
    described = {group.get("auto_scaling_group_name"): group for group in actual}
    kept = []
    for item in desired:
        if "name" not in item or "launch_template" not in item:
            raise AnsibleFilterError("upgrade_kept_versions: item {0!r} lacks name or launch_template".format(item))
        template = group_launch_template(described.get(item["name"]) or {})
        version = str(template.get("version") or "")
        if template.get("launch_template_name") != item["launch_template"] or not version.isdigit():
            version = latest.get(item["launch_template"], "")
        kept.append(dict(item, launch_template_version=version))
    return kept


class FilterModule:
    def filters(self):
        return {"upgrade_kept_versions": upgrade_kept_versions}
