"""autoscaling_refresh for upgrade.yml on real AWS: a refresh whose new controller never becomes a healthy target is
returned (fail_on_timeout=false) and rolled back from InProgress; the active refresh is found with one
DescribeInstanceRefreshes of MaxRecords=1 (newest first), not the group's whole history."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import instance_refresh
from ansible_collections.jenkins_ha.aws.plugins.modules import autoscaling_refresh
from tests.emulator.compat import autoscaling_instance_refresh, autoscaling_instance_refresh_rollback
from tests.unit.modules.helpers import in_process_moto, run_module


@pytest.fixture
def controller(monkeypatch):
    autoscaling_instance_refresh.apply()
    autoscaling_instance_refresh_rollback.apply()
    try:
        with in_process_moto(monkeypatch) as aws:
            ec2, autoscaling, elbv2 = aws("ec2"), aws("autoscaling"), aws("elbv2")
            images = [image["ImageId"] for image in ec2.describe_images(Owners=["amazon"])["Images"][:2]]
            vpc_id = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
            subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.6.0.0/24")["Subnet"]["SubnetId"]
            ec2.create_launch_template(LaunchTemplateName="ctl", LaunchTemplateData={"ImageId": images[0]})
            ec2.create_launch_template_version(LaunchTemplateName="ctl", LaunchTemplateData={"ImageId": images[1]})
            arn = elbv2.create_target_group(
                Name="ctl", Protocol="HTTP", Port=8080, VpcId=vpc_id, HealthCheckPath="/login"
            )["TargetGroups"][0]["TargetGroupArn"]
            autoscaling.create_auto_scaling_group(
                AutoScalingGroupName="ctl",
                LaunchTemplate={"LaunchTemplateName": "ctl", "Version": "1"},
                MinSize=1,
                MaxSize=1,
                DesiredCapacity=1,
                VPCZoneIdentifier=subnet_id,
                TargetGroupARNs=[arn],
                HealthCheckType="ELB",
            )
            autoscaling_instance_refresh.set_failing_image(images[1])
            yield autoscaling, images
    finally:
        autoscaling_instance_refresh_rollback.remove()
        autoscaling_instance_refresh.remove()


HANDOVER = dict(
    name="ctl",
    launch_template_name="ctl",
    launch_template_version="2",
    min_healthy_percentage=0,
    max_healthy_percentage=100,
    bake_time=600,
    wait_until="replaced",
    wait_delay=0,
)


@pytest.mark.parametrize("fail_on_timeout", [True, False])
def test_a_refresh_that_never_gets_healthy_times_out(controller, capsys, fail_on_timeout):
    result = run_module(autoscaling_refresh.main, capsys, fail_on_timeout=fail_on_timeout, wait_timeout=0, **HANDOVER)
    assert result["timed_out"] is True and result["status"] == "InProgress", result
    assert bool(result.get("failed")) is fail_on_timeout


def test_a_refresh_stuck_on_health_is_rolled_back_from_in_progress(controller, capsys):
    autoscaling, images = controller
    started = run_module(autoscaling_refresh.main, capsys, fail_on_timeout=False, wait_timeout=0, **HANDOVER)
    # Following again (a rerun) reaches no further: the new target fails its health checks.
    followed = run_module(autoscaling_refresh.main, capsys, fail_on_timeout=False, wait_timeout=1, **HANDOVER)
    assert followed["changed"] is False and followed["status"] == "InProgress" and followed["timed_out"]
    assert "is unhealthy with Elastic Load Balancing" in followed["instance_refresh"]["status_reason"]
    rolled = run_module(autoscaling_refresh.main, capsys, name="ctl", state="rolled_back", wait_delay=0)
    assert rolled["changed"] and rolled["status"] == "RollbackSuccessful", rolled
    assert rolled["instance_refresh"]["instance_refresh_id"] == started["instance_refresh"]["instance_refresh_id"]
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["ctl"])["AutoScalingGroups"][0]
    assert group["LaunchTemplate"]["Version"] == "1"


@pytest.mark.parametrize(
    "newest, active",
    [
        ([], None),
        ([{"InstanceRefreshId": "r2", "Status": "Baking"}], "r2"),
        ([{"InstanceRefreshId": "r2", "Status": "RollbackInProgress"}], "r2"),
        ([{"InstanceRefreshId": "r2", "Status": "Successful"}], None),
    ],
)
def test_the_active_refresh_is_read_with_max_records_one(newest, active):
    calls = []

    class Client:
        def describe_instance_refreshes(self, **args):
            calls.append(args)
            return {"InstanceRefreshes": newest}

    found = instance_refresh.active_instance_refresh(Client(), "ctl")
    assert (found or {}).get("InstanceRefreshId") == active
    assert calls == [{"AutoScalingGroupName": "ctl", "MaxRecords": 1}]
