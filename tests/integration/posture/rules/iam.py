"""IAM rules: policy wildcards and unscoped mutations, trust policies (service principals only, aws:SourceAccount on
service roles), managed policies judged by their documents, SSM reads only inside the stack's path, PassRole,
instance profiles, and what the agent role (build code) must not reach."""

from __future__ import annotations

import fnmatch
import re

from .model import SECRET_PARAMETERS, as_list, contract, policy_statements

# AWS managed policies a stack role may carry: the AWS Backup service-role policies are the documented minimum of
# the service (their Resource "*" statements are AWS's to keep). The instance roles carry none: Session Manager's
# statements are inline, as AmazonSSMManagedInstanceCore would add ssm:GetParameter(s) on every parameter. Every
# attached policy, allow-listed or not, is still read for what it grants (SSM reads, secrets, PassRole).
ALLOWED_MANAGED_POLICIES = {
    "controller": set(),
    "agent": set(),
    "flow-logs": set(),
    "backup": {"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"},
}
READ_ONLY_VERBS = ("Describe", "List")
# Actions the Service Authorization Reference lists with no resource type: "*" is the only Resource they take, so
# "*" on them is no wider than any scope (Session Manager's data channels, iam_session_manager.json.j2).
RESOURCELESS_ACTIONS = frozenset(
    {
        "ssmmessages:createcontrolchannel",
        "ssmmessages:createdatachannel",
        "ssmmessages:opencontrolchannel",
        "ssmmessages:opendatachannel",
    }
)
SSM_READS = ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory")
# Services that EC2 instances assume roles for through an instance profile (which only the account can attach): no
# aws:SourceAccount there; every other service principal must name this account (confused deputy).
INSTANCE_SERVICES = {"ec2.amazonaws.com"}


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
            mutating = [
                a
                for a in actions
                if not a.split(":")[-1].startswith(READ_ONLY_VERBS) and a.lower() not in RESOURCELESS_ACTIONS
            ]
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


def parameter_scope_findings(state, where, documents):
    """SSM parameter reads only inside the stack's path /jenkins-ha/<stack>/ (or of the path itself): anything
    wider reads other teams' parameters (and, with a key that allows it, their SecureStrings)."""
    path = "{0}/{1}".format(contract.SSM_PREFIX, state.stack)
    wide = set()
    for action in SSM_READS:
        for resource in _allowed_resources(documents, action):
            _prefix, separator, name = resource.partition(":parameter")
            inside = separator and (name == path or name.startswith(path + "/"))
            if not inside:
                wide.add(resource)
    if not wide:
        return []
    return ["{0}: may read SSM parameters outside {1}/ ({2})".format(where, path, ", ".join(sorted(wide)))]


def trust_findings(where, role, account_id):
    findings = []
    for stmt in policy_statements(role.get("AssumeRolePolicyDocument", {})):
        if stmt.get("Effect") != "Allow":
            continue
        principal = stmt.get("Principal", {})
        if principal == "*" or set(principal) != {"Service"}:
            findings.append("{0}: trust policy allows a non-service principal {1}".format(where, principal))
            continue
        if set(as_list(principal["Service"])) <= INSTANCE_SERVICES:
            continue
        accounts = [
            value
            for operator, pairs in (stmt.get("Condition") or {}).items()
            if operator.startswith(("StringEquals", "StringLike", "ArnEquals", "ArnLike"))
            for key, values in pairs.items()
            if key.lower() == "aws:sourceaccount"
            for value in as_list(values)
        ]
        if not accounts or (account_id and set(accounts) != {account_id}):
            findings.append(
                "{0}: trust policy of {1} without aws:SourceAccount {2} (confused deputy)".format(
                    where, principal["Service"], account_id or "<account>"
                )
            )
    return findings


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
        findings += trust_findings(where, role, account_id)
        inline = role.get("InlinePolicies", {})
        # documents: everything the role is granted, for the data rules (SSM reads, secrets). judged: all but the
        # allow-listed AWS service-role policies, whose mutations and PassRole are the service's documented minimum.
        documents = list(inline.values())
        judged = list(inline.values())
        for policy_name, document in inline.items():
            findings += policy_findings("{0} inline policy {1}".format(where, policy_name), document)
        for attached in role.get("AttachedPolicies", []):
            arn = attached["PolicyArn"]
            aws_managed = re.match(r"^arn:[^:]+:iam::aws:policy/", arn)
            if aws_managed and arn.rsplit("/", 1)[-1] not in ALLOWED_MANAGED_POLICIES.get(kind, set()):
                findings.append("{0}: AWS managed policy {1} not in the allow-list".format(where, arn))
            document = attached.get("Document")
            if not document:
                # A policy whose document could not be read cannot be judged, whatever its name.
                findings.append("{0}: policy {1} attached but its document was not read".format(where, arn))
                continue
            documents.append(document)
            if aws_managed and arn.rsplit("/", 1)[-1] in ALLOWED_MANAGED_POLICIES.get(kind, set()):
                continue
            judged.append(document)
            findings += policy_findings("{0} policy {1}".format(where, arn), document)
        pass_role = list(_allowed_resources(judged, "iam:PassRole"))
        if pass_role and (kind != "controller" or set(pass_role) != {agent_role_arn}):
            findings.append(
                "{0}: iam:PassRole on {1} (only the controller, only the agent role)".format(where, pass_role)
            )
        findings += parameter_scope_findings(state, where, documents)
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
