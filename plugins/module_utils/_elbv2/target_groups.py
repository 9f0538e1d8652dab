# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Target group reads."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import ELBv2ErrorHandler


@ELBv2ErrorHandler.list_error_handler("describe the target health", default_value={})
@AWSRetry.jittered_backoff()
def target_health(client, target_group_arn):
    """Target id -> health state of the target group's registered targets."""
    described = client.describe_target_health(TargetGroupArn=target_group_arn)["TargetHealthDescriptions"]
    return {item["Target"]["Id"]: item["TargetHealth"]["State"] for item in described}


@ELBv2ErrorHandler.list_error_handler("describe the target group")
@AWSRetry.jittered_backoff()
def describe_target_group(client, target_group_arn=None, name=None):
    """The target group (by ARN, else by name) with its attributes (key -> value) under 'Attributes', or None."""
    query = {"TargetGroupArns": [target_group_arn]} if target_group_arn else {"Names": [name]}
    groups = client.describe_target_groups(**query)["TargetGroups"]
    if not groups:
        return None
    attributes = client.describe_target_group_attributes(TargetGroupArn=groups[0]["TargetGroupArn"])["Attributes"]
    return dict(groups[0], Attributes={item["Key"]: item["Value"] for item in attributes})
