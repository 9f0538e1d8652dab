# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which images are in use, and why: {image_id: [reason, ...]}.

An image is in use when an Auto Scaling group can launch it (its launch template version, resolving $Latest and
$Default, including every template of a mixed instances policy, or its launch configuration), when an instance
that can still (re)start runs it, or when a stack selected it in SSM (/jenkins-ha/<stack>/ami/<role>) for the next
deployment.
"""

import re

from ansible_collections.jenkins_ha.aws.plugins.module_utils.contract import SSM_PREFIX

from .usage import describe_auto_scaling_groups
from .usage import describe_launch_configurations
from .usage import describe_launch_template_versions
from .usage import describe_live_instances
from .usage import get_parameters_by_path

# /jenkins-ha/<stack>/ami/<role>
SELECTED_AMI_PARAMETER = re.compile("^" + re.escape(SSM_PREFIX) + r"/[^/]+/ami/[^/]+$")


def launch_template_specs(group):
    """Every launch template specification an Auto Scaling group launches from, version defaulting to $Default."""
    specs = []
    if group.get("LaunchTemplate"):
        specs.append(group["LaunchTemplate"])
    mixed = (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}
    if mixed.get("LaunchTemplateSpecification"):
        specs.append(mixed["LaunchTemplateSpecification"])
    for override in mixed.get("Overrides") or []:
        if override.get("LaunchTemplateSpecification"):
            specs.append(override["LaunchTemplateSpecification"])
    return [
        {
            "id": spec.get("LaunchTemplateId"),
            "name": spec.get("LaunchTemplateName"),
            "version": str(spec.get("Version") or "$Default"),
        }
        for spec in specs
    ]


def _add(references, image_id, reason):
    if image_id and reason not in references.setdefault(image_id, []):
        references[image_id].append(reason)


def find_references(ec2, autoscaling, ssm=None):
    references = {}
    groups = describe_auto_scaling_groups(autoscaling)
    resolved = {}
    for group in groups:
        for spec in launch_template_specs(group):
            key = (spec["id"] or spec["name"], spec["version"])
            if key not in resolved:
                resolved[key] = describe_launch_template_versions(
                    ec2, [spec["version"]], launch_template_id=spec["id"], launch_template_name=spec["name"]
                )
            for version in resolved[key]:
                reason = "used by Auto Scaling group {0} (launch template {1} version {2}{3})".format(
                    group["AutoScalingGroupName"],
                    version.get("LaunchTemplateName") or spec["name"] or spec["id"],
                    version.get("VersionNumber"),
                    "" if spec["version"].isdigit() else ", " + spec["version"],
                )
                _add(references, version.get("LaunchTemplateData", {}).get("ImageId"), reason)

    lc_groups = {}
    for group in groups:
        if group.get("LaunchConfigurationName"):
            lc_groups.setdefault(group["LaunchConfigurationName"], []).append(group["AutoScalingGroupName"])
    names = sorted(lc_groups)
    # DescribeLaunchConfigurations takes at most 50 names per call.
    for start in range(0, len(names), 50):
        for config in describe_launch_configurations(autoscaling, names[start : start + 50]):
            for group_name in lc_groups.get(config["LaunchConfigurationName"], []):
                reason = "used by Auto Scaling group {0} (launch configuration {1})".format(
                    group_name, config["LaunchConfigurationName"]
                )
                _add(references, config.get("ImageId"), reason)

    for instance in describe_live_instances(ec2):
        reason = "used by instance {0} ({1})".format(instance["InstanceId"], instance.get("State", {}).get("Name"))
        _add(references, instance.get("ImageId"), reason)

    if ssm is not None:
        for parameter in get_parameters_by_path(ssm, SSM_PREFIX):
            if SELECTED_AMI_PARAMETER.match(parameter["Name"]):
                _add(references, parameter.get("Value"), "selected in SSM parameter {0}".format(parameter["Name"]))
    return references
