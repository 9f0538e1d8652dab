# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What ami_share decides: target validation, permission plans, KMS usability of encrypted snapshots."""

import fnmatch
import re

ACCOUNT_ID = re.compile(r"^\d{12}$")
ORGANIZATION_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$")
OU_ARN = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$")
IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(?P<account>\d{12}|\{account_id\}):role/[\w+=,.@/{}-]+$")
ACCOUNT_PLACEHOLDER = "{account_id}"

# What a target account needs on the key to launch from an encrypted shared image.
KMS_ACTIONS_NEEDED = ("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncrypt*", "kms:GenerateDataKey*")
KMS_GRANT_OPERATIONS = "Decrypt DescribeKey CreateGrant ReEncryptFrom ReEncryptTo GenerateDataKeyWithoutPlaintext"


def validate_targets(accounts, organization_arns, organizational_unit_arns, copy_tags_role_arn=None):
    """Problems with the requested targets as a list of messages (empty when all is well)."""
    problems = []
    for account in accounts:
        if not ACCOUNT_ID.match(str(account)):
            problems.append("'{0}' is not an AWS account id (12 digits)".format(account))
    for arn in organization_arns:
        if not ORGANIZATION_ARN.match(arn):
            problems.append(
                "'{0}' is not an organization ARN (arn:aws:organizations::<management account>:organization/o-...)".format(
                    arn
                )
            )
    for arn in organizational_unit_arns:
        if not OU_ARN.match(arn):
            problems.append(
                "'{0}' is not an organizational unit ARN (arn:aws:organizations::<account>:ou/o-.../ou-...)".format(arn)
            )
    if copy_tags_role_arn and not IAM_ROLE_ARN.match(copy_tags_role_arn):
        problems.append(
            "copy_tags_role_arn '{0}' is not an IAM role ARN (arn:aws:iam::<account or {{account_id}}>:role/NAME)".format(
                copy_tags_role_arn
            )
        )
    return problems


def launch_permission_sets(permissions):
    """DescribeImageAttribute(launchPermission) entries -> comparable sets."""
    current = {"accounts": set(), "organization_arns": set(), "organizational_unit_arns": set(), "public": False}
    for entry in permissions or []:
        if entry.get("UserId"):
            current["accounts"].add(entry["UserId"])
        elif entry.get("OrganizationArn"):
            current["organization_arns"].add(entry["OrganizationArn"])
        elif entry.get("OrganizationalUnitArn"):
            current["organizational_unit_arns"].add(entry["OrganizationalUnitArn"])
        elif entry.get("Group") == "all":
            current["public"] = True
    return current


def desired_set(current, listed, state, purge):
    """Target set for one kind of permission.

    present: add the listed ones (purge: and drop every other); absent: drop the listed ones (purge: drop all).
    """
    listed = set(listed)
    if state == "present":
        return set(listed) if purge else current | listed
    return set() if purge else current - listed


def plan_launch_permissions(current, accounts, organization_arns, organizational_unit_arns, state, purge):
    """(desired sets, Add list, Remove list) for ModifyImageAttribute."""
    kinds = (
        ("accounts", "UserId", accounts),
        ("organization_arns", "OrganizationArn", organization_arns),
        ("organizational_unit_arns", "OrganizationalUnitArn", organizational_unit_arns),
    )
    desired = {"public": current["public"] and not purge}
    add, remove = [], []
    for kind, key, listed in kinds:
        desired[kind] = desired_set(current[kind], listed, state, purge)
        add += [{key: v} for v in sorted(desired[kind] - current[kind])]
        remove += [{key: v} for v in sorted(current[kind] - desired[kind])]
    if current["public"] and not desired["public"]:
        remove.append({"Group": "all"})
    return desired, add, remove


def volume_permission_accounts(permissions):
    """DescribeSnapshotAttribute(createVolumePermission) entries -> (set of accounts, public flag)."""
    accounts = {p["UserId"] for p in permissions or [] if p.get("UserId")}
    public = any(p.get("Group") == "all" for p in permissions or [])
    return accounts, public


def sorted_permissions(sets):
    """Sets -> sorted lists for results and diffs."""
    return {k: sorted(v) if isinstance(v, set) else v for k, v in sets.items()}


def tag_role_arn(template, account):
    """Role to assume in account to copy tags there, or None when the template names another account."""
    if not template:
        return None
    if ACCOUNT_PLACEHOLDER in template:
        return template.replace(ACCOUNT_PLACEHOLDER, account)
    match = IAM_ROLE_ARN.match(template)
    return template if match and match.group("account") == account else None


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principal_names_account(principal, account):
    if principal == "*":
        return True
    if isinstance(principal, dict):
        values = []
        for key in ("AWS",):
            values += _as_list(principal.get(key))
    else:
        values = _as_list(principal)
    for value in values:
        if value == "*" or value == account:
            return True
        if value.startswith("arn:") and value.split(":")[4:5] == [account]:
            return True
    return False


def _actions_allow_decrypt(actions):
    return any(fnmatch.fnmatchcase("kms:Decrypt", a) or a in ("*", "kms:*") for a in _as_list(actions))


def key_policy_allows(policy, account):
    """True when an Allow statement of the key policy names the account (or *) for kms:Decrypt."""
    for statement in _as_list((policy or {}).get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        if _principal_names_account(statement.get("Principal"), account) and _actions_allow_decrypt(
            statement.get("Action")
        ):
            return True
    return False


def grants_allow(grants, account):
    """True when a grant lets a principal of the account decrypt with the key."""
    for grant in grants or []:
        principal = grant.get("GranteePrincipal", "")
        if (principal == account or ":{0}:".format(account) in principal) and "Decrypt" in grant.get("Operations", []):
            return True
    return False


def kms_key_problem(snapshot_id, key_id, metadata, policy, grants, accounts):
    """Why the accounts cannot use the key of an encrypted snapshot, or None when they can."""
    key_arn = metadata.get("Arn") or key_id
    if metadata.get("KeyManager") == "AWS":
        return (
            "snapshot {0} is encrypted with the AWS managed key {1} (alias aws/ebs). AWS managed keys cannot be "
            "shared with other accounts: copy the image with a customer managed key (CopyImage with Encrypted=true "
            "and KmsKeyId=<your key>, or set the packer_build kms_key_id) and share the copy".format(
                snapshot_id, key_arn
            )
        )
    if metadata.get("KeyState") not in (None, "Enabled"):
        return "snapshot {0} is encrypted with KMS key {1}, which is {2}: no account can launch from it".format(
            snapshot_id, key_arn, metadata.get("KeyState")
        )
    blocked = [a for a in accounts if not key_policy_allows(policy, a) and not grants_allow(grants, a)]
    if not blocked:
        return None
    return (
        "snapshot {0} is encrypted with customer managed key {1}, which account(s) {2} cannot use. Allow them in the "
        "key policy (Principal arn:aws:iam::<account>:root, Action {3}) or create a grant per account: aws kms "
        "create-grant --key-id {1} --grantee-principal arn:aws:iam::<account>:root --operations {4}".format(
            snapshot_id, key_arn, ", ".join(blocked), ", ".join(KMS_ACTIONS_NEEDED), KMS_GRANT_OPERATIONS
        )
    )
