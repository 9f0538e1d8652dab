# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 calls of the collection, by concern (not a public API).

common: the error handler; images, snapshots, tagging, instances, launch_templates: the calls, each retried with
AWSRetry.jittered_backoff and paginated; transformations: pure helpers on what they return. Consumers
(ami_retention, ami_share, packer_build, the jenkins_ec2 inventory) keep their own decisions in their packages.
"""
