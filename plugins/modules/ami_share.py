#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ami_share
short_description: Share an AMI and its snapshots with other AWS accounts, organizations or OUs
version_added: 0.1.0
description:
  - Grants (or revokes) launch permissions on an AMI for AWS accounts, organizations and organizational units.
  - For accounts, also grants C(createVolumePermission) on the EBS snapshots behind the AMI, so the accounts can
    copy the image and launch it with changed volumes. Snapshots cannot be shared with organizations or OUs;
    those targets launch through the launch permission alone.
  - Before sharing an image with encrypted snapshots, checks that the target accounts can use the KMS key. The
    AWS managed key C(aws/ebs) can never be shared; a customer managed key must allow the accounts in its key
    policy or through a grant. The failure message says which and how to fix it.
  - Optionally copies the AMI's tags into each destination account by assuming a role there (tags are per
    account; the consumer sees none of the owner's tags).
  - Idempotent; supports check mode and diff mode (launch and volume permission sets before and after).
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  image_id:
    description: Id of the AMI to share; it must be owned by the calling account.
    type: str
    required: true
  accounts:
    description: AWS account ids (12 digits) to share with or unshare from.
    type: list
    elements: str
    default: []
  organization_arns:
    description: ARNs of AWS Organizations to share with or unshare from.
    type: list
    elements: str
    default: []
  organizational_unit_arns:
    description: ARNs of organizational units to share with or unshare from.
    type: list
    elements: str
    default: []
  state:
    description:
      - C(present) adds the listed targets, C(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - With O(state=present), remove every target (including a public share) that is not listed.
      - With O(state=absent), remove every target, listed or not.
    type: bool
    default: false
  share_snapshots:
    description: Manage C(createVolumePermission) on the AMI's snapshots for the listed accounts.
    type: bool
    default: true
  check_kms_access:
    description:
      - Fail before sharing when the AMI's snapshots are encrypted with a KMS key the target accounts cannot use.
      - Only accounts can be checked; key access for organizations and OUs depends on conditions in the key policy.
    type: bool
    default: true
  copy_tags_role_arn:
    description:
      - IAM role to assume in the destination accounts to copy the AMI's tags there.
      - C({account_id}) in the ARN is replaced by each account id, for example
        C(arn:aws:iam::{account_id}:role/jenkins-ha-ami-tagger). Without the placeholder, tags are copied only to
        the account the ARN names.
      - Only used with O(state=present).
    type: str
  copy_tags:
    description: Keys of the tags to copy; empty copies all of the AMI's tags.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Reports the permission and tag changes it would make without making them.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: Returns the launch and volume permission sets before and after.
notes:
  - Shared AMIs stay billed and owned by the sharing account; deregistering the AMI ends every share.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Share the controller AMI with two workload accounts and tag it there
  jenkins_ha.aws.ami_share:
    image_id: ami-0123456789abcdef0
    accounts:
      - "111122223333"
      - "444455556666"
    copy_tags_role_arn: "arn:aws:iam::{account_id}:role/jenkins-ha-ami-tagger"

- name: Share with a whole organization (launch permission only)
  jenkins_ha.aws.ami_share:
    image_id: ami-0123456789abcdef0
    organization_arns:
      - arn:aws:organizations::111122223333:organization/o-abcde12345

- name: Share with exactly this account and revoke every other share
  jenkins_ha.aws.ami_share:
    image_id: ami-0123456789abcdef0
    accounts: ["111122223333"]
    purge: true

- name: Stop sharing with one account
  jenkins_ha.aws.ami_share:
    image_id: ami-0123456789abcdef0
    accounts: ["444455556666"]
    state: absent
"""

RETURN = r"""
image_id:
  description: The shared AMI.
  returned: always
  type: str
  sample: ami-0123456789abcdef0
launch_permissions:
  description: Launch permissions after the change (what they would be in check mode).
  returned: always
  type: dict
  contains:
    accounts:
      description: Account ids.
      type: list
      elements: str
      sample: ["111122223333"]
    organization_arns:
      description: Organization ARNs.
      type: list
      elements: str
    organizational_unit_arns:
      description: Organizational unit ARNs.
      type: list
      elements: str
    public:
      description: Whether the AMI is public.
      type: bool
snapshot_permissions:
  description: Accounts allowed to create volumes from each snapshot, after the change.
  returned: when O(share_snapshots=true)
  type: dict
  sample: {"snap-0123456789abcdef0": ["111122223333"]}
tags_copied:
  description: Tags set in each destination account (only the ones that were missing or different).
  returned: when O(copy_tags_role_arn) is set
  type: dict
  sample: {"111122223333": {"jenkins-ha:role": "controller"}}
diff:
  description: Permission sets before and after.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_image_attribute
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_snapshot_attribute
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import modify_image_attribute
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import check_identifiers
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2 import images
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2 import snapshots
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.tagging import create_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.transformations import snapshot_ids
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.transformations import tag_dict
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import sharing
from ansible_collections.jenkins_ha.aws.plugins.module_utils._kms import keys
from ansible_collections.jenkins_ha.aws.plugins.module_utils._kms.common import AnsibleKMSError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._sts.roles import assume_role


class ShareError(Exception):
    pass


def load_image(ec2, image_id):
    image = images.get_image(ec2, image_id)
    if not image:
        raise ShareError("AMI {0} does not exist in this region or is not visible to this account".format(image_id))
    return image


def check_kms(kms_client, snapshots, accounts):
    """Raise ShareError when an encrypted snapshot uses a key the accounts cannot use."""
    problems = []
    for snapshot in snapshots:
        if not snapshot.get("Encrypted"):
            continue
        snapshot_id, key_id = snapshot["SnapshotId"], snapshot.get("KmsKeyId")
        if not key_id:
            problems.append("snapshot {0} is encrypted but reports no KMS key".format(snapshot_id))
            continue
        try:
            metadata = keys.describe_key(kms_client, key_id)
        except AnsibleKMSError as e:
            problems.append(
                "snapshot {0} is encrypted with KMS key {1}, which this account cannot read ({2}); the key's owner "
                "must allow the target accounts {3} on it".format(
                    snapshot_id, key_id, e, ", ".join(sharing.KMS_ACTIONS_NEEDED)
                )
            )
            continue
        policy, grants = {}, []
        if metadata.get("KeyManager") != "AWS" and accounts:
            policy = keys.get_key_policy(kms_client, metadata["KeyId"])
            grants = keys.list_grants(kms_client, metadata["KeyId"])
        problem = sharing.kms_key_problem(snapshot_id, key_id, metadata, policy, grants, accounts)
        if problem:
            problems.append(problem)
    if problems:
        raise ShareError("Cannot share the AMI: " + " ".join(problems))


def ensure_snapshot_permissions(ec2, snapshot_list, accounts, state, purge, check_mode):
    before, after, changed = {}, {}, False
    for snapshot_id in snapshot_list:
        attribute = describe_snapshot_attribute(ec2, snapshot_id, "createVolumePermission")
        current, public = sharing.volume_permission_accounts(attribute.get("CreateVolumePermissions", []))
        desired = sharing.desired_set(current, accounts, state, purge)
        add = [{"UserId": a} for a in sorted(desired - current)]
        remove = [{"UserId": a} for a in sorted(current - desired)]
        if public and purge:
            remove.append({"Group": "all"})
        before[snapshot_id], after[snapshot_id] = sorted(current), sorted(desired)
        if add or remove:
            changed = True
            if not check_mode:
                snapshots.modify_create_volume_permissions(ec2, snapshot_id, add=add, remove=remove)
    return changed, before, after


def copy_tags(module, image, accounts, check_mode):
    """Create the AMI's tags in each destination account the role template covers."""
    wanted_keys = module.params["copy_tags"]
    tags = {k: v for k, v in tag_dict(image).items() if not k.startswith("aws:")}
    if wanted_keys:
        tags = {k: v for k, v in tags.items() if k in wanted_keys}
    sts_client = module.client("sts")
    copied, changed = {}, False
    for account in accounts:
        role_arn = sharing.tag_role_arn(module.params["copy_tags_role_arn"], account)
        if not role_arn or not tags:
            continue
        credentials = assume_role(sts_client, role_arn, "jenkins-ha-ami-share")
        target = module.client("ec2", **credentials)
        shared = images.get_image(target, image["ImageId"])
        current = tag_dict(shared) if shared else {}
        if not shared and not check_mode:
            raise ShareError(
                "AMI {0} is not visible in account {1} after sharing; cannot copy its tags there".format(
                    image["ImageId"], account
                )
            )
        missing = {k: v for k, v in tags.items() if current.get(k) != v}
        if missing:
            changed = True
            copied[account] = missing
            if not check_mode:
                create_tags(target, [image["ImageId"]], missing)
    return changed, copied


def ensure(module, ec2):
    params = module.params
    state, purge = params["state"], params["purge"]
    accounts = sorted(set(params["accounts"]))
    image = load_image(ec2, params["image_id"])

    attribute = describe_image_attribute(ec2, image["ImageId"], "launchPermission")
    current = sharing.launch_permission_sets(attribute.get("LaunchPermissions", []))
    desired, add, remove = sharing.plan_launch_permissions(
        current, accounts, params["organization_arns"], params["organizational_unit_arns"], state, purge
    )
    snapshot_list = snapshot_ids(image)
    if state == "present" and params["check_kms_access"] and snapshot_list:
        check_kms(module.client("kms"), snapshots.describe_snapshots(ec2, snapshot_list), sorted(desired["accounts"]))
        if desired["organization_arns"] or desired["organizational_unit_arns"]:
            module.warn("KMS key access for organizations and OUs is not checked; the key policy must allow them")

    changed = bool(add or remove)
    if changed and not module.check_mode:
        change = {k: v for k, v in (("Add", add), ("Remove", remove)) if v}
        modify_image_attribute(ec2, image["ImageId"], LaunchPermission=change)

    result = {"image_id": image["ImageId"], "launch_permissions": sharing.sorted_permissions(desired)}
    before = {"launch_permissions": sharing.sorted_permissions(current)}
    after = {"launch_permissions": result["launch_permissions"]}

    if params["share_snapshots"]:
        snap_changed, snap_before, snap_after = ensure_snapshot_permissions(
            ec2, snapshot_list, accounts, state, purge, module.check_mode
        )
        changed |= snap_changed
        result["snapshot_permissions"] = snap_after
        before["snapshot_permissions"], after["snapshot_permissions"] = snap_before, snap_after

    if params["copy_tags_role_arn"] and state == "present":
        tags_changed, copied = copy_tags(module, image, sorted(desired["accounts"]), module.check_mode)
        changed |= tags_changed
        result["tags_copied"] = copied

    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return changed, result


def main():
    argument_spec = dict(
        image_id=dict(type="str", required=True),
        accounts=dict(type="list", elements="str", default=[]),
        organization_arns=dict(type="list", elements="str", default=[]),
        organizational_unit_arns=dict(type="list", elements="str", default=[]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        purge=dict(type="bool", default=False),
        share_snapshots=dict(type="bool", default=True),
        check_kms_access=dict(type="bool", default=True),
        copy_tags_role_arn=dict(type="str"),
        copy_tags=dict(type="list", elements="str", default=[], no_log=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    check_identifiers(module, [("image_id", "ami_id")])

    problems = sharing.validate_targets(
        module.params["accounts"],
        module.params["organization_arns"],
        module.params["organizational_unit_arns"],
        module.params["copy_tags_role_arn"],
    )
    if problems:
        module.fail_json(msg="Invalid share targets: " + "; ".join(problems))

    ec2 = module.client("ec2")
    try:
        changed, result = ensure(module, ec2)
    except ShareError as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
