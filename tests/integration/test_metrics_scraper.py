"""The metrics scraper's ports (issue 19): network.yml admits the stack's scraper (its CIDRs and its security group) on
TCP 9100 (node exporter) of the controller and agent groups and on the controller's Jenkins port (Jenkins' metrics
endpoint) and nowhere else, and writes metrics/remote-scrape for
boot.yml ("true": listen on the private address); a rerun changes nothing; without a scraper the rules go and the
record says "false" (the instances then listen on loopback only).

Network only, one stack of its own: three runs of
network.yml. The posture rule (tests/integration/posture) judges the groups as `make posture` does."""

from tests.integration.harness import ROOT
from tests.integration.posture import Expectations
from tests.integration.posture.rules import security_group_findings
from tests.integration.posture.rules.model import StackState

NETWORK = ROOT / "playbooks" / "network.yml"
DEMO = ROOT / "inventory" / "demo"
NAME = "scrape"
BASE = {
    "jenkins_ha_stack_name": NAME,
    "jenkins_ha_vpc_cidr": "10.82.0.0/16",
    "jenkins_ha_public_subnet_cidrs": ["10.82.0.0/24", "10.82.1.0/24"],
    "jenkins_ha_private_subnet_cidrs": ["10.82.16.0/20", "10.82.32.0/20"],
    "jenkins_ha_admin_cidrs": [],
}
SCRAPER_CIDRS = ["10.99.0.0/24", "192.0.2.7/32"]
RECORD = "/jenkins-ha/{0}/metrics/remote-scrape".format(NAME)


def _groups(ec2):
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": [NAME]}])["Vpcs"][0]["VpcId"]
    found = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
    return {g["GroupName"]: g for g in found}


def _sources(group, port):
    sources = set()
    for perm in group["IpPermissions"]:
        if (perm.get("FromPort"), perm.get("ToPort")) == (port, port):
            sources |= {r["CidrIp"] for r in perm.get("IpRanges", [])}
            sources |= {p["GroupId"] for p in perm.get("UserIdGroupPairs", [])}
    return sources


def _node_exporter_sources(group):
    return _sources(group, 9100)


def _jenkins_sources(groups, group):
    """Who reaches the Jenkins port (8080, the demo's jenkins_ha_jenkins_port) besides the load balancer."""
    return _sources(group, 8080) - {groups["{0}-alb".format(NAME)]["GroupId"]}


def _posture(groups, stack_vars):
    state = StackState(stack=NAME, security_groups=list(groups.values()))
    return security_group_findings(state, Expectations.from_stack_vars(dict(BASE, **stack_vars)))


def test_node_exporter_is_open_to_the_scraper_only_and_closed_without_one(emulator, playbook):
    ec2 = emulator.client("ec2")
    ssm = emulator.client("ssm")
    # The scraper's own group, as a Prometheus in a peered VPC would have.
    other_vpc = ec2.create_vpc(CidrBlock="10.99.0.0/24")["Vpc"]["VpcId"]
    scraper_group = ec2.create_security_group(GroupName="prometheus", Description="scraper", VpcId=other_vpc)["GroupId"]
    scraper = {
        "jenkins_ha_metrics_scraper_cidrs": SCRAPER_CIDRS,
        "jenkins_ha_metrics_scraper_security_group_id": scraper_group,
    }

    first = playbook(NETWORK, inventory=DEMO, extra_vars=[dict(BASE, **scraper)])
    assert first.rc == 0, first.output[-3000:]
    groups = _groups(ec2)
    for role in ("controller", "agent"):
        assert _node_exporter_sources(groups["{0}-{1}".format(NAME, role)]) == set(SCRAPER_CIDRS) | {scraper_group}
    for role in ("alb", "efs"):
        assert _node_exporter_sources(groups["{0}-{1}".format(NAME, role)]) == set()
    # Jenkins' metrics endpoint: the controller's Jenkins port from exactly the scraper, on no other group.
    assert _jenkins_sources(groups, groups[NAME + "-controller"]) == set(SCRAPER_CIDRS) | {scraper_group}
    assert all(_jenkins_sources(groups, groups["{0}-{1}".format(NAME, r)]) == set() for r in ("alb", "agent", "efs"))
    assert _posture(groups, scraper) == []
    assert ssm.get_parameter(Name=RECORD)["Parameter"]["Value"] == "true"

    rerun = playbook(NETWORK, inventory=DEMO, extra_vars=[dict(BASE, **scraper)])
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-3000:]

    closed = playbook(NETWORK, inventory=DEMO, extra_vars=[BASE])
    assert closed.rc == 0, closed.output[-3000:]
    groups = _groups(ec2)
    assert all(_node_exporter_sources(g) == set() for g in groups.values())
    assert all(_jenkins_sources(groups, g) == set() for g in groups.values())
    assert _posture(groups, {}) == []
    assert ssm.get_parameter(Name=RECORD)["Parameter"]["Value"] == "false"
