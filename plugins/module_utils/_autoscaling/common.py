# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error handling shared by every Auto Scaling call: amazon.aws's own handler, which turns botocore errors into
AnsibleAutoScalingError (re-exported by amazon.aws for general use, as _ec2/ reuses AnsibleEC2Error).

The describes used here answer an unknown name with an empty list, not an error, so nothing counts as "missing".
"""

from ansible_collections.amazon.aws.plugins.module_utils.autoscaling import AnsibleAutoScalingError
from ansible_collections.amazon.aws.plugins.module_utils.autoscaling import AutoScalingErrorHandler

__all__ = ["AnsibleAutoScalingError", "AutoScalingErrorHandler"]
