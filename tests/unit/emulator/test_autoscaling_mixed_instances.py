"""Patch autoscaling_mixed_instances_policy_describe (a group with a mixed instances policy names its launch template
only in the policy, as on AWS), and the instance refresh model with a DesiredConfiguration holding a
MixedInstancesPolicy (API_DesiredConfiguration: "either a LaunchTemplate or a MixedInstancesPolicy"): the refresh
launches from the policy's template version and the group takes the policy on success; a rollback gives the group
its previous policy back; a LaunchTemplate alone leaves the group with that template and no policy on success."""

from __future__ import annotations

import copy

from tests.emulator.compat import (
    autoscaling_instance_refresh,
    autoscaling_instance_refresh_rollback,
    autoscaling_mixed_instances_policy_describe,
    autoscaling_update_keeps_mixed_instances_policy,
)

DISTRIBUTION = {
    "OnDemandBaseCapacity": 0,
    "OnDemandPercentageAboveBaseCapacity": 0,
    "SpotAllocationStrategy": "price-capacity-optimized",
}
POLICY = {
    "LaunchTemplate": {
        "LaunchTemplateSpecification": {"LaunchTemplateName": "spot", "Version": "1"},
        "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m6i.large"}],
    },
    "InstancesDistribution": DISTRIBUTION,
}
HANDOVER = {"MinHealthyPercentage": 0, "MaxHealthyPercentage": 100}


def _policy(version):
    policy = copy.deepcopy(POLICY)
    policy["LaunchTemplate"]["LaunchTemplateSpecification"]["Version"] = version
    return policy


def _stack(aws):
    return _stack_named(aws, "g")


def _stack_named(aws, name):
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    images = [image["ImageId"] for image in ec2.describe_images(Owners=["amazon"])["Images"][:2]]
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.7.0.0/24")["Subnet"]["SubnetId"]
    if not ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": ["spot"]}])[
        "LaunchTemplates"
    ]:
        ec2.create_launch_template(LaunchTemplateName="spot", LaunchTemplateData={"ImageId": images[0]})
        ec2.create_launch_template_version(LaunchTemplateName="spot", LaunchTemplateData={"ImageId": images[1]})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        MixedInstancesPolicy=_policy("1"),
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=2,
        VPCZoneIdentifier=subnet_id,
    )
    return autoscaling, ec2, images


def _group(autoscaling):
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0]


def _poll(autoscaling, times=1):
    for _unused in range(times):
        refresh = autoscaling.describe_instance_refreshes(AutoScalingGroupName="g")["InstanceRefreshes"][0]
    return refresh


def _images(ec2, group):
    ids = [i["InstanceId"] for i in group["Instances"]]
    return sorted(i["ImageId"] for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"])


def _spec(group):
    spec = group["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]
    return spec["LaunchTemplateName"], spec["Version"]


def _kept(group):
    """The policy's overrides and distribution, as created."""
    policy = group["MixedInstancesPolicy"]
    return [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == ["m5.large", "m6i.large"] and all(
        policy["InstancesDistribution"][key] == value for key, value in DISTRIBUTION.items()
    )


def _from_a_launch_template(aws):
    """A group created on version 1 of its launch template, then given a mixed instances policy on version 2."""
    autoscaling, _unused, _unused = _stack(aws)
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName="g", LaunchTemplate={"LaunchTemplateName": "spot", "Version": "1"}
    )
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="g", MixedInstancesPolicy=_policy("2"))
    return autoscaling


def test_stock_moto_keeps_a_stale_top_level_launch_template_beside_the_policy(aws, compat_patch):
    compat_patch.stock(autoscaling_mixed_instances_policy_describe)
    group = _group(_from_a_launch_template(aws))
    assert _spec(group) == ("spot", "2") and group["LaunchTemplate"]["Version"] == "1"


def test_a_group_with_a_policy_names_its_template_only_there(aws, compat_patch):
    with compat_patch(autoscaling_mixed_instances_policy_describe):
        group = _group(_from_a_launch_template(aws))
        assert "LaunchTemplate" not in group and _spec(group) == ("spot", "2")
        autoscaling, _unused, _unused = _stack_named(aws, "h")
        group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["h"])["AutoScalingGroups"][0]
        assert "LaunchTemplate" not in group and _spec(group) == ("spot", "1")


def _patched(compat_patch):
    return (
        compat_patch(autoscaling_mixed_instances_policy_describe),
        compat_patch(autoscaling_update_keeps_mixed_instances_policy),
        compat_patch(autoscaling_instance_refresh),
        compat_patch(autoscaling_instance_refresh_rollback),
    )


def test_a_refresh_to_a_mixed_instances_policy_launches_its_version_and_gives_it_on_success(aws, compat_patch):
    describe, keep, refresh, rollback = _patched(compat_patch)
    with describe, keep, refresh, rollback:
        autoscaling, ec2, images = _stack(aws)
        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g",
            DesiredConfiguration={"MixedInstancesPolicy": _policy("2")},
            Preferences=dict(HANDOVER, BakeTime=3600, AutoRollback=True),
        )
        assert _poll(autoscaling, 2)["Status"] == "Baking"
        group = _group(autoscaling)
        # Launched from version 2; the group keeps its own policy (version 1) until the refresh succeeds.
        assert _images(ec2, group) == [images[1]] * 2 and _spec(group) == ("spot", "1") and _kept(group)
        autoscaling.cancel_instance_refresh(AutoScalingGroupName="g")
        assert _poll(autoscaling)["Status"] == "Cancelled"
        assert _spec(_group(autoscaling)) == ("spot", "1")

        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g", DesiredConfiguration={"MixedInstancesPolicy": _policy("2")}, Preferences=HANDOVER
        )
        assert _poll(autoscaling, 2)["Status"] == "Successful"
        group = _group(autoscaling)
        assert "LaunchTemplate" not in group and _spec(group) == ("spot", "2") and _kept(group)


def test_a_rollback_gives_the_group_its_previous_policy(aws, compat_patch):
    describe, keep, refresh, rollback = _patched(compat_patch)
    with describe, keep, refresh, rollback:
        autoscaling, ec2, images = _stack(aws)
        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g",
            DesiredConfiguration={"MixedInstancesPolicy": _policy("2")},
            Preferences=dict(HANDOVER, BakeTime=3600),
        )
        assert _poll(autoscaling, 2)["Status"] == "Baking"
        autoscaling.rollback_instance_refresh(AutoScalingGroupName="g")
        assert _poll(autoscaling)["Status"] == "RollbackSuccessful"
        group = _group(autoscaling)
        assert _spec(group) == ("spot", "1") and _kept(group) and _images(ec2, group) == [images[0]] * 2


def test_a_launch_template_alone_leaves_a_mixed_group_without_its_policy(aws, compat_patch):
    describe, keep, refresh, rollback = _patched(compat_patch)
    with describe, keep, refresh, rollback:
        autoscaling, _unused, _unused = _stack(aws)
        autoscaling.start_instance_refresh(
            AutoScalingGroupName="g",
            DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateName": "spot", "Version": "2"}},
            Preferences=HANDOVER,
        )
        assert _poll(autoscaling, 2)["Status"] == "Successful"
        group = _group(autoscaling)
        assert "MixedInstancesPolicy" not in group and group["LaunchTemplate"]["Version"] == "2"
