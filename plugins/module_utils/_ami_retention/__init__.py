# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AMI retention for jenkins_ha.aws.ami_retention.

references: which AMIs are in use and why (through the calls of _ec2/ and _autoscaling/, and ssm: the stacks'
AMI selections); policy: the pure keep/delete decision.
"""
