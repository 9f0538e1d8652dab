"""image_build_leftovers: every role's killed builds of a stack are removed, a running build's resources are kept
with the reason (or fail the task with running_builds=fail, nothing removed), in check mode and diff mode; and the
reasons the selection gives (tables)."""

import os
import socket
import time

import boto3
import pytest
from moto import mock_aws

from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import leftovers as lo
from ansible_collections.jenkins_ha.aws.plugins.modules import image_build_leftovers
from tests.unit.images.test_build_leftovers import (
    FUTURE,
    GROUP,
    HOST,
    NOW,
    PACKER_GROUP,
    alive_pids,
    build_id,
    instance,
    seed_killed_build,
    tags,
)
from tests.unit.modules.helpers import run_module

ROLES = ("controller", "agent")
WHEN = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(FUTURE))


def kept_entry(kind, resource_id, reason, role="agent", n=1):
    return {"type": kind, "id": resource_id, "role": role, "build_id": build_id(FUTURE, n), "reason": reason}


# (case, instances, key pair names, alive pids) -> (instances removed, key pairs removed, groups removed, kept)
KEPT = [
    (
        "every role of the stack: a killed controller and a killed agent build",
        [instance("i-1", tags()), instance("i-2", tags(role="controller", n=2))],
        ["jenkins-ha-build-s1-agent-" + build_id(FUTURE), "jenkins-ha-build-s1-controller-" + build_id(FUTURE, 2)],
        (),
        (
            ["i-1", "i-2"],
            ["jenkins-ha-build-s1-agent-" + build_id(FUTURE), "jenkins-ha-build-s1-controller-" + build_id(FUTURE, 2)],
            [GROUP],
            [],
        ),
    ),
    (
        "running on this host: instance and key pair kept with the process named",
        [instance("i-1", tags())],
        ["jenkins-ha-build-s1-agent-" + build_id(FUTURE)],
        (100,),
        (
            [],
            [],
            [],
            [
                kept_entry("instance", "i-1", "its process 100 on this host is running (deadline {0})".format(WHEN)),
                kept_entry(
                    "key_pair",
                    "jenkins-ha-build-s1-agent-" + build_id(FUTURE),
                    "its process 100 on this host is running (deadline {0})".format(WHEN),
                ),
            ],
        ),
    ),
    (
        "another host, before its deadline",
        [instance("i-1", tags(owner="elsewhere/100/555"))],
        [],
        (),
        (
            [],
            [],
            [],
            [
                kept_entry(
                    "instance", "i-1", "it runs on host elsewhere and its deadline {0} has not passed".format(WHEN)
                )
            ],
        ),
    ),
    (
        "a key pair whose instance never launched, before its deadline",
        [],
        ["jenkins-ha-build-s1-controller-" + build_id(FUTURE)],
        (),
        (
            [],
            [],
            [],
            [
                kept_entry(
                    "key_pair",
                    "jenkins-ha-build-s1-controller-" + build_id(FUTURE),
                    "its owner is unknown and its deadline {0} has not passed".format(WHEN),
                    role="controller",
                )
            ],
        ),
    ),
    (
        "a killed build's group still used by someone else's instance",
        [instance("i-1", tags()), instance("i-9", {"Name": "theirs"})],
        [],
        (),
        (["i-1"], [], [], [kept_entry("security_group", GROUP, "instance i-9 still uses it")]),
    ),
    (
        "other stacks' builds and names are not looked at",
        [instance("i-1", tags(stack="s2")), instance("i-2", tags(stack="s1-agent"))],
        ["jenkins-ha-build-s1-agent-agent-" + build_id(FUTURE), "jenkins-ha-build-s2-agent-" + build_id(FUTURE)],
        (),
        ([], [], [], []),
    ),
]


@pytest.mark.parametrize("case, instances, key_names, alive, expected", KEPT, ids=[row[0] for row in KEPT])
def test_selection_over_every_role_and_what_is_kept(case, instances, key_names, alive, expected):
    pairs = [{"KeyName": name} for name in key_names]
    removal, kept = lo.select_leftovers("s1", ROLES, instances, pairs, [PACKER_GROUP], NOW, HOST, alive_pids(*alive))
    assert (removal["instances"], removal["key_pairs"], removal["security_groups"], kept) == expected, case


@pytest.mark.parametrize(
    "tag_map, alive, expected",
    [
        (tags(deadline=NOW - 60), (100,), (True, "its deadline 2027-01-15T07:59:00Z has passed")),
        (tags(), (), (True, "its process 100 on this host has ended")),
        ({lo.TAG_ID: "x"}, (), (False, "no build id of packer_build")),
    ],
)
def test_build_status_says_why(tag_map, alive, expected):
    assert lo.build_status(tag_map, NOW, HOST, alive_pids(*alive)) == expected


def run(capsys, **args):
    return run_module(image_build_leftovers.main, capsys, **args)


def state(ec2, instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]


def own_owner():
    """The owner tag of a build still running: this process, as packer_build tags its own."""
    return "{0}/{1}/{2}".format(socket.gethostname(), os.getpid(), lo.process_start(os.getpid()))


@mock_aws
def test_module_removes_every_roles_killed_builds_and_keeps_a_running_one(capsys):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    agent = seed_killed_build(ec2, role="agent", n=1)
    controller = seed_killed_build(ec2, role="controller", n=2)
    running = seed_killed_build(ec2, role="agent", owner=own_owner(), deadline=int(time.time()) + 3600, n=3)
    other = seed_killed_build(ec2, stack="s2", n=4)
    removal = {
        "instances": sorted([agent[0], controller[0]]),
        "key_pairs": sorted([agent[1], controller[1]]),
        "security_groups": sorted([agent[2], controller[2]]),
    }

    refused = run(capsys, stack="s1", running_builds="fail", _ansible_check_mode=True)
    assert refused["failed"] is True and refused["removed"] == removal
    assert refused["msg"].startswith("an image build of stack s1 is still running: agent build ")
    assert "on this host is running" in refused["msg"] and refused["msg"].endswith("nothing was removed")
    refused = run(capsys, stack="s1", running_builds="fail")
    assert refused["failed"] is True and state(ec2, agent[0]) == "running"

    check = run(capsys, stack="s1", _ansible_check_mode=True, _ansible_diff=True)
    assert check["changed"] is True and check["removed"] == removal
    assert check["diff"] == {"before": removal, "after": {"instances": [], "key_pairs": [], "security_groups": []}}
    assert {(k["type"], k["id"]) for k in check["kept"]} == {("instance", running[0]), ("key_pair", running[1])}
    assert state(ec2, agent[0]) == "running"

    result = run(capsys, stack="s1")
    assert result["changed"] is True and result["removed"] == removal
    assert [state(ec2, b[0]) for b in (agent, controller, running, other)] == [
        "terminated",
        "terminated",
        "running",
        "running",
    ]
    names = {k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]}
    assert names == {running[1], other[1]}
    groups = {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert {running[2], other[2]} <= groups and not {agent[2], controller[2]} & groups

    again = run(capsys, stack="s1", roles=["agent"])
    assert again["changed"] is False and again["removed"] == {"instances": [], "key_pairs": [], "security_groups": []}
