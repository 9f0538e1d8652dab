# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EFS file system policy calls."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EFSErrorHandler


@EFSErrorHandler.list_error_handler("describe file system policy", default_value=None)
@AWSRetry.jittered_backoff()
def describe_file_system_policy(client, file_system_id):
    """The policy document as a JSON string; None when the file system has the default policy."""
    return client.describe_file_system_policy(FileSystemId=file_system_id).get("Policy")


@EFSErrorHandler.common_error_handler("put file system policy")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectFileSystemLifeCycleState"])
def put_file_system_policy(client, file_system_id, policy, bypass_policy_lockout_safety_check=False):
    return client.put_file_system_policy(
        FileSystemId=file_system_id,
        Policy=policy,
        BypassPolicyLockoutSafetyCheck=bypass_policy_lockout_safety_check,
    )


@EFSErrorHandler.deletion_error_handler("delete file system policy")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectFileSystemLifeCycleState"])
def delete_file_system_policy(client, file_system_id):
    client.delete_file_system_policy(FileSystemId=file_system_id)
    return True
