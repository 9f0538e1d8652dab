# -*- coding: utf-8 -*-
# Copyright: jenkins_ha.aws contributors
# Apache License 2.0 (see LICENSE)
"""The AWS calls of the jenkins_ec2 inventory: one paginated call per kind of data, never one per instance."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# DescribeInstances accepts up to 1,000 results a page: API calls grow with pages, not with instances.
INSTANCES_PAGE_SIZE = 1000
# DescribeAutoScalingGroups returns at most 100 groups a page; ask for as many names at a time.
ASG_PAGE_SIZE = 100
ASG_NAMES_PER_CALL = 100
LAUNCH_TEMPLATE_VERSIONS_PAGE_SIZE = 200


class InventoryAWSError(AnsibleAWSError):
    pass


class InventoryErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = InventoryAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(
            ["InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException", "ValidationError"]
        )


@InventoryErrorHandler.common_error_handler("describe instances")
@AWSRetry.jittered_backoff()
def describe_instances(client, filters):
    """Every instance matching the server-side filters, each with its reservation's owner and id."""
    paginator = client.get_paginator("describe_instances")
    pages = paginator.paginate(Filters=filters, PaginationConfig={"PageSize": INSTANCES_PAGE_SIZE})
    instances = []
    for page in pages:
        for reservation in page.get("Reservations", ()):
            owner_id = reservation.get("OwnerId")
            reservation_id = reservation.get("ReservationId")
            for instance in reservation.get("Instances", ()):
                instance["OwnerId"] = owner_id
                instance["ReservationId"] = reservation_id
                instances.append(instance)
    return instances


@InventoryErrorHandler.common_error_handler("describe auto scaling groups")
@AWSRetry.jittered_backoff()
def _describe_auto_scaling_groups(client, names):
    paginator = client.get_paginator("describe_auto_scaling_groups")
    pages = paginator.paginate(AutoScalingGroupNames=names, PaginationConfig={"PageSize": ASG_PAGE_SIZE})
    return pages.build_full_result().get("AutoScalingGroups", [])


def describe_auto_scaling_groups(client, names):
    """The named groups, with their instances' lifecycle states: replaces one DescribeAutoScalingInstances
    call per 50 instances by one call per 100 groups."""
    names = sorted(set(names))
    groups = []
    for start in range(0, len(names), ASG_NAMES_PER_CALL):
        groups.extend(_describe_auto_scaling_groups(client, names[start : start + ASG_NAMES_PER_CALL]))
    return groups


@InventoryErrorHandler.list_error_handler("describe launch template versions", default_value=[])
@AWSRetry.jittered_backoff()
def describe_launch_template_versions(client, versions, template_id=None, template_name=None):
    """Versions of one launch template, or with neither id nor name the $Latest/$Default versions of all of them.

    ResolveAlias turns an ImageId of the form resolve:ssm:/parameter into the AMI id it points at.
    """
    params = {"Versions": list(versions), "ResolveAlias": True}
    if template_id:
        params["LaunchTemplateId"] = template_id
    elif template_name:
        params["LaunchTemplateName"] = template_name
    else:
        params["PaginationConfig"] = {"PageSize": LAUNCH_TEMPLATE_VERSIONS_PAGE_SIZE}
    paginator = client.get_paginator("describe_launch_template_versions")
    return paginator.paginate(**params).build_full_result().get("LaunchTemplateVersions", [])
