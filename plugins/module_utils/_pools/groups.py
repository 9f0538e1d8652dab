# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auto Scaling group settings of an agent pool that amazon.aws.autoscaling_group does not manage.

CapacityRebalance (UpdateAutoScalingGroup): with it, Auto Scaling launches a replacement when EC2 signals a Spot
instance's elevated risk of interruption (the rebalance recommendation), before the two-minute notice."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.common import AutoScalingErrorHandler


@AutoScalingErrorHandler.common_error_handler("set capacity rebalance")
@AWSRetry.jittered_backoff()
def set_capacity_rebalance(client, group_name, enabled):
    client.update_auto_scaling_group(AutoScalingGroupName=group_name, CapacityRebalance=enabled)
