"""What a killed Packer build left, which of it is ours to remove (tables), and packer_build removing it (moto)."""

import json
import signal
import stat
import time

import boto3
import pytest
from moto import mock_aws

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import interrupt
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import leftovers as lo
from tests.integration.build_leftovers import seed_packer_build
from tests.unit.images.test_packer_build import fake_packer, register_base, run

NOW = 1_800_000_000
HOST = "builder"
PAST, FUTURE = NOW - 60, NOW + 3600
GROUP = "sg-0000000000000000a"
PACKER_GROUP = {
    "GroupId": GROUP,
    "GroupName": "packer_5efef9f0-cede-f34c-e460-e6dfb9c03184",
    "Description": "Temporary group for Packer",
}


def build_id(deadline, n=1):
    return "{0}-{1:012x}".format(deadline, n)


def tags(stack="s1", role="agent", deadline=FUTURE, owner=HOST + "/100/555", n=1, managed=True):
    found = {lo.TAG_STACK: stack, lo.TAG_ROLE: role, lo.TAG_ID: build_id(deadline, n), lo.TAG_OWNER: owner}
    if managed:
        found["managed-by"] = "jenkins_ha.aws"
    return found


def instance(instance_id, tag_map, state="running", groups=(GROUP,)):
    return {
        "InstanceId": instance_id,
        "State": {"Name": state},
        "Tags": [{"Key": k, "Value": v} for k, v in tag_map.items()],
        "SecurityGroups": [{"GroupId": g} for g in groups],
    }


def alive_pids(*pids):
    return lambda pid, start: pid in pids


# (case, instances, alive pids) -> instances to terminate, security groups to delete
SELECTION = [
    ("killed on this host: pid gone", [instance("i-1", tags())], (), ["i-1"], [GROUP]),
    ("running on this host: left alone", [instance("i-1", tags())], (100,), [], []),
    ("pid reused by another process", [instance("i-1", tags(owner=HOST + "/100/999"))], (), ["i-1"], [GROUP]),
    ("other host, before its deadline", [instance("i-1", tags(owner="elsewhere/100/555"))], (), [], []),
    (
        "other host, deadline passed",
        [instance("i-1", tags(owner="elsewhere/100/555", deadline=PAST))],
        (),
        ["i-1"],
        [GROUP],
    ),
    ("another stack", [instance("i-1", tags(stack="s2"))], (), [], []),
    ("another role", [instance("i-1", tags(role="controller"))], (), [], []),
    ("not managed by us", [instance("i-1", tags(managed=False))], (), [], []),
    ("malformed build id", [instance("i-1", dict(tags(), **{lo.TAG_ID: "x"}))], (), [], []),
    ("already terminated: only its group", [instance("i-1", tags(), state="terminated")], (), [], [GROUP]),
    (
        "group still used by a live build",
        [instance("i-1", tags()), instance("i-2", tags(n=2, owner=HOST + "/200/1"))],
        (200,),
        ["i-1"],
        [],
    ),
    (
        "group used by someone else's instance",
        [instance("i-1", tags()), instance("i-9", {"Name": "theirs"})],
        (),
        ["i-1"],
        [],
    ),
    (
        "someone else's stopped instance also holds it",
        [instance("i-1", tags()), instance("i-9", {}, state="stopped")],
        (),
        ["i-1"],
        [],
    ),
    (
        "someone else's terminated instance",
        [instance("i-1", tags()), instance("i-9", {}, state="terminated")],
        (),
        ["i-1"],
        [GROUP],
    ),
]


@pytest.mark.parametrize("case, instances, alive, terminate, groups", SELECTION, ids=[row[0] for row in SELECTION])
def test_select_instances_and_groups(case, instances, alive, terminate, groups):
    found, _kept = lo.select_leftovers("s1", ("agent",), instances, [], [PACKER_GROUP], NOW, HOST, alive_pids(*alive))
    assert (found["instances"], found["security_groups"]) == (terminate, groups), case


# A group that is not Packer's (name, description) is never deleted, even when our instance used it.
@pytest.mark.parametrize(
    "group",
    [
        dict(PACKER_GROUP, GroupName="jenkins-ha-agents"),
        dict(PACKER_GROUP, Description="Jenkins agents"),
        dict(PACKER_GROUP, GroupId="sg-0000000000000000b"),
    ],
)
def test_only_packer_groups(group):
    found, _kept = lo.select_leftovers(
        "s1", ("agent",), [instance("i-1", tags())], [], [group], NOW, HOST, alive_pids()
    )
    assert found["security_groups"] == []


PREFIX = "jenkins-ha-build-s1-agent-"
# (case, key pair name, instances, alive pids) -> deleted?
KEY_PAIRS = [
    ("its instance's build is over", PREFIX + build_id(FUTURE), [instance("i-1", tags())], (), True),
    ("its instance's build runs", PREFIX + build_id(FUTURE), [instance("i-1", tags())], (100,), False),
    ("no instance, deadline passed", PREFIX + build_id(PAST), [], (), True),
    ("no instance, before its deadline", PREFIX + build_id(FUTURE), [], (), False),
    ("another role", "jenkins-ha-build-s1-controller-" + build_id(PAST), [], (), False),
    ("a stack whose name extends ours", "jenkins-ha-build-s1-agent-x-" + build_id(PAST), [], (), False),
    ("stack s1-agent, role agent", "jenkins-ha-build-s1-agent-agent-" + build_id(PAST), [], (), False),
    ("Packer's default name", "packer_5efef9ee-8e20-3ea4-cdff-78601d66f288", [], (), False),
    ("a user's key", "admin", [], (), False),
]


@pytest.mark.parametrize("case, name, instances, alive, deleted", KEY_PAIRS, ids=[row[0] for row in KEY_PAIRS])
def test_select_key_pairs(case, name, instances, alive, deleted):
    found, _kept = lo.select_leftovers(
        "s1", ("agent",), instances, [{"KeyName": name}], [], NOW, HOST, alive_pids(*alive)
    )
    assert found["key_pairs"] == ([name] if deleted else []), case


def test_build_identity_names_its_key_pair_and_tags():
    build = lo.Build("s1", "agent", 3600, now=NOW, host=HOST, pid=100, start="555")
    assert build.tags()[lo.TAG_DEADLINE] == str(NOW + 3600)
    assert build.key_pair_name() == PREFIX + build.build_id
    assert lo.is_ours(dict(build.tags(), **{"managed-by": "jenkins_ha.aws"}), "s1", ("agent",))
    assert not lo.is_ours(dict(build.tags(), **{"managed-by": "jenkins_ha.aws"}), "s1", ("controller",))
    assert not lo.build_over(build.tags(), NOW, HOST, alive_pids(100))
    assert lo.build_over(build.tags(), NOW, HOST, alive_pids())


@pytest.mark.parametrize("timeout, deadline", [(3600, NOW + 3600), (0, NOW + 86400), (-1, NOW + 86400)])
def test_build_deadline(timeout, deadline):
    build = lo.Build("s1", "agent", timeout, now=NOW, host=HOST, pid=100, start="555")
    assert build.tags()[lo.TAG_DEADLINE] == str(deadline)


def test_process_start_and_alive(tmp_path):
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "stat").write_text("42 (my (odd) name) S 1 " + " ".join(str(n) for n in range(5, 30)) + "\n")
    assert lo.process_start(42, str(tmp_path)) == "22"
    assert lo.process_alive(42, "22", str(tmp_path)) and not lo.process_alive(42, "21", str(tmp_path))
    assert lo.process_start(43, str(tmp_path)) is None and not lo.process_alive(43, "22", str(tmp_path))


def test_interrupt_is_forwarded_to_children_as_sigint(tmp_path, monkeypatch):
    monkeypatch.setattr(interrupt.os, "getpid", lambda: 7)
    for pid, parent in ((70, 7), (71, 7), (80, 8)):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text("{0} (packer) S {1} 1 1\n".format(pid, parent))
    sent = []
    forwarder = interrupt.InterruptForwarder(proc=str(tmp_path), kill=lambda pid, sig: sent.append((pid, sig)))
    with forwarder:
        assert signal.getsignal(signal.SIGTERM) == forwarder.handle
        forwarder.handle(signal.SIGTERM)
        forwarder.handle(signal.SIGINT)
    assert forwarder.received == "SIGTERM"
    assert sent == [(70, signal.SIGINT), (71, signal.SIGINT)] * 2
    assert signal.getsignal(signal.SIGTERM) != forwarder.handle


def seed_killed_build(ec2, stack="s1", role="agent", owner="elsewhere/1/1", deadline=None, n=1):
    """What Packer leaves when SIGKILLed mid-build: its key pair, its group and the running, tagged instance (by
    default of another host, its deadline a minute ago)."""
    deadline = int(time.time()) - 60 if deadline is None else deadline
    return seed_packer_build(ec2, stack, role, owner, build_id=build_id(deadline, n))


def recording_packer(tmp_path, image_id):
    """A packer that keeps a copy of its var file ($5 after build -machine-readable -color=false -var-file FILE)."""
    script = tmp_path / "recording-packer"
    script.write_text(
        '#!/bin/sh\ncp "$5" "{0}/var-file.json"\necho "1,amazon-ebs.jenkins_ha,artifact,0,id,us-east-1:{1}"\n'.format(
            tmp_path, image_id
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@mock_aws
def test_packer_build_removes_a_killed_builds_leftovers(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    register_base(ec2)
    instance_id, key_name, group = seed_killed_build(ec2)
    other = seed_killed_build(ec2, stack="s2")
    binary = fake_packer(tmp_path, "ami-x")
    expected = {"instances": [instance_id], "key_pairs": [key_name], "security_groups": [group]}

    check = run(capsys, packer_path=binary, stack="s1", _ansible_check_mode=True, **inputs)
    assert check["changed"] is True and check["leftovers"] == expected
    assert (
        ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
        == "running"
    )

    ec2.create_key_pair(KeyName="admin")
    image = ec2.create_image(InstanceId=other[0], Name="built")["ImageId"]
    result = run(capsys, packer_path=recording_packer(tmp_path, image), stack="s1", **inputs)
    assert result["leftovers"] == expected and result["built"] is True
    state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "terminated"
    names = {k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]}
    assert key_name not in names and {"admin", other[1]} <= names
    groups = {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert group not in groups and other[2] in groups
    # Packer was told how to mark this build's instance and key pair.
    variables = json.loads((tmp_path / "var-file.json").read_text())
    build_tags = variables["build_tags"]
    assert build_tags[lo.TAG_STACK] == "s1" and build_tags[lo.TAG_ROLE] == "agent"
    assert variables["temporary_key_pair_name"] == "jenkins-ha-build-s1-agent-" + build_tags[lo.TAG_ID]
    assert lo.BUILD_ID.match(build_tags[lo.TAG_ID]) and build_tags[lo.TAG_OWNER].count("/") == 2

    again = run(capsys, packer_path=fake_packer(tmp_path, image), stack="s1", _ansible_check_mode=True, **inputs)
    assert again["leftovers"] == {"instances": [], "key_pairs": [], "security_groups": []}


@mock_aws
def test_without_stack_nothing_is_looked_up(capsys, tmp_path, inputs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    register_base(ec2)
    seed_killed_build(ec2)
    result = run(capsys, packer_path=fake_packer(tmp_path, "ami-x"), _ansible_check_mode=True, **inputs)
    assert "leftovers" not in result


def interrupted_packer(tmp_path):
    """A packer whose module gets SIGTERM mid-build; on the SIGINT passed on it runs its "cleanup" and fails, as
    Packer does (a second signal would be swallowed)."""
    script = tmp_path / "interrupted-packer"
    script.write_text(
        "#!/bin/sh\n"
        'trap \'echo cleaned > "{0}/cleanup"; echo "1,,ui,error,Build cancelled after interrupt"; exit 1\' INT\n'
        "kill -TERM $PPID\n"
        # Waits for the forwarded SIGINT; without it the build "succeeds" and the test fails.
        "i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done\n"
        'echo "1,amazon-ebs.jenkins_ha,artifact,0,id,us-east-1:ami-x"\n'.format(tmp_path)
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@mock_aws
def test_sigterm_to_the_module_reaches_packer_as_sigint(capsys, tmp_path, inputs):
    register_base(boto3.client("ec2", region_name="us-east-1"))
    previous = signal.getsignal(signal.SIGTERM)
    result = run(capsys, packer_path=interrupted_packer(tmp_path), **inputs)
    assert result["failed"] is True
    assert result["msg"].startswith("packer build failed: interrupted by SIGTERM, passed on to Packer")
    assert (tmp_path / "cleanup").read_text() == "cleaned\n"
    assert signal.getsignal(signal.SIGTERM) == previous
