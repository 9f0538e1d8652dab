# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auto Scaling facts per instance: its group, lifecycle state and whether it runs the group's current image.

Cost: one DescribeAutoScalingGroups call per 100 groups (their ``Instances`` carry the lifecycle states, so no
DescribeAutoScalingInstances call per 50 instances), then the launch template resolution of
module_utils/_ec2/launch_templates.py (one call per template in use, or one account-wide call).
"""

from __future__ import annotations

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.transformations import launch_template_specs
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import template_key
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import template_version


def desired_image(group, instance_type, images):
    """The AMI the group launches today for an instance of this type, or None when it cannot be told.

    ``images`` is what launch_templates.resolve_images() returns for the groups' template_lookups().
    """
    default, overrides = None, {}
    for override, spec in launch_template_specs(group):
        if override is None:
            default = default or spec
        elif override.get("InstanceType"):
            overrides[override["InstanceType"]] = spec
    spec = overrides.get(instance_type) or default
    if not spec:
        return None
    return images.get((template_key(spec), template_version(spec)))


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
