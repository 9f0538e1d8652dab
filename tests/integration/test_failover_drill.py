"""playbooks/failover_drill.yml against a controller group seeded with boto3 (no site.yml): refusal without the
confirmation, check mode, and both kills followed to a healthy replacement with the report of issue 17's Interface
section (observed phases beside the modelled table computed from the seeded settings). The emulator's replacement
behaviour comes from the compatibility layer (autoscaling_unhealthy_replacement, autoscaling_replacement_target_groups).
"""

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._failover.model import failover_rto
from tests.integration.harness import ROOT

DEMO = ROOT / "inventory" / "demo"
DRILL = ROOT / "playbooks" / "failover_drill.yml"
STACK = "drill"
SETTINGS = {"health_check_interval": 15, "healthy_threshold": 2, "unhealthy_threshold": 4, "deregistration_delay": 30}
PHASES = ["detection", "termination", "replacement_launch", "in_service", "healthy_target"]


@pytest.fixture(scope="module")
def controller(emulator):
    """The stack's controller group and target group as asgs.yml and alb.yml leave them, and nothing else."""
    ec2, elbv2, autoscaling = emulator.client("ec2"), emulator.client("elbv2"), emulator.client("autoscaling")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    vpc_id = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.77.1.0/24")["Subnet"]["SubnetId"]
    arn = elbv2.create_target_group(
        Name=f"{STACK}-controller",
        Protocol="HTTP",
        Port=8080,
        VpcId=vpc_id,
        HealthCheckPath="/login",
        HealthCheckIntervalSeconds=SETTINGS["health_check_interval"],
        HealthyThresholdCount=SETTINGS["healthy_threshold"],
        UnhealthyThresholdCount=SETTINGS["unhealthy_threshold"],
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_target_group_attributes(
        TargetGroupArn=arn,
        Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": str(SETTINGS["deregistration_delay"])}],
    )
    ec2.create_launch_template(
        LaunchTemplateName=f"{STACK}-controller", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.medium"}
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=f"{STACK}-controller",
        LaunchTemplate={"LaunchTemplateName": f"{STACK}-controller", "Version": "$Latest"},
        MinSize=1,
        MaxSize=1,
        DesiredCapacity=1,
        VPCZoneIdentifier=subnet_id,
        TargetGroupARNs=[arn],
        HealthCheckType="ELB",
        HealthCheckGracePeriod=900,
    )
    return autoscaling, elbv2, arn


def _state(controller):
    autoscaling, elbv2, arn = controller
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"{STACK}-controller"])[
        "AutoScalingGroups"
    ][0]
    targets = {
        t["Target"]["Id"]: t["TargetHealth"]["State"]
        for t in elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    }
    definition = {
        key: group[key]
        for key in ("MinSize", "MaxSize", "DesiredCapacity", "HealthCheckType", "HealthCheckGracePeriod")
    }
    instances = [(i["InstanceId"], i["LifecycleState"], i["HealthStatus"]) for i in group["Instances"]]
    return definition, instances, targets


def _drill(playbook, *extra, check=False):
    return playbook(
        DRILL,
        inventory=DEMO,
        extra_vars=[f"jenkins_ha_stack_name={STACK}", "jenkins_ha_drill_poll_interval=0.2", *extra],
        check=check,
    )


def test_refuses_without_the_stack_name(playbook, controller):
    before = _state(controller)
    result = _drill(playbook, "jenkins_ha_drill_confirm=demo")
    assert result.rc != 0, result.output[-3000:]
    assert f"needs -e jenkins_ha_drill_confirm={STACK}" in " ".join(result.output.split())
    assert _state(controller) == before


@pytest.mark.parametrize("kill", ["terminate", "unhealthy"])
def test_drill_follows_the_replacement_and_reports(playbook, controller, tmp_path, kill):
    definition, [(old, _unused, _unused)], _unused = _state(controller)
    report_path = tmp_path / "failover.json"
    result = _drill(
        playbook,
        f"jenkins_ha_drill_confirm={STACK}",
        f"jenkins_ha_drill_kill={kill}",
        f"jenkins_ha_drill_report={report_path}",
    )
    assert result.rc == 0, result.output[-3000:]
    report = json.loads(report_path.read_text())

    assert [phase["name"] for phase in report["phases"]] == PHASES
    assert all(phase["seconds"] >= 0 for phase in report["phases"])
    assert report["rto_seconds"] == pytest.approx(sum(phase["seconds"] for phase in report["phases"]), abs=0.2)
    # The model reads the stack's actual settings, not a copy of them.
    assert report["settings"] == dict(SETTINGS, warm_pool=False)
    expected = failover_rto(dict(SETTINGS), kill=kill)
    assert report["modelled"] == expected["modelled"]
    assert [(t["name"], t["seconds"], t["source"]) for t in report["model_terms"]] == [
        (t["name"], t["seconds"], t["source"]) for t in expected["model_terms"]
    ]
    assert f"Failover drill of {STACK} (kill={kill}): observed RTO" in result.output
    assert "AWS defaults" in result.output and "warm pool" in result.output

    # Left as found: same group definition, one serving controller that is a healthy target, another instance.
    after_definition, [(new, lifecycle, health)], targets = _state(controller)
    assert after_definition == definition
    assert new != old and new == report["new_instance_id"] and report["old_instance_id"] == old
    assert (lifecycle, health) == ("InService", "Healthy")
    assert targets.get(new) == "healthy"


WARM_POOL_PLAY = """
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: The controller's warm pool
      jenkins_ha.aws.autoscaling_warm_pool:
        region: us-east-1
        auto_scaling_group: {group}
        state: {state}
        min_size: 1
        pool_state: Stopped
      register: pool
    - name: Show it
      ansible.builtin.debug:
        msg: "warm pool changed={{{{ pool.changed }}}}"
"""


def test_warm_pool_module_and_check_mode_of_the_drill(playbook, controller, tmp_path):
    autoscaling, _unused, _unused = controller
    group = f"{STACK}-controller"

    def run(state, check=False):
        path = tmp_path / f"warm-{state}.yml"
        path.write_text(WARM_POOL_PLAY.format(group=group, state=state))
        result = playbook(path, check=check, diff=True)
        assert result.rc == 0, result.output[-3000:]
        return result.changed()

    assert run("present") == 1
    configuration = autoscaling.describe_warm_pool(AutoScalingGroupName=group)["WarmPoolConfiguration"]
    assert (configuration["MinSize"], configuration["PoolState"]) == (1, "Stopped")
    assert run("present") == 0

    # Check mode says what it would kill and kills nothing.
    before = _state(controller)
    [(old, _unused, _unused)] = before[1]
    result = _drill(playbook, f"jenkins_ha_drill_confirm={STACK}", check=True)
    assert result.rc == 0, result.output[-3000:]
    output = " ".join(result.output.split())
    assert f"the drill would terminate the controller {old} of {STACK}-controller" in output, result.output[-3000:]
    assert _state(controller) == before
    # The model reads the pool from the group: the stack's column is the warm-pool column now (terminate: 165/115).
    expected = failover_rto(dict(SETTINGS, warm_pool=True), kill="terminate")["modelled"]
    totals = re.search(r"total\s+(\d+)\s+(\d+)\s+(\d+)", result.output)
    assert totals and [int(x) for x in totals.groups()] == [
        expected["aws_defaults"],
        expected["stack"],
        expected["warm_pool"],
    ]
    assert (
        expected["stack"] == expected["warm_pool"] < failover_rto(dict(SETTINGS), kill="terminate")["modelled"]["stack"]
    )

    assert run("absent") == 1
    assert not autoscaling.describe_warm_pool(AutoScalingGroupName=group).get("WarmPoolConfiguration")
