"""Agent pool posture rules (rules/pools.py, issues 18 and 20): the demo's two pools (default, on-demand; spot, with
its own tags) pass; each bad change to a pool's group, launch template or the controller's scaling statement, and
each disagreement between the stack description and AWS, is flagged; the scaling statement is evaluated (Deny,
NotResource, tag conditions), not matched as text."""

from __future__ import annotations

import copy

import pytest

from tests.integration.posture import Expectations
from tests.integration.posture.rules.pools import PROBE_ID, decision, pool_groups
from tests.unit.posture.stack import GROUP_ARN, allow, asg, check, good_state, launch_template, policy, role_of

SPOT = {
    "name": "spot",
    "labels": "spot linux",
    "instance_types": ["m5.large", "m6i.large"],
    "on_demand_base_capacity": 1,
    "on_demand_percentage_above_base": 0,
    "max_size": 10,
    "tags": {"cost-center": "ci-spot"},
}
POOLS = ({"name": "default", "labels": "ec2-fleet"}, SPOT)
SCALING = ["autoscaling:UpdateAutoScalingGroup", "autoscaling:TerminateInstanceInAutoScalingGroup"]


def pool_arns(*names):
    return [GROUP_ARN.format(uuid="*", name=name) for name in names]


def two_pools():
    """The demo stack with its spot pool: group, template (tagged with the pool) and the controller's statement."""
    state = good_state()
    spot = asg("demo-agent-spot", "agent", pool="spot", tags={"cost-center": "ci-spot"})
    # A Spot pool's group names its template in its mixed instances policy (asgs.yml).
    spot["MixedInstancesPolicy"] = {"LaunchTemplate": {"LaunchTemplateSpecification": spot.pop("LaunchTemplate")}}
    state.auto_scaling_groups.append(spot)
    state.launch_templates.append(launch_template("demo-agent-spot"))
    state.launch_template_tags["demo-agent-spot"] = [
        {"Key": "jenkins-ha:stack", "Value": "demo"},
        {"Key": "jenkins-ha:pool", "Value": "spot"},
    ]
    scaling_statement(state)["Resource"] = pool_arns("demo-agent", "demo-agent-spot")
    return state


def scaling_statement(state):
    statements = role_of(state, "demo-controller")["InlinePolicies"]["jenkins-ha"]["Statement"]
    return next(s for s in statements if s["Sid"] == "ScaleTheAgentGroups")


def group(state, name):
    return next(g for g in state.auto_scaling_groups if g["AutoScalingGroupName"] == name)


def template_data(state, name):
    return next(t for t in state.launch_templates if t["LaunchTemplateName"] == name)["LaunchTemplateData"]


def pool_check(state, pools=POOLS, **legacy):
    return check(state, agent_pools=tuple(pools), agent_legacy=tuple(legacy.items()))


def test_the_demo_pools_pass():
    assert pool_check(two_pools()) == []
    assert pool_groups(two_pools()) == {"default": ["demo-agent"], "spot": ["demo-agent-spot"]}


def test_a_stack_without_a_pool_list_is_one_default_pool():
    assert check(good_state()) == []
    assert pool_check(good_state(), pools=()) == []
    # Described with two pools while AWS has one: the spot pool is missing (group and template) and the
    # controller's statement does not name it.
    assert pool_check(good_state()) == [
        "autoscaling group demo-agent-spot: missing (agent pool spot)",
        "launch template demo-agent-spot: missing (agent pool spot)",
        CONTROLLER + "may not autoscaling:UpdateAutoScalingGroup, autoscaling:TerminateInstanceInAutoScalingGroup on"
        " pool group demo-agent-spot (the EC2 Fleet plugin cannot scale it)",
    ]


def _untagged_pool_group(state):
    state.auto_scaling_groups.append(asg("demo-agent-gpu", "agent"))


def _add_spot_instance(state, lifecycle):
    group(state, "demo-agent-spot")["Instances"] = [
        {"InstanceId": "i-9", "ProtectedFromScaleIn": False, "LifecycleState": lifecycle}
    ]


def _drop_tag(state, name, key):
    group(state, name)["Tags"] = [t for t in group(state, name)["Tags"] if t["Key"] != key]


def _unpropagate(state, name, key):
    for tag in group(state, name)["Tags"]:
        if tag["Key"] == key:
            tag["PropagateAtLaunch"] = False


# (what changes, the change to the two-pool stack, a finding that must appear)
POOL_CASES = [
    (
        "a pool group AWS has that the description lacks",
        lambda s: s.auto_scaling_groups.append(asg("demo-agent-old", "agent", pool="old")),
        "autoscaling group demo-agent-old: agent pool old is not in the stack description",
    ),
    (
        "an untagged group named like a pool's",
        _untagged_pool_group,
        "autoscaling group demo-agent-gpu: agent pool gpu is not in the stack description",
    ),
    (
        "a pool launch template the description lacks",
        lambda s: s.launch_template_tags.__setitem__("demo-agent-old", [{"Key": "jenkins-ha:pool", "Value": "old"}]),
        "launch template demo-agent-old: agent pool old is not in the stack description",
    ),
    (
        "a second group tagged with a described pool",
        lambda s: s.auto_scaling_groups.append(asg("demo-spare", "agent", pool="spot", template="demo-agent-spot")),
        "autoscaling group demo-spare: of agent pool spot, whose autoscaling group is demo-agent-spot",
    ),
    (
        "an untagged template named like a pool's",
        lambda s: s.launch_templates.append(launch_template("demo-agent-gpu")),
        "launch template demo-agent-gpu: agent pool gpu is not in the stack description",
    ),
    (
        "a described pool's group missing",
        lambda s: s.auto_scaling_groups.remove(group(s, "demo-agent-spot")),
        "autoscaling group demo-agent-spot: missing (agent pool spot)",
    ),
    (
        "a described pool's template missing",
        lambda s: s.launch_templates.pop(),
        "launch template demo-agent-spot: missing (agent pool spot)",
    ),
    (
        "a pool group launching another template",
        lambda s: group(s, "demo-agent-spot")["MixedInstancesPolicy"]["LaunchTemplate"][
            "LaunchTemplateSpecification"
        ].__setitem__("LaunchTemplateName", "demo-agent"),
        "agent pool spot: autoscaling group demo-agent-spot: launches template demo-agent, not demo-agent-spot",
    ),
    (
        "new agents not protected from scale-in",
        lambda s: group(s, "demo-agent-spot").__setitem__("NewInstancesProtectedFromScaleIn", False),
        "agent pool spot: autoscaling group demo-agent-spot: new instances not protected from scale-in",
    ),
    (
        "an agent not protected from scale-in",
        lambda s: _add_spot_instance(s, "InService"),
        "agent pool spot: autoscaling group demo-agent-spot: instance i-9 not protected from scale-in",
    ),
    (
        "the pool tag not on the instances",
        lambda s: _unpropagate(s, "demo-agent-spot", "jenkins-ha:pool"),
        "agent pool spot: autoscaling group demo-agent-spot: tag jenkins-ha:pool=spot not propagated",
    ),
    (
        "the stack tag missing on the default pool",
        lambda s: _drop_tag(s, "demo-agent", "jenkins-ha:stack"),
        "agent pool default: autoscaling group demo-agent: tag jenkins-ha:stack=demo not propagated",
    ),
    (
        "the pool's own tags missing",
        lambda s: _drop_tag(s, "demo-agent-spot", "cost-center"),
        "agent pool spot: autoscaling group demo-agent-spot: tag cost-center=ci-spot not propagated",
    ),
    (
        "a pool template launching with the controller's profile",
        lambda s: template_data(s, "demo-agent-spot").__setitem__("IamInstanceProfile", {"Name": "demo-controller"}),
        "agent pool spot: launch template demo-agent-spot v1: instance profile demo-controller (expected demo-agent)",
    ),
    (
        "a pool template launching in the controller's security group",
        lambda s: template_data(s, "demo-agent-spot")["SecurityGroupIds"].append("sg-ctl"),
        "agent pool spot: launch template demo-agent-spot v1: security groups ['sg-agt', 'sg-ctl']",
    ),
    (
        "the controller template with the agent profile",
        lambda s: template_data(s, "demo-controller").__setitem__("IamInstanceProfile", {"Name": "demo-agent"}),
        "controller: launch template demo-controller v1: instance profile demo-agent (expected demo-controller)",
    ),
    # The compute rules hold for every pool's template and group, not only <stack>-agent.
    (
        "a pool template without IMDSv2",
        lambda s: template_data(s, "demo-agent-spot")["MetadataOptions"].__setitem__("HttpTokens", "optional"),
        "launch template demo-agent-spot v1: IMDSv2 not required",
    ),
    (
        "a pool template with hop limit 2",
        lambda s: template_data(s, "demo-agent-spot")["MetadataOptions"].__setitem__("HttpPutResponseHopLimit", 2),
        "launch template demo-agent-spot v1: metadata hop limit 2 (expected 1)",
    ),
    (
        "a pool template's volume with another key",
        lambda s: template_data(s, "demo-agent-spot")["BlockDeviceMappings"][0]["Ebs"].__setitem__("KmsKeyId", "k"),
        "launch template demo-agent-spot v1: volume /dev/xvda not encrypted with the stack key",
    ),
    (
        "a pool template with a public IP",
        lambda s: template_data(s, "demo-agent-spot").__setitem__(
            "NetworkInterfaces", [{"AssociatePublicIpAddress": True, "Groups": ["sg-agt"]}]
        ),
        "launch template demo-agent-spot v1: associates a public IP address",
    ),
    (
        "a pool group in a public subnet",
        lambda s: group(s, "demo-agent-spot").__setitem__("VPCZoneIdentifier", "subnet-prv1,subnet-pub1"),
        "autoscaling group demo-agent-spot: subnets ['subnet-pub1'] not all private",
    ),
]


@pytest.mark.parametrize("change, expected", [c[1:] for c in POOL_CASES], ids=[c[0] for c in POOL_CASES])
def test_each_pool_change_is_flagged(change, expected):
    state = two_pools()
    change(state)
    findings = pool_check(state)
    assert any(expected in f for f in findings), findings


def test_a_terminating_agent_needs_no_protection_and_the_profile_may_be_an_arn():
    state = two_pools()
    _add_spot_instance(state, "Terminating:Wait")
    template_data(state, "demo-agent-spot")["IamInstanceProfile"] = {
        "Arn": "arn:aws:iam::123456789012:instance-profile/demo-agent"
    }
    assert pool_check(state) == []


CONTROLLER = "iam role demo-controller: "


def _scaling(resources, condition=None, actions=None):
    def change(state):
        statement = scaling_statement(state)
        statement["Resource"] = resources
        statement["Action"] = actions or SCALING
        if condition:
            statement["Condition"] = condition

    return change


def _deny_others(state):
    """Allow on every group, then Deny everything but the pools' groups: what the decision is, not the text."""
    statement = scaling_statement(state)
    statement["Resource"] = "*"
    statement["Condition"] = {"StringEquals": {"aws:ResourceTag/jenkins-ha:stack": "demo"}}
    role_of(state, "demo-controller")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
        {"Sid": "OnlyThePools", "Effect": "Deny", "Action": SCALING, "NotResource": pool_arns("demo-agent*")}
    )


# (what changes, the change, findings that must appear (substrings), findings that must not)
SCALING_CASES = [
    (
        "the spot pool not in the statement",
        _scaling(pool_arns("demo-agent")),
        [
            CONTROLLER + "may not autoscaling:UpdateAutoScalingGroup, autoscaling:TerminateInstanceInAutoScalingGroup"
            " on pool group demo-agent-spot"
        ],
        [],
    ),
    (
        "only one of the plugin's actions",
        _scaling(pool_arns("demo-agent", "demo-agent-spot"), actions=["autoscaling:UpdateAutoScalingGroup"]),
        [CONTROLLER + "may not autoscaling:TerminateInstanceInAutoScalingGroup on pool group demo-agent"],
        [],
    ),
    (
        "a name prefix wildcard",
        _scaling(pool_arns("demo-agent*")),
        [
            CONTROLLER
            + "may autoscaling:UpdateAutoScalingGroup, autoscaling:TerminateInstanceInAutoScalingGroup on "
            + GROUP_ARN.format(uuid=PROBE_ID, name="demo-agent-undescribed")
        ],
        ["demo-controller, which", "team-b-workers"],
    ),
    (
        "every group",
        _scaling("*"),
        [
            "autoScalingGroupName/demo-controller, which is not",
            "autoScalingGroupName/team-b-workers, which is not",
            "autoScalingGroupName/other-demo-agent-spot, which is not",
            "us-east-1:123456789012:autoScalingGroup:" + PROBE_ID,
        ],
        [],
    ),
    (
        "any region",
        _scaling([a.replace(":us-east-1:", ":*:") for a in pool_arns("demo-agent", "demo-agent-spot")]),
        [
            "arn:aws:autoscaling:eu-west-3:123456789012:autoScalingGroup:"
            + PROBE_ID
            + ":autoScalingGroupName/demo-agent,"
        ],
        ["demo-controller, which"],
    ),
    (
        "every group of the stack by tag",
        _scaling("*", {"StringEquals": {"aws:ResourceTag/jenkins-ha:stack": "demo"}}),
        ["autoScalingGroupName/demo-controller, which", "autoScalingGroupName/demo-agent-undescribed, which"],
        ["team-b-workers", "other-demo-agent", "eu-west-3"],
    ),
    (
        "a condition the check cannot know",
        _scaling(pool_arns("demo-agent", "demo-agent-spot"), {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        [CONTROLLER + "may not autoscaling:UpdateAutoScalingGroup", "on pool group demo-agent-spot"],
        ["which is not"],
    ),
    (
        "a stack-tag Allow narrowed by a Deny on NotResource",
        _deny_others,
        [
            CONTROLLER
            + "may autoscaling:UpdateAutoScalingGroup, autoscaling:TerminateInstanceInAutoScalingGroup on "
            + GROUP_ARN.format(uuid=PROBE_ID, name="demo-agent-undescribed")
        ],
        ["demo-controller, which", "may not"],
    ),
    (
        "the agent role scaling its pool",
        lambda s: role_of(s, "demo-agent")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            allow("autoscaling:UpdateAutoScalingGroup", pool_arns("demo-agent-spot"))
        ),
        ["iam role demo-agent: may autoscaling:UpdateAutoScalingGroup on pool group demo-agent-spot"],
        [CONTROLLER],
    ),
]


@pytest.mark.parametrize("change, present, absent", [c[1:] for c in SCALING_CASES], ids=[c[0] for c in SCALING_CASES])
def test_the_controller_scales_exactly_the_pools(change, present, absent):
    state = two_pools()
    change(state)
    findings = pool_check(state)
    for expected in present:
        assert any(expected in f for f in findings), (expected, findings)
    for unexpected in absent:
        assert not any(unexpected in f for f in findings), (unexpected, findings)


def test_a_pool_removed_from_the_description_is_no_longer_the_controllers_to_scale():
    # The description drops spot; AWS still has its group and the controller's statement still names it.
    findings = pool_check(two_pools(), pools=POOLS[:1])
    assert "autoscaling group demo-agent-spot: agent pool spot is not in the stack description" in findings[0]
    assert any(
        f.startswith(CONTROLLER + "may autoscaling:UpdateAutoScalingGroup")
        and f.endswith("autoScalingGroupName/demo-agent-spot, which is not one of the stack's described agent pools")
        for f in findings
    ), findings


# (identity policy statements, action, resource tags, surely allowed, possibly allowed)
DOC = "arn:aws:autoscaling:us-east-1:1:autoScalingGroup:u:autoScalingGroupName/g"
DECISIONS = [
    ([allow("autoscaling:Update*", DOC)], {}, True, True),
    ([allow("autoscaling:update*", DOC.replace("/g", "/G"))], {}, False, False),
    ([allow("autoscaling:*", "*"), {"Effect": "Deny", "Action": "*", "Resource": "*"}], {}, False, False),
    ([{"Effect": "Allow", "NotAction": "ec2:*", "Resource": "*"}], {}, True, True),
    ([{"Effect": "Allow", "Action": "*", "NotResource": DOC}], {}, False, False),
    ([allow("*", "*", {"StringEquals": {"aws:ResourceTag/team": "a"}})], {"team": "a"}, True, True),
    ([allow("*", "*", {"StringEquals": {"aws:ResourceTag/team": "a"}})], {}, False, False),
    ([allow("*", "*", {"StringNotEquals": {"aws:ResourceTag/team": "a"}})], {}, True, True),
    ([allow("*", "*", {"StringLike": {"aws:ResourceTag/Team": "a*"}})], {"team": "ab"}, True, True),
    ([allow("*", "*", {"Bool": {"aws:SecureTransport": "true"}})], {}, False, True),
    (
        [allow("*", "*"), {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"IpAddress": {"x": "y"}}}],
        {},
        False,
        True,
    ),
]


@pytest.mark.parametrize("statements, tags, surely, possibly", DECISIONS)
def test_the_decision(statements, tags, surely, possibly):
    documents = [policy(*copy.deepcopy(statements))]
    assert decision(documents, "autoscaling:UpdateAutoScalingGroup", DOC, tags) is surely
    assert decision(documents, "autoscaling:UpdateAutoScalingGroup", DOC, tags, possible=True) is possibly


def test_the_pools_come_from_the_stack_description_as_stack_config_reads_it():
    expect = Expectations.from_stack_vars({"jenkins_ha_agent_pools": list(POOLS)})
    assert [(p["name"], p["asg_name"], p["launch_template_name"]) for p in expect.pools("demo")] == [
        ("default", "demo-agent", "demo-agent"),
        ("spot", "demo-agent-spot", "demo-agent-spot"),
    ]
    assert [p["asg_name"] for p in Expectations.from_stack_vars({"jenkins_ha_agent_max_size": 3}).pools("x")] == [
        "x-agent"
    ]
    # A legacy variable with a pool list is the description's error, named as stack_config names it.
    findings = pool_check(two_pools(), jenkins_ha_agent_max_size=3)
    assert findings[0].startswith("agent pools: the stack description's agent pools: jenkins_ha_agent_max_size")
