# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 instance reads: one paginated DescribeInstances, never one call per instance."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EC2ErrorHandler

# DescribeInstances accepts up to 1,000 results a page: API calls grow with pages, not with instances.
INSTANCES_PAGE_SIZE = 1000


@EC2ErrorHandler.common_error_handler("describe instances")
@AWSRetry.jittered_backoff()
def describe_instances(client, filters, strip_elements=None):
    """Every instance matching the server-side filters, each with its reservation's owner and id.

    strip_elements, a compiled bytes regex, removes matching elements from each raw response before botocore decodes
    it: decoding every field of every instance is most of the client-side cost of a large DescribeInstances, so a
    caller that needs few fields can drop the rest unread.
    """
    if strip_elements is not None:

        def strip(response_dict, **kwargs):
            if response_dict.get("status_code") == 200 and isinstance(response_dict.get("body"), bytes):
                response_dict["body"] = strip_elements.sub(b"", response_dict["body"])

        client.meta.events.register("before-parse.ec2.DescribeInstances", strip)
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


@EC2ErrorHandler.list_error_handler("describe the instance")
@AWSRetry.jittered_backoff()
def instance_state(client, instance_id):
    """The instance's EC2 state name, or None once EC2 no longer knows it."""
    reservations = client.describe_instances(InstanceIds=[instance_id])["Reservations"]
    instances = [instance for reservation in reservations for instance in reservation["Instances"]]
    return instances[0]["State"]["Name"] if instances else None


@EC2ErrorHandler.common_error_handler("terminate the instance")
@AWSRetry.jittered_backoff()
def terminate_instance(client, instance_id):
    client.terminate_instances(InstanceIds=[instance_id])
