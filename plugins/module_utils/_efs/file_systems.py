# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EFS file system calls: describe/create/update/delete, lifecycle and backup policy."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EFSErrorHandler


@EFSErrorHandler.list_error_handler("describe file systems", default_value=[])
@AWSRetry.jittered_backoff()
def describe_file_systems(client, file_system_id=None, creation_token=None):
    args = {}
    if file_system_id:
        args["FileSystemId"] = file_system_id
    if creation_token:
        args["CreationToken"] = creation_token
    paginator = client.get_paginator("describe_file_systems")
    return paginator.paginate(**args).build_full_result()["FileSystems"]


def get_file_system(client, file_system_id):
    file_systems = describe_file_systems(client, file_system_id=file_system_id)
    return file_systems[0] if file_systems else None


@EFSErrorHandler.common_error_handler("create file system")
@AWSRetry.jittered_backoff()
def create_file_system(client, **params):
    try:
        return client.create_file_system(**params)
    except is_boto3_error_code("FileSystemAlreadyExists") as e:
        # CreationToken makes the create idempotent: when a first attempt was applied but its answer lost (a dropped
        # connection, a timeout), botocore's retry gets this error with the id of the file system that attempt made.
        # We only create after a describe by token found nothing, so that file system is ours. AWS puts its id in the
        # error; read it by token instead, which needs nothing of the error body (moto 5.2.5 leaves the id out).
        found = describe_file_systems(client, creation_token=params["CreationToken"])
        if not found:
            raise e
        return found[0]


@EFSErrorHandler.common_error_handler("update file system throughput")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectFileSystemLifeCycleState"])
def update_file_system(client, file_system_id, **params):
    return client.update_file_system(FileSystemId=file_system_id, **params)


@EFSErrorHandler.deletion_error_handler("delete file system")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["FileSystemInUse"])
def delete_file_system(client, file_system_id):
    # FileSystemInUse is retried: mount target deletion is asynchronous and lags behind their describe call.
    client.delete_file_system(FileSystemId=file_system_id)
    return True


@EFSErrorHandler.list_error_handler("describe lifecycle configuration", default_value=[])
@AWSRetry.jittered_backoff()
def describe_lifecycle_policies(client, file_system_id):
    return client.describe_lifecycle_configuration(FileSystemId=file_system_id).get("LifecyclePolicies", [])


@EFSErrorHandler.common_error_handler("put lifecycle configuration")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectFileSystemLifeCycleState"])
def put_lifecycle_policies(client, file_system_id, policies):
    return client.put_lifecycle_configuration(FileSystemId=file_system_id, LifecyclePolicies=policies)


@EFSErrorHandler.list_error_handler("describe backup policy", default_value=None)
@AWSRetry.jittered_backoff()
def describe_backup_status(client, file_system_id):
    """The backup policy status (ENABLED, ENABLING, DISABLED, DISABLING); None when no policy was ever set."""
    return client.describe_backup_policy(FileSystemId=file_system_id)["BackupPolicy"]["Status"]


@EFSErrorHandler.common_error_handler("put backup policy")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectFileSystemLifeCycleState"])
def put_backup_policy(client, file_system_id, enabled):
    status = "ENABLED" if enabled else "DISABLED"
    return client.put_backup_policy(FileSystemId=file_system_id, BackupPolicy={"Status": status})


@EFSErrorHandler.common_error_handler("describe the KMS key given as kms_key_id")
@AWSRetry.jittered_backoff()
def describe_kms_key_arn(kms_client, key_id):
    """Resolve a key id, alias name or alias ARN to the key ARN EFS reports."""
    return kms_client.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
