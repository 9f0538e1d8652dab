"""Storage rules: the EFS file system (stack key, backup, policy, mount targets) and the backup vault."""

from __future__ import annotations

from .model import as_list, denies_without_tls, policy_statements

# What an NFS client does under a file-system policy (EFS user guide, "Using IAM to control file system data
# access"): the in-transit rule needs all of them refused without TLS.
EFS_CLIENT_ACTIONS = (
    "elasticfilesystem:ClientMount",
    "elasticfilesystem:ClientWrite",
    "elasticfilesystem:ClientRootAccess",
)


def efs_findings(state, expect):
    findings = []
    if not state.file_systems:
        return ["efs {0}-jenkins-home: missing".format(state.stack)]
    efs_sg = next(
        (g["GroupId"] for g in state.security_groups if g["GroupName"] == "{0}-efs".format(state.stack)), None
    )
    for fs in state.file_systems:
        where = "efs {0}".format(fs["FileSystemId"])
        if not fs.get("Encrypted"):
            findings.append("{0}: not encrypted".format(where))
        elif fs.get("KmsKeyId") != state.kms_key_arn:
            findings.append("{0}: not encrypted with the stack key ({1})".format(where, fs.get("KmsKeyId")))
        if fs.get("BackupPolicy") != "ENABLED" and fs.get("FileSystemArn") not in state.backup_protected_arns:
            findings.append(
                "{0}: no backup (no AWS Backup selection of the stack, automatic backups off)".format(where)
            )
        findings += _efs_policy_findings(where, fs.get("Policy"), expect)
        for target in fs.get("MountTargets", []):
            if target["SubnetId"] not in state.private_subnets:
                findings.append(
                    "{0}: mount target {1} in non-private subnet {2}".format(
                        where, target["MountTargetId"], target["SubnetId"]
                    )
                )
            if target.get("SecurityGroups") != [efs_sg]:
                findings.append(
                    "{0}: mount target {1} security groups {2}".format(
                        where, target["MountTargetId"], target.get("SecurityGroups")
                    )
                )
    return findings


def _efs_policy_findings(where, policy, expect):
    if not policy:
        return ["{0}: no file system policy (any client that reaches a mount target has full access)".format(where)]
    findings = []
    statements = policy_statements(policy)
    # In transit: with jenkins_ha_efs_tls the policy must refuse every client action without TLS, to everyone and
    # with no other condition narrowing it (a deny for one role, or of writes only, leaves a clear-text path).
    if expect.efs_tls and not denies_without_tls(statements, EFS_CLIENT_ACTIONS):
        findings.append("{0}: file system policy does not deny access without TLS".format(where))
    for stmt in statements:
        principal = stmt.get("Principal")
        anyone = principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))
        through_mount_target = (
            stmt.get("Condition", {}).get("Bool", {}).get("elasticfilesystem:AccessedViaMountTarget") == "true"
        )
        if stmt.get("Effect") == "Allow" and anyone and not through_mount_target:
            findings.append("{0}: file system policy allows anyone, not only through mount targets".format(where))
    return findings


def backup_vault_findings(state):
    vault = state.backup_vault
    if not vault:
        return ["backup vault {0}-jenkins-home: missing".format(state.stack)]
    if vault.get("EncryptionKeyArn") != state.kms_key_arn:
        return ["backup vault {0}: not encrypted with the stack key".format(vault.get("BackupVaultName"))]
    return []
