# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Auto Scaling group and launch configuration reads, and the group settings amazon.aws.autoscaling_group has no
option for."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import AutoScalingErrorHandler

# DescribeAutoScalingGroups returns at most 100 groups a page and takes up to 100 names a call.
GROUPS_PAGE_SIZE = 100
GROUP_NAMES_PER_CALL = 100
# DescribeLaunchConfigurations takes at most 50 names per call.
LAUNCH_CONFIGURATION_NAMES_PER_CALL = 50


@AutoScalingErrorHandler.common_error_handler("describe auto scaling groups")
@AWSRetry.jittered_backoff()
def _describe_auto_scaling_groups(client, names):
    params = {"PaginationConfig": {"PageSize": GROUPS_PAGE_SIZE}}
    if names is not None:
        params["AutoScalingGroupNames"] = names
    paginator = client.get_paginator("describe_auto_scaling_groups")
    return paginator.paginate(**params).build_full_result().get("AutoScalingGroups", [])


def describe_auto_scaling_groups(client, names=None):
    """The named groups (every group of the region when names is None), with their instances' lifecycle states:
    one call per 100 groups replaces one DescribeAutoScalingInstances call per 50 instances."""
    if names is None:
        return _describe_auto_scaling_groups(client, None)
    names = sorted(set(names))
    groups = []
    for start in range(0, len(names), GROUP_NAMES_PER_CALL):
        groups.extend(_describe_auto_scaling_groups(client, names[start : start + GROUP_NAMES_PER_CALL]))
    return groups


@AutoScalingErrorHandler.common_error_handler("describe launch configurations")
@AWSRetry.jittered_backoff()
def _describe_launch_configurations(client, names):
    paginator = client.get_paginator("describe_launch_configurations")
    return paginator.paginate(LaunchConfigurationNames=names).build_full_result()["LaunchConfigurations"]


def describe_launch_configurations(client, names):
    """The named launch configurations (those that still exist)."""
    names = sorted(set(names))
    configs = []
    for start in range(0, len(names), LAUNCH_CONFIGURATION_NAMES_PER_CALL):
        configs.extend(
            _describe_launch_configurations(client, names[start : start + LAUNCH_CONFIGURATION_NAMES_PER_CALL])
        )
    return configs


@AutoScalingErrorHandler.common_error_handler("set the instance's health")
@AWSRetry.jittered_backoff()
def set_instance_health(client, instance_id, status, respect_grace_period):
    client.set_instance_health(
        InstanceId=instance_id, HealthStatus=status, ShouldRespectGracePeriod=respect_grace_period
    )


def describe_group(client, name):
    """One group (DescribeAutoScalingGroups' shape, with its instances), or None."""
    groups = describe_auto_scaling_groups(client, [name])
    return groups[0] if groups else None


@AutoScalingErrorHandler.common_error_handler("update the auto scaling group")
@AWSRetry.jittered_backoff()
def update_group(client, group_name, **settings):
    """UpdateAutoScalingGroup with only the given members (AWS leaves the others as they are): the settings
    amazon.aws.autoscaling_group does not manage, such as NewInstancesProtectedFromScaleIn and CapacityRebalance."""
    client.update_auto_scaling_group(AutoScalingGroupName=group_name, **settings)
