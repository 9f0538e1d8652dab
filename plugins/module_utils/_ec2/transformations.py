# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure helpers on what the EC2 calls return (no AWS calls)."""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict


def tag_dict(resource):
    """The Tags of an EC2 resource (image, instance, snapshot) as a dict, converted by amazon.aws."""
    return boto3_tag_list_to_ansible_dict(resource.get("Tags"))


def snapshot_ids(image):
    """EBS snapshot ids behind an image's block device mappings."""
    return [
        m["Ebs"]["SnapshotId"] for m in image.get("BlockDeviceMappings") or [] if m.get("Ebs", {}).get("SnapshotId")
    ]


def launch_template_image_id(version):
    """The AMI a DescribeLaunchTemplateVersions entry launches (None when its data names none)."""
    return (version.get("LaunchTemplateData") or {}).get("ImageId")
