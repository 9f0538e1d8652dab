# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AMI retention for jenkins_ha.aws.ami_retention.

common: error type; images/usage: boto3 calls (EC2, Auto Scaling, SSM); references: which AMIs are in use and
why; policy: the pure keep/delete decision.
"""
