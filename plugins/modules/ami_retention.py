#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ami_retention
version_added: 0.1.0
short_description: Deregister old jenkins_ha AMIs and delete their snapshots
description:
  - Applies a retention policy to the images the account owns that carry the collection's AMI tags
    C(jenkins-ha:role) and C(jenkins-ha:base).
  - Per (role, base) the newest O(keep) available images are kept (ordered by C(CreationDate)); so is every image
    younger than O(min_age_days).
  - An image is never deleted while anything can still launch it. The module resolves every Auto Scaling group's
    launch template and version (numbers, C($Latest), C($Default); the templates of mixed instances policies
    and their overrides included) and launch configuration, every pending, running, stopping or stopped instance,
    and, with O(protect_ssm_selected), the AMI ids selected in SSM under C(/jenkins-ha/<stack>/ami/<role>).
  - Images shared out (launch permissions for other accounts, organizations, or public) are kept unless
    O(include_shared=true).
  - The snapshots of a deregistered image are deleted too, unless another surviving image uses them.
  - Images of other accounts, and own images without both contract tags, are never touched.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  keep:
    description:
      - How many of the newest available images to keep per (role, base).
    type: int
    default: 3
  min_age_days:
    description:
      - Images younger than this many days are kept whatever their rank.
    type: int
    default: 7
  roles:
    description:
      - Only consider images whose C(jenkins-ha:role) tag is one of these. All roles when empty.
    type: list
    elements: str
    default: []
  stack:
    description:
      - Only consider images whose C(jenkins-ha:stack) tag equals this. Images are stack-agnostic by default and
        carry no stack tag, so leave this unset unless a stack tags its own images.
    type: str
  include_shared:
    description:
      - Also delete images shared with other accounts, organizations or the public.
    type: bool
    default: false
  protect_ssm_selected:
    description:
      - Keep every image selected in an SSM parameter C(/jenkins-ha/<stack>/ami/<role>), so an image chosen for the
        next deployment survives even before a launch template references it.
      - Needs C(ssm:GetParametersByPath) on C(/jenkins-ha).
    type: bool
    default: true
  delete_snapshots:
    description:
      - Delete the EBS snapshots of deregistered images.
    type: bool
    default: true
notes:
  - Needs C(ec2:DescribeImages), C(ec2:DescribeImageAttribute), C(ec2:DescribeInstances),
    C(ec2:DescribeLaunchTemplateVersions), C(autoscaling:DescribeAutoScalingGroups),
    C(autoscaling:DescribeLaunchConfigurations), C(ec2:DeregisterImage) and C(ec2:DeleteSnapshot).
  - References are looked up in the module's region only; an image copied to another region is a different image.
attributes:
  check_mode:
    support: full
    description: Reports what would be deregistered and deleted without doing it.
  diff_mode:
    support: full
    description: Before and after lists of the image ids under retention.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep the 3 newest images per role and base, nothing younger than a week, nothing in use
  jenkins_ha.aws.ami_retention:
    keep: 3
    min_age_days: 7
  register: retention

- name: Show what would go for the agent images only
  jenkins_ha.aws.ami_retention:
    roles: [agent]
    keep: 2
  check_mode: true
  register: preview

- name: Also clean images shared with other accounts
  jenkins_ha.aws.ami_retention:
    keep: 5
    include_shared: true
"""

RETURN = r"""
kept:
  description: The images under retention that stay, newest first per (role, base), each with why.
  returned: always
  type: list
  elements: dict
  contains:
    image_id:
      description: The AMI id.
      type: str
      sample: ami-0123456789abcdef0
    name:
      description: The AMI name.
      type: str
      sample: jenkins-ha-agent-debian-12-20250101
    role:
      description: The C(jenkins-ha:role) tag.
      type: str
      sample: agent
    base:
      description: The C(jenkins-ha:base) tag.
      type: str
      sample: debian-12
    creation_date:
      description: The image's creation date.
      type: str
      sample: "2025-01-01T10:00:00.000Z"
    snapshot_ids:
      description: The EBS snapshots backing the image.
      type: list
      elements: str
    reasons:
      description: Every reason the image is kept.
      type: list
      elements: str
      sample: ["newest 1 of 3 kept for its role and base", "used by Auto Scaling group prod-agents (launch template prod-agent version 4, $Latest)"]
deleted:
  description: The images deregistered (or, in check mode, that would be), with the same keys as RV(kept) and C(reason).
  returned: always
  type: list
  elements: dict
  sample: [{"image_id": "ami-0123456789abcdef0", "role": "agent", "base": "debian-12", "snapshot_ids": ["snap-0123456789abcdef0"],
           "reason": "older than the newest 3 of agent/debian-12, unused and not shared"}]
deleted_snapshot_ids:
  description: The snapshots deleted (or that would be) with the deregistered images.
  returned: always
  type: list
  elements: str
  sample: ["snap-0123456789abcdef0"]
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import deregister_image
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_image_attribute
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_images
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.jenkins_ha.aws.plugins.module_utils._ami_retention.policy import plan_retention
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ami_retention.policy import shared_description
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ami_retention.references import find_references
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.snapshots import delete_snapshot


def plan(module, ec2, autoscaling, ssm):
    params = module.params
    # Every image the account owns: the retention candidates and, for snapshot safety, all the others.
    images = describe_images(ec2, Owners=["self"])
    references = find_references(ec2, autoscaling, ssm)
    now = datetime.datetime.now(datetime.timezone.utc)

    def decide(shared):
        return plan_retention(
            images,
            references,
            shared,
            now,
            keep=params["keep"],
            min_age_days=params["min_age_days"],
            include_shared=params["include_shared"],
            roles=params["roles"],
            stack=params["stack"],
        )

    shared = {image["ImageId"]: "public" for image in images if image.get("Public")}
    result = decide(shared)
    if not params["include_shared"] and result["deleted"]:
        # Launch permissions cost one call per image: only ask about the images that would otherwise go.
        for entry in result["deleted"]:
            attribute = describe_image_attribute(ec2, entry["image_id"], "launchPermission")
            description = shared_description(attribute.get("LaunchPermissions", []))
            if description:
                shared[entry["image_id"]] = description
        result = decide(shared)
    if not params["delete_snapshots"]:
        result["snapshot_ids"] = []
    return result


def ensure_retention(module, ec2, autoscaling, ssm):
    result = plan(module, ec2, autoscaling, ssm)
    changed = bool(result["deleted"])
    if changed and not module.check_mode:
        for entry in result["deleted"]:
            deregister_image(ec2, entry["image_id"])
        for snapshot_id in result["snapshot_ids"]:
            delete_snapshot(ec2, snapshot_id)
    kept_ids = sorted(entry["image_id"] for entry in result["kept"])
    diff = {
        "before": {"image_ids": sorted(kept_ids + [entry["image_id"] for entry in result["deleted"]])},
        "after": {"image_ids": kept_ids},
    }
    return (
        changed,
        diff,
        {"kept": result["kept"], "deleted": result["deleted"], "deleted_snapshot_ids": result["snapshot_ids"]},
    )


def main():
    argument_spec = dict(
        keep=dict(type="int", default=3),
        min_age_days=dict(type="int", default=7),
        roles=dict(type="list", elements="str", default=[]),
        stack=dict(type="str"),
        include_shared=dict(type="bool", default=False),
        protect_ssm_selected=dict(type="bool", default=True),
        delete_snapshots=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if module.params["keep"] < 1:
        module.fail_json(msg="keep must be at least 1: a retention policy that keeps no image is a deletion")
    if module.params["min_age_days"] < 0:
        module.fail_json(msg="min_age_days must not be negative")

    # Retries live on the module_utils calls (AWSRetry.jittered_backoff), not on the clients.
    ec2 = module.client("ec2")
    autoscaling = module.client("autoscaling")
    ssm = module.client("ssm") if module.params["protect_ssm_selected"] else None
    try:
        changed, diff, result = ensure_retention(module, ec2, autoscaling, ssm)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, diff=diff, **camel_dict_to_snake_dict(result))


if __name__ == "__main__":
    main()
