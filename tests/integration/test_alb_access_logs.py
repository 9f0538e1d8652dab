"""alb.yml (issue 20 items 10 and 13): run alone before network.yml it fails naming the playbook to run first and
creates nothing (check mode notes the skip); after it, the load balancer writes access logs to the stack's bucket:
SSE-S3 (the only encryption ELB log delivery supports), ACLs off, public access blocked, a policy that lets only the
region's ELB log writer put objects under the stack's prefix and denies every request without TLS, versioning, and a
lifecycle rule expiring the logs after the stack's log retention and their noncurrent versions 30 days later. A rerun
changes nothing; the posture check passes on it."""

import json

from tests.integration.harness import ROOT
from tests.integration.posture.collect import collect_load_balancers
from tests.integration.posture.rules import Expectations, StackState
from tests.integration.posture.rules.load_balancer import access_log_findings

NETWORK = ROOT / "playbooks" / "network.yml"
ALB = ROOT / "playbooks" / "alb.yml"
DEMO = ROOT / "inventory" / "demo"
STACK = [
    "jenkins_ha_stack_name=logs",
    {
        "jenkins_ha_vpc_cidr": "10.82.0.0/16",
        "jenkins_ha_public_subnet_cidrs": ["10.82.0.0/24", "10.82.1.0/24"],
        "jenkins_ha_private_subnet_cidrs": ["10.82.16.0/20", "10.82.32.0/20"],
        "jenkins_ha_dns_zone": "",
        "jenkins_ha_dns_private_zone": "",
    },
]
ACCOUNT = "123456789012"
BUCKET = "logs-alb-logs-{0}-us-east-1".format(ACCOUNT)
# us-east-1's Elastic Load Balancing account (Application Load Balancer guide, "Enable access logs").
ELB_ACCOUNT = "127311923021"


def _stack_load_balancers(emulator):
    found = emulator.client("elbv2").describe_load_balancers()["LoadBalancers"]
    return [lb for lb in found if lb["LoadBalancerName"] == "logs-alb"]


def test_alb_alone_names_network_yml_and_creates_nothing(emulator, playbook):
    checked = playbook(ALB, inventory=DEMO, extra_vars=STACK, check=True)
    assert checked.rc == 0, checked.output[-3000:]
    assert "Check mode: load balancer, target group and access-log bucket skipped" in checked.output
    alone = playbook(ALB, inventory=DEMO, extra_vars=STACK)
    assert alone.rc != 0
    output = " ".join(alone.output.split())
    assert "(run playbooks/network.yml first)" in output and "Nothing was created." in output
    assert _stack_load_balancers(emulator) == []
    buckets = [b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]]
    assert BUCKET not in buckets
    groups = emulator.client("elbv2").describe_target_groups()["TargetGroups"]
    assert not [g for g in groups if g["TargetGroupName"].startswith("logs-")]


def test_access_logs_go_to_a_private_tls_only_expiring_bucket(emulator, playbook):
    assert playbook(NETWORK, inventory=DEMO, extra_vars=STACK).rc == 0
    first = playbook(ALB, inventory=DEMO, extra_vars=STACK)
    assert first.rc == 0, first.output[-3000:]
    (lb,) = _stack_load_balancers(emulator)
    elb = emulator.client("elbv2")
    attributes = {
        a["Key"]: a["Value"]
        for a in elb.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]
    }
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == BUCKET and attributes["access_logs.s3.prefix"] == "logs"

    s3 = emulator.client("s3")
    rules = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    ownership = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"][0]
    assert ownership["ObjectOwnership"] == "BucketOwnerEnforced"
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    allow, deny = policy["Statement"]
    assert allow["Effect"] == "Allow" and allow["Action"] == "s3:PutObject"
    assert allow["Principal"] == {"AWS": "arn:aws:iam::{0}:root".format(ELB_ACCOUNT)}
    assert allow["Resource"] == "arn:aws:s3:::{0}/logs/AWSLogs/{1}/*".format(BUCKET, ACCOUNT)
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert rule["Status"] == "Enabled" and rule["Expiration"] == {"Days": 365}
    # Versioned: an overwritten or deleted log stays 30 days as a noncurrent version, then goes.
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}

    rerun = playbook(ALB, inventory=DEMO, extra_vars=STACK)
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-3000:]

    state = StackState(stack="logs")
    collect_load_balancers(emulator.client, state)
    assert access_log_findings(state, Expectations()) == []
