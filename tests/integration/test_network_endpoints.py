"""Interface VPC endpoints of network.yml (issue 20 item 8): a replacement controller in a surviving zone reads SSM
and drives the agent group through endpoints in every private subnet, not through the NAT gateway of one zone.

One stack, network only: endpoints with private DNS for exactly the default services, in every private subnet,
behind a group open on 443 to the controller and agents only; a rerun changes nothing; an endpoint that drifted is
refused by name; an endpoint of the stack for a service no longer asked for is deleted; a user's own endpoint is
left alone; playbooks/tasks/destroy_endpoints.yml removes the stack's endpoints (drifted or not) and their group
and is idempotent. The emulator
refuses private DNS where AWS does and honours the create's client token (tests/emulator/compat).

The network ACLs (issue 20 item 13, `make audit`'s ec2_networkacl_* findings) ride on the same converged network:
each tier's subnets are associated with the stack's ACL of that tier, whose rules are exactly the plan of
plugins/filter/network_acls.py; no ACL of the VPC (the default one included) lets the internet reach 22, 3389 or
every port as prowler 5.46.0 judges it; the default ACL allows nothing; playbooks/tasks/destroy_network_acls.yml
deletes the stack's ACLs (subnets go back to the default one) and is idempotent. The emulator does not filter
traffic: what the rules let through is table-tested in tests/unit/filter/test_network_acls.py."""

from ansible_collections.jenkins_ha.aws.plugins.filter.network_acls import network_acl_plan
from tests.integration.harness import ROOT
from tests.unit.filter.test_network_acls import PROTOCOL_NUMBERS, _prowler_open

NETWORK = ROOT / "playbooks" / "network.yml"
DEMO = ROOT / "inventory" / "demo"
STACK = [
    "jenkins_ha_stack_name=edge",
    {
        "jenkins_ha_vpc_cidr": "10.81.0.0/16",
        "jenkins_ha_public_subnet_cidrs": ["10.81.0.0/24", "10.81.1.0/24"],
        "jenkins_ha_private_subnet_cidrs": ["10.81.16.0/20", "10.81.32.0/20"],
    },
]
REGION = "us-east-1"
DEFAULT_SERVICES = {"ssm", "ec2", "autoscaling"}

DESTROY_ENDPOINTS = """\
- name: Destroy the endpoints the way destroy.yml does
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files:
    - {root}/playbooks/vars/contract.yml
  roles:
    - role: jenkins_ha.aws.stack_config
  tasks:
    - name: Find the network
      ansible.builtin.include_role:
        name: jenkins_ha.aws.stack_config
        tasks_from: discover_network
    - name: Destroy
      ansible.builtin.include_tasks: {root}/playbooks/tasks/destroy_endpoints.yml
"""


DESTROY_NACLS = DESTROY_ENDPOINTS.replace("destroy_endpoints.yml", "destroy_network_acls.yml").replace(
    "Destroy the endpoints", "Destroy the network ACLs"
)


def _vpc_id(ec2):
    return ec2.describe_vpcs(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": ["edge"]}])["Vpcs"][0]["VpcId"]


def _endpoints(ec2, vpc_id):
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    return [e for e in found if e["State"] not in ("deleted", "deleting")]


def _groups(ec2, vpc_id):
    found = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    return {g["GroupName"]: g for g in found}


def _private_subnets(ec2, vpc_id):
    subnets = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "tag:Name", "Values": ["edge-private-*"]}]
    )["Subnets"]
    return {s["SubnetId"] for s in subnets}


def _acls(ec2, vpc_id):
    return ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]


def _tier_subnets(ec2, vpc_id, tier):
    subnets = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "tag:Name", "Values": ["edge-{0}-*".format(tier)]}]
    )["Subnets"]
    return {s["SubnetId"] for s in subnets}


def _as_module_rules(entries, egress):
    """Live entries in amazon.aws.ec2_vpc_nacl's rule format (the "*" rule left out), sorted."""
    names = {number: name for name, number in PROTOCOL_NUMBERS.items()}
    rules = []
    for entry in entries:
        if entry["Egress"] is not egress or entry["RuleNumber"] >= 32767:
            continue
        ports = entry.get("PortRange") or {}
        rules.append(
            [entry["RuleNumber"], names[entry["Protocol"]], entry["RuleAction"], entry["CidrBlock"], None, None]
            + [ports.get("From"), ports.get("To")]
        )
    return sorted(rules)


def _check_network_acls(ec2, vpc_id):
    acls = _acls(ec2, vpc_id)
    by_name = {next((t["Value"] for t in a.get("Tags", []) if t["Key"] == "Name"), ""): a for a in acls}
    plan = network_acl_plan(
        {"public": "edge-public-acl", "private": "edge-private-acl"},
        "10.81.0.0/16",
        ["0.0.0.0/0"],
        False,
        [],
        [22, 443, 2049, 9100, 8080],
    )
    for tier in plan:
        live = by_name[tier["name"]]
        assert live["IsDefault"] is False
        assert {a["SubnetId"] for a in live["Associations"]} == _tier_subnets(ec2, vpc_id, tier["tier"])
        tags = {t["Key"]: t["Value"] for t in live["Tags"]}
        assert tags["jenkins-ha:stack"] == "edge"
        assert _as_module_rules(live["Entries"], False) == sorted(tier["ingress"])
        assert _as_module_rules(live["Entries"], True) == sorted(tier["egress"])
    (default,) = [a for a in acls if a["IsDefault"]]
    assert [e["RuleNumber"] for e in default["Entries"]] == [32767, 32767]
    assert not default["Associations"]
    for acl in acls:
        inbound = _as_module_rules(acl["Entries"], False)
        assert not _prowler_open(inbound, "6", 22) and not _prowler_open(inbound, "6", 3389)
        assert not _prowler_open(inbound, "-1", 0)
    return by_name


def test_endpoints_rerun_drift_removal_and_destroy(emulator, playbook, tmp_path):
    first = playbook(NETWORK, inventory=DEMO, extra_vars=STACK)
    assert first.rc == 0, first.output[-3000:]
    ec2 = emulator.client("ec2")
    vpc_id = _vpc_id(ec2)
    stack_acls = _check_network_acls(ec2, vpc_id)
    groups = _groups(ec2, vpc_id)
    endpoints = _endpoints(ec2, vpc_id)
    assert {e["ServiceName"].rsplit(".", 1)[-1] for e in endpoints} == DEFAULT_SERVICES
    assert len(endpoints) == len(DEFAULT_SERVICES)
    endpoint_group = groups["edge-endpoints"]
    for endpoint in endpoints:
        assert endpoint["VpcEndpointType"] == "Interface"
        assert endpoint["PrivateDnsEnabled"] is True
        assert set(endpoint["SubnetIds"]) == _private_subnets(ec2, vpc_id)
        assert [g["GroupId"] for g in endpoint["Groups"]] == [endpoint_group["GroupId"]]
        tags = {t["Key"]: t["Value"] for t in endpoint["Tags"]}
        assert tags["jenkins-ha:stack"] == "edge" and tags["Name"].startswith("edge-")
    # HTTPS from the stack's controller and agents, nothing else in, nothing out.
    ingress = {
        (p["IpProtocol"], p["FromPort"], pair["GroupId"])
        for p in endpoint_group["IpPermissions"]
        for pair in p.get("UserIdGroupPairs", [])
    }
    assert ingress == {
        ("tcp", 443, groups["edge-controller"]["GroupId"]),
        ("tcp", 443, groups["edge-agent"]["GroupId"]),
    }
    assert all(not p.get("IpRanges") for p in endpoint_group["IpPermissions"])
    assert endpoint_group["IpPermissionsEgress"] == []

    rerun = playbook(NETWORK, inventory=DEMO, extra_vars=STACK)
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-3000:]

    # A rule opened by hand on the private ACL is taken back, and only that ACL is touched.
    private_acl = stack_acls["edge-private-acl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=private_acl,
        RuleNumber=90,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 22, "To": 22},
    )
    healed = playbook(NETWORK, inventory=DEMO, extra_vars=STACK)
    assert healed.rc == 0 and healed.changed() == 1, healed.output[-3000:]
    _check_network_acls(ec2, vpc_id)

    # Drift (an endpoint that lost a subnet) is refused by name; a stack endpoint for a service not asked for and a
    # user's own endpoint sit beside it.
    ssm = next(e for e in endpoints if e["ServiceName"].endswith(".ssm"))
    dropped = sorted(ssm["SubnetIds"])[0]
    ec2.modify_vpc_endpoint(VpcEndpointId=ssm["VpcEndpointId"], RemoveSubnetIds=[dropped])
    stray = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName="com.amazonaws.{0}.logs".format(REGION),
        VpcEndpointType="Interface",
        SubnetIds=sorted(_private_subnets(ec2, vpc_id)),
        SecurityGroupIds=[endpoint_group["GroupId"]],
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "jenkins-ha:stack", "Value": "edge"}]}],
    )["VpcEndpoint"]["VpcEndpointId"]
    users = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.{0}.sts".format(REGION), VpcEndpointType="Interface"
    )["VpcEndpoint"]["VpcEndpointId"]
    drifted = playbook(NETWORK, inventory=DEMO, extra_vars=STACK)
    assert drifted.rc != 0
    assert "{0} (com.amazonaws.{1}.ssm)".format(ssm["VpcEndpointId"], REGION) in drifted.output
    assert "playbooks/network.yml again" in drifted.output
    left = {e["VpcEndpointId"] for e in _endpoints(ec2, vpc_id)}
    assert stray not in left and users in left and ssm["VpcEndpointId"] in left

    wrapper = tmp_path / "destroy_endpoints.yml"
    wrapper.write_text(DESTROY_ENDPOINTS.format(root=ROOT))
    destroyed = playbook(wrapper, inventory=DEMO, extra_vars=STACK)
    assert destroyed.rc == 0, destroyed.output[-3000:]
    assert [e["VpcEndpointId"] for e in _endpoints(ec2, vpc_id)] == [users]
    assert "edge-endpoints" not in _groups(ec2, vpc_id)
    again = playbook(wrapper, inventory=DEMO, extra_vars=STACK)
    assert again.rc == 0 and again.changed() == 0, again.output[-3000:]

    # The subnets still exist here: the ACLs' subnets go back to the default ACL before the ACLs are deleted.
    acl_wrapper = tmp_path / "destroy_network_acls.yml"
    acl_wrapper.write_text(DESTROY_NACLS.format(root=ROOT))
    removed = playbook(acl_wrapper, inventory=DEMO, extra_vars=STACK)
    assert removed.rc == 0, removed.output[-3000:]
    (default,) = _acls(ec2, vpc_id)
    assert default["IsDefault"] and {a["SubnetId"] for a in default["Associations"]} == _tier_subnets(
        ec2, vpc_id, "public"
    ) | _tier_subnets(ec2, vpc_id, "private")
    removed_again = playbook(acl_wrapper, inventory=DEMO, extra_vars=STACK)
    assert removed_again.rc == 0 and removed_again.changed() == 0, removed_again.output[-3000:]
