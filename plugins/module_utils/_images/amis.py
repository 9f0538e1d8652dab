# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which images packer_build reuses or builds on, found with the EC2 calls of module_utils/_ec2/images.py."""

from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.images import describe_images
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.transformations import tag_dict


def find_images_by_input_hash(client, role, input_hash):
    """Available images owned by the caller with the given role and input hash, newest first."""
    images = describe_images(
        client,
        Owners=["self"],
        Filters=[
            {"Name": "tag:" + contract.AMI_TAG_INPUT_HASH, "Values": [input_hash]},
            {"Name": "tag:" + contract.AMI_TAG_ROLE, "Values": [role]},
            {"Name": "state", "Values": ["available"]},
        ],
    )
    # Filters are applied server-side; checking again keeps a lax endpoint from handing back a wrong image.
    matching = [
        i
        for i in images
        if tag_dict(i).get(contract.AMI_TAG_INPUT_HASH) == input_hash
        and tag_dict(i).get(contract.AMI_TAG_ROLE) == role
        and i.get("State") == "available"
    ]
    return sorted(matching, key=lambda i: i.get("CreationDate", ""), reverse=True)


def find_base_image(client, owners, name):
    """The image Packer's source_ami_filter (name, owners, most_recent) picks: the newest by creation date, or
    None when none matches."""
    images = describe_images(client, Owners=list(owners), Filters=[{"Name": "name", "Values": [name]}])
    return max(images, key=lambda i: i.get("CreationDate", ""), default=None)
