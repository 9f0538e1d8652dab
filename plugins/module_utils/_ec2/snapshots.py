# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EBS snapshot calls that differ from amazon.aws's, and createVolumePermission changes over amazon.aws's calls.

Reading the createVolumePermission attribute is amazon.aws's describe_snapshot_attribute: callers import it from
module_utils/ec2.py.
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import modify_snapshot_attribute
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EC2ErrorHandler


# Not amazon.aws's describe_snapshots: that one returns the first page's raw response (its ec2_snapshot_info
# hands NextToken to the user); this one pages through and returns the snapshots.
@EC2ErrorHandler.list_error_handler("describe snapshots", default_value=[])
@AWSRetry.jittered_backoff()
def describe_snapshots(client, snapshot_ids):
    paginator = client.get_paginator("describe_snapshots")
    return paginator.paginate(SnapshotIds=list(snapshot_ids)).build_full_result()["Snapshots"]


def modify_create_volume_permissions(client, snapshot_id, add=None, remove=None):
    """Add/remove createVolumePermission entries ({"UserId": ...} / {"Group": "all"}).

    Uses the OperationType/UserIds form of ModifySnapshotAttribute, one call per operation.
    """
    for operation, entries in (("add", add or []), ("remove", remove or [])):
        params = {"Attribute": "createVolumePermission", "OperationType": operation}
        user_ids = [e["UserId"] for e in entries if e.get("UserId")]
        groups = [e["Group"] for e in entries if e.get("Group")]
        if user_ids:
            params["UserIds"] = user_ids
        if groups:
            params["GroupNames"] = groups
        if user_ids or groups:
            modify_snapshot_attribute(client, snapshot_id, **params)
    return True


# Not amazon.aws's delete_snapshot: this one retries InvalidSnapshot.InUse, as right after DeregisterImage the
# snapshot can still count as in use.
@EC2ErrorHandler.deletion_error_handler("delete snapshot")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["InvalidSnapshot.InUse"])
def delete_snapshot(client, snapshot_id):
    client.delete_snapshot(SnapshotId=snapshot_id)
    return True
