# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 calls of the collection, by concern (not a public API).

amazon.aws 10's module_utils/ec2.py publishes most EC2 calls (retried, paginated, one error handler per resource):
callers use those. What is here is what differs from them, each saying how: common, the error handler for the calls
that must read more codes as "gone"; images, snapshots and tagging, the calls whose behaviour differs; instances and
launch_templates, amazon.aws's calls shaped for their callers (instances rather than reservations; which version and
AMI a template specification launches); transformations, pure helpers on what they return. Consumers (ami_retention,
ami_share, packer_build, the jenkins_ec2 inventory) keep their own decisions in their packages.
"""
