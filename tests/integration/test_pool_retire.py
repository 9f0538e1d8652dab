"""playbooks/pools_retire.yml against a stack seeded with boto3 (no site.yml): the demo inventory's two pools listed
(their groups retire-agent and retire-agent-spot seeded empty, to show that listed pools stay), and a pool gpu taken
off the list: its group retire-agent-gpu (two agents protected from scale-in, as the EC2 Fleet plugin launches them),
launch template, record agent/pools/gpu/asg-name and two alarms, and the Jenkins stand-in as the controller with the
pool's EC2 Fleet cloud still configured (the settings drop it after this playbook, in site.yml).

Order matters (one stack, --dist loadfile): Jenkins unreachable refuses before anything changes; check mode says what
it would do and changes nothing; a busy agent past the drain timeout aborts with nothing deleted (the group frozen,
the agents offline, the build going on), and the frozen group launches nothing when the plugin raises its capacity
(Launch suspended); once the build ends the pool is removed (nodes, group, template, record, alarms), its agents
terminated although protected from scale-in (ForceDelete), and no build was aborted; with the controller down,
jenkins_ha_pool_retire_on_timeout=proceed removes a pool from AWS, terminates its agent and names the nodes left in
Jenkins; the rerun with nothing to retire is 0 changed. The emulator's autoscaling_suspended_launch and
autoscaling_force_delete make the two AWS behaviours hold (stock moto launches and keeps protected instances).
The branch "proceed past the drain timeout with a busy agent" is not run (it deletes the named busy nodes:
jenkins_node's documented behaviour). Duration: 184 s on this shared 2-core machine during a CI run (35 s emulator and
stand-in start, six playbook runs); the two checks above add three API calls (under a second).
"""

from __future__ import annotations

import pytest

from tests.integration.harness import ROOT
from tests.integration.test_standin_fleet import casc, fake, fleet_nodes, get, start
from tests.unit.fakes.test_jenkins_standin_jcasc import PASSWORD

DEMO = ROOT / "inventory" / "demo"
RETIRE = ROOT / "playbooks" / "pools_retire.yml"
STACK = "retire"
GPU, LISTED = f"{STACK}-agent-gpu", [f"{STACK}-agent", f"{STACK}-agent-spot"]
PATH = f"/jenkins-ha/{STACK}"
RECORD = f"{PATH}/agent/pools/gpu/asg-name"
ALARMS = [f"{STACK}-agents-gpu-at-max", f"{STACK}-agents-gpu-short"]
TAGS = [{"Key": "jenkins-ha:stack", "Value": STACK}]


@pytest.fixture(scope="module")
def stack(emulator, standin_war, tmp_path_factory):
    ec2, autoscaling, ssm = emulator.client("ec2"), emulator.client("autoscaling"), emulator.client("ssm")
    vpc_id = ec2.create_vpc(CidrBlock="10.79.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.79.0.0/20")["Subnet"]["SubnetId"]
    for name, pool, size in ((LISTED[0], "default", 0), (LISTED[1], "spot", 0), (GPU, "gpu", 2)):
        seed_pool(emulator, name, pool, size, subnet_id)
    standin = start(standin_war, tmp_path_factory.mktemp("retire-standin"), emulator, casc(group=GPU, cloud="gpu"))
    records = {
        "controller/url": standin.url + "/",
        "controller/admin-username": "admin",
        "agent/pools/gpu/asg-name": GPU,
        "agent/pools/default/asg-name": LISTED[0],
    }
    for key, value in records.items():
        ssm.put_parameter(Name=f"{PATH}/{key}", Value=value, Type="String")
    ssm.put_parameter(Name=f"{PATH}/controller/admin-password", Value=PASSWORD, Type="SecureString")
    for name in ALARMS + [f"{STACK}-agents-at-max"]:
        emulator.client("cloudwatch").put_metric_alarm(
            AlarmName=name,
            AlarmDescription=f"jenkins_ha {STACK}: agent pool alarm",
            Namespace="AWS/AutoScaling",
            MetricName="GroupDesiredCapacity",
            Statistic="Maximum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
    assert fake(standin, "/fake/fleet/update")[0] == 200
    agents = sorted(i["InstanceId"] for i in group(emulator, GPU)["Instances"])
    assert sorted(fleet_nodes(standin)) == agents and len(agents) == 2
    yield {"standin": standin, "agents": agents, "subnet_id": subnet_id}
    standin.stop()


def seed_pool(emulator, name, pool, size, subnet_id):
    """A pool's launch template and group as launch_templates.yml and asgs.yml tag them, its agents protected."""
    ec2 = emulator.client("ec2")
    tags = TAGS + [{"Key": "jenkins-ha:pool", "Value": pool}]
    ec2.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={"ImageId": ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": tags}],
    )
    emulator.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": name, "Version": "1"},
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=size,
        VPCZoneIdentifier=subnet_id,
        NewInstancesProtectedFromScaleIn=True,
        Tags=[dict(tag, PropagateAtLaunch=True) for tag in tags],
    )


def group(emulator, name):
    groups = emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return (groups["AutoScalingGroups"] or [None])[0]


def instance_states(emulator, ids):
    reservations = emulator.client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}


def state(emulator):
    """What the retire may change in AWS: the groups (sizes, suspended processes, instances), templates, records,
    alarms."""
    described = {}
    for name in LISTED + [GPU]:
        g = group(emulator, name)
        described[name] = g and (
            g["MinSize"],
            g["MaxSize"],
            g["DesiredCapacity"],
            sorted(p["ProcessName"] for p in g["SuspendedProcesses"]),
            sorted(i["InstanceId"] for i in g["Instances"]),
        )
    templates = emulator.client("ec2").describe_launch_templates()["LaunchTemplates"]
    described["templates"] = sorted(
        t["LaunchTemplateName"] for t in templates if t["LaunchTemplateName"].startswith(STACK)
    )
    parameters = emulator.client("ssm").get_parameters_by_path(Path=f"{PATH}/agent", Recursive=True)["Parameters"]
    described["records"] = sorted(p["Name"] for p in parameters)
    alarms = emulator.client("cloudwatch").describe_alarms(AlarmNamePrefix=STACK)["MetricAlarms"]
    described["alarms"] = sorted(a["AlarmName"] for a in alarms)
    return described


def retire(playbook, *extra, check=False):
    return playbook(
        RETIRE,
        inventory=DEMO,
        extra_vars=[f"jenkins_ha_stack_name={STACK}", *extra],
        check=check,
    )


def flat(output):
    return " ".join(output.split())


def test_an_unreachable_jenkins_is_refused_before_anything_changes(playbook, emulator, stack):
    ssm = emulator.client("ssm")
    before = state(emulator)
    ssm.put_parameter(Name=f"{PATH}/controller/url", Value="http://127.0.0.1:9/", Type="String", Overwrite=True)
    try:
        result = retire(playbook)
    finally:
        ssm.put_parameter(
            Name=f"{PATH}/controller/url", Value=stack["standin"].url + "/", Type="String", Overwrite=True
        )
    assert result.rc != 0
    output = flat(result.output)
    assert "Cannot reach Jenkins to drain agent pool(s) gpu" in output and "Nothing was changed." in output, output[
        -3000:
    ]
    assert "jenkins_ha_pool_retire_on_timeout=proceed" in output
    assert state(emulator) == before


def test_check_mode_says_what_it_would_do_and_changes_nothing(playbook, emulator, stack):
    before = state(emulator)
    result = retire(playbook, check=True)
    assert result.rc == 0, result.output[-4000:]
    output = flat(result.output)
    assert f"Would retire agent pool gpu (group {GPU}, launch template {GPU})" in output, output[-4000:]
    assert "take " + ", ".join(stack["agents"]) + " offline in Jenkins" in output
    assert RECORD in output and all(alarm in output for alarm in ALARMS)
    assert "default" not in output.split("Would retire", 1)[1].split("TASK", 1)[0]
    assert state(emulator) == before
    assert not any(node["offline"] for node in fleet_nodes(stack["standin"]).values())


def test_a_busy_agent_past_the_timeout_aborts_and_nothing_is_deleted(playbook, emulator, stack):
    standin = stack["standin"]
    busy, idle = stack["agents"]
    assert fake(standin, f"/fake/computer/{busy}/startBuild")[0] == 200
    before = state(emulator)
    result = retire(playbook, "jenkins_ha_pool_retire_drain_timeout=2")
    assert result.rc != 0, result.output[-6000:]
    output = flat(result.output)
    assert f"Agents {busy} still run builds after 2 s" in output and "nothing was deleted" in output, output[-4000:]
    after = state(emulator)
    # Frozen: no capacity, Launch suspended, both agents kept (protected from scale-in); the rest untouched.
    assert after[GPU] == (0, 0, 0, ["Launch"], before[GPU][4])
    assert {k: v for k, v in after.items() if k != GPU} == {k: v for k, v in before.items() if k != GPU}
    nodes = fleet_nodes(standin)
    assert sorted(nodes) == stack["agents"] and nodes[busy]["offline"] and nodes[idle]["offline"]
    assert not nodes[busy]["idle"] and get(standin, "/fake/state")["abortedBuilds"] == 0
    # The pool's cloud still lives in Jenkins until the settings drop it: when it wants agents, the EC2 Fleet plugin
    # sets the group's sizes back (UpdateAutoScalingGroup, tests/fakes/jenkins/README.md). Launch suspended holds:
    # the desired capacity is recorded and nothing is launched (the emulator's autoscaling_suspended_launch). The next
    # retire freezes the group again.
    emulator.client("autoscaling").update_auto_scaling_group(
        AutoScalingGroupName=GPU, MinSize=0, MaxSize=4, DesiredCapacity=3, NewInstancesProtectedFromScaleIn=True
    )
    assert state(emulator)[GPU] == (0, 4, 3, ["Launch"], before[GPU][4])


def test_once_the_builds_end_the_pool_is_removed(playbook, emulator, stack):
    standin = stack["standin"]
    busy = stack["agents"][0]
    assert fake(standin, f"/fake/computer/{busy}/finishBuild")[0] == 200
    before = state(emulator)
    result = retire(playbook, "jenkins_ha_pool_retire_drain_timeout=30")
    assert result.rc == 0, result.output[-4000:]
    after = state(emulator)
    assert after[GPU] is None
    assert after["templates"] == LISTED
    assert after["records"] == [f"{PATH}/agent/pools/default/asg-name"]
    assert after["alarms"] == [f"{STACK}-agents-at-max"]
    assert {name: after[name] for name in LISTED} == {name: before[name] for name in LISTED}
    assert fleet_nodes(standin) == {}
    assert get(standin, "/fake/state")["abortedBuilds"] == 0
    # The group went with ForceDelete, which terminates its instances, protected from scale-in or not (the emulator's
    # autoscaling_force_delete; stock moto's delete leaves protected instances running).
    assert instance_states(emulator, stack["agents"]) == dict.fromkeys(stack["agents"], "terminated")


def test_proceed_removes_a_pool_without_jenkins_and_says_what_is_left(playbook, emulator, stack):
    """The controller down: jenkins_ha_pool_retire_on_timeout=proceed removes the pool from AWS anyway and names the
    Jenkins nodes left to remove."""
    ssm, stale = emulator.client("ssm"), f"{STACK}-agent-stale"
    seed_pool(emulator, stale, "stale", 1, stack["subnet_id"])
    [agent] = [i["InstanceId"] for i in group(emulator, stale)["Instances"]]
    ssm.put_parameter(Name=f"{PATH}/controller/url", Value="http://127.0.0.1:9/", Type="String", Overwrite=True)
    try:
        result = retire(playbook, "jenkins_ha_pool_retire_on_timeout=proceed")
    finally:
        ssm.put_parameter(
            Name=f"{PATH}/controller/url", Value=stack["standin"].url + "/", Type="String", Overwrite=True
        )
    assert result.rc == 0, result.output[-4000:]
    output = flat(result.output)
    assert f"Jenkins was not reached, so its nodes of {agent} stay" in output, output[-4000:]
    after = state(emulator)
    assert group(emulator, stale) is None and after["templates"] == LISTED
    assert instance_states(emulator, [agent]) == {agent: "terminated"}


def test_a_rerun_with_nothing_to_retire_changes_nothing(playbook, emulator, stack):
    result = retire(playbook)
    assert result.rc == 0, result.output[-4000:]
    assert result.changed() == 0, result.output[-4000:]
    assert "Retiring agent pool" not in result.output
