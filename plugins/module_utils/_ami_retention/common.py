# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error handling shared by every AMI retention call: botocore errors become AnsibleAMIRetentionError."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

# Error codes that say "that thing does not exist (any more)": an AMI or snapshot already gone is not an error
# for a cleanup, and a launch template deleted between two calls no longer references anything.
MISSING_ERROR_CODES = (
    "InvalidAMIID.NotFound",
    "InvalidAMIID.Unavailable",
    "InvalidSnapshot.NotFound",
    "InvalidLaunchTemplateId.NotFound",
    "InvalidLaunchTemplateName.NotFoundException",
    "InvalidLaunchTemplateId.VersionNotFound",
)


class AnsibleAMIRetentionError(AnsibleAWSError):
    pass


class AMIRetentionErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAMIRetentionError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(MISSING_ERROR_CODES))
