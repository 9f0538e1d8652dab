"""The posture rules: pure functions of plain data (what the describe calls return) that yield findings, strings
naming the resource and the rule. What a stack should look like is an Expectations, what it does look like a
StackState (collect.py fills it)."""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
except ImportError:  # run as `python -m` from a checkout: tests/conftest.py is not there to add the link
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / ".collections"))
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
STACK_TAG = contract.TAG_STACK
WORLD = ("0.0.0.0/0", "::/0")
# TLS 1.2+ policies only (no TLS 1.0/1.1, no CBC-only legacy suites).
MODERN_TLS_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    }
)
# AWS managed policies a stack role may carry; AWS maintains them and their Resource "*" statements are the
# documented minimum of the service (Session Manager, AWS Backup). Anything else attached is checked like our own.
ALLOWED_MANAGED_POLICIES = {
    "controller": {"AmazonSSMManagedInstanceCore"},
    "agent": {"AmazonSSMManagedInstanceCore"},
    "flow-logs": set(),
    "backup": {"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"},
}
READ_ONLY_VERBS = ("Describe", "List")
# Secrets (contract SecureStrings): an agent, which runs build code, must never read them. The pending key exists only
# while a key rotation runs, so it must be a SecureString when present but may be absent.
SECRET_PARAMETERS = tuple(contract.SSM_NAMES[key] for key in contract.SSM_SECURE)
OPTIONAL_SECRETS = (contract.SSM_NAMES["ssh_private_key_pending"],)
KEY_MATERIAL = re.compile(r"PRIVATE KEY|AKIA[0-9A-Z]{16}|aws_secret_access_key|password\s*=", re.I)


@dataclass
class Expectations:
    """What the stack description asked for (defaults as roles/stack_config/meta/argument_specs.yml)."""

    jenkins_port: int = 8080
    inbound_agent_port: int = 0
    admin_cidrs: tuple = ()
    alb_internal: bool = False
    alb_ingress_cidrs: tuple = ("0.0.0.0/0",)
    vpc_cidr: str = "10.40.0.0/16"
    alb_deletion_protection: bool = True
    efs_tls: bool = False

    @classmethod
    def from_stack_vars(cls, stack_vars):
        return cls(
            jenkins_port=int(stack_vars.get("jenkins_ha_jenkins_port", 8080)),
            inbound_agent_port=int(stack_vars.get("jenkins_ha_agent_jnlp_port") or 0),
            admin_cidrs=tuple(stack_vars.get("jenkins_ha_admin_cidrs", ())),
            alb_internal=bool(stack_vars.get("jenkins_ha_alb_internal", False)),
            alb_ingress_cidrs=tuple(stack_vars.get("jenkins_ha_alb_ingress_cidrs", ("0.0.0.0/0",))),
            vpc_cidr=stack_vars.get("jenkins_ha_vpc_cidr", "10.40.0.0/16"),
            alb_deletion_protection=bool(stack_vars.get("jenkins_ha_alb_deletion_protection", True)),
            efs_tls=bool(stack_vars.get("jenkins_ha_efs_tls", False)),
        )

    @classmethod
    def from_vars_file(cls, path, *overrides):
        """From a stack's group_vars file, with extra vars on top (dicts or "key=value" strings, as -e takes them)."""
        stack_vars = yaml.safe_load(Path(path).read_text()) or {}
        for override in overrides:
            stack_vars.update(override if isinstance(override, dict) else dict([override.split("=", 1)]))
        return cls.from_stack_vars(stack_vars)


@dataclass
class StackState:
    """Plain describe output of one stack, as collect() gathers it (unit tests build it by hand)."""

    stack: str
    kms_key_arn: str = ""
    kms_rotation: bool = False
    vpc_id: str = ""
    public_subnets: list = field(default_factory=list)
    private_subnets: list = field(default_factory=list)
    security_groups: list = field(default_factory=list)
    default_security_group: dict = field(default_factory=dict)
    flow_logs: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    instance_profiles: list = field(default_factory=list)
    launch_templates: list = field(default_factory=list)
    file_systems: list = field(default_factory=list)
    backup_vault: dict = field(default_factory=dict)
    backup_protected_arns: list = field(default_factory=list)
    log_groups: list = field(default_factory=list)
    parameters: list = field(default_factory=list)
    load_balancers: list = field(default_factory=list)
    auto_scaling_groups: list = field(default_factory=list)
    instances: list = field(default_factory=list)


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def tag_dict(tags):
    return {t["Key"]: t["Value"] for t in tags or ()}


# --- network --------------------------------------------------------------------------------------------------


def _sources(permission):
    """(kind, value, description) for every source/destination of one IpPermission."""
    for item in permission.get("IpRanges", ()):
        yield "cidr", item["CidrIp"], item.get("Description")
    for item in permission.get("Ipv6Ranges", ()):
        yield "cidr", item["CidrIpv6"], item.get("Description")
    for item in permission.get("UserIdGroupPairs", ()):
        yield "sg", item["GroupId"], item.get("Description")
    for item in permission.get("PrefixListIds", ()):
        yield "prefix-list", item["PrefixListId"], item.get("Description")


def _rules(permissions):
    """Flatten IpPermissions into (protocol, from, to, kind, source, description) tuples."""
    for perm in permissions or ():
        proto = perm.get("IpProtocol")
        for kind, source, desc in _sources(perm):
            yield (proto, perm.get("FromPort"), perm.get("ToPort"), kind, source, desc)


def security_group_findings(state, expect):
    findings = []
    by_name = {g["GroupName"]: g for g in state.security_groups}
    ids = {
        role: by_name.get("{0}-{1}".format(state.stack, role), {}).get("GroupId")
        for role in ("alb", "controller", "agent", "efs")
    }
    for role, group_id in ids.items():
        if not group_id:
            findings.append("security group {0}-{1}: missing".format(state.stack, role))

    def tcp(port, kind, source):
        return ("tcp", port, port, kind, source)

    admin = {tcp(22, "cidr", cidr) for cidr in expect.admin_cidrs}
    alb_sources = {tcp(port, "cidr", c) for port in (80, 443) for c in _alb_cidrs(state, expect)}
    controller_allowed = {tcp(expect.jenkins_port, "sg", ids["alb"])} | admin
    if expect.inbound_agent_port:
        controller_allowed |= {
            tcp(expect.inbound_agent_port, "sg", ids["agent"]),
            tcp(expect.jenkins_port, "sg", ids["agent"]),
        }
    allowed_ingress = {
        "alb": alb_sources,
        "controller": controller_allowed,
        "agent": {tcp(22, "sg", ids["controller"])} | admin,
        "efs": {tcp(2049, "sg", ids["controller"])},
    }
    # Egress of the ALB and EFS is pinned; controller and agents need the internet (plugins, packages) via NAT.
    allowed_egress = {"alb": {tcp(expect.jenkins_port, "sg", ids["controller"])}, "efs": set()}

    for group in state.security_groups:
        role = next((r for r, gid in ids.items() if gid == group["GroupId"]), None)
        where = "security group {0} ({1})".format(group["GroupId"], group["GroupName"])
        for direction, permissions in (
            ("ingress", group.get("IpPermissions")),
            ("egress", group.get("IpPermissionsEgress")),
        ):
            for rule in _rules(permissions):
                proto, start, end, kind, source, desc = rule
                text = "{0} {1} {2}-{3} {4}".format(direction, proto, start, end, source)
                if not desc:
                    findings.append("{0}: rule without a description: {1}".format(where, text))
                if direction == "ingress" and source in WORLD and not (role == "alb" and not expect.alb_internal):
                    findings.append("{0}: ingress open to the world: {1}".format(where, text))
                allowed = (allowed_ingress if direction == "ingress" else allowed_egress).get(role)
                if role is None and direction == "ingress":
                    findings.append("{0}: not a group of the stack design, ingress {1}".format(where, text))
                elif allowed is not None and rule[:5] not in allowed:
                    findings.append(
                        "{0}: {1} rule not in the least-privilege design: {2}".format(where, direction, text)
                    )
    return findings


def _alb_cidrs(state, expect):
    """The ALB's sources as playbooks/templates/security_group_rules.j2 derives them."""
    del state
    if not expect.alb_internal:
        return expect.alb_ingress_cidrs
    return [c for c in expect.alb_ingress_cidrs if c not in WORLD] or [expect.vpc_cidr]


def default_security_group_findings(state):
    group = state.default_security_group
    if not group:
        return ["vpc {0}: default security group not found".format(state.vpc_id)]
    if group.get("IpPermissions") or group.get("IpPermissionsEgress"):
        return ["security group {0} (default of {1}): has rules (CIS AWS 5.4)".format(group["GroupId"], state.vpc_id)]
    return []


def flow_log_findings(state):
    active = [
        f
        for f in state.flow_logs
        if f.get("ResourceId") == state.vpc_id and f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"
    ]
    if not active:
        return ["vpc {0}: no active flow log".format(state.vpc_id)]
    return []


# --- IAM ------------------------------------------------------------------------------------------------------


def _action_matches(pattern, action):
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _statements(document):
    if isinstance(document, str):
        document = json.loads(document)
    return as_list(document.get("Statement"))


def policy_findings(where, document):
    """Wildcards and unscoped mutations in one identity policy document."""
    findings = []
    for index, stmt in enumerate(_statements(document)):
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
        for stmt in _statements(document):
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
        for stmt in _statements(role.get("AssumeRolePolicyDocument", {})):
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


# --- compute --------------------------------------------------------------------------------------------------


def _missing(kind, names, expected):
    return ["{0} {1}: missing".format(kind, name) for name in sorted(set(expected) - set(names))]


def launch_template_findings(state):
    names = [t["LaunchTemplateName"] for t in state.launch_templates]
    findings = _missing("launch template", names, [state.stack + "-controller", state.stack + "-agent"])
    for template in state.launch_templates:
        data = template["LaunchTemplateData"]
        where = "launch template {0} v{1}".format(template["LaunchTemplateName"], template["VersionNumber"])
        metadata = data.get("MetadataOptions", {})
        if metadata.get("HttpTokens") != "required":
            findings.append("{0}: IMDSv2 not required".format(where))
        # 1 keeps the instance role's credentials out of containers on the instance (documented choice).
        if metadata.get("HttpPutResponseHopLimit") != 1:
            findings.append(
                "{0}: metadata hop limit {1} (expected 1)".format(where, metadata.get("HttpPutResponseHopLimit"))
            )
        volumes = [m for m in data.get("BlockDeviceMappings", []) if "Ebs" in m]
        if not volumes:
            findings.append("{0}: no root volume mapping (encryption would be the account default)".format(where))
        for mapping in volumes:
            ebs = mapping["Ebs"]
            if not ebs.get("Encrypted"):
                findings.append("{0}: volume {1} not encrypted".format(where, mapping.get("DeviceName")))
            elif ebs.get("KmsKeyId") != state.kms_key_arn:
                findings.append(
                    "{0}: volume {1} not encrypted with the stack key".format(where, mapping.get("DeviceName"))
                )
            if ebs.get("VolumeType") != "gp3":
                findings.append(
                    "{0}: volume {1} is {2}, not gp3".format(where, mapping.get("DeviceName"), ebs.get("VolumeType"))
                )
        for interface in data.get("NetworkInterfaces", []):
            if interface.get("AssociatePublicIpAddress"):
                findings.append("{0}: associates a public IP address".format(where))
            if interface.get("SubnetId") and interface["SubnetId"] not in state.private_subnets:
                findings.append("{0}: network interface in non-private subnet {1}".format(where, interface["SubnetId"]))
        user_data = base64.b64decode(data.get("UserData", "") or "").decode("utf-8", "replace")
        if KEY_MATERIAL.search(user_data):
            findings.append("{0}: key material or a password in user data".format(where))
    return findings


def placement_findings(state):
    names = [g["AutoScalingGroupName"] for g in state.auto_scaling_groups]
    findings = _missing("autoscaling group", names, [state.stack + "-controller", state.stack + "-agent"])
    private = set(state.private_subnets)
    for group in state.auto_scaling_groups:
        subnets = set(filter(None, group.get("VPCZoneIdentifier", "").split(",")))
        if not subnets or not subnets <= private:
            findings.append(
                "autoscaling group {0}: subnets {1} not all private".format(
                    group["AutoScalingGroupName"], sorted(subnets - private)
                )
            )
    for instance in state.instances:
        if instance.get("SubnetId") not in private:
            findings.append(
                "instance {0}: in non-private subnet {1}".format(instance["InstanceId"], instance.get("SubnetId"))
            )
        if instance.get("PublicIpAddress"):
            findings.append(
                "instance {0}: has public IP {1}".format(instance["InstanceId"], instance["PublicIpAddress"])
            )
    return findings


# --- storage, keys, logs, secrets -----------------------------------------------------------------------------


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
    statements = _statements(policy)
    denies_plain = any(
        s.get("Effect") == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        for s in statements
    )
    if expect.efs_tls and not denies_plain:
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


def kms_findings(state):
    if not state.kms_key_arn:
        return ["kms alias/jenkins-ha/{0}: missing".format(state.stack)]
    if not state.kms_rotation:
        return ["kms {0}: rotation off".format(state.kms_key_arn)]
    return []


def log_group_findings(state):
    findings = []
    if len(state.log_groups) < 3:
        findings.append(
            "log groups /jenkins-ha/{0}/*: {1} found, expected controller, agent, vpc-flow-logs".format(
                state.stack, len(state.log_groups)
            )
        )
    for group in state.log_groups:
        where = "log group {0}".format(group["logGroupName"])
        if not group.get("retentionInDays"):
            findings.append("{0}: no retention".format(where))
        if group.get("kmsKeyId") != state.kms_key_arn:
            findings.append("{0}: not encrypted with the stack key".format(where))
    return findings


def _is_stack_key(key_id, state):
    key_uuid = state.kms_key_arn.rsplit("/", 1)[-1]
    return bool(key_id) and key_id in (state.kms_key_arn, key_uuid, "alias/jenkins-ha/{0}".format(state.stack))


def parameter_findings(state):
    findings = []
    names = {p["Name"]: p for p in state.parameters}
    for secret in SECRET_PARAMETERS:
        name = "{0}/{1}/{2}".format(contract.SSM_PREFIX, state.stack, secret)
        param = names.get(name)
        if param is None:
            if secret not in OPTIONAL_SECRETS:
                findings.append("ssm {0}: missing".format(name))
        elif param.get("Type") != "SecureString":
            findings.append("ssm {0}: {1}, not SecureString".format(name, param.get("Type")))
        elif not _is_stack_key(param.get("KeyId"), state):
            findings.append("ssm {0}: encrypted with {1}, not the stack key".format(name, param.get("KeyId")))
    for name, param in names.items():
        if re.search(r"password|private-key|secret|token", name) and param.get("Type") != "SecureString":
            findings.append("ssm {0}: looks secret but is {1}".format(name, param.get("Type")))
    return findings


def backup_vault_findings(state):
    vault = state.backup_vault
    if not vault:
        return ["backup vault {0}-jenkins-home: missing".format(state.stack)]
    if vault.get("EncryptionKeyArn") != state.kms_key_arn:
        return ["backup vault {0}: not encrypted with the stack key".format(vault.get("BackupVaultName"))]
    return []


# --- load balancer --------------------------------------------------------------------------------------------


def load_balancer_findings(state, expect):
    findings = []
    if not state.load_balancers:
        return ["load balancer {0}-alb: missing".format(state.stack)]
    for lb in state.load_balancers:
        where = "load balancer {0}".format(lb["LoadBalancerName"])
        attrs = lb.get("Attributes", {})
        if attrs.get("routing.http.drop_invalid_header_fields.enabled") != "true":
            findings.append("{0}: invalid header fields not dropped".format(where))
        # Deletion protection follows the stack description (on by default; destroy.yml lifts it).
        if attrs.get("deletion_protection.enabled") != str(expect.alb_deletion_protection).lower():
            findings.append("{0}: deletion protection {1}".format(where, attrs.get("deletion_protection.enabled")))
        scheme = "internal" if expect.alb_internal else "internet-facing"
        if lb.get("Scheme") != scheme:
            findings.append("{0}: scheme {1}, expected {2}".format(where, lb.get("Scheme"), scheme))
        subnets = {z["SubnetId"] for z in lb.get("AvailabilityZones", [])}
        expected_subnets = set(state.private_subnets if expect.alb_internal else state.public_subnets)
        if not subnets <= expected_subnets:
            findings.append("{0}: in subnets {1}".format(where, sorted(subnets - expected_subnets)))
        if not any(listener.get("Protocol") == "HTTPS" for listener in lb.get("Listeners", [])):
            findings.append("{0}: no HTTPS listener".format(where))
        for listener in lb.get("Listeners", []):
            lwhere = "{0} listener {1}/{2}".format(where, listener.get("Protocol"), listener.get("Port"))
            if listener.get("Protocol") == "HTTPS":
                if listener.get("SslPolicy") not in MODERN_TLS_POLICIES:
                    findings.append(
                        "{0}: TLS policy {1} not in the modern allow-list".format(lwhere, listener.get("SslPolicy"))
                    )
            elif listener.get("Protocol") == "HTTP":
                actions = listener.get("DefaultActions", [])
                redirects = [
                    a
                    for a in actions
                    if a.get("Type") == "redirect" and a.get("RedirectConfig", {}).get("Protocol") == "HTTPS"
                ]
                if not actions or len(redirects) != len(actions):
                    findings.append("{0}: does not only redirect to HTTPS".format(lwhere))
                if listener.get("Rules"):
                    findings.append("{0}: has rules besides the redirect".format(lwhere))
            else:
                findings.append("{0}: unexpected protocol".format(lwhere))
    return findings


# --- all rules --------------------------------------------------------------------------------------------------


def findings_of(state, expect, account_id=""):
    """Every finding of the stack's state (pure: no AWS call)."""
    return (
        security_group_findings(state, expect)
        + default_security_group_findings(state)
        + flow_log_findings(state)
        + iam_findings(state, account_id)
        + launch_template_findings(state)
        + placement_findings(state)
        + efs_findings(state, expect)
        + kms_findings(state)
        + log_group_findings(state)
        + parameter_findings(state)
        + backup_vault_findings(state)
        + load_balancer_findings(state, expect)
    )
