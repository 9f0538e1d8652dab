# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error handling for the few EC2 calls that are ours: botocore errors become amazon.aws's AnsibleEC2Error.

amazon.aws's module_utils/ec2.py has one error handler per resource, each knowing one or two "gone" codes; ours knows
every code below, for the calls whose callers must read any of them as "not there".
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler

__all__ = ["AnsibleEC2Error", "EC2ErrorHandler", "MISSING_ERROR_CODES"]

# Error codes that say "that thing does not exist (any more)": a describe by id then returns nothing, and a deletion
# of something already gone is not an error. InvalidAMIID.Malformed is how DescribeImages answers an id that cannot
# exist; amazon.aws's image handler knows only InvalidAMIID.Unavailable.
MISSING_ERROR_CODES = (
    "InvalidAMIID.NotFound",
    "InvalidAMIID.Malformed",
    "InvalidAMIID.Unavailable",
    "InvalidSnapshot.NotFound",
)


class EC2ErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleEC2Error

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(MISSING_ERROR_CODES))
