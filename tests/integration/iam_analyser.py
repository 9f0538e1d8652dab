"""parliament (the IAM policy linter, PyPI `parliament`) over a stack's policies as provisioned, with a reviewed
exceptions file. parliament ships the IAM definitions it checks against (iam_definition.json): it makes no network
call. Used by tests/integration/test_site.py on the converged demo stack; the logic is unit-tested in
tests/unit/test_iam_analyser.py.

What is analysed, read back from the account (the emulator in the tests):
- every inline policy of the stack's roles (identity policies), with parliament's community auditors too;
- every role's trust policy. parliament needs a Resource element, which a trust policy has not: the role's ARN (the
  resource a trust policy governs) is put in, and only the default auditors run (the community CREDENTIALS_EXPOSURE
  auditor flags sts:AssumeRole itself, which is what every trust policy grants);
- the KMS key policy. In a key policy Resource "*" means "this key" (AWS KMS developer guide, "Key policies"): it is
  replaced by the key's ARN, so a "*" parliament reports there is a real one. The statement that delegates the key to
  the account's IAM policies (Principal the account root, kms:*, "*", no condition: AWS's default key policy) is
  checked for exactly that shape by delegation_problems() and not given to parliament, which would read the
  delegation as a grant of kms:* (what it grants is decided by the IAM policies, which are analysed);
- the EFS file-system policy.

A finding fails unless an exception in iam_analyser_exceptions.yml names its issue, policy, statement and resource
with a reason category; an exception that matches nothing fails too (stale), and no exception may cover a statement
that allows a data read (ssm:GetParameter*, kms:Decrypt) on Resource "*" or an IAM wildcard action ("*", a wildcard
in the iam: namespace, or any wildcard action in an identity policy).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import yaml

EXCEPTIONS_FILE = Path(__file__).resolve().parent / "iam_analyser_exceptions.yml"
CATEGORIES = ("emulator-artefact", "documented-design-choice")
EXCEPTION_FIELDS = ("issue", "policy", "statement", "resource", "category", "reason")
# Reads of data that must never be allowed on "*" (and so never be excepted there).
DATA_READS = (
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
)


def _parliament():
    """parliament 1.6.4 finds its data with pkg_resources (setuptools), which a venv of Python 3.12+ lacks: a
    stand-in with the one function it calls is enough (the data files sit beside its __init__)."""
    try:
        import pkg_resources  # noqa: F401 pylint: disable=unused-import,import-outside-toplevel
    except ImportError:  # pragma: no cover

        def resource_filename(package, name):
            return str(Path(sys.modules[package].__file__).resolve().parent / name)

        shim = types.ModuleType("pkg_resources")
        shim.resource_filename = resource_filename
        sys.modules["pkg_resources"] = shim
    import parliament  # pylint: disable=import-outside-toplevel

    return parliament


@dataclass(frozen=True)
class Policy:
    """One policy document as provisioned. kind: identity, trust, key or file-system; resource: the ARN of what it is
    attached to (role, key, file system)."""

    name: str
    kind: str
    resource: str
    document: dict


@dataclass(frozen=True)
class Finding:
    issue: str
    policy: str
    statement: str
    resource: str
    detail: str

    def __str__(self):
        return "{0} in {1}, statement {2} (Resource {3}): {4}".format(
            self.issue, self.policy, self.statement or "-", self.resource or "-", self.detail
        )


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document(value):
    return json.loads(value) if isinstance(value, str) else value


def _pages(client, operation, key, **kwargs):
    return client.get_paginator(operation).paginate(**kwargs).build_full_result().get(key, [])


def stack_policies(client, stack):
    """The stack's policies, read back with boto3 clients (client(service) -> boto3 client)."""
    policies = []
    iam = client("iam")
    for role in _pages(iam, "list_roles", "Roles"):
        name = role["RoleName"]
        if not name.startswith(stack + "-"):
            continue
        full = iam.get_role(RoleName=name)["Role"]
        if {t["Key"]: t["Value"] for t in full.get("Tags", [])}.get("jenkins-ha:stack") != stack:
            continue
        policies.append(
            Policy("role/{0} trust".format(name), "trust", full["Arn"], _document(full["AssumeRolePolicyDocument"]))
        )
        for policy in _pages(iam, "list_role_policies", "PolicyNames", RoleName=name):
            document = iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
            policies.append(Policy("role/{0} {1}".format(name, policy), "identity", full["Arn"], _document(document)))
    kms = client("kms")
    alias = "alias/jenkins-ha/" + stack
    if any(a["AliasName"] == alias for a in _pages(kms, "list_aliases", "Aliases")):
        key_arn = kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
        document = kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"]
        policies.append(Policy("key-policy " + alias, "key", key_arn, _document(document)))
    efs = client("efs")
    for fs in _pages(efs, "describe_file_systems", "FileSystems"):
        if {t["Key"]: t["Value"] for t in fs.get("Tags", [])}.get("jenkins-ha:stack") != stack:
            continue
        try:
            document = efs.describe_file_system_policy(FileSystemId=fs["FileSystemId"])["Policy"]
        except efs.exceptions.PolicyNotFound:
            continue
        name = {t["Key"]: t["Value"] for t in fs.get("Tags", [])}.get("Name", fs["FileSystemId"])
        policies.append(Policy("file-system-policy " + name, "file-system", fs["FileSystemArn"], _document(document)))
    return policies


def _account_root(policy):
    arn = policy.resource.split(":")
    return "arn:{0}:iam::{1}:root".format(arn[1], arn[4])


def delegation_problems(policy):
    """The key policy must have exactly one delegation statement, of exactly AWS's default shape, and no other
    statement may name the account root or any principal with a wildcard action on every key operation."""
    if policy.kind != "key":
        return []
    root = _account_root(policy)
    statements = _as_list(policy.document.get("Statement"))
    delegations = [
        s
        for s in statements
        if s.get("Principal") == {"AWS": root} and s.get("Action") == "kms:*" and s.get("Effect") == "Allow"
    ]
    problems = []
    exact = {"Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"}
    if len(delegations) != 1 or {k: v for k, v in delegations[0].items() if k != "Sid"} != exact:
        problems.append(
            "{0}: expected exactly one delegation statement {1}, found {2}".format(
                policy.name, json.dumps(exact), json.dumps(delegations)
            )
        )
    for stmt in statements:
        if stmt in delegations:
            continue
        if "kms:*" in _as_list(stmt.get("Action")) or "*" in _as_list(stmt.get("Action")):
            problems.append("{0}: statement {1} allows every key operation".format(policy.name, stmt.get("Sid")))
    return problems


def prepared(policy):
    """(document as parliament is to see it, whether the community auditors run)."""
    document = copy.deepcopy(policy.document)
    statements = _as_list(document.get("Statement"))
    if policy.kind == "trust":
        for stmt in statements:
            stmt.setdefault("Resource", policy.resource)
        return document, False
    if policy.kind == "key":
        root = _account_root(policy)
        kept = []
        for stmt in statements:
            if stmt.get("Principal") == {"AWS": root} and stmt.get("Action") == "kms:*":
                continue  # judged by delegation_problems()
            stmt["Resource"] = [policy.resource if r == "*" else r for r in _as_list(stmt.get("Resource"))]
            kept.append(stmt)
        document["Statement"] = kept
    return document, True


def _stable(text, policy):
    """A resource as an exception names it: the account id and the random key/file system ids replaced."""
    arn = policy.resource.split(":")
    text = text.replace(policy.resource, "${resource}") if policy.kind in ("key", "file-system") else text
    return text.replace(":" + arn[4] + ":", ":${account}:")


def _statement_actions(parliament, stmt):
    names = set()
    for action in _as_list(stmt.get("Action")):
        try:
            names.update("{0}:{1}".format(a["service"], a["action"]).lower() for a in parliament.expand_action(action))
        except Exception:  # pylint: disable=broad-exception-caught
            names.add(action.lower())  # unknown actions are parliament's own finding
    return names


def analyse(policies):
    """Every parliament finding of the policies, each tied to its policy, statement (Sid, else #index) and the
    statement's Resource as provisioned. A policy-level finding that names actions is tied to each statement granting
    one of them."""
    parliament = _parliament()
    findings = []
    for policy in policies:
        document, community = prepared(policy)
        result = parliament.analyze_policy_string(json.dumps(document), include_community_auditors=community)
        provisioned = _as_list(document.get("Statement"))
        for index, stmt in enumerate(result.statements):
            for finding in stmt.findings:
                findings.append(
                    Finding(finding.issue, policy.name, *_label(policy, provisioned, index), _detail(finding))
                )
        for finding in result._findings:  # pylint: disable=protected-access
            actions = {a.lower() for a in _as_list((finding.location or {}).get("actions"))}
            tied = [i for i, s in enumerate(provisioned) if actions & _statement_actions(parliament, s)]
            for index in tied or [None]:
                findings.append(
                    Finding(finding.issue, policy.name, *_label(policy, provisioned, index), _detail(finding))
                )
    return findings


def _label(policy, statements, index):
    """(statement label, its Resource as provisioned) of statement `index` of the prepared document."""
    if index is None:
        return "", ""
    stmt = statements[index]
    original = stmt
    if stmt.get("Sid"):
        original = next((s for s in _as_list(policy.document.get("Statement")) if s.get("Sid") == stmt["Sid"]), stmt)
    resource = "" if policy.kind == "trust" else ",".join(_as_list(original.get("Resource")))
    return stmt.get("Sid") or "#{0}".format(index), _stable(resource, policy)


def _detail(finding):
    if finding.detail:
        return finding.detail if isinstance(finding.detail, str) else json.dumps(finding.detail, default=str)
    return json.dumps({k: v for k, v in (finding.location or {}).items() if k == "actions"})


def load_exceptions(path=EXCEPTIONS_FILE):
    """The reviewed exceptions, validated: every field given, a known category, a doc reference for a design choice."""
    data = yaml.safe_load(Path(path).read_text()) or {}
    exceptions = data.get("exceptions") or []
    for number, entry in enumerate(exceptions, 1):
        missing = [f for f in EXCEPTION_FIELDS if not str(entry.get(f, "")).strip() and f != "resource"]
        if missing or "resource" not in entry:
            raise ValueError("exception {0}: missing {1}".format(number, ", ".join(missing or ["resource"])))
        if entry["category"] not in CATEGORIES:
            raise ValueError(
                "exception {0}: category {1} is not one of {2}".format(number, entry["category"], CATEGORIES)
            )
        if entry["category"] == "documented-design-choice" and not str(entry.get("doc", "")).strip():
            raise ValueError("exception {0}: a documented design choice names its doc".format(number))
    return exceptions


def _matches(entry, finding):
    return (entry["issue"], entry["policy"], entry["statement"], entry["resource"]) == (
        finding.issue,
        finding.policy,
        finding.statement,
        finding.resource,
    )


def _wildcard(action):
    return "*" in action or "?" in action


def forbidden_reasons(policy, statement_label):
    """Why no exception may cover this statement (or, for "", any statement of the policy): empty if it may."""
    document = prepared(policy)[0]
    reasons = []
    for index, stmt in enumerate(_as_list(document.get("Statement"))):
        if statement_label and statement_label not in (stmt.get("Sid"), "#{0}".format(index)):
            continue
        if stmt.get("Effect") != "Allow":
            continue
        actions = _as_list(stmt.get("Action")) + _as_list(stmt.get("NotAction"))
        star = "*" in _as_list(stmt.get("Resource")) or "NotResource" in stmt
        for read in DATA_READS:
            if star and any(fnmatch.fnmatchcase(read.lower(), a.lower()) for a in actions):
                reasons.append('{0} on Resource "*"'.format(read))
        for action in actions:
            if action in ("*", "*:*") or (action.lower().startswith("iam:") and _wildcard(action)):
                reasons.append("IAM wildcard action " + action)
            elif policy.kind == "identity" and _wildcard(action):
                reasons.append("wildcard action {0} in an identity policy".format(action))
    return sorted(set(reasons))


def judge(findings, exceptions, policies):
    """Problems: findings no exception covers, stale exceptions, exceptions that must not exist, delegation shape."""
    by_name = {p.name: p for p in policies}
    problems = [p for policy in policies for p in delegation_problems(policy)]
    used = set()
    for finding in findings:
        covering = [i for i, entry in enumerate(exceptions) if _matches(entry, finding)]
        if not covering:
            problems.append("finding: {0}".format(finding))
        used.update(covering)
    for index, entry in enumerate(exceptions):
        if index not in used:
            problems.append("stale exception (matches no finding): {0}".format(json.dumps(entry, sort_keys=True)))
        policy = by_name.get(entry["policy"])
        reasons = forbidden_reasons(policy, entry["statement"]) if policy else []
        if reasons:
            problems.append(
                "exception not allowed ({0}): {1}".format("; ".join(reasons), json.dumps(entry, sort_keys=True))
            )
    return problems
