# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Calls that find what uses an image: instances, Auto Scaling groups, launch templates/configurations, SSM."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import AMIRetentionErrorHandler

# Instances in these states can (re)start from their image; terminated ones cannot.
LIVE_INSTANCE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]


@AMIRetentionErrorHandler.list_error_handler("describe instances", default_value=[])
@AWSRetry.jittered_backoff()
def describe_live_instances(client):
    paginator = client.get_paginator("describe_instances")
    filters = [{"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}]
    reservations = paginator.paginate(Filters=filters).build_full_result()["Reservations"]
    return [instance for reservation in reservations for instance in reservation.get("Instances", [])]


@AMIRetentionErrorHandler.list_error_handler("describe auto scaling groups", default_value=[])
@AWSRetry.jittered_backoff()
def describe_auto_scaling_groups(client):
    paginator = client.get_paginator("describe_auto_scaling_groups")
    return paginator.paginate().build_full_result()["AutoScalingGroups"]


@AMIRetentionErrorHandler.list_error_handler("describe launch configurations", default_value=[])
@AWSRetry.jittered_backoff()
def describe_launch_configurations(client, names):
    paginator = client.get_paginator("describe_launch_configurations")
    return paginator.paginate(LaunchConfigurationNames=names).build_full_result()["LaunchConfigurations"]


@AMIRetentionErrorHandler.list_error_handler("describe launch template versions", default_value=[])
@AWSRetry.jittered_backoff()
def describe_launch_template_versions(client, versions, launch_template_id=None, launch_template_name=None):
    """The given versions (numbers, $Latest, $Default) of one launch template; [] when the template is gone."""
    args = {"Versions": versions}
    if launch_template_id:
        args["LaunchTemplateId"] = launch_template_id
    else:
        args["LaunchTemplateName"] = launch_template_name
    paginator = client.get_paginator("describe_launch_template_versions")
    return paginator.paginate(**args).build_full_result()["LaunchTemplateVersions"]


@AMIRetentionErrorHandler.list_error_handler("read SSM parameters by path", default_value=[])
@AWSRetry.jittered_backoff()
def get_parameters_by_path(client, path):
    paginator = client.get_paginator("get_parameters_by_path")
    return paginator.paginate(Path=path, Recursive=True).build_full_result()["Parameters"]
