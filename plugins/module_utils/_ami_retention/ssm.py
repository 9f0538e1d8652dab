# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one SSM read of AMI retention: every parameter under the contract's prefix (stacks' AMI selections).

It is the collection's only GetParametersByPath; it belongs in an _ssm/ package once a second caller needs it.
"""

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


@AWSErrorHandler.common_error_handler("read SSM parameters by path")
@AWSRetry.jittered_backoff()
def get_parameters_by_path(client, path):
    paginator = client.get_paginator("get_parameters_by_path")
    return paginator.paginate(Path=path, Recursive=True).build_full_result()["Parameters"]
