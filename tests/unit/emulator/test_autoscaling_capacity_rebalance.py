"""Patches autoscaling_capacity_rebalance_update (UpdateAutoScalingGroup sets CapacityRebalance, as AWS does) and
autoscaling_update_keeps_mixed_instances_policy (an update of something else keeps the group's mixed instances
policy), on a group shaped as an agent pool with Spot."""

from __future__ import annotations

from tests.emulator.compat import autoscaling_capacity_rebalance_update, autoscaling_update_keeps_mixed_instances_policy

POLICY = {
    "LaunchTemplate": {
        "LaunchTemplateSpecification": {"LaunchTemplateName": "pool-spot", "Version": "1"},
        "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m6i.large"}],
    },
    "InstancesDistribution": {
        "OnDemandBaseCapacity": 1,
        "OnDemandPercentageAboveBaseCapacity": 0,
        "SpotAllocationStrategy": "price-capacity-optimized",
    },
}


def _group(aws, capacity_rebalance):
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    vpc_id = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.4.0.0/24")["Subnet"]["SubnetId"]
    ec2.create_launch_template(LaunchTemplateName="pool-spot", LaunchTemplateData={"ImageId": image})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="pool-spot",
        MixedInstancesPolicy=POLICY,
        CapacityRebalance=capacity_rebalance,
        MinSize=0,
        MaxSize=3,
        DesiredCapacity=0,
        VPCZoneIdentifier=subnet_id,
    )
    return autoscaling


def _described(autoscaling):
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["pool-spot"])["AutoScalingGroups"][0]


def test_stock_moto_ignores_capacity_rebalance_on_update(aws, compat_patch):
    compat_patch.stock(autoscaling_capacity_rebalance_update)
    autoscaling = _group(aws, capacity_rebalance=True)
    assert _described(autoscaling)["CapacityRebalance"] is True
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", CapacityRebalance=False)
    assert _described(autoscaling)["CapacityRebalance"] is True


def test_update_sets_capacity_rebalance(aws, compat_patch):
    with compat_patch(autoscaling_capacity_rebalance_update):
        autoscaling = _group(aws, capacity_rebalance=False)
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", CapacityRebalance=True)
        assert _described(autoscaling)["CapacityRebalance"] is True
        # An update without the parameter leaves it alone.
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", MaxSize=4)
        group = _described(autoscaling)
        assert group["CapacityRebalance"] is True and group["MaxSize"] == 4
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", CapacityRebalance=False)
        assert _described(autoscaling)["CapacityRebalance"] is False


def test_stock_moto_drops_the_policy_on_any_update(aws, compat_patch):
    compat_patch.stock(autoscaling_update_keeps_mixed_instances_policy)
    autoscaling = _group(aws, capacity_rebalance=False)
    assert "MixedInstancesPolicy" in _described(autoscaling)
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", NewInstancesProtectedFromScaleIn=True)
    assert "MixedInstancesPolicy" not in _described(autoscaling)


def test_an_update_of_something_else_keeps_the_policy(aws, compat_patch):
    with compat_patch(autoscaling_update_keeps_mixed_instances_policy):
        autoscaling = _group(aws, capacity_rebalance=False)
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", NewInstancesProtectedFromScaleIn=True)
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", MaxSize=4)
        policy = _described(autoscaling)["MixedInstancesPolicy"]
        assert [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == ["m5.large", "m6i.large"]
        assert policy["InstancesDistribution"] == POLICY["InstancesDistribution"]
        # Naming a launch template alone switches the group to it, as on AWS.
        autoscaling.update_auto_scaling_group(
            AutoScalingGroupName="pool-spot", LaunchTemplate={"LaunchTemplateName": "pool-spot", "Version": "1"}
        )
        assert "MixedInstancesPolicy" not in _described(autoscaling)


# Weighted overrides make the policy visible in what a resize launches: moto counts a mixed group's instances by the
# first override's weight (desired 4, one On-Demand base, the rest Spot: ceil(1/2) + ceil(3/2) = 3 instances) and a
# group without a policy by the desired capacity alone (4).
WEIGHTED = dict(
    POLICY,
    LaunchTemplate=dict(
        POLICY["LaunchTemplate"],
        Overrides=[
            {"InstanceType": "m5.large", "WeightedCapacity": "2"},
            {"InstanceType": "m6i.large", "WeightedCapacity": "2"},
        ],
    ),
)


def _weighted_group(aws):
    autoscaling = _group(aws, capacity_rebalance=False)
    autoscaling.delete_auto_scaling_group(AutoScalingGroupName="pool-spot", ForceDelete=True)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="pool-spot",
        MixedInstancesPolicy=WEIGHTED,
        MinSize=0,
        MaxSize=8,
        DesiredCapacity=0,
        VPCZoneIdentifier=_described_subnet(aws),
    )
    return autoscaling


def _described_subnet(aws):
    return aws("ec2").describe_subnets(Filters=[{"Name": "cidr-block", "Values": ["10.4.0.0/24"]}])["Subnets"][0][
        "SubnetId"
    ]


def test_stock_moto_resizes_without_the_policy(aws, compat_patch):
    """An update that also resizes the group launches while stock moto has dropped the policy: one instance per
    unit of capacity, the overrides' weights ignored."""
    compat_patch.stock(autoscaling_update_keeps_mixed_instances_policy)
    autoscaling = _weighted_group(aws)
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", DesiredCapacity=4)
    assert len(_described(autoscaling)["Instances"]) == 4


def test_an_update_that_resizes_launches_from_the_kept_policy(aws, compat_patch):
    with compat_patch(autoscaling_update_keeps_mixed_instances_policy):
        autoscaling = _weighted_group(aws)
        autoscaling.update_auto_scaling_group(AutoScalingGroupName="pool-spot", DesiredCapacity=4)
        group = _described(autoscaling)
        assert len(group["Instances"]) == 3 and "MixedInstancesPolicy" in group
