# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 image and snapshot calls used by packer_build and ami_share."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images.common import ImageErrorHandler


@ImageErrorHandler.list_error_handler("describe images", [])
@AWSRetry.jittered_backoff()
def describe_images(client, **params):
    paginator = client.get_paginator("describe_images")
    return paginator.paginate(**params).build_full_result()["Images"]


def get_image(client, image_id):
    """The image with that id, or None when it does not exist (or is not visible to the caller)."""
    images = describe_images(client, ImageIds=[image_id])
    return images[0] if images else None


def image_tags(image):
    return boto3_tag_list_to_ansible_dict(image.get("Tags") or [])


def find_images_by_input_hash(client, role, input_hash):
    """Available images owned by the caller with the given role and input hash, newest first."""
    images = describe_images(
        client,
        Owners=["self"],
        Filters=[
            {"Name": "tag:" + contract.AMI_TAG_INPUT_HASH, "Values": [input_hash]},
            {"Name": "tag:" + contract.AMI_TAG_ROLE, "Values": [role]},
            {"Name": "state", "Values": ["available"]},
        ],
    )
    # Filters are applied server-side; checking again keeps a lax endpoint from handing back a wrong image.
    matching = [
        i
        for i in images
        if image_tags(i).get(contract.AMI_TAG_INPUT_HASH) == input_hash
        and image_tags(i).get(contract.AMI_TAG_ROLE) == role
        and i.get("State") == "available"
    ]
    return sorted(matching, key=lambda i: i.get("CreationDate", ""), reverse=True)


def find_base_image(client, owners, name):
    """The image Packer's source_ami_filter (name, owners, most_recent) picks: the newest by creation date, or
    None when none matches."""
    images = describe_images(client, Owners=list(owners), Filters=[{"Name": "name", "Values": [name]}])
    return max(images, key=lambda i: i.get("CreationDate", ""), default=None)


def snapshot_ids(image):
    """EBS snapshot ids behind an image's block device mappings."""
    return [
        m["Ebs"]["SnapshotId"] for m in image.get("BlockDeviceMappings") or [] if m.get("Ebs", {}).get("SnapshotId")
    ]


@ImageErrorHandler.common_error_handler("tag resources")
@AWSRetry.jittered_backoff()
def create_tags(client, resource_ids, tags):
    client.create_tags(Resources=list(resource_ids), Tags=ansible_dict_to_boto3_tag_list(tags))
    return True


@ImageErrorHandler.common_error_handler("describe image launch permissions")
@AWSRetry.jittered_backoff()
def describe_launch_permissions(client, image_id):
    return client.describe_image_attribute(ImageId=image_id, Attribute="launchPermission").get("LaunchPermissions", [])


@ImageErrorHandler.common_error_handler("modify image launch permissions")
@AWSRetry.jittered_backoff()
def modify_launch_permissions(client, image_id, add=None, remove=None):
    change = {}
    if add:
        change["Add"] = add
    if remove:
        change["Remove"] = remove
    client.modify_image_attribute(ImageId=image_id, LaunchPermission=change)
    return True


@ImageErrorHandler.list_error_handler("describe snapshots", [])
@AWSRetry.jittered_backoff()
def describe_snapshots(client, snapshot_ids_):
    paginator = client.get_paginator("describe_snapshots")
    return paginator.paginate(SnapshotIds=list(snapshot_ids_)).build_full_result()["Snapshots"]


@ImageErrorHandler.common_error_handler("describe snapshot volume permissions")
@AWSRetry.jittered_backoff()
def describe_create_volume_permissions(client, snapshot_id):
    return client.describe_snapshot_attribute(SnapshotId=snapshot_id, Attribute="createVolumePermission").get(
        "CreateVolumePermissions", []
    )


@ImageErrorHandler.common_error_handler("modify snapshot volume permissions")
@AWSRetry.jittered_backoff()
def _modify_create_volume_permission(client, snapshot_id, operation, user_ids, groups):
    params = {"SnapshotId": snapshot_id, "Attribute": "createVolumePermission", "OperationType": operation}
    if user_ids:
        params["UserIds"] = user_ids
    if groups:
        params["GroupNames"] = groups
    client.modify_snapshot_attribute(**params)


def modify_create_volume_permissions(client, snapshot_id, add=None, remove=None):
    """Add/remove createVolumePermission entries ({"UserId": ...} / {"Group": "all"}).

    Uses the OperationType/UserIds form of ModifySnapshotAttribute, one call per operation.
    """
    for operation, entries in (("add", add or []), ("remove", remove or [])):
        user_ids = [e["UserId"] for e in entries if e.get("UserId")]
        groups = [e["Group"] for e in entries if e.get("Group")]
        if user_ids or groups:
            _modify_create_volume_permission(client, snapshot_id, operation, user_ids, groups)
    return True
