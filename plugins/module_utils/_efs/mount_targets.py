# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EFS mount target calls."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EFSErrorHandler


@EFSErrorHandler.list_error_handler("describe mount targets", default_value=[])
@AWSRetry.jittered_backoff()
def describe_mount_targets(client, file_system_id):
    paginator = client.get_paginator("describe_mount_targets")
    return paginator.paginate(FileSystemId=file_system_id).build_full_result()["MountTargets"]


@EFSErrorHandler.list_error_handler("describe mount target security groups", default_value=[])
@AWSRetry.jittered_backoff()
def describe_mount_target_security_groups(client, mount_target_id):
    return client.describe_mount_target_security_groups(MountTargetId=mount_target_id)["SecurityGroups"]


def describe_mount_targets_with_security_groups(client, file_system_id):
    mount_targets = describe_mount_targets(client, file_system_id)
    for mount_target in mount_targets:
        if mount_target.get("LifeCycleState") in ("deleting", "deleted"):
            mount_target["SecurityGroups"] = []
            continue
        mount_target["SecurityGroups"] = describe_mount_target_security_groups(client, mount_target["MountTargetId"])
    return [mt for mt in mount_targets if mt.get("LifeCycleState") != "deleted"]


@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectFileSystemLifeCycleState"])
def _create_mount_target(client, params):
    return client.create_mount_target(**params)


@EFSErrorHandler.common_error_handler("create mount target")
def create_mount_target(client, file_system_id, subnet_id, security_groups=None):
    """Create the file system's mount target in the subnet; one that exists there already is the answer.

    CreateMountTarget takes no client token: when EFS applies it and the reply is lost, botocore's retry is refused
    as MountTargetConflict (a mount target already exists in this zone). The one in this subnet for this file system
    is then the mount target just made; a conflict with anything else stays an error."""
    params = dict(FileSystemId=file_system_id, SubnetId=subnet_id)
    if security_groups:
        params["SecurityGroups"] = security_groups
    try:
        return _create_mount_target(client, params)
    except is_boto3_error_code("MountTargetConflict"):
        existing = [mt for mt in describe_mount_targets(client, file_system_id) if mt.get("SubnetId") == subnet_id]
        if existing and existing[0].get("LifeCycleState") not in ("deleting", "deleted"):
            return existing[0]
        raise


@EFSErrorHandler.common_error_handler("modify mount target security groups")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectMountTargetState"])
def modify_mount_target_security_groups(client, mount_target_id, security_groups):
    return client.modify_mount_target_security_groups(MountTargetId=mount_target_id, SecurityGroups=security_groups)


@EFSErrorHandler.deletion_error_handler("delete mount target")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectMountTargetState"])
def delete_mount_target(client, mount_target_id):
    client.delete_mount_target(MountTargetId=mount_target_id)
    return True
