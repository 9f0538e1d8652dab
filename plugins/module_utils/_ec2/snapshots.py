# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EBS snapshot calls: describe, createVolumePermission, delete."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EC2ErrorHandler


@EC2ErrorHandler.list_error_handler("describe snapshots", default_value=[])
@AWSRetry.jittered_backoff()
def describe_snapshots(client, snapshot_ids):
    paginator = client.get_paginator("describe_snapshots")
    return paginator.paginate(SnapshotIds=list(snapshot_ids)).build_full_result()["Snapshots"]


@EC2ErrorHandler.common_error_handler("describe snapshot volume permissions")
@AWSRetry.jittered_backoff()
def describe_create_volume_permissions(client, snapshot_id):
    return client.describe_snapshot_attribute(SnapshotId=snapshot_id, Attribute="createVolumePermission").get(
        "CreateVolumePermissions", []
    )


@EC2ErrorHandler.common_error_handler("modify snapshot volume permissions")
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


@EC2ErrorHandler.deletion_error_handler("delete snapshot")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["InvalidSnapshot.InUse"])
def delete_snapshot(client, snapshot_id):
    # InvalidSnapshot.InUse is retried: right after DeregisterImage the snapshot can still count as in use.
    client.delete_snapshot(SnapshotId=snapshot_id)
    return True
