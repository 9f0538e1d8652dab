# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EFS replication configuration calls.

Shapes and behaviour from botocore 1.44.5 data/efs/2015-02-01/service-2.json (CreateReplicationConfiguration,
DescribeReplicationConfigurations, DeleteReplicationConfiguration): a file system is part of one replication at most,
with one destination; DescribeReplicationConfigurations of a file system without one answers ReplicationNotFound (a
"missing" code in common.py, so the describe returns [] and the delete False); it can be asked from either side,
so the configuration it returns may name the asked file system as its destination.
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EFSErrorHandler


@EFSErrorHandler.list_error_handler("describe replication configurations", default_value=[])
@AWSRetry.jittered_backoff()
def describe_replications(client, file_system_id):
    paginator = client.get_paginator("describe_replication_configurations")
    return paginator.paginate(FileSystemId=file_system_id).build_full_result()["Replications"]


def get_replication(client, file_system_id):
    """The replication configuration the file system takes part in (as source or destination); None without one."""
    replications = describe_replications(client, file_system_id)
    return replications[0] if replications else None


@EFSErrorHandler.common_error_handler("create replication configuration")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectFileSystemLifeCycleState"])
def create_replication(client, source_file_system_id, destination):
    """Replicate the source to destination (a DestinationToCreate: Region, and KmsKeyId or FileSystemId)."""
    try:
        return client.create_replication_configuration(
            SourceFileSystemId=source_file_system_id, Destinations=[destination]
        )
    except is_boto3_error_code(["ConflictException", "ValidationException", "BadRequest"]) as e:
        # A first attempt applied but its answer lost: botocore's retry is refused because the source already has a
        # replication. We only create after a describe found none, so one to the same region now is ours. (AWS does
        # not document which code that refusal carries; these are the operation's client errors.)
        found = get_replication(client, source_file_system_id)
        if not found or found["Destinations"][0]["Region"] != destination["Region"]:
            raise e
        return found


@EFSErrorHandler.deletion_error_handler("delete replication configuration")
@AWSRetry.jittered_backoff()
def delete_replication(client, source_file_system_id):
    """Delete the replication (both sides, DeletionMode ALL_CONFIGURATIONS). False when there was none."""
    client.delete_replication_configuration(SourceFileSystemId=source_file_system_id)
    return True
