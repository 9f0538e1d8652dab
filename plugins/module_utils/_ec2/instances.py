# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 instances, through amazon.aws's calls: one paginated DescribeInstances, never one call per instance.

What is ours is the shape: instances (not reservations) with their reservation's owner and id, the state of one
instance, and dropping unread fields before botocore decodes them.
"""

from ansible_collections.amazon.aws.plugins.module_utils import ec2

# DescribeInstances accepts up to 1,000 results a page: API calls grow with pages, not with instances.
INSTANCES_PAGE_SIZE = 1000


def _instances(reservations):
    instances = []
    for reservation in reservations:
        for instance in reservation.get("Instances", ()):
            instance["OwnerId"] = reservation.get("OwnerId")
            instance["ReservationId"] = reservation.get("ReservationId")
            instances.append(instance)
    return instances


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
    reservations = ec2.describe_instances(client, Filters=filters, PaginationConfig={"PageSize": INSTANCES_PAGE_SIZE})
    return _instances(reservations)


def instance_state(client, instance_id):
    """The instance's EC2 state name, or None once EC2 no longer knows it."""
    instances = _instances(ec2.describe_instances(client, InstanceIds=[instance_id]))
    return instances[0]["State"]["Name"] if instances else None


def terminate_instance(client, instance_id):
    """Terminate one instance; one EC2 no longer knows is not an error (amazon.aws's terminate_instances)."""
    return ec2.terminate_instances(client, [instance_id])
