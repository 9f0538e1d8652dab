"""What a stack should look like (Expectations), what it does look like (StackState, filled by collect.py), and the
helpers and names every rule module shares."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[4]
try:
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
except ImportError:  # run as `python -m` from a checkout: tests/conftest.py is not there to add the link
    sys.path.insert(0, str(ROOT / ".collections"))
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
from ansible_collections.jenkins_ha.aws.plugins.module_utils._pools import model as pools_model

STACK_TAG = contract.TAG_STACK
POOL_TAG = contract.TAG_POOL
# stack_config's argument spec: the defaults of the legacy jenkins_ha_agent_* variables the pool model needs.
STACK_SPEC = ROOT / "roles" / "stack_config" / "meta" / "argument_specs.yml"
# Secrets (contract SecureStrings): an agent, which runs build code, must never read them. The pending key exists only
# while a key rotation runs, the directory secrets only with an LDAP or OIDC realm, the scrape account's password only
# with a scrape account (jenkins_ha_metrics_scrape_user), so they must be SecureStrings when present but may be absent.
SECRET_PARAMETERS = tuple(contract.SSM_NAMES[key] for key in contract.SSM_SECURE)
OPTIONAL_SECRETS = tuple(
    contract.SSM_NAMES[key]
    for key in ("ssh_private_key_pending", "ldap_manager_password", "oidc_client_secret", "metrics_scrape_password")
    if key in contract.SSM_NAMES
)


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
    alarm_sns_topic: bool = False
    alb_access_logs: bool = True
    metrics_scraper_cidrs: tuple = ()
    metrics_scraper_security_group_id: str = ""
    # jenkins_ha_agent_pools as described ((): one pool named default, as a stack without the list), and the legacy
    # jenkins_ha_agent_* variables the description sets (name -> value pairs), for the pool model (_pools/model.py).
    agent_pools: tuple = ()
    agent_legacy: tuple = ()

    def pools(self, stack):
        """The described pools, normalised as stack_config does (name, asg_name, launch_template_name, tags, ...);
        ValueError naming the problem when the description is not valid."""
        options = yaml.safe_load(STACK_SPEC.read_text())["argument_specs"]["main"]["options"]
        defaults = {name: options[name].get("default") for name in pools_model.LEGACY_VARIABLES}
        try:
            return pools_model.normalise_pools(
                stack, [dict(p) for p in self.agent_pools], dict(defaults, **dict(self.agent_legacy)), defaults
            )
        except pools_model.PoolError as error:
            raise ValueError("the stack description's agent pools: {0}".format(error)) from error

    @classmethod
    def from_stack_vars(cls, stack_vars):
        return cls(
            agent_pools=tuple(stack_vars.get("jenkins_ha_agent_pools") or ()),
            agent_legacy=tuple(sorted((k, stack_vars[k]) for k in pools_model.LEGACY_VARIABLES if k in stack_vars)),
            jenkins_port=int(stack_vars.get("jenkins_ha_jenkins_port", 8080)),
            inbound_agent_port=int(stack_vars.get("jenkins_ha_agent_jnlp_port") or 0),
            admin_cidrs=tuple(stack_vars.get("jenkins_ha_admin_cidrs", ())),
            alb_internal=bool(stack_vars.get("jenkins_ha_alb_internal", False)),
            alb_ingress_cidrs=tuple(stack_vars.get("jenkins_ha_alb_ingress_cidrs", ("0.0.0.0/0",))),
            vpc_cidr=stack_vars.get("jenkins_ha_vpc_cidr", "10.40.0.0/16"),
            alb_deletion_protection=bool(stack_vars.get("jenkins_ha_alb_deletion_protection", True)),
            efs_tls=bool(stack_vars.get("jenkins_ha_efs_tls", False)),
            alarm_sns_topic=bool(stack_vars.get("jenkins_ha_alarm_sns_topic", False)),
            alb_access_logs=bool(stack_vars.get("jenkins_ha_alb_access_logs", True)),
            metrics_scraper_cidrs=tuple(stack_vars.get("jenkins_ha_metrics_scraper_cidrs", ())),
            metrics_scraper_security_group_id=stack_vars.get("jenkins_ha_metrics_scraper_security_group_id", ""),
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
    subnet_azs: dict = field(default_factory=dict)  # subnet id -> availability zone, every subnet of the VPC
    route_tables: list = field(default_factory=list)
    nat_gateways: list = field(default_factory=list)
    vpc_endpoints: list = field(default_factory=list)
    network_acls: list = field(default_factory=list)  # DescribeNetworkAcls of the VPC, the default ACL included
    roles: list = field(default_factory=list)
    instance_profiles: list = field(default_factory=list)
    launch_templates: list = field(default_factory=list)
    launch_template_tags: dict = field(default_factory=dict)  # template name -> tags (DescribeLaunchTemplates)
    file_systems: list = field(default_factory=list)
    backup_vault: dict = field(default_factory=dict)
    backup_protected_arns: list = field(default_factory=list)
    log_groups: list = field(default_factory=list)
    parameters: list = field(default_factory=list)
    load_balancers: list = field(default_factory=list)
    # Bucket name -> what collect() could read of it: Encryption (SSE algorithm), PublicAccessBlock, ObjectOwnership,
    # Policy (a JSON string), LifecycleRules; a key is None where the bucket has no such configuration.
    access_log_buckets: dict = field(default_factory=dict)
    auto_scaling_groups: list = field(default_factory=list)
    # ARNs of the region's other Auto Scaling groups (not tagged with the stack): the controller must scale none.
    other_group_arns: list = field(default_factory=list)
    instances: list = field(default_factory=list)
    alarm_topic: dict = field(default_factory=dict)  # GetTopicAttributes of <stack>-alarms; {} when there is none
    # The value of the stack's jenkins/settings parameter (JSON text or the parsed document); None without it.
    jenkins_settings: object = None


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def tag_dict(tags):
    return {t["Key"]: t["Value"] for t in tags or ()}


def policy_statements(document):
    if isinstance(document, str):
        document = json.loads(document)
    return as_list(document.get("Statement"))


def is_stack_key(key_id, state):
    """Whether key_id names the stack key in one of the spellings AWS keeps as given: key ARN, key id, alias name or
    alias ARN."""
    if not key_id or not state.kms_key_arn:
        return False
    alias = "alias/jenkins-ha/{0}".format(state.stack)
    key_prefix, separator, key_uuid = state.kms_key_arn.rpartition(":key/")
    alias_arn = "{0}:{1}".format(key_prefix, alias) if separator else alias
    return key_id in (state.kms_key_arn, key_uuid, alias, alias_arn)


def _matches(pattern, value):
    """IAM wildcard match (* and ?), case-insensitive as action names are."""
    import fnmatch

    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def denies_without_tls(statements, actions, resources=None):
    """Whether one statement denies every principal each of ``actions`` (on each of ``resources``, when given: a
    resource policy of one resource need not name it) whenever the request is not over TLS, and nothing narrows it
    (no other condition, no NotPrincipal/NotAction/NotResource)."""
    for stmt in statements:
        if stmt.get("Effect") != "Deny" or {"NotPrincipal", "NotAction", "NotResource"} & set(stmt):
            continue
        principal = stmt.get("Principal")
        if not (principal == "*" or (isinstance(principal, dict) and as_list(principal.get("AWS")) == ["*"])):
            continue
        condition = stmt.get("Condition", {})
        transport = condition.get("Bool", {}).get("aws:SecureTransport")
        if (
            as_list(transport) != ["false"]
            or list(condition) != ["Bool"]
            or list(condition["Bool"]) != ["aws:SecureTransport"]
        ):
            continue
        granted = as_list(stmt.get("Action"))
        if not all(any(_matches(p, a) for p in granted) for a in actions):
            continue
        covered = as_list(stmt.get("Resource"))
        if resources is None or all(any(_matches(p, r) for p in covered) for r in resources):
            return True
    return False
