"""autoscaling_capacity_rebalance against in-process moto (with the emulator's patch: stock moto ignores the flag on
update): check mode predicts, a run sets, a rerun is unchanged, a missing group names the playbook to run."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.modules import autoscaling_capacity_rebalance
from tests.emulator.compat import autoscaling_capacity_rebalance_update
from tests.unit.modules.helpers import in_process_moto, run_module


@pytest.fixture
def autoscaling(monkeypatch):
    autoscaling_capacity_rebalance_update.apply()
    try:
        with in_process_moto(monkeypatch) as client:
            ec2 = client("ec2")
            image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
            vpc_id = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
            subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.6.0.0/24")["Subnet"]["SubnetId"]
            ec2.create_launch_template(LaunchTemplateName="pool", LaunchTemplateData={"ImageId": image})
            client("autoscaling").create_auto_scaling_group(
                AutoScalingGroupName="pool",
                LaunchTemplate={"LaunchTemplateName": "pool"},
                MinSize=0,
                MaxSize=2,
                VPCZoneIdentifier=subnet_id,
            )
            yield client("autoscaling")
    finally:
        autoscaling_capacity_rebalance_update.remove()


def _flag(autoscaling):
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["pool"])["AutoScalingGroups"][0][
        "CapacityRebalance"
    ]


def test_check_run_rerun(autoscaling, capsys):
    main = autoscaling_capacity_rebalance.main
    check = run_module(main, capsys, name="pool", enabled=True, _ansible_check_mode=True, _ansible_diff=True)
    assert check["changed"] is True and _flag(autoscaling) is False
    assert check["diff"] == {"before": {"capacity_rebalance": False}, "after": {"capacity_rebalance": True}}
    run = run_module(main, capsys, name="pool", enabled=True)
    assert run["changed"] is True and _flag(autoscaling) is True
    assert run_module(main, capsys, name="pool", enabled=True)["changed"] is False
    assert run_module(main, capsys, name="pool", enabled=False)["changed"] is True and _flag(autoscaling) is False


def test_a_missing_group_names_the_playbook(autoscaling, capsys):
    result = run_module(autoscaling_capacity_rebalance.main, capsys, name="nope", enabled=True)
    assert result["failed"] is True and "run playbooks/asgs.yml first" in result["msg"]
