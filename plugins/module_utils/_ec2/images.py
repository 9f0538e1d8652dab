# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 image reads that differ from amazon.aws's.

Launch permissions and deregistration are amazon.aws's (module_utils/ec2.py: describe_image_attribute,
modify_image_attribute, deregister_image): callers import them from there.
"""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EC2ErrorHandler


# Not amazon.aws's describe_images: that one answers [] only for InvalidAMIID.Unavailable and raises for an id EC2
# does not know (InvalidAMIID.NotFound) or that cannot exist (.Malformed), which get_image must read as "no image".
@EC2ErrorHandler.list_error_handler("describe images", default_value=[])
@AWSRetry.jittered_backoff()
def describe_images(client, **params):
    paginator = client.get_paginator("describe_images")
    return paginator.paginate(**params).build_full_result()["Images"]


def get_image(client, image_id):
    """The image with that id, or None when it does not exist (or is not visible to the caller)."""
    images = describe_images(client, ImageIds=[image_id])
    return images[0] if images else None
