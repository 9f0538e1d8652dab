# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What packer_build and ami_share decide about images (not a public API): amis (which image to reuse or build
on), manifest (the bake's manifest in AMI tags and the SSM record, within AWS's limits), sharing (targets,
permission plans, KMS usability). Their AWS calls live in _ec2/, _kms/ and _sts/."""
