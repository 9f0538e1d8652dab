"""The network ACLs never leave a subnet on an ACL without its rules (review of issue 20: amazon.aws 10.1.2's
ec2_vpc_nacl associates the subnets with a new, still empty ACL before it adds the entries, so an existing stack got
seconds of deny-all on the first run after the ACLs were introduced), and a converged rerun reads the ACLs once.

The order is read from what the emulator received: moto's own request recorder (MOTO_RECORDER_FILEPATH, started
through /moto-api/recorder/start-recording) in a private emulator, so no other test's calls mix in. Each
ReplaceNetworkAclAssociation towards a stack ACL must come after every CreateNetworkAclEntry of that ACL's plan, and
the default ACL loses its rules only once every subnet of the stack was moved off it. Three runs of network.yml:
a new stack, a converged rerun, and the review's case (every subnet on an open default ACL, no stack ACL yet).
The emulator does not filter traffic: what the rules let through is table-tested in
tests/unit/filter/test_network_acls.py."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request

import pytest

from ansible_collections.jenkins_ha.aws.plugins.filter.network_acls import network_acl_plan
from tests.integration.harness import ROOT, Emulator, run_playbook

NETWORK = ROOT / "playbooks" / "network.yml"
DEMO = ROOT / "inventory" / "demo"
STACK = [
    "jenkins_ha_stack_name=order",
    {
        "jenkins_ha_vpc_cidr": "10.82.0.0/16",
        "jenkins_ha_public_subnet_cidrs": ["10.82.0.0/24", "10.82.1.0/24"],
        "jenkins_ha_private_subnet_cidrs": ["10.82.16.0/20", "10.82.32.0/20"],
        # No interface endpoints: this test is about the ACLs, and each endpoint costs a module call.
        "jenkins_ha_vpc_endpoints": [],
    },
]
PLAN = network_acl_plan(
    {"public": "order-public-acl", "private": "order-private-acl"},
    "10.82.0.0/16",
    ["0.0.0.0/0"],
    False,
    [],
    [22, 443, 2049, 9100, 8080],
)


@pytest.fixture(scope="module")
def recording_emulator(tmp_path_factory, request):
    directory = tmp_path_factory.mktemp("recorded-emulator")
    recording = directory / "requests.jsonl"
    patch = pytest.MonkeyPatch()
    patch.setenv("MOTO_RECORDER_FILEPATH", str(recording))
    try:
        emulator = Emulator(directory).start()
    finally:
        patch.undo()
    request.addfinalizer(emulator.stop)
    emulator.recording = recording
    return emulator


def _recorder(emulator, action):
    call = urllib.request.Request(emulator.url + "/moto-api/recorder/" + action, data=b"", method="POST")
    with urllib.request.urlopen(call, timeout=30):
        pass


def _recorded_run(emulator):
    """Run network.yml with the recorder on; the EC2 Query actions it sent, in order, as (action, parameters)."""
    _recorder(emulator, "reset-recording")
    _recorder(emulator, "start-recording")
    try:
        result = run_playbook(NETWORK, emulator.env(), inventory=DEMO, extra_vars=STACK)
    finally:
        _recorder(emulator, "stop-recording")
    calls = []
    for line in emulator.recording.read_text().splitlines():
        entry = json.loads(line)
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        parameters = dict(urllib.parse.parse_qsl(body))
        if "Action" in parameters:
            calls.append((parameters["Action"], parameters))
    return result, calls


def _acls(ec2):
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": ["order"]}])["Vpcs"][0]["VpcId"]
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]
    return vpc_id, acls


def _name(acl):
    return next((t["Value"] for t in acl.get("Tags", []) if t["Key"] == "Name"), "")


def _check_order(calls, acls):
    """No subnet moves to a stack ACL before all its planned entries exist; the default closes after the moves."""
    ids = {_name(acl): acl["NetworkAclId"] for acl in acls if not acl["IsDefault"]}
    default = next(acl["NetworkAclId"] for acl in acls if acl["IsDefault"])
    wanted = {ids[tier["name"]]: len(tier["ingress"]) + len(tier["egress"]) for tier in PLAN}
    written = dict.fromkeys(wanted, 0)
    moved = 0
    closed = False
    for action, parameters in calls:
        acl = parameters.get("NetworkAclId")
        if action == "CreateNetworkAclEntry" and acl in written:
            written[acl] += 1
        elif action == "ReplaceNetworkAclAssociation" and acl in wanted:
            assert written[acl] == wanted[acl], "a subnet moved to {0} with {1} of its {2} rules".format(
                acl, written[acl], wanted[acl]
            )
            moved += 1
        elif action == "DeleteNetworkAclEntry" and acl == default and not closed:
            assert moved == 4, "the default ACL was closed with {0} of the 4 subnets moved off it".format(moved)
            closed = True
    return moved, closed


def _describes(calls):
    return len([action for action, parameters in calls if action == "DescribeNetworkAcls"])


def test_acls_get_their_rules_before_their_subnets_and_are_read_once(recording_emulator):
    ec2 = recording_emulator.client("ec2")

    # A new stack: the subnets are made on the open default ACL, then move to ACLs that already hold their rules.
    created, calls = _recorded_run(recording_emulator)
    assert created.rc == 0, created.output[-3000:]
    vpc_id, acls = _acls(ec2)
    assert _check_order(calls, acls) == (4, True)

    # Converged: no module runs, and the ACLs are read once.
    rerun, calls = _recorded_run(recording_emulator)
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-3000:]
    assert _describes(calls) == 1
    assert not [action for action, parameters in calls if "NetworkAcl" in action and action != "DescribeNetworkAcls"]

    # The review's case: a stack made before the ACLs existed, every subnet on the VPC's open default ACL.
    default = next(acl for acl in acls if acl["IsDefault"])
    for acl in acls:
        for association in acl["Associations"]:
            if not acl["IsDefault"]:
                ec2.replace_network_acl_association(
                    AssociationId=association["NetworkAclAssociationId"], NetworkAclId=default["NetworkAclId"]
                )
    for acl in acls:
        if not acl["IsDefault"]:
            ec2.delete_network_acl(NetworkAclId=acl["NetworkAclId"])
    for egress in (False, True):
        ec2.create_network_acl_entry(
            NetworkAclId=default["NetworkAclId"],
            RuleNumber=100,
            Protocol="-1",
            RuleAction="allow",
            Egress=egress,
            CidrBlock="0.0.0.0/0",
        )
    upgraded, calls = _recorded_run(recording_emulator)
    assert upgraded.rc == 0, upgraded.output[-3000:]
    vpc_id, acls = _acls(ec2)
    assert _check_order(calls, acls) == (4, True)
    by_name = {_name(acl): acl for acl in acls}
    for tier in PLAN:
        assert len(by_name[tier["name"]]["Associations"]) == 2
    assert [e["RuleNumber"] for e in by_name[""]["Entries"]] == [32767, 32767]
