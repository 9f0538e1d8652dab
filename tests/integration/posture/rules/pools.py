"""Agent pool rules (issues 18, 20): every pool the stack describes and every pool group AWS holds are the same set;
each pool's group and launch template are held to the agent's rules (the agent instance profile and security group,
the pool's template, the stack and pool tags on its instances, the EC2 Fleet plugin's scale-in protection); and the
controller's policy, evaluated, lets it scale exactly the pools' groups.

The pools are found twice: from the stack description (Expectations.pools, the collection's own pool model) and from
AWS (the stack's groups and launch templates carrying the pool tag, plus any `<stack>-agent-*` group, tagged or not).
A pool group AWS has but the description lacks is an orphan (a removed pool destroy.yml or asgs.yml did not take away,
or one made by hand) which the controller either still scales or no longer watches; a described pool AWS lacks has no
agents.

The scaling evaluation is AWS's identity-policy decision for one request (an explicit Deny wins over any Allow;
Action/NotAction, Resource/NotResource with IAM wildcards). Conditions are evaluated where the request context is
known, the group's tags as aws:ResourceTag/<key> (what Auto Scaling authorizes against); a condition on any other key
counts against the check: it may hold for a group that must be refused, and may not for a pool group that must be
scaled."""

from __future__ import annotations

import fnmatch
import uuid

from .model import POOL_TAG, STACK_TAG, as_list, contract, policy_statements, tag_dict

# What the EC2 Fleet plugin calls on a group (playbooks/templates/iam_controller_policy.json.j2, from its source).
SCALING_ACTIONS = ("autoscaling:UpdateAutoScalingGroup", "autoscaling:TerminateInstanceInAutoScalingGroup")
GROUP_ARN = "arn:{partition}:autoscaling:{region}:{account}:autoScalingGroup:{uuid}:autoScalingGroupName/{name}"
# A fixed id for groups that do not exist (the policy must refuse them whatever their id).
PROBE_ID = str(uuid.UUID(int=0x5EED))
# The condition operators evaluated (any other, an ...IfExists or a set operator, cannot be known here).
OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
)


def _match(pattern, value, case_sensitive=True):
    if case_sensitive:
        return fnmatch.fnmatchcase(value, pattern)
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def _condition(operator, key, expected, context):
    """True/False where the context holds the key and the operator is modelled, None where it cannot be known."""
    key = key.lower()
    if key.startswith("aws:resourcetag/") and key not in context:
        # The group's tags are known: a tag it lacks fails every positive operator and passes the negated ones, as
        # IAM evaluates a key missing from the request context.
        return operator.startswith(("StringNot", "ArnNot")) if operator in OPERATORS else None
    if key not in context:
        return None
    value = context[key]
    expected = [str(e) for e in as_list(expected)]
    results = {
        "StringEquals": value in expected,
        "StringNotEquals": value not in expected,
        "StringEqualsIgnoreCase": value.lower() in [e.lower() for e in expected],
        "StringNotEqualsIgnoreCase": value.lower() not in [e.lower() for e in expected],
        "StringLike": any(_match(e, value) for e in expected),
        "StringNotLike": not any(_match(e, value) for e in expected),
    }
    return results.get(operator)


def _conditions_hold(stmt, context):
    """True, False, or None (some condition cannot be known)."""
    results = [
        _condition(operator, key, expected, context)
        for operator, pairs in (stmt.get("Condition") or {}).items()
        for key, expected in pairs.items()
    ]
    if False in results:
        return False
    return None if None in results else True


def _applies(stmt, action, resource):
    if "NotAction" in stmt:
        acts = not any(_match(p, action, False) for p in as_list(stmt["NotAction"]))
    else:
        acts = any(_match(p, action, False) for p in as_list(stmt.get("Action")))
    if "NotResource" in stmt:
        covers = not any(_match(p, resource) for p in as_list(stmt["NotResource"]))
    else:
        covers = any(_match(p, resource) for p in as_list(stmt.get("Resource")))
    return acts and covers


def decision(documents, action, resource, tags=None, possible=False):
    """Whether the identity policies allow the request. possible=False: surely allowed (an unknowable condition
    fails an Allow and holds for a Deny); possible=True: may be allowed (the other way round)."""
    context = {"aws:resourcetag/" + key.lower(): value for key, value in (tags or {}).items()}
    allowed = False
    for document in documents:
        for stmt in policy_statements(document):
            if not _applies(stmt, action, resource):
                continue
            holds = _conditions_hold(stmt, context)
            if holds is None:
                holds = possible if stmt.get("Effect") == "Allow" else not possible
            if not holds:
                continue
            if stmt.get("Effect") == "Deny":
                return False
            allowed = allowed or stmt.get("Effect") == "Allow"
    return allowed


def _role_documents(state, kind):
    role = next((r for r in state.roles if r["RoleName"] == "{0}-{1}".format(state.stack, kind)), None)
    if role is None:
        return None
    documents = list(role.get("InlinePolicies", {}).values())
    return documents + [a["Document"] for a in role.get("AttachedPolicies", []) if a.get("Document")]


def _arn_parts(state, account_id):
    """partition, region, account of the stack (from its groups' ARNs, else its key's)."""
    for arn in [g.get("AutoScalingGroupARN", "") for g in state.auto_scaling_groups] + [state.kms_key_arn]:
        parts = arn.split(":")
        if len(parts) > 4 and parts[3]:
            return parts[1], parts[3], parts[4]
    return "aws", "us-east-1", account_id or "123456789012"


def _pool_of(stack, name, tags):
    """The pool a group or template of the stack is: its pool tag, else its name's (<stack>-agent[-<pool>])."""
    prefix = stack + "-agent"
    pool = tag_dict(tags).get(POOL_TAG)
    if pool is None and (name == prefix or name.startswith(prefix + "-")):
        pool = "default" if name == prefix else name[len(prefix) + 1 :]
    return pool


def pool_groups(state):
    """AWS's view: pool name -> names of the stack's groups that carry its pool tag or a pool group's name."""
    found = {}
    for group in state.auto_scaling_groups:
        pool = _pool_of(state.stack, group["AutoScalingGroupName"], group.get("Tags"))
        if pool is not None:
            found.setdefault(pool, []).append(group["AutoScalingGroupName"])
    return found


def pool_templates(state):
    """AWS's view: pool name -> names of the stack's launch templates that carry its pool tag or a pool's name."""
    found = {}
    names = set(state.launch_template_tags) | {t["LaunchTemplateName"] for t in state.launch_templates}
    for name in sorted(names):
        pool = _pool_of(state.stack, name, state.launch_template_tags.get(name))
        if pool is not None:
            found.setdefault(pool, []).append(name)
    return found


def _agreement_findings(kind, in_aws, described, key):
    """Pools AWS has (kind: autoscaling group or launch template) that the description lacks, and resources that
    carry a described pool's tag under another name than the pool's."""
    findings = []
    for pool, names in sorted(in_aws.items()):
        if pool not in described:
            findings.append(
                "{0} {1}: agent pool {2} is not in the stack description (jenkins_ha_agent_pools): remove it "
                "(destroy.yml removes a pool's group and template by its tags) or describe it".format(
                    kind, ", ".join(sorted(names)), pool
                )
            )
            continue
        for name in sorted(set(names) - {described[pool][key]}):
            findings.append(
                "{0} {1}: of agent pool {2}, whose {0} is {3}".format(kind, name, pool, described[pool][key])
            )
    return findings


def _group_template(group):
    spec = group.get("LaunchTemplate") or (
        (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate", {}).get("LaunchTemplateSpecification", {})
    )
    return spec.get("LaunchTemplateName")


def pool_findings(state, expect):
    """Described pools and AWS's pool groups agree; each pool's group and launch template are the agent's."""
    try:
        described = {pool["name"]: pool for pool in expect.pools(state.stack)}
    except ValueError as error:
        return ["agent pools: {0}".format(error)]
    findings = _agreement_findings("autoscaling group", pool_groups(state), described, "asg_name")
    findings += _agreement_findings("launch template", pool_templates(state), described, "launch_template_name")
    groups = {g["AutoScalingGroupName"]: g for g in state.auto_scaling_groups}
    templates = {t["LaunchTemplateName"]: t for t in state.launch_templates}
    agent_sg = next((g["GroupId"] for g in state.security_groups if g["GroupName"] == state.stack + "-agent"), None)
    for name, pool in sorted(described.items()):
        where = "agent pool {0}".format(name)
        group = groups.get(pool["asg_name"])
        if group is None:
            findings.append("autoscaling group {0}: missing ({1})".format(pool["asg_name"], where))
        else:
            findings += _group_findings(state, where, pool, group)
        for template in (t for t in state.launch_templates if t["LaunchTemplateName"] == pool["launch_template_name"]):
            findings += _template_findings(state, where, template, "agent", agent_sg)
        if pool["launch_template_name"] not in templates:
            findings.append("launch template {0}: missing ({1})".format(pool["launch_template_name"], where))
    controller = [t for t in state.launch_templates if t["LaunchTemplateName"] == state.stack + "-controller"]
    ctl_sg = next((g["GroupId"] for g in state.security_groups if g["GroupName"] == state.stack + "-controller"), None)
    for template in controller:
        findings += _template_findings(state, "controller", template, "controller", ctl_sg)
    return findings


def _group_findings(state, where, pool, group):
    findings = []
    label = "{0}: autoscaling group {1}".format(where, group["AutoScalingGroupName"])
    if _group_template(group) != pool["launch_template_name"]:
        findings.append(
            "{0}: launches template {1}, not {2}".format(label, _group_template(group), pool["launch_template_name"])
        )
    # The EC2 Fleet plugin protects what it launches; an unprotected agent can be taken from a running build.
    if not group.get("NewInstancesProtectedFromScaleIn"):
        findings.append("{0}: new instances not protected from scale-in".format(label))
    for instance in group.get("Instances", []):
        if not instance.get("ProtectedFromScaleIn") and not instance.get("LifecycleState", "").startswith("Terminat"):
            findings.append("{0}: instance {1} not protected from scale-in".format(label, instance.get("InstanceId")))
    propagated = {t["Key"]: t["Value"] for t in group.get("Tags", []) if t.get("PropagateAtLaunch")}
    wanted = dict(pool["tags"], **{STACK_TAG: state.stack, POOL_TAG: pool["name"], contract.TAG_COMPONENT: "agent"})
    for key, value in sorted(wanted.items()):
        if propagated.get(key) != value:
            findings.append(
                "{0}: tag {1}={2} not propagated to its instances (found {3})".format(
                    label, key, value, propagated.get(key)
                )
            )
    return findings


def _template_findings(state, where, template, kind, security_group):
    """A template launches with its role's instance profile and security group (the agent's for every pool)."""
    findings = []
    data = template["LaunchTemplateData"]
    label = "{0}: launch template {1} v{2}".format(where, template["LaunchTemplateName"], template["VersionNumber"])
    profile = data.get("IamInstanceProfile") or {}
    wanted = "{0}-{1}".format(state.stack, kind)
    named = profile.get("Name") or profile.get("Arn", "").rpartition("instance-profile/")[2]
    if named != wanted:
        findings.append("{0}: instance profile {1} (expected {2})".format(label, named or None, wanted))
    groups = set(data.get("SecurityGroupIds", []))
    for interface in data.get("NetworkInterfaces", []):
        groups.update(interface.get("Groups", []))
    if security_group and groups != {security_group}:
        findings.append(
            "{0}: security groups {1} (expected only {2}'s {3})".format(label, sorted(groups), wanted, security_group)
        )
    return findings


def scaling_findings(state, expect, account_id=""):
    """The controller may scale each described pool's group and no other group; the agent role no group at all."""
    try:
        described = expect.pools(state.stack)
    except ValueError:
        return []  # pool_findings names the problem
    partition, region, account = _arn_parts(state, account_id)

    def probe(name, region_=region):
        return GROUP_ARN.format(partition=partition, region=region_, account=account, uuid=PROBE_ID, name=name)

    existing = {g["AutoScalingGroupName"]: g for g in state.auto_scaling_groups}
    pools = {}
    for pool in described:
        group = existing.get(pool["asg_name"])
        pools[pool["asg_name"]] = (
            (group.get("AutoScalingGroupARN") or probe(pool["asg_name"]), tag_dict(group.get("Tags")))
            if group
            else (probe(pool["asg_name"]), {STACK_TAG: state.stack, POOL_TAG: pool["name"]})
        )
    others = [
        (g.get("AutoScalingGroupARN") or probe(name), tag_dict(g.get("Tags")))
        for name, g in sorted(existing.items())
        if name not in pools
    ]
    others += [(arn, {}) for arn in state.other_group_arns]
    # Groups that do not exist but must be refused too: an undescribed pool of the stack, another stack's pool
    # groups, and groups of the pool groups' names in another region (not the stack's: its IAM role names, global,
    # make a stack name unique in the account, so such a group is someone else's).
    others.append(
        (probe("{0}-agent-undescribed".format(state.stack)), {STACK_TAG: state.stack, POOL_TAG: "undescribed"})
    )
    others += [
        (probe("other-{0}".format(pool["asg_name"])), {STACK_TAG: "other-" + state.stack, POOL_TAG: pool["name"]})
        for pool in described
    ]
    others += [(probe(name, "eu-west-3" if region != "eu-west-3" else "us-east-2"), {}) for name in pools]
    findings = []
    controller = _role_documents(state, "controller")
    if controller is not None:
        for name, (arn, tags) in sorted(pools.items()):
            refused = [a for a in SCALING_ACTIONS if not decision(controller, a, arn, tags)]
            if refused:
                findings.append(
                    "iam role {0}-controller: may not {1} on pool group {2} (the EC2 Fleet plugin cannot scale "
                    "it)".format(state.stack, ", ".join(refused), name)
                )
        for arn, tags in others:
            allowed = [a for a in SCALING_ACTIONS if decision(controller, a, arn, tags, possible=True)]
            if allowed:
                findings.append(
                    "iam role {0}-controller: may {1} on {2}, which is not one of the stack's described agent "
                    "pools".format(state.stack, ", ".join(allowed), arn)
                )
    agent = _role_documents(state, "agent")
    if agent is not None:
        for name, (arn, tags) in sorted(pools.items()):
            allowed = [a for a in SCALING_ACTIONS if decision(agent, a, arn, tags, possible=True)]
            if allowed:
                findings.append(
                    "iam role {0}-agent: may {1} on pool group {2} (build code scaling the fleet)".format(
                        state.stack, ", ".join(allowed), name
                    )
                )
    return findings
