# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failover drill's AWS calls: Auto Scaling, EC2 and ELB, with retries and one error type."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


class AnsibleFailoverError(AnsibleAWSError):
    pass


class ErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleFailoverError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["InvalidInstanceID.NotFound", "TargetGroupNotFound", "ValidationError"])


@ErrorHandler.list_error_handler("describe the Auto Scaling group")
@AWSRetry.jittered_backoff()
def describe_group(client, name):
    """The group (DescribeAutoScalingGroups' shape), or None."""
    groups = client.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return groups[0] if groups else None


@ErrorHandler.list_error_handler("describe the group's warm pool")
@AWSRetry.jittered_backoff()
def describe_warm_pool(client, name):
    """The warm pool configuration, or None when the group has none."""
    return client.describe_warm_pool(AutoScalingGroupName=name).get("WarmPoolConfiguration")


@ErrorHandler.list_error_handler("describe the instance")
@AWSRetry.jittered_backoff()
def instance_state(client, instance_id):
    """The instance's EC2 state name, or None once EC2 no longer knows it."""
    reservations = client.describe_instances(InstanceIds=[instance_id])["Reservations"]
    instances = [instance for reservation in reservations for instance in reservation["Instances"]]
    return instances[0]["State"]["Name"] if instances else None


@ErrorHandler.list_error_handler("describe the target health", default_value={})
@AWSRetry.jittered_backoff()
def target_health(client, target_group_arn):
    """Target id -> health state of the target group's registered targets."""
    described = client.describe_target_health(TargetGroupArn=target_group_arn)["TargetHealthDescriptions"]
    return {item["Target"]["Id"]: item["TargetHealth"]["State"] for item in described}


@ErrorHandler.list_error_handler("describe the target group")
@AWSRetry.jittered_backoff()
def describe_target_group(client, target_group_arn):
    """The target group with its attributes (key -> value) under 'Attributes', or None."""
    groups = client.describe_target_groups(TargetGroupArns=[target_group_arn])["TargetGroups"]
    if not groups:
        return None
    attributes = client.describe_target_group_attributes(TargetGroupArn=target_group_arn)["Attributes"]
    return dict(groups[0], Attributes={item["Key"]: item["Value"] for item in attributes})


@ErrorHandler.common_error_handler("terminate the controller instance")
@AWSRetry.jittered_backoff()
def terminate_instance(client, instance_id):
    client.terminate_instances(InstanceIds=[instance_id])


@ErrorHandler.common_error_handler("mark the controller instance unhealthy")
@AWSRetry.jittered_backoff()
def set_unhealthy(client, instance_id):
    # What the ELB health check does once the target failed the unhealthy threshold's checks; the grace period is
    # over for a running controller, and the drill must not depend on it.
    client.set_instance_health(InstanceId=instance_id, HealthStatus="Unhealthy", ShouldRespectGracePeriod=False)
