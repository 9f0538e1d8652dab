# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error handling shared by the image calls (EC2 images/snapshots, KMS, STS): botocore errors become
AnsibleImageError."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

# Error codes that mean "that thing does not exist".
MISSING_ERROR_CODES = (
    "InvalidAMIID.NotFound",
    "InvalidAMIID.Malformed",
    "InvalidAMIID.Unavailable",
    "InvalidSnapshot.NotFound",
    "NotFoundException",
)


class AnsibleImageError(AnsibleAWSError):
    pass


class ImageErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleImageError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(MISSING_ERROR_CODES))
