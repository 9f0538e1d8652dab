"""IAM rules: policy wildcards and unscoped mutations, trust policies, managed policies, PassRole, instance profiles,
and what the agent role (build code) must not reach."""

from __future__ import annotations

import fnmatch
import re

from .model import SECRET_PARAMETERS, as_list, contract, policy_statements

# AWS managed policies a stack role may carry; AWS maintains them and their Resource "*" statements are the
# documented minimum of the service (Session Manager, AWS Backup). Anything else attached is checked like our own.
ALLOWED_MANAGED_POLICIES = {
    "controller": {"AmazonSSMManagedInstanceCore"},
    "agent": {"AmazonSSMManagedInstanceCore"},
    "flow-logs": set(),
    "backup": {"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"},
}
READ_ONLY_VERBS = ("Describe", "List")


def _action_matches(pattern, action):
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def policy_findings(where, document):
    """Wildcards and unscoped mutations in one identity policy document."""
    findings = []
    for index, stmt in enumerate(policy_statements(document)):
        if stmt.get("Effect") != "Allow":
            continue
        label = "{0} statement {1}".format(where, stmt.get("Sid") or index)
        if "NotAction" in stmt or "NotResource" in stmt:
            findings.append("{0}: Allow with NotAction/NotResource".format(label))
        actions = as_list(stmt.get("Action"))
        for action in actions:
            if action == "*" or action.endswith(":*"):
                findings.append("{0}: wildcard action {1}".format(label, action))
        if "*" in as_list(stmt.get("Resource")) and not stmt.get("Condition"):
            mutating = [a for a in actions if not a.split(":")[-1].startswith(READ_ONLY_VERBS)]
            if mutating:
                findings.append(
                    '{0}: Resource "*" without a Condition on {1}'.format(label, ", ".join(sorted(mutating)))
                )
    return findings


def _allowed_resources(documents, action):
    for document in documents:
        for stmt in policy_statements(document):
            if stmt.get("Effect") == "Allow" and any(_action_matches(p, action) for p in as_list(stmt.get("Action"))):
                yield from as_list(stmt.get("Resource"))


def iam_findings(state, account_id):
    findings = []
    roles = {r["RoleName"]: r for r in state.roles}
    for kind in sorted(ALLOWED_MANAGED_POLICIES):
        if "{0}-{1}".format(state.stack, kind) not in roles:
            findings.append("iam role {0}-{1}: missing".format(state.stack, kind))
    agent_role_arn = roles.get("{0}-agent".format(state.stack), {}).get("Arn")
    for name, role in roles.items():
        kind = name[len(state.stack) + 1 :]
        where = "iam role {0}".format(name)
        for stmt in policy_statements(role.get("AssumeRolePolicyDocument", {})):
            principal = stmt.get("Principal", {})
            if stmt.get("Effect") == "Allow" and (principal == "*" or set(principal) != {"Service"}):
                findings.append("{0}: trust policy allows a non-service principal {1}".format(where, principal))
        inline = role.get("InlinePolicies", {})
        documents = list(inline.values())
        for policy_name, document in inline.items():
            findings += policy_findings("{0} inline policy {1}".format(where, policy_name), document)
        for attached in role.get("AttachedPolicies", []):
            arn = attached["PolicyArn"]
            if re.match(r"^arn:[^:]+:iam::aws:policy/", arn):
                if arn.rsplit("/", 1)[-1] not in ALLOWED_MANAGED_POLICIES.get(kind, set()):
                    findings.append("{0}: AWS managed policy {1} not in the allow-list".format(where, arn))
            else:
                documents.append(attached.get("Document", {}))
                findings += policy_findings("{0} policy {1}".format(where, arn), attached.get("Document", {}))
        pass_role = list(_allowed_resources(documents, "iam:PassRole"))
        if pass_role and (kind != "controller" or set(pass_role) != {agent_role_arn}):
            findings.append(
                "{0}: iam:PassRole on {1} (only the controller, only the agent role)".format(where, pass_role)
            )
        if kind == "agent":
            findings += _agent_secret_findings(state, where, documents, account_id)
    expected = {"{0}-controller".format(state.stack), "{0}-agent".format(state.stack)}
    seen = set()
    for profile in state.instance_profiles:
        name = profile["InstanceProfileName"]
        seen.add(name)
        members = [r["RoleName"] for r in profile.get("Roles", [])]
        if name not in expected or members != [name]:
            findings.append(
                "instance profile {0}: roles {1} (expected only {2}-controller/-agent)".format(
                    name, members, state.stack
                )
            )
    for name in sorted(expected - seen):
        findings.append("instance profile {0}: missing".format(name))
    return findings


def _agent_secret_findings(state, where, documents, account_id):
    """Agents run build code: they must not decrypt with the stack key nor read the controller's secrets."""
    findings = []
    decrypt = [
        r for r in _allowed_resources(documents, "kms:Decrypt") if fnmatch.fnmatchcase(state.kms_key_arn or "*", r)
    ]
    if decrypt:
        findings.append("{0}: may kms:Decrypt with the stack key (the controller's SecureStrings)".format(where))
    arn = state.kms_key_arn.split(":") if state.kms_key_arn else ["arn", "aws", "kms", "*", account_id]
    prefix = "arn:{0}:ssm:{1}:{2}:parameter".format(arn[1], arn[3], arn[4])
    for secret in SECRET_PARAMETERS:
        path = "{0}/{1}/{2}".format(contract.SSM_PREFIX, state.stack, secret)
        # GetParametersByPath on any ancestor path returns the parameters below it.
        ancestors = [path[: i or None] for i, char in enumerate(path) if char == "/" and i > 0]
        readable = any(fnmatch.fnmatchcase(prefix + path, r) for r in _allowed_resources(documents, "ssm:GetParameter"))
        readable = readable or any(
            fnmatch.fnmatchcase(prefix + path, r) for r in _allowed_resources(documents, "ssm:GetParameters")
        )
        readable = readable or any(
            fnmatch.fnmatchcase(prefix + a, r)
            for a in ancestors
            for r in _allowed_resources(documents, "ssm:GetParametersByPath")
        )
        if readable:
            findings.append("{0}: may read {1}".format(where, path))
    return findings
