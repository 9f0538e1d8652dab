# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS calls of the jenkins_ec2 inventory: one paginated call per kind of data, never one per instance."""

from __future__ import annotations

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.jenkins_ha.aws.plugins.module_utils._inventory import hostvars

# DescribeInstances accepts up to 1,000 results a page: API calls grow with pages, not with instances.
INSTANCES_PAGE_SIZE = 1000
# DescribeAutoScalingGroups returns at most 100 groups a page; ask for as many names at a time.
ASG_PAGE_SIZE = 100
ASG_NAMES_PER_CALL = 100
LAUNCH_TEMPLATE_VERSIONS_PAGE_SIZE = 200


# DescribeInstances elements (EC2 query protocol names) of fields outside the default host variables, with the
# host variable each would become. Network interfaces and block devices are most of every instance's XML.
UNUSED_INSTANCE_ELEMENTS = {
    "networkInterfaceSet": "network_interfaces",
    "blockDeviceMapping": "block_device_mappings",
    "metadataOptions": "metadata_options",
    "cpuOptions": "cpu_options",
    "capacityReservationSpecification": "capacity_reservation_specification",
    "enclaveOptions": "enclave_options",
    "maintenanceOptions": "maintenance_options",
    "privateDnsNameOptions": "private_dns_name_options",
    "hibernationOptions": "hibernation_options",
    "stateReason": "state_reason",
    "productCodes": "product_codes",
    "networkPerformanceOptions": "network_performance_options",
}


def instance_hostvar_names():
    """The host variable name (snake_case, as aws_ec2 converts it) of every field of an EC2 Instance, from the
    service model botocore ships, plus the reservation's owner and id describe_instances copies in: what
    extra_hostvars can name."""
    import botocore.session  # pylint: disable=import-outside-toplevel

    members = botocore.session.get_session().get_service_model("ec2").shape_for("Instance").members
    return sorted({hostvars.snake_key(name) for name in members} | {"owner_id", "reservation_id"})


def unused_elements_pattern(wanted):
    """A regex matching the elements of fields no host variable needs, or None when every field is wanted.

    ``wanted`` holds the extra host variables asked for (``all`` for every field).
    """
    if "all" in wanted:
        return None
    names = sorted(tag for tag, hostvar in UNUSED_INSTANCE_ELEMENTS.items() if hostvar not in wanted)
    if not names:
        return None
    alternatives = "|".join(names).encode()
    # None of these elements nests inside itself, so the first closing tag ends the element.
    return re.compile(rb"<(" + alternatives + rb")(?:\s[^>/]*)?(?:/>|>.*?</\1>)", re.S)


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
def describe_instances(client, filters, unused=None):
    """Every instance matching the server-side filters, each with its reservation's owner and id.

    ``unused`` (see unused_elements_pattern()) strips fields nobody asked for from each raw response before
    botocore decodes it: decoding every field of every instance is most of the client-side cost of a large
    DescribeInstances, and network interfaces and block devices alone are half of its XML.
    """
    if unused is not None:

        def strip_unused(response_dict, **kwargs):
            if response_dict.get("status_code") == 200 and isinstance(response_dict.get("body"), bytes):
                response_dict["body"] = unused.sub(b"", response_dict["body"])

        client.meta.events.register("before-parse.ec2.DescribeInstances", strip_unused)
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
