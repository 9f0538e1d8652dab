"""Spot pools on AWS (issues 16, 18): a group with a mixed instances policy names its launch template only in
MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification (AWS describes no top-level LaunchTemplate).
upgrade_kept_versions keeps such a group's version, upgrade_plan finds its template and version (and those of a
refresh whose desired configuration is a mixed instances policy), and autoscaling_refresh moves it with its own
policy (only the template version changed), so that the group keeps its Spot distribution and instance types."""

import copy

import pytest

from ansible_collections.jenkins_ha.aws.plugins.filter.upgrade_kept_versions import upgrade_kept_versions
from ansible_collections.jenkins_ha.aws.plugins.filter.upgrade_plan import upgrade_plan
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import instance_refresh
from ansible_collections.jenkins_ha.aws.plugins.modules import autoscaling_refresh
from tests.emulator.compat import (
    autoscaling_instance_refresh,
    autoscaling_mixed_instances_policy_describe,
    autoscaling_update_keeps_mixed_instances_policy,
)
from tests.unit.modules.helpers import in_process_moto, run_module, seed_group

OLD, NEW = "ami-0000000000000old0", "ami-0000000000000new0"


def snake_policy(template="s-agent-spot", version="1"):
    """A Spot pool's policy as DescribeAutoScalingGroups gives it (snake_case), without a top-level template."""
    return {
        "launch_template": {
            "launch_template_specification": {
                "launch_template_id": "lt-1",
                "launch_template_name": template,
                "version": version,
            },
            "overrides": [{"instance_type": "m5.large"}, {"instance_type": "m6i.large"}],
        },
        "instances_distribution": {"on_demand_percentage_above_base_capacity": 0},
    }


def spot_group(version="1", top_level=None, instances=("i-s1",)):
    group = {
        "auto_scaling_group_name": "s-agent-spot",
        "mixed_instances_policy": snake_policy(version=version),
        "instances": [{"instance_id": i, "lifecycle_state": "InService"} for i in instances],
    }
    if top_level:
        group["launch_template"] = top_level
    return group


TEMPLATES = [{"launch_template_name": "s-agent-spot", "latest_version_number": 3}]
ITEM = {"name": "s-agent-spot", "launch_template": "s-agent-spot"}


@pytest.mark.parametrize(
    "actual, expected",
    [
        ([spot_group("2")], "2"),  # kept: only upgrade.yml moves a Spot pool to the newest image
        ([spot_group("3")], "3"),
        ([spot_group("$Latest")], "3"),
        # The policy is what AWS launches from: a top-level template beside it is not read.
        ([spot_group("2", top_level={"launch_template_name": "s-agent-spot", "version": "1"})], "2"),
        ([], "3"),
    ],
)
def test_a_spot_pool_keeps_its_version(actual, expected):
    [item] = upgrade_kept_versions([ITEM], actual, TEMPLATES)
    assert item["launch_template_version"] == expected


NAMES = {"controller": "s-controller"}
POOLS = [{"name": "spot", "asg_name": "s-agent-spot", "launch_template_name": "s-agent-spot", "image": "agent"}]
CONTROLLER = {
    "auto_scaling_group_name": "s-controller",
    "launch_template": {"launch_template_name": "s-controller", "version": "2"},
    "instances": [{"instance_id": "i-c1", "lifecycle_state": "InService"}],
}
VERSIONS = {
    name: [{"version_number": n + 1, "launch_template_data": {"image_id": i}} for n, i in enumerate((OLD, NEW))]
    for name in ("s-controller", "s-agent-spot")
}
RECORDED = {"controller": NEW, "agent": NEW}


def refresh(status, desired):
    return {"instance_refresh_id": "r-1", "status": status, "status_reason": "", "desired_configuration": desired}


MIXED_TO_2 = {"mixed_instances_policy": snake_policy(version="2")}
MIXED_TO_1 = {"mixed_instances_policy": snake_policy(version="1")}
PLAIN_TO_2 = {"launch_template": {"launch_template_name": "s-agent-spot", "version": "2"}}


@pytest.mark.parametrize(
    "version, images, newest, action, fragment",
    [
        ("1", {"i-s1": OLD}, None, "roll", "the group launches version 1, the recorded image is in version 2"),
        ("2", {"i-s1": NEW}, None, "none", "already on " + NEW),
        ("2", {"i-s1": OLD}, None, "roll", "1 instance(s) run " + OLD),
        ("1", {"i-s1": NEW}, refresh("Baking", MIXED_TO_2), "refreshing", "toward version 2 with the recorded image"),
        ("1", {"i-s1": OLD}, refresh("InProgress", PLAIN_TO_2), "refreshing", "toward version 2"),
        ("1", {"i-s1": OLD}, refresh("InProgress", MIXED_TO_1), "error", "toward version 1 of s-agent-spot, not"),
        ("1", {"i-s1": OLD}, refresh("Successful", MIXED_TO_2), "roll", "the group launches version 1"),
    ],
)
def test_a_spot_pool_is_planned_from_its_policy(version, images, newest, action, fragment):
    plan = upgrade_plan(
        [CONTROLLER, spot_group(version)],
        dict(images, **{"i-c1": NEW}),
        VERSIONS,
        RECORDED,
        NAMES,
        "agents",
        {"s-agent-spot": newest},
        POOLS,
    )
    spot = plan[1]
    assert (spot["launch_template"], spot["current_version"], spot["to_version"]) == ("s-agent-spot", version, "2")
    assert spot["action"] == action and fragment in spot["reason"], spot


POLICY = {
    "LaunchTemplate": {
        "LaunchTemplateSpecification": {"LaunchTemplateId": "lt-1", "LaunchTemplateName": "pool", "Version": "1"},
        "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m6i.large"}],
    },
    "InstancesDistribution": {"OnDemandBaseCapacity": 0, "OnDemandPercentageAboveBaseCapacity": 0},
}
TO_2 = {"LaunchTemplateName": "pool", "Version": "2"}


@pytest.mark.parametrize(
    "group, expected",
    [
        (None, {"LaunchTemplate": TO_2}),
        ({"LaunchTemplate": {"LaunchTemplateName": "pool", "Version": "1"}}, {"LaunchTemplate": TO_2}),
        (
            {"MixedInstancesPolicy": POLICY},
            {
                "MixedInstancesPolicy": {
                    "LaunchTemplate": {
                        "LaunchTemplateSpecification": TO_2,
                        "Overrides": POLICY["LaunchTemplate"]["Overrides"],
                    },
                    "InstancesDistribution": POLICY["InstancesDistribution"],
                }
            },
        ),
    ],
)
def test_desired_configuration_of_a_group(group, expected):
    before = copy.deepcopy(group)
    assert instance_refresh.desired_configuration("pool", 2, group) == expected
    assert group == before  # the described group is not changed
    assert instance_refresh.target_of({"DesiredConfiguration": expected}) == "pool version 2"


@pytest.mark.parametrize(
    "strategy, sent",
    [
        # SpotInstancePools is valid only with lowest-price (InstancesDistribution, Auto Scaling API reference);
        # lowest-price is the strategy of a distribution that names none.
        ("price-capacity-optimized", False),
        ("capacity-optimized", False),
        ("lowest-price", True),
        (None, True),
    ],
)
def test_spot_instance_pools_go_back_only_with_lowest_price(strategy, sent):
    distribution = dict(POLICY["InstancesDistribution"], SpotInstancePools=2)
    if strategy:
        distribution["SpotAllocationStrategy"] = strategy
    group = {"MixedInstancesPolicy": dict(POLICY, InstancesDistribution=distribution)}
    desired = instance_refresh.desired_configuration("pool", 2, group)["MixedInstancesPolicy"]["InstancesDistribution"]
    assert ("SpotInstancePools" in desired) is sent
    assert {k: v for k, v in desired.items() if k != "SpotInstancePools"} == {
        k: v for k, v in distribution.items() if k != "SpotInstancePools"
    }
    assert group["MixedInstancesPolicy"]["InstancesDistribution"] == distribution  # the described group is not changed


def test_no_template_no_desired_configuration():
    assert instance_refresh.desired_configuration(None, None, {"MixedInstancesPolicy": POLICY}) is None


@pytest.fixture
def spot_pool(monkeypatch):
    patches = (
        autoscaling_mixed_instances_policy_describe,
        autoscaling_update_keeps_mixed_instances_policy,
        autoscaling_instance_refresh,
    )
    for patch in patches:
        patch.apply()
    try:
        with in_process_moto(monkeypatch) as aws:
            policy = copy.deepcopy(POLICY)
            policy["LaunchTemplate"]["LaunchTemplateSpecification"] = {"LaunchTemplateName": "pool", "Version": "1"}
            images = seed_group(aws, "pool", "10.8", images=2, MixedInstancesPolicy=policy, MinSize=0, MaxSize=2).images
            yield aws("autoscaling"), aws("ec2"), images
    finally:
        for patch in reversed(patches):
            patch.remove()


def test_the_module_moves_a_spot_pool_with_its_own_policy(spot_pool, capsys):
    autoscaling, ec2, images = spot_pool
    checked = run_module(
        autoscaling_refresh.main,
        capsys,
        _ansible_check_mode=True,
        name="pool",
        launch_template_name="pool",
        launch_template_version="2",
    )
    desired = checked["instance_refresh"]["desired_configuration"]
    assert "launch_template" not in desired and "pool" in checked["msg"]
    result = run_module(
        autoscaling_refresh.main,
        capsys,
        name="pool",
        launch_template_name="pool",
        launch_template_version="2",
        min_healthy_percentage=0,
        max_healthy_percentage=100,
        wait_delay=0,
    )
    assert result["status"] == "Successful", result
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["pool"])["AutoScalingGroups"][0]
    policy = group["MixedInstancesPolicy"]
    assert policy["LaunchTemplate"]["LaunchTemplateSpecification"]["Version"] == "2" and "LaunchTemplate" not in group
    assert [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == ["m5.large", "m6i.large"]
    assert policy["InstancesDistribution"]["OnDemandPercentageAboveBaseCapacity"] == 0
    ids = [i["InstanceId"] for i in group["Instances"]]
    launched = [i["ImageId"] for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]]
    assert launched == [images[1]]
