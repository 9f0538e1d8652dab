# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 image and snapshot calls: list own images, their launch permissions, deregister, delete snapshots."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import AMIRetentionErrorHandler


@AMIRetentionErrorHandler.list_error_handler("describe images", default_value=[])
@AWSRetry.jittered_backoff()
def describe_own_images(client):
    """Every image the account owns: the retention candidates and, for snapshot safety, all the others."""
    paginator = client.get_paginator("describe_images")
    return paginator.paginate(Owners=["self"]).build_full_result()["Images"]


@AMIRetentionErrorHandler.list_error_handler("describe launch permissions of image", default_value=[])
@AWSRetry.jittered_backoff()
def describe_launch_permissions(client, image_id):
    return client.describe_image_attribute(ImageId=image_id, Attribute="launchPermission").get("LaunchPermissions", [])


@AMIRetentionErrorHandler.deletion_error_handler("deregister image")
@AWSRetry.jittered_backoff()
def deregister_image(client, image_id):
    client.deregister_image(ImageId=image_id)
    return True


@AMIRetentionErrorHandler.deletion_error_handler("delete snapshot")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["InvalidSnapshot.InUse"])
def delete_snapshot(client, snapshot_id):
    # InvalidSnapshot.InUse is retried: right after DeregisterImage the snapshot can still count as in use.
    client.delete_snapshot(SnapshotId=snapshot_id)
    return True
