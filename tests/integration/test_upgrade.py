"""playbooks/upgrade.yml against a stack seeded with boto3 (no site.yml): the groups on an old image (the
controller's with an ALB target group and ELB health checks, as asgs.yml makes it; the demo's two agent pools,
default as upgrade-agent and spot as upgrade-agent-spot, the latter with the mixed instances policy asgs.yml gives it,
so that its launch template is described only in the policy, as on AWS), the new image recorded with its manifest,
launch template versions for each, and the Jenkins stand-in as the controller with one EC2 Fleet cloud per pool over the seeded agent
groups (busy/idle fake builds, quiet-down, temporarily offline).
Order matters (one stack, --dist loadfile): check mode (every pool, then jenkins_ha_upgrade_pools=spot), an unknown
pool refused, the agents of both pools rolled one pool after the other with a busy one drained then replaced,
a new controller that never becomes a healthy target rolled back from InProgress, the controller rolled (its refresh
left Baking: the group takes the new version only when it succeeds), the idle rerun that sees the baking refresh and
rolls nothing. The abort on a drain timeout is covered by tests/unit/modules/test_jenkins_drain.py (what the module
reports); the playbook's branch is not run here, to keep the file short. The rollback from Baking (a healthy target
whose /login fails) is covered by tests/unit/modules/test_autoscaling_refresh.py at module level.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest

from tests.emulator.compat.autoscaling_instance_refresh import HOOK_PATH
from tests.integration.harness import ROOT
from tests.integration.test_standin_fleet import FLEET_CLOUD, casc, fake, fleet_nodes, get, start
from tests.unit.fakes.test_jenkins_standin_jcasc import PASSWORD
from tests.unit.jenkins_controller.test_casc_template import pinned_plugins

DEMO = ROOT / "inventory" / "demo"
UPGRADE = ROOT / "playbooks" / "upgrade.yml"
STACK = "upgrade"
# The demo inventory's pools: default keeps <stack>-agent, spot is <stack>-agent-spot.
CONTROLLER, AGENT, SPOT = f"{STACK}-controller", f"{STACK}-agent", f"{STACK}-agent-spot"
# The demo's spot pool as asgs.yml creates it (amazon.aws.autoscaling_group's mixed_instances_policy option).
SPOT_TYPES = ["m5.large", "m6i.large", "m5a.large"]
SPOT_DISTRIBUTION = {
    "OnDemandBaseCapacity": 1,
    "OnDemandPercentageAboveBaseCapacity": 0,
    "SpotAllocationStrategy": "price-capacity-optimized",
}


def launched_from(name):
    """A group's launch template on version 1: a Spot pool's in its mixed instances policy, any other's alone."""
    template = {"LaunchTemplateName": name, "Version": "1"}
    if name != SPOT:
        return {"LaunchTemplate": template}
    overrides = [{"InstanceType": instance_type} for instance_type in SPOT_TYPES]
    policy = {"LaunchTemplate": {"LaunchTemplateSpecification": template, "Overrides": overrides}}
    return {"MixedInstancesPolicy": dict(policy, InstancesDistribution=SPOT_DISTRIBUTION), "CapacityRebalance": True}


def manifest(image_id):
    """The controller image's manifest as images.yml records it: the role's core, Java 21, the pinned plugins and
    every plugin they require (at a placeholder version: their minimums are BOM-managed)."""
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import jcasc

    plugins = {}
    for name, version in pinned_plugins().items():
        with open("{0}/{1}/{2}.json".format(jcasc.SCHEMA_DIR, name, version), encoding="utf-8") as handle:
            plugins.update(dict.fromkeys(json.load(handle)["requires"]["plugins"], "1.0"))
    plugins.update(pinned_plugins())
    return {"format": 1, "jenkins": "2.568.2", "java": 21, "plugins": plugins, "image_id": image_id}


@pytest.fixture(scope="module")
def stack(emulator, standin_war, tmp_path_factory):
    ec2, autoscaling, ssm = emulator.client("ec2"), emulator.client("autoscaling"), emulator.client("ssm")
    old, new = [image["ImageId"] for image in ec2.describe_images(Owners=["amazon"])["Images"][:2]]
    vpc_id = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.78.1.0/24")["Subnet"]["SubnetId"]
    target_group = emulator.client("elbv2").create_target_group(
        Name=CONTROLLER,
        Protocol="HTTP",
        Port=8080,
        VpcId=vpc_id,
        HealthCheckProtocol="HTTP",
        HealthCheckPath="/login",
    )["TargetGroups"][0]["TargetGroupArn"]
    for name, size in ((CONTROLLER, 1), (AGENT, 2), (SPOT, 1)):
        ec2.create_launch_template(
            LaunchTemplateName=name, LaunchTemplateData={"ImageId": old, "InstanceType": "t3.small"}
        )
        ec2.create_launch_template_version(
            LaunchTemplateName=name, LaunchTemplateData={"ImageId": new, "InstanceType": "t3.small"}
        )
        # A grace period of 1 s: moto turns 0 into its default of 300.
        health = {"TargetGroupARNs": [target_group], "HealthCheckType": "ELB", "HealthCheckGracePeriod": 1}
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            MinSize=size if name == CONTROLLER else 0,
            MaxSize=size if name == CONTROLLER else 4,
            DesiredCapacity=size,
            VPCZoneIdentifier=subnet_id,
            NewInstancesProtectedFromScaleIn=name != CONTROLLER,
            **(health if name == CONTROLLER else {}),
            **launched_from(name),
        )
    spot_cloud = FLEET_CLOUD.format(group=SPOT, cloud="spot").replace("  clouds:\n", "")
    document = casc(group=AGENT).replace("unclassified:\n", spot_cloud + "unclassified:\n", 1)
    standin = start(standin_war, tmp_path_factory.mktemp("upgrade-standin"), emulator, document)
    path = f"/jenkins-ha/{STACK}"
    records = {
        "ami/controller": new,
        "ami/agent": new,
        "ami/controller-jenkins": json.dumps(manifest(new)),
        "controller/url": standin.url + "/",
        "controller/admin-username": "admin",
    }
    for key, value in records.items():
        ssm.put_parameter(Name=f"{path}/{key}", Value=value, Type="String")
    ssm.put_parameter(Name=f"{path}/controller/admin-password", Value=PASSWORD, Type="SecureString")
    assert fake(standin, "/fake/fleet/update")[0] == 200
    yield {"old": old, "new": new, "standin": standin}
    standin.stop()


def group(emulator, name):
    return emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name])[
        "AutoScalingGroups"
    ][0]


def template_of(described):
    """The launch template a group launches from: a group with a mixed instances policy names it only there."""
    if "MixedInstancesPolicy" in described:
        assert "LaunchTemplate" not in described
        return described["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]
    return described["LaunchTemplate"]


def images_of(emulator, name):
    ids = [i["InstanceId"] for i in group(emulator, name)["Instances"]]
    reservations = emulator.client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceId"]: i["ImageId"] for r in reservations for i in r["Instances"]}


def upgrade(playbook, *extra, check=False):
    return playbook(
        UPGRADE,
        inventory=DEMO,
        extra_vars=[f"jenkins_ha_stack_name={STACK}", "jenkins_ha_upgrade_poll_interval=1", *extra],
        check=check,
    )


def failing(emulator, image_id, is_failing=True):
    """The emulator's test hook: every target running image_id fails (or passes again) its health checks."""
    request = urllib.request.Request(
        emulator.url.rstrip("/") + HOOK_PATH,
        data=json.dumps({"image_id": image_id, "failing": is_failing}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def flat(output):
    return " ".join(output.split())


def test_check_mode_says_what_would_be_replaced_and_why(playbook, emulator, stack):
    before = (images_of(emulator, CONTROLLER), images_of(emulator, AGENT), images_of(emulator, SPOT))
    result = upgrade(playbook, check=True)
    assert result.rc == 0, result.output[-4000:]
    output = flat(result.output)
    [controller] = before[0]
    assert (
        "Would quiet down Jenkins" in output
        and f"then replace {controller} with launch template {CONTROLLER} version 2" in output
    )
    assert f"run {stack['old']}, not the recorded {stack['new']}" in output
    # One pool after the other, in jenkins_ha_agent_pools' order, each named.
    default = f"Pool default, group {AGENT}: would take " + ", ".join(sorted(before[1])) + " offline in Jenkins"
    spot = f"Pool spot, group {SPOT}: would take " + ", ".join(before[2]) + " offline in Jenkins"
    assert default in output and spot in output and output.index(default) < output.index(spot), output[-4000:]
    assert (images_of(emulator, CONTROLLER), images_of(emulator, AGENT), images_of(emulator, SPOT)) == before
    assert not get(stack["standin"], "/api/json")["quietingDown"]


def test_jenkins_ha_upgrade_pools_limits_the_pools(playbook, emulator, stack):
    result = upgrade(playbook, "jenkins_ha_upgrade_only=agents", "jenkins_ha_upgrade_pools=spot", check=True)
    assert result.rc == 0, result.output[-4000:]
    output = flat(result.output)
    assert f"Pool spot, group {SPOT}: would take" in output and "Pool default" not in output
    assert f"{AGENT} (pool default) | skip | pool not selected (jenkins_ha_upgrade_pools)" in output, output[-4000:]


def test_an_unknown_pool_is_refused_before_anything_is_done(playbook, emulator, stack):
    before = images_of(emulator, SPOT)
    result = upgrade(playbook, "jenkins_ha_upgrade_pools=spot,gpu")
    assert result.rc != 0
    output = flat(result.output)
    assert (
        "Nothing was replaced: jenkins_ha_upgrade_pools names gpu, not a pool of the stack"
        " (jenkins_ha_agent_pools: default, spot)" in output
    ), result.output[-4000:]
    assert "TASK [Quiet down Jenkins" not in result.output and images_of(emulator, SPOT) == before


def test_agents_roll_and_a_busy_one_is_drained_then_replaced(playbook, emulator, stack, tmp_path):
    """jenkins_ha_upgrade_only=agents rolls both pools, default then spot: the default pool's busy agent is drained,
    kept while its build runs, then replaced; the spot pool's idle agent is replaced after it."""
    standin = stack["standin"]
    before, spot_before = images_of(emulator, AGENT), images_of(emulator, SPOT)
    assert set(spot_before) <= set(fleet_nodes(standin)), "the spot cloud knows its agent"
    busy = sorted(before)[0]
    assert fake(standin, f"/fake/computer/{busy}/startBuild")[0] == 200
    seen = {}

    def finish_once_drained():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if fleet_nodes(standin)[busy]["offline"]:
                time.sleep(2)
                live = {i["InstanceId"]: i["LifecycleState"] for i in group(emulator, AGENT)["Instances"]}
                seen["at_finish"] = live.get(busy)
                seen["spot_at_finish"] = images_of(emulator, SPOT)
                seen["finished"] = fake(standin, f"/fake/computer/{busy}/finishBuild")[0]
                return
            time.sleep(0.5)

    finisher = threading.Thread(target=finish_once_drained)
    finisher.start()
    report = tmp_path / "agents.json"
    try:
        result = upgrade(
            playbook,
            "jenkins_ha_upgrade_only=agents",
            "jenkins_ha_upgrade_drain_timeout=60",
            f"jenkins_ha_upgrade_report={report}",
        )
    finally:
        finisher.join()
    assert result.rc == 0, result.output[-4000:]
    # The busy agent was still in its group, running its build, while the upgrade waited for it; the spot pool, next
    # in line, was not touched yet.
    assert seen == {"at_finish": "InService", "spot_at_finish": spot_before, "finished": 200}
    assert get(standin, "/fake/state")["abortedBuilds"] == 0
    for name, old_ones in ((AGENT, before), (SPOT, spot_before)):
        after = images_of(emulator, name)
        assert len(after) == len(old_ones) and not set(after) & set(old_ones), name
        assert set(after.values()) == {stack["new"]}, name
        described = group(emulator, name)
        assert template_of(described)["Version"] == "2", described
        assert all(i["ProtectedFromScaleIn"] for i in described["Instances"])
    # The refresh gave the spot pool its own policy back on the new version: its Spot distribution and types kept.
    policy = group(emulator, SPOT)["MixedInstancesPolicy"]
    assert [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == SPOT_TYPES
    assert {key: policy["InstancesDistribution"][key] for key in SPOT_DISTRIBUTION} == SPOT_DISTRIBUTION
    data = json.loads(report.read_text())
    assert set(data) == {"groups", "controller_downtime_seconds", "rolled_back"}
    assert data["rolled_back"] is False and data["controller_downtime_seconds"] is None
    agents, spot = data["groups"]
    assert (agents["name"], agents["pool"], agents["from_image"], agents["to_image"]) == (
        AGENT,
        "default",
        stack["old"],
        stack["new"],
    )
    assert (spot["name"], spot["pool"], spot["from_image"], spot["to_image"]) == (
        SPOT,
        "spot",
        stack["old"],
        stack["new"],
    )
    for entry in (agents, spot):
        assert [p["name"] for p in entry["phases"]] == ["agents offline and drained", "instance refresh"]
        assert all(set(p) == {"name", "seconds"} for p in entry["phases"])
    assert agents["phases"][0]["seconds"] >= 2
    assert f"{SPOT} (pool spot): {stack['old']} -> {stack['new']}" in result.output


def test_a_controller_that_never_becomes_a_healthy_target_is_rolled_back(playbook, emulator, stack, tmp_path):
    """The new image's targets fail the target group's health check (the emulator's hook: an image whose Jenkins never
    answers the probe). As on AWS the refresh waits for the new instance's health and stays InProgress; upgrade.yml
    gives it the group's grace period (1 s here) + jenkins_ha_upgrade_health_timeout, then rolls it back from
    InProgress: the group is back on version 1 and the old image, with the rollback in the report."""
    [old] = images_of(emulator, CONTROLLER)
    report = tmp_path / "rollback.json"
    assert stack["new"] in failing(emulator, stack["new"])["failing_images"]
    try:
        result = upgrade(
            playbook,
            "jenkins_ha_upgrade_only=controller",
            "jenkins_ha_upgrade_health_timeout=3",
            f"jenkins_ha_upgrade_report={report}",
        )
    finally:
        failing(emulator, stack["new"], is_failing=False)
    assert result.rc != 0
    output = flat(result.output)
    assert "was no healthy target within 4 s" in output, result.output[-4000:]
    assert "is unhealthy with Elastic Load Balancing" in output and "rolled back to version 1" in output
    described = group(emulator, CONTROLLER)
    assert described["LaunchTemplate"]["Version"] == "1" and len(described["Instances"]) == 1
    [(back, image)] = images_of(emulator, CONTROLLER).items()
    assert back != old and image == stack["old"]
    [latest] = emulator.client("autoscaling").describe_instance_refreshes(
        AutoScalingGroupName=CONTROLLER, MaxRecords=1
    )["InstanceRefreshes"]
    assert latest["Status"] == "RollbackSuccessful"
    data = json.loads(report.read_text())
    assert data["rolled_back"] is True
    [controller] = data["groups"]
    assert [p["name"] for p in controller["phases"]] == [
        "quiet-down and drain",
        "new controller never a healthy target",
        "rollback",
    ]
    assert controller["phases"][1]["seconds"] >= 3
    assert "ROLLED BACK" in result.output


def test_the_controller_rolls_after_quiet_down_one_instance_at_any_time(playbook, emulator, stack, tmp_path):
    [old] = images_of(emulator, CONTROLLER)
    report = tmp_path / "controller.json"
    result = upgrade(playbook, f"jenkins_ha_upgrade_report={report}")
    assert result.rc == 0, result.output[-4000:]
    assert get(stack["standin"], "/api/json")["quietingDown"]
    [(new, image)] = images_of(emulator, CONTROLLER).items()
    assert new != old and image == stack["new"]
    described = group(emulator, CONTROLLER)
    refresh = emulator.client("autoscaling").describe_instance_refreshes(AutoScalingGroupName=CONTROLLER)[
        "InstanceRefreshes"
    ][0]
    assert refresh["Preferences"]["MinHealthyPercentage"] == 0 and refresh["Preferences"]["MaxHealthyPercentage"] == 100
    # Left Baking (the rollback window): the group takes version 2 only when the refresh succeeds, as on AWS.
    assert refresh["Status"] == "Baking" and refresh["DesiredConfiguration"]["LaunchTemplate"]["Version"] == "2"
    assert described["LaunchTemplate"]["Version"] == "1" and len(described["Instances"]) == 1
    data = json.loads(report.read_text())
    [controller] = data["groups"]
    assert [p["name"] for p in controller["phases"]] == [
        "quiet-down and drain",
        "instance refresh",
        "new controller answers /login",
    ]
    assert data["controller_downtime_seconds"] >= controller["phases"][1]["seconds"]
    assert "controller downtime:" in result.output


def test_an_idle_rerun_changes_nothing(playbook, emulator, stack):
    """Right after the controller's roll-out its refresh still bakes and the group still says version 1: the plan
    sees the refresh toward version 2 and rolls nothing (no second quiet-down, no refused second refresh)."""
    result = upgrade(playbook)
    assert result.rc == 0, result.output[-4000:]
    assert result.recap["localhost"]["changed"] == 0, result.output[-4000:]
    output = flat(result.output)
    assert "is Baking" in output and "toward version 2 with the recorded image" in output, result.output[-4000:]
    assert "TASK [Quiet down Jenkins" not in result.output
    assert "Nothing to roll: every group runs its recorded image." in result.output
