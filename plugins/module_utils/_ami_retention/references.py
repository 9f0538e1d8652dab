# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which images are in use, and why: {image_id: [reason, ...]}.

An image is in use when an Auto Scaling group can launch it (its launch template version, resolving $Latest and
$Default, including every template of a mixed instances policy, or its launch configuration), when an instance
that can still (re)start runs it, or when a stack selected it in SSM (/jenkins-ha/<stack>/ami/<role>) for the next
deployment. A launch template whose ImageId is resolve:ssm:<parameter> uses the AMI the parameter names today.
"""

import re

from ansible_collections.jenkins_ha.aws.plugins.module_utils.contract import SSM_PREFIX
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import transformations as asg_specs
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_auto_scaling_groups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_launch_configurations
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.instances import describe_instances
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import resolve_versions
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import template_key
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.launch_templates import template_version
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.transformations import launch_template_image_id

from .ssm import get_parameters_by_path

# /jenkins-ha/<stack>/ami/<role>
SELECTED_AMI_PARAMETER = re.compile("^" + re.escape(SSM_PREFIX) + r"/[^/]+/ami/[^/]+$")
# Instances in these states can (re)start from their image; terminated ones cannot.
LIVE_INSTANCE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]


def launch_template_specs(group):
    """Every launch template specification an Auto Scaling group launches from, version defaulting to $Default."""
    return [
        {"id": spec.get("LaunchTemplateId"), "name": spec.get("LaunchTemplateName"), "version": template_version(spec)}
        for dummy, spec in asg_specs.launch_template_specs(group)
    ]


def _add(references, image_id, reason):
    if image_id and reason not in references.setdefault(image_id, []):
        references[image_id].append(reason)


def find_references(ec2, autoscaling, ssm=None):
    references = {}
    groups = describe_auto_scaling_groups(autoscaling)
    lookups = asg_specs.template_lookups(groups)
    resolved = resolve_versions(ec2, lookups) if lookups else {}
    for group in groups:
        for dummy, spec in asg_specs.launch_template_specs(group):
            version = resolved.get((template_key(spec), template_version(spec)))
            if version is None:
                continue
            reason = "used by Auto Scaling group {0} (launch template {1} version {2}{3})".format(
                group["AutoScalingGroupName"],
                version.get("LaunchTemplateName") or spec.get("LaunchTemplateName") or spec.get("LaunchTemplateId"),
                version.get("VersionNumber"),
                "" if template_version(spec).isdigit() else ", " + template_version(spec),
            )
            _add(references, launch_template_image_id(version), reason)

    lc_groups = {}
    for group in groups:
        if group.get("LaunchConfigurationName"):
            lc_groups.setdefault(group["LaunchConfigurationName"], []).append(group["AutoScalingGroupName"])
    for config in describe_launch_configurations(autoscaling, lc_groups) if lc_groups else ():
        for group_name in lc_groups.get(config["LaunchConfigurationName"], []):
            reason = "used by Auto Scaling group {0} (launch configuration {1})".format(
                group_name, config["LaunchConfigurationName"]
            )
            _add(references, config.get("ImageId"), reason)

    live = [{"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}]
    for instance in describe_instances(ec2, live):
        reason = "used by instance {0} ({1})".format(instance["InstanceId"], instance.get("State", {}).get("Name"))
        _add(references, instance.get("ImageId"), reason)

    if ssm is not None:
        for parameter in get_parameters_by_path(ssm, SSM_PREFIX):
            if SELECTED_AMI_PARAMETER.match(parameter["Name"]):
                _add(references, parameter.get("Value"), "selected in SSM parameter {0}".format(parameter["Name"]))
    return references
