# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auto Scaling facts per instance: its group, lifecycle state and whether it runs the group's current image.

Cost: one DescribeAutoScalingGroups call per 100 groups (their ``Instances`` carry the lifecycle states, so no
DescribeAutoScalingInstances call per 50 instances), then one DescribeLaunchTemplateVersions call per launch
template in use (all versions the groups need at once), or a single account-wide call for ``$Latest``/``$Default``
when many templates are involved.
"""

from __future__ import annotations

from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import aws

# Above this many launch templates that only need $Latest/$Default, one account-wide call is cheaper.
ACCOUNT_WIDE_TEMPLATE_THRESHOLD = 3
SYMBOLIC_VERSIONS = ("$Latest", "$Default")


def _template_key(spec):
    """A launch template specification's identity: its id when known, else its name."""
    if spec.get("LaunchTemplateId"):
        return ("id", spec["LaunchTemplateId"])
    return ("name", spec.get("LaunchTemplateName"))


def group_template_specs(group):
    """(default spec, {instance type: spec}) of a group's launch template, or (None, {}) for launch configurations.

    A mixed instances policy may override the template per instance type.
    """
    mixed = group.get("MixedInstancesPolicy")
    if mixed:
        lt = mixed.get("LaunchTemplate", {})
        overrides = {}
        for override in lt.get("Overrides", ()):
            if override.get("LaunchTemplateSpecification") and override.get("InstanceType"):
                overrides[override["InstanceType"]] = override["LaunchTemplateSpecification"]
        return lt.get("LaunchTemplateSpecification"), overrides
    return group.get("LaunchTemplate"), {}


def _version(spec):
    # An Auto Scaling group without a version uses the template's default version.
    return str(spec.get("Version") or "$Default")


def plan_template_lookups(groups):
    """Which template versions to describe: {template key: set of versions}, for every spec the groups use."""
    plan = {}
    for group in groups:
        default, overrides = group_template_specs(group)
        for spec in [default] + list(overrides.values()):
            if spec:
                plan.setdefault(_template_key(spec), set()).add(_version(spec))
    return plan


def resolve_template_images(client, plan):
    """{(template key, version): ImageId} for the plan, in as few DescribeLaunchTemplateVersions calls as it allows.

    Both the id and the name of each template are recorded, so specs naming a template either way resolve.
    """
    images = {}

    def record(version_data, requested):
        image_id = version_data.get("LaunchTemplateData", {}).get("ImageId")
        for key in (("id", version_data.get("LaunchTemplateId")), ("name", version_data.get("LaunchTemplateName"))):
            images[(key, str(version_data.get("VersionNumber")))] = image_id
            for version in requested:
                images[(key, version)] = image_id

    symbolic_only = [key for key, versions in plan.items() if versions <= set(SYMBOLIC_VERSIONS)]
    account_wide = len(symbolic_only) > ACCOUNT_WIDE_TEMPLATE_THRESHOLD
    if account_wide:
        by_template = {}
        for version_data in aws.describe_launch_template_versions(client, list(SYMBOLIC_VERSIONS)):
            by_template.setdefault(version_data.get("LaunchTemplateId"), []).append(version_data)
        for found in by_template.values():
            _record_symbolic(record, found, SYMBOLIC_VERSIONS)

    for key, versions in plan.items():
        if account_wide and key in symbolic_only:
            continue
        kind, value = key
        template_id = value if kind == "id" else None
        template_name = value if kind == "name" else None
        found = aws.describe_launch_template_versions(client, sorted(versions), template_id, template_name)
        _record_symbolic(record, found, versions)
    return images


def _record_symbolic(record, found, versions):
    """Record the versions of one template, naming which of them are $Latest (highest number) and $Default."""
    if not found:
        return
    highest = max(v.get("VersionNumber", 0) for v in found)
    for version_data in found:
        number = version_data.get("VersionNumber")
        requested = [v for v in versions if v == str(number)]
        if version_data.get("DefaultVersion") and "$Default" in versions:
            requested.append("$Default")
        if number == highest and "$Latest" in versions:
            requested.append("$Latest")
        record(version_data, requested)


def desired_image(group, instance_type, images):
    """The AMI the group launches today for an instance of this type, or None when it cannot be told."""
    default, overrides = group_template_specs(group)
    spec = overrides.get(instance_type) or default
    if not spec:
        return None
    return images.get((_template_key(spec), _version(spec)))


def instance_facts(groups, images, instance_types):
    """{instance id: facts} for every instance listed by the groups.

    ``instance_types`` maps instance id to its type (for mixed instances overrides). Facts are plain host
    variables: asg name, lifecycle state, health status, launch template the instance came from, and the image
    its group launches today.
    """
    facts = {}
    for group in groups:
        name = group.get("AutoScalingGroupName")
        for member in group.get("Instances", ()):
            instance_id = member.get("InstanceId")
            template = member.get("LaunchTemplate")
            facts[instance_id] = {
                "jenkins_ha_asg_name": name,
                "jenkins_ha_lifecycle_state": member.get("LifecycleState"),
                "jenkins_ha_health_status": member.get("HealthStatus"),
                "jenkins_ha_launch_template": (
                    {
                        "id": template.get("LaunchTemplateId"),
                        "name": template.get("LaunchTemplateName"),
                        "version": template.get("Version"),
                    }
                    if template
                    else None
                ),
                "jenkins_ha_desired_image_id": desired_image(
                    group, instance_types.get(instance_id, member.get("InstanceType")), images
                ),
            }
    return facts


def is_stale(image_id, desired_image_id):
    """An instance runs a stale image when its group launches another AMI today (newer, or rolled back)."""
    return bool(desired_image_id) and image_id != desired_image_id
