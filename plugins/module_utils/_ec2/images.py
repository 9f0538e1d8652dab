# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 image calls: describe, launch permissions, deregister."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EC2ErrorHandler


@EC2ErrorHandler.list_error_handler("describe images", default_value=[])
@AWSRetry.jittered_backoff()
def describe_images(client, **params):
    paginator = client.get_paginator("describe_images")
    return paginator.paginate(**params).build_full_result()["Images"]


def get_image(client, image_id):
    """The image with that id, or None when it does not exist (or is not visible to the caller)."""
    images = describe_images(client, ImageIds=[image_id])
    return images[0] if images else None


@EC2ErrorHandler.list_error_handler("describe launch permissions of image", default_value=[])
@AWSRetry.jittered_backoff()
def describe_launch_permissions(client, image_id):
    return client.describe_image_attribute(ImageId=image_id, Attribute="launchPermission").get("LaunchPermissions", [])


@EC2ErrorHandler.common_error_handler("modify image launch permissions")
@AWSRetry.jittered_backoff()
def modify_launch_permissions(client, image_id, add=None, remove=None):
    change = {}
    if add:
        change["Add"] = add
    if remove:
        change["Remove"] = remove
    client.modify_image_attribute(ImageId=image_id, LaunchPermission=change)
    return True


@EC2ErrorHandler.deletion_error_handler("deregister image")
@AWSRetry.jittered_backoff()
def deregister_image(client, image_id):
    client.deregister_image(ImageId=image_id)
    return True
