# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error handling shared by every EFS call: botocore errors become AnsibleEFSError."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

# Error codes EFS uses to say "that thing does not exist".
MISSING_ERROR_CODES = (
    "FileSystemNotFound",
    "MountTargetNotFound",
    "AccessPointNotFound",
    "PolicyNotFound",
    # DescribeReplicationConfigurations and DeleteReplicationConfiguration of a file system without a replication
    # (botocore 1.44.5 data/efs/2015-02-01/service-2.json, shape ReplicationNotFound).
    "ReplicationNotFound",
)


class AnsibleEFSError(AnsibleAWSError):
    pass


class EFSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleEFSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(MISSING_ERROR_CODES))
