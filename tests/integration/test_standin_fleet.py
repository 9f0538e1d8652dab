"""The Jenkins stand-in's EC2 Fleet cloud against the emulator: what the pinned ec2-fleet plugin does with its group.

The stand-in signs its own SigV4 requests (tests/fakes/jenkins/src/fake/jenkins/Aws.java); the behaviours are cited
file:line in tests/fakes/jenkins/src/fake/jenkins/Fleet.java (ec2-fleet 4.3.0.549.vf2a_da_a_d19b_5e).
"""

import json
import urllib.error
import urllib.request

import pytest

from tests.integration.test_least_privilege import set_auth
from tests.unit.fakes.conftest import REAL_SCHEMAS, StandIn
from tests.unit.fakes.test_jenkins_standin_jcasc import (
    AUTH,
    PASSWORD,
    VALID,
    post_with_crumb,
    request,
    wait_answering,
    write_plugin,
)

GROUP = "standin-fleet-agents"
CLOUD = "fleet-agents"

FLEET_CLOUD = """\
  clouds:
    - eC2Fleet:
        name: {cloud}
        region: us-east-1
        fleet: {group}
        labelString: fleet linux
        privateIpUsed: true
        minSize: 0
        maxSize: 4
        numExecutors: 1
        cloudStatusIntervalSec: 3600
"""


def casc(group=GROUP, cloud=CLOUD):
    """The fixed role output with one eC2Fleet cloud (the nanny's interval is long: the tests drive update())."""
    return VALID.replace("unclassified:\n", FLEET_CLOUD.format(group=group, cloud=cloud) + "unclassified:\n")


@pytest.fixture(scope="module")
def group(emulator):
    """An agent group of 2 whose instances the plugin finds; the first two are not protected from scale-in."""
    ec2 = emulator.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.61.0.0/20", AvailabilityZone="us-east-1a")["Subnet"]
    image = ec2.describe_images()["Images"][0]["ImageId"]
    template = ec2.create_launch_template(
        LaunchTemplateName=GROUP, LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    emulator.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=GROUP,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=2,
        VPCZoneIdentifier=subnet["SubnetId"],
    )
    return GROUP


def describe(emulator):
    return emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])[
        "AutoScalingGroups"
    ][0]


def start(standin_war, tmp_path, emulator, document, env=None, wait=True):
    standin = StandIn(standin_war, tmp_path)
    standin.casc.write_text(document)
    (standin.secrets / "JENKINS_ADMIN_PASSWORD").write_text(PASSWORD + "\n")
    plugins = standin.home / "plugins"
    plugins.mkdir()
    pins = json.loads((REAL_SCHEMAS / "pins.json").read_text())["plugins"]
    for name, pin in pins.items():
        write_plugin(plugins / (name + ".jpi"), Short_Name=name, Plugin_Version=pin["version"])
    aws = {k: v for k, v in emulator.env().items() if k.startswith("AWS_")}
    aws.update(env or {})
    return standin.start(extra_env=aws, wait=wait)


def get(standin, path):
    status, dummy, body = request(standin.url + path, headers=AUTH)
    assert status == 200, body
    return json.loads(body)


def fake(standin, path):
    req = urllib.request.Request(standin.url + path, data=b"", method="POST", headers=AUTH)
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def fleet_nodes(standin):
    computers = get(standin, "/computer/api/json")["computer"]
    return {c["displayName"].split(" ")[-1]: c for c in computers[1:]}


def in_service(emulator):
    return sorted(i["InstanceId"] for i in describe(emulator)["Instances"] if i["LifecycleState"] == "InService")


@pytest.fixture
def standin(standin_war, tmp_path, emulator, group):
    instance = start(standin_war, tmp_path, emulator, casc())
    yield instance
    instance.stop()


def test_the_fleet_follows_the_group_tags_new_instances_and_protects_what_it_starts(standin, emulator):
    fleet = get(standin, "/fake/state")["fleets"][0]
    assert fleet["checked"] and fleet["awsCalls"] == ["autoscaling:DescribeAutoScalingGroups"]

    status, answer = fake(standin, "/fake/fleet/update")
    assert status == 200, answer
    nodes = fleet_nodes(standin)
    assert sorted(nodes) == in_service(emulator)
    for node in nodes.values():
        assert node["_class"] == "com.amazon.jenkins.ec2fleet.EC2FleetNodeComputer"
        assert node["displayName"].startswith(CLOUD + " ") and node["idle"] and not node["offline"]
        assert {"name": "fleet"} in node["assignedLabels"]
    tags = emulator.client("ec2").describe_tags(Filters=[{"Name": "key", "Values": ["ec2-fleet-plugin:cloud-name"]}])
    assert {t["ResourceId"] for t in tags["Tags"] if t["Value"] == CLOUD} >= set(nodes)
    # Desired 2 within [0, 4], nothing to add or remove: the group is left alone.
    assert "autoscaling:UpdateAutoScalingGroup" not in answer["fleets"][0]["awsCalls"]

    assert fake(standin, "/fake/fleet/provision?cloud={0}&count=1".format(CLOUD))[0] == 200
    assert fake(standin, "/fake/fleet/update")[0] == 200
    group = describe(emulator)
    assert group["DesiredCapacity"] == 3 and group["NewInstancesProtectedFromScaleIn"]
    new = [i for i in group["Instances"] if i["InstanceId"] not in nodes]
    assert len(new) == 1 and new[0]["ProtectedFromScaleIn"]
    # That update worked on the state read before it raised the capacity: the next one finds the instance.
    assert new[0]["InstanceId"] not in fleet_nodes(standin)
    assert fake(standin, "/fake/fleet/update")[0] == 200
    assert new[0]["InstanceId"] in fleet_nodes(standin)


def test_deleting_an_idle_fleet_node_terminates_its_instance_and_a_busy_one_is_counted_aborted(standin, emulator):
    # Lowering the desired capacity lets Auto Scaling pick any unprotected instance to terminate (moto models that),
    # so the instances the group started before the plugin's first modify are protected here, as the plugin's own are.
    emulator.client("autoscaling").set_instance_protection(
        AutoScalingGroupName=GROUP, InstanceIds=in_service(emulator), ProtectedFromScaleIn=True
    )
    fake(standin, "/fake/fleet/update")
    victim, busy = sorted(fleet_nodes(standin))[:2]
    desired = describe(emulator)["DesiredCapacity"]
    assert post_with_crumb(standin, "/computer/{0}/doDelete".format(victim), AUTH)[0] == 302
    assert victim not in fleet_nodes(standin)
    assert get(standin, "/fake/state")["fleets"][0]["instanceIdsToTerminate"] == {victim: "AGENT_DELETED"}

    status, answer = fake(standin, "/fake/fleet/update")
    assert status == 200, answer
    assert "autoscaling:TerminateInstanceInAutoScalingGroup" in answer["fleets"][0]["awsCalls"]
    assert victim not in in_service(emulator)
    assert describe(emulator)["DesiredCapacity"] == desired - 1
    assert victim not in fleet_nodes(standin)

    assert fake(standin, "/fake/computer/{0}/startBuild".format(busy))[0] == 200
    assert post_with_crumb(standin, "/computer/{0}/doDelete".format(busy), AUTH)[0] == 302
    assert get(standin, "/fake/state")["abortedBuilds"] == 1


def test_a_reload_with_an_unchanged_fleet_keeps_busy_agents_connected(standin, emulator):
    fake(standin, "/fake/fleet/update")
    busy = sorted(fleet_nodes(standin))[0]
    assert fake(standin, "/fake/computer/{0}/startBuild".format(busy))[0] == 200
    before = get(standin, "/fake/state")

    status, headers, body = post_with_crumb(standin, "/configuration-as-code/reload", AUTH)
    assert status == 302, body
    after = get(standin, "/fake/state")
    assert after["reloadCount"] == before["reloadCount"] + 1 and after["pid"] == before["pid"]
    # The new cloud object called AWS again at construction.
    assert after["fleets"][0]["awsCalls"] == ["autoscaling:DescribeAutoScalingGroups"]

    fake(standin, "/fake/fleet/update")
    node = fleet_nodes(standin)[busy]
    assert not node["idle"] and not node["offline"]
    assert get(standin, "/computer/api/json")["busyExecutors"] == 1
    assert busy in in_service(emulator) and get(standin, "/fake/state")["abortedBuilds"] == 0
    assert fake(standin, "/fake/computer/{0}/finishBuild".format(busy))[0] == 200
    assert fleet_nodes(standin)[busy]["idle"]


def test_the_plugins_own_scale_in_takes_only_nodes_idle_too_long(standin_war, tmp_path, emulator, group):
    """EC2RetentionStrategy: idle past idleMinutes → scheduled and terminated; a busy agent is never taken."""
    emulator.client("autoscaling").set_instance_protection(
        AutoScalingGroupName=GROUP, InstanceIds=in_service(emulator), ProtectedFromScaleIn=True
    )
    document = casc().replace(
        "        cloudStatusIntervalSec: 3600\n", "        cloudStatusIntervalSec: 3600\n        idleMinutes: 5\n"
    )
    standin = start(standin_war, tmp_path, emulator, document)
    try:
        fake(standin, "/fake/fleet/update")
        idle, busy, fresh = (sorted(fleet_nodes(standin)) + [None])[:3]
        assert fake(standin, "/fake/computer/{0}/finishBuild?idleMinutesAgo=10".format(idle))[0] == 200
        assert fake(standin, "/fake/computer/{0}/startBuild".format(busy))[0] == 200
        status, fleets = fake(standin, "/fake/fleet/retention")
        assert status == 200 and fleets[0]["instanceIdsToTerminate"] == {idle: "IDLE_FOR_TOO_LONG"}, fleets

        assert fake(standin, "/fake/fleet/update")[0] == 200
        assert idle not in in_service(emulator) and idle not in fleet_nodes(standin)
        assert busy in in_service(emulator) and not fleet_nodes(standin)[busy]["idle"]
        if fresh is not None:  # idle, but not for long: kept
            assert fresh in fleet_nodes(standin)
        assert get(standin, "/fake/state")["abortedBuilds"] == 0
    finally:
        standin.stop()


def test_a_reload_that_renames_the_cloud_orphans_its_agents_and_stops_every_update(standin, emulator):
    """EC2FleetNode finds its cloud by name: after a rename, update() dereferences a missing cloud (the plugin's NPE)."""
    fake(standin, "/fake/fleet/update")
    agents = sorted(fleet_nodes(standin))
    standin.casc.write_text(casc(cloud="renamed-agents"))
    assert post_with_crumb(standin, "/configuration-as-code/reload", AUTH)[0] == 302
    status, answer = fake(standin, "/fake/fleet/update")
    assert status == 500 and "which no longer exists" in answer["error"]
    assert sorted(fleet_nodes(standin)) == agents

    for agent in agents:  # deleting an orphan removes the node only: its cloud is gone, nothing is terminated
        assert post_with_crumb(standin, "/computer/{0}/doDelete".format(agent), AUTH)[0] == 302
    assert get(standin, "/fake/state")["fleets"][0]["instanceIdsToTerminate"] == {}
    assert fake(standin, "/fake/fleet/update")[0] == 200
    nodes = fleet_nodes(standin)
    assert sorted(nodes) == in_service(emulator)
    assert all(n["displayName"].startswith("renamed-agents ") for n in nodes.values())


def test_quiet_down_starts_no_build_and_provisions_nothing(standin):
    fake(standin, "/fake/fleet/update")
    node = sorted(fleet_nodes(standin))[0]
    assert post_with_crumb(standin, "/quietDown", AUTH)[0] == 302
    assert get(standin, "/api/json")["quietingDown"]
    assert fake(standin, "/fake/computer/{0}/startBuild".format(node))[0] == 409
    assert fake(standin, "/fake/fleet/provision?cloud={0}&count=1".format(CLOUD))[0] == 409
    assert post_with_crumb(standin, "/cancelQuietDown", AUTH)[0] == 302
    assert fake(standin, "/fake/computer/{0}/startBuild".format(node))[0] == 200


def test_a_missing_group_stops_the_start_and_a_reload_to_it_is_refused(standin_war, tmp_path, emulator, group):
    (tmp_path / "a").mkdir()
    broken = start(standin_war, tmp_path / "a", emulator, casc(group="no-such-group"), wait=False)
    try:
        status, dummy, body = wait_answering(broken)
        assert status == 503
        assert "Cannot find auto scaling group with name no-such-group in region us-east-1" in body
    finally:
        broken.stop()

    (tmp_path / "b").mkdir()
    running = start(standin_war, tmp_path / "b", emulator, casc())
    try:
        running.casc.write_text(casc(group="no-such-group"))
        status, dummy, body = post_with_crumb(running, "/configuration-as-code/reload", AUTH)
        assert status == 200 and "Cannot find auto scaling group" in body
        now = get(running, "/fake/state")
        assert now["reloadCount"] == 0 and now["fleets"][0]["fleet"] == GROUP
    finally:
        running.stop()


def test_an_iam_denial_stops_the_start_and_an_allowed_signed_call_passes(standin_war, tmp_path, emulator, group):
    """With moto's IAM enforcement on, the stand-in's SigV4 signature is checked too: denied, then allowed."""
    iam = emulator.client("iam")
    iam.create_user(UserName="standin-fleet-reader")
    key = iam.create_access_key(UserName="standin-fleet-reader")["AccessKey"]
    env = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
    set_auth(emulator, 0)
    try:
        (tmp_path / "denied").mkdir()
        denied = start(standin_war, tmp_path / "denied", emulator, casc(), env=env, wait=False)
        try:
            status, dummy, body = wait_answering(denied)
        finally:
            denied.stop()
        assert status == 503
        assert "AccessDenied" in body and "autoscaling:DescribeAutoScalingGroups" in body
        assert "SignatureDoesNotMatch" not in body

        set_auth(emulator, "inf")
        iam.put_user_policy(
            UserName="standin-fleet-reader",
            PolicyName="describe-groups",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "autoscaling:DescribeAutoScalingGroups", "Resource": "*"}
                    ],
                }
            ),
        )
        set_auth(emulator, 0)
        (tmp_path / "allowed").mkdir()
        allowed = start(standin_war, tmp_path / "allowed", emulator, casc(), env=env)
        try:
            assert get(allowed, "/fake/state")["fleets"][0]["checked"]
        finally:
            allowed.stop()
    finally:
        set_auth(emulator, "inf")
