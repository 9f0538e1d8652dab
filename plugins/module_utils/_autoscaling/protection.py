# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Scale-in protection: the group's NewInstancesProtectedFromScaleIn flag and each instance's protection.

It decides what a refresh with ScaleInProtectedInstances=Ignore takes, and the EC2 Fleet plugin protects every
instance it launches."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import AutoScalingErrorHandler
from .groups import update_group


def set_new_instances_protected(client, group_name, protected):
    update_group(client, group_name, NewInstancesProtectedFromScaleIn=protected)


# SetInstanceProtection takes at most 50 instance ids a call (botocore model: "You can specify up to 50 instances").
PROTECTION_IDS_PER_CALL = 50


@AutoScalingErrorHandler.common_error_handler("set scale-in protection")
@AWSRetry.jittered_backoff()
def _set_instance_protection(client, group_name, instance_ids, protected):
    client.set_instance_protection(
        AutoScalingGroupName=group_name, InstanceIds=instance_ids, ProtectedFromScaleIn=protected
    )


def set_instance_protection(client, group_name, instance_ids, protected):
    ids = sorted(instance_ids)
    for start in range(0, len(ids), PROTECTION_IDS_PER_CALL):
        _set_instance_protection(client, group_name, ids[start : start + PROTECTION_IDS_PER_CALL], protected)


def protection_changes(group, new_instances_protected, instance_ids, protected):
    """(set_new, to_change): the group flag to set (None: leave it) and the instances whose protection differs.

    instance_ids None means every instance of the group that is not terminating."""
    set_new = None
    if (
        new_instances_protected is not None
        and bool(group.get("NewInstancesProtectedFromScaleIn")) != new_instances_protected
    ):
        set_new = new_instances_protected
    to_change = []
    if protected is not None:
        live = {
            i["InstanceId"]: bool(i.get("ProtectedFromScaleIn"))
            for i in group.get("Instances", [])
            if not i.get("LifecycleState", "").startswith("Terminat")
        }
        wanted = live if instance_ids is None else {i: live[i] for i in instance_ids if i in live}
        to_change = sorted(i for i, current in wanted.items() if current != protected)
    return set_new, to_change
