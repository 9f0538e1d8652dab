# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Backup recovery point listing for jenkins_ha.aws.backup_recovery_point_info."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


class AnsibleBackupRecoveryPointError(AnsibleAWSError):
    pass


class BackupRecoveryPointErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleBackupRecoveryPointError

    @classmethod
    def _is_missing(cls):
        # A resource never backed up has no recovery points: not an error for an info call.
        return is_boto3_error_code("ResourceNotFoundException")


@BackupRecoveryPointErrorHandler.list_error_handler("list recovery points by resource", default_value=[])
@AWSRetry.jittered_backoff()
def list_recovery_points_by_resource(client, resource_arn):
    paginator = client.get_paginator("list_recovery_points_by_resource")
    return paginator.paginate(ResourceArn=resource_arn).build_full_result()["RecoveryPoints"]


@BackupRecoveryPointErrorHandler.common_error_handler("list recovery points of backup vault")
@AWSRetry.jittered_backoff()
def list_recovery_points_by_vault(client, vault_name, resource_arn=None):
    # A missing vault answers AccessDeniedException, as AWS does: reported as an error, not as "no points".
    args = {"BackupVaultName": vault_name}
    if resource_arn:
        args["ByResourceArn"] = resource_arn
    paginator = client.get_paginator("list_recovery_points_by_backup_vault")
    return paginator.paginate(**args).build_full_result()["RecoveryPoints"]
