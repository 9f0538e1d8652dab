"""collect() reads what the pool rules judge from the describe calls as AWS (here in-process moto) answers them: the
groups' tags with PropagateAtLaunch, scale-in protection, the mixed instances policy's template, the templates' tags
and the region's other groups; the two-pool stack passes and a pool dropped from the description is reported."""

from __future__ import annotations

import json

from tests.integration.posture import Expectations
from tests.integration.posture.collect import collect
from tests.integration.posture.rules import pool_findings, scaling_findings
from tests.unit.modules.helpers import in_process_moto

STACK_TAGS = [{"Key": "jenkins-ha:stack", "Value": "demo"}]
ARN = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/"
POOLS = ({"name": "default"}, {"name": "spot", "on_demand_percentage_above_base": 0, "tags": {"team": "ci"}})
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def _role(iam, kind, statements):
    name = "demo-" + kind
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Tags=STACK_TAGS)
    iam.put_role_policy(
        RoleName=name,
        PolicyName="jenkins-ha",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)


def _pool(client, name, pool, subnet, security_group, extra_tags=()):
    tags = STACK_TAGS + [{"Key": "jenkins-ha:pool", "Value": pool}]
    client("ec2").create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={
            "ImageId": "ami-12c6146b",
            "InstanceType": "m5.large",
            "IamInstanceProfile": {"Name": "demo-agent"},
            "SecurityGroupIds": [security_group],
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": tags}],
    )
    spec = {"LaunchTemplateName": name, "Version": "$Latest"}
    group_tags = tags + [{"Key": "jenkins-ha:component", "Value": "agent"}] + list(extra_tags)
    placement = (
        {"LaunchTemplate": spec}
        if pool == "default"
        else {
            "MixedInstancesPolicy": {
                "LaunchTemplate": {
                    "LaunchTemplateSpecification": spec,
                    "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m6i.large"}],
                },
                "InstancesDistribution": {"OnDemandBaseCapacity": 0, "OnDemandPercentageAboveBaseCapacity": 0},
            }
        }
    )
    client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=name,
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnet,
        NewInstancesProtectedFromScaleIn=True,
        Tags=[dict(t, PropagateAtLaunch=True) for t in group_tags],
        **placement,
    )


def test_collect_reads_the_pools_as_the_rules_judge_them(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        ec2 = client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": STACK_TAGS}])[
            "Vpc"
        ]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
        agent_sg = ec2.create_security_group(GroupName="demo-agent", Description="agents", VpcId=vpc)["GroupId"]
        scaling = ["autoscaling:UpdateAutoScalingGroup", "autoscaling:TerminateInstanceInAutoScalingGroup"]
        _role(
            client("iam"),
            "controller",
            [{"Effect": "Allow", "Action": scaling, "Resource": [ARN + "demo-agent", ARN + "demo-agent-spot"]}],
        )
        _role(client("iam"), "agent", [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}])
        _pool(client, "demo-agent", "default", subnet, agent_sg)
        _pool(client, "demo-agent-spot", "spot", subnet, agent_sg, [{"Key": "team", "Value": "ci"}])
        client("autoscaling").create_auto_scaling_group(
            AutoScalingGroupName="team-b-workers",
            LaunchTemplate={"LaunchTemplateName": "demo-agent"},
            MinSize=0,
            MaxSize=1,
            VPCZoneIdentifier=subnet,
        )
        state, account = collect(client, "demo")

    assert [arn.rsplit("/", 1)[1] for arn in state.other_group_arns] == ["team-b-workers"]
    assert state.launch_template_tags["demo-agent-spot"][-1] == {"Key": "jenkins-ha:pool", "Value": "spot"}
    expect = Expectations(agent_pools=POOLS)
    assert pool_findings(state, expect) + scaling_findings(state, expect, account) == []
    dropped = Expectations(agent_pools=POOLS[:1])
    assert [f.split(":")[0] for f in pool_findings(state, dropped)] == [
        "autoscaling group demo-agent-spot",
        "launch template demo-agent-spot",
    ]
    assert any("autoScalingGroupName/demo-agent-spot, which is not" in f for f in scaling_findings(state, dropped))
