"""The audit (tests/audit/stack.py, what `make audit` judges prowler's verdicts on) names every agent pool's group,
launch template and instances as the stack's, with labels stable across runs, and no pool of another stack."""

from __future__ import annotations

from tests.audit.stack import stack_resources
from tests.unit.modules.helpers import in_process_moto


def _pool(client, stack, pool, subnet):
    ec2, autoscaling = client("ec2"), client("autoscaling")
    name = "{0}-agent{1}".format(stack, "" if pool == "default" else "-" + pool)
    tags = [{"Key": "jenkins-ha:stack", "Value": stack}, {"Key": "jenkins-ha:pool", "Value": pool}]
    ec2.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.large"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": tags}],
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": name, "Version": "$Latest"},
        MinSize=1,
        MaxSize=2,
        DesiredCapacity=1,
        VPCZoneIdentifier=subnet,
        Tags=[dict(t, PropagateAtLaunch=True) for t in tags + [{"Key": "Name", "Value": name}]],
    )
    return name


def test_every_pool_of_the_stack_is_audited_and_no_other_stacks(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        ec2 = client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
        ours = [_pool(client, "demo", pool, subnet) for pool in ("default", "spot")]
        _pool(client, "other", "spot", subnet)
        found = stack_resources(client, "demo", "us-east-1", "123456789012")

    labels = set(found.values())
    for name in ours:
        assert {"autoscaling-group " + name, "launch-template " + name, "instance " + name} <= labels, labels
    assert not [label for label in labels if "other" in label]
