"""Each posture rule passes a compliant hand-made stack and flags one bad change to it."""

import base64
import copy
import json

import pytest

from tests.integration.posture import Expectations
from tests.unit.posture.stack import (
    AGENT_ROLE,
    KEY,
    PARAM,
    WORLD_EGRESS,
    allow,
    check,
    fs,
    good_state,
    http_listener,
    lb,
    lt_data,
    policy,
    role_of,
    sg,
    sg_rule,
)

# (name, mutation of the good state, expected substring of one finding)
BAD = [
    (
        "controller open to the world",
        lambda s: sg(s, "demo-controller")["IpPermissions"].append(sg_rule(8080, "0.0.0.0/0")),
        "ingress open to the world",
    ),
    (
        "controller open to ::/0",
        lambda s: sg(s, "demo-controller")["IpPermissions"].append(
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "x"}],
            }
        ),
        "ingress open to the world",
    ),
    (
        "ALB on another port",
        lambda s: sg(s, "demo-alb")["IpPermissions"].append(sg_rule(8443, "0.0.0.0/0")),
        "ingress rule not in the least-privilege design",
    ),
    (
        "JNLP open while inbound agents are off",
        lambda s: sg(s, "demo-controller")["IpPermissions"].append(sg_rule(50000, "sg-agt")),
        "ingress rule not in the least-privilege design: ingress tcp 50000",
    ),
    (
        "SSH to the controller from a CIDR not configured",
        lambda s: sg(s, "demo-controller")["IpPermissions"].append(sg_rule(22, "10.0.0.0/8")),
        "not in the least-privilege design",
    ),
    (
        "EFS by CIDR instead of SG reference",
        lambda s: sg(s, "demo-efs")["IpPermissions"].append(sg_rule(2049, "10.40.0.0/16")),
        "demo-efs): ingress rule not in the least-privilege design",
    ),
    (
        "EFS with egress",
        lambda s: sg(s, "demo-efs")["IpPermissionsEgress"].extend(WORLD_EGRESS),
        "demo-efs): egress rule not in",
    ),
    (
        "agent SSH from the ALB",
        lambda s: sg(s, "demo-agent")["IpPermissions"].append(sg_rule(22, "sg-alb")),
        "demo-agent): ingress rule not in",
    ),
    (
        "rule without description",
        lambda s: sg(s, "demo-agent")["IpPermissions"].__setitem__(0, sg_rule(22, "sg-ctl", desc=None)),
        "rule without a description",
    ),
    ("missing group", lambda s: s.security_groups.remove(sg(s, "demo-efs")), "security group demo-efs: missing"),
    (
        "default group with rules",
        lambda s: s.default_security_group.__setitem__("IpPermissionsEgress", WORLD_EGRESS),
        "default of vpc-1): has rules",
    ),
    ("no flow log", lambda s: s.flow_logs.clear(), "no active flow log"),
    (
        "wildcard service action",
        lambda s: role_of(s, "demo-controller")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            allow("ec2:*", "arn:aws:ec2:*:*:instance/*")
        ),
        "wildcard action ec2:*",
    ),
    (
        "action star",
        lambda s: role_of(s, "demo-agent")["InlinePolicies"]["jenkins-ha"]["Statement"].append(allow("*", "*")),
        "wildcard action *",
    ),
    (
        "unscoped mutation",
        lambda s: role_of(s, "demo-controller")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            allow("autoscaling:TerminateInstanceInAutoScalingGroup", "*")
        ),
        'Resource "*" without a Condition',
    ),
    (
        "NotAction",
        lambda s: role_of(s, "demo-controller")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
        ),
        "NotAction",
    ),
    (
        "PassRole on any role",
        lambda s: role_of(s, "demo-controller")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            allow("iam:PassRole", "arn:aws:iam::123456789012:role/*")
        ),
        "iam:PassRole",
    ),
    (
        "PassRole by the agent",
        lambda s: role_of(s, "demo-agent")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            allow("iam:PassRole", AGENT_ROLE)
        ),
        "iam role demo-agent: iam:PassRole",
    ),
    (
        "admin policy attached",
        lambda s: role_of(s, "demo-agent")["AttachedPolicies"].append(
            {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
        ),
        "AdministratorAccess not in the allow-list",
    ),
    (
        "agent decrypts with the stack key",
        lambda s: role_of(s, "demo-agent")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            allow("kms:Decrypt", KEY)
        ),
        "may kms:Decrypt",
    ),
    (
        "agent reads the stack's parameters",
        lambda s: role_of(s, "demo-agent")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            allow("ssm:GetParameter", PARAM + "/*")
        ),
        "may read /jenkins-ha/demo/keys/ssh-private-key",
    ),
    (
        "agent reads the stack's path",
        lambda s: role_of(s, "demo-agent")["InlinePolicies"]["jenkins-ha"]["Statement"].append(
            allow("ssm:GetParametersByPath", PARAM)
        ),
        "may read /jenkins-ha/demo/controller/admin-password",
    ),
    (
        "trust of any principal",
        lambda s: role_of(s, "demo-agent").__setitem__(
            "AssumeRolePolicyDocument",
            policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        ),
        "non-service principal",
    ),
    (
        "a third instance profile",
        lambda s: s.instance_profiles.append(
            {"InstanceProfileName": "demo-extra", "Roles": [{"RoleName": "demo-agent"}]}
        ),
        "instance profile demo-extra",
    ),
    ("a role missing", lambda s: s.roles.pop(), "iam role demo-backup: missing"),
    ("a launch template missing", lambda s: s.launch_templates.pop(), "launch template demo-agent: missing"),
    ("an ASG missing", lambda s: s.auto_scaling_groups.pop(0), "autoscaling group demo-controller: missing"),
    (
        "backup role with an extra AWS policy",
        lambda s: s.roles[3]["AttachedPolicies"].append({"PolicyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}),
        "AmazonS3FullAccess not in the allow-list",
    ),
    ("IMDSv1", lambda s: lt_data(s)["MetadataOptions"].__setitem__("HttpTokens", "optional"), "IMDSv2 not required"),
    ("hop limit 2", lambda s: lt_data(s)["MetadataOptions"].__setitem__("HttpPutResponseHopLimit", 2), "hop limit 2"),
    (
        "unencrypted root",
        lambda s: lt_data(s)["BlockDeviceMappings"][0]["Ebs"].__setitem__("Encrypted", False),
        "not encrypted",
    ),
    (
        "root with another key",
        lambda s: lt_data(s)["BlockDeviceMappings"][0]["Ebs"].__setitem__("KmsKeyId", "k"),
        "not encrypted with the stack key",
    ),
    ("gp2 root", lambda s: lt_data(s)["BlockDeviceMappings"][0]["Ebs"].__setitem__("VolumeType", "gp2"), "not gp3"),
    ("no volume mapping", lambda s: lt_data(s).__setitem__("BlockDeviceMappings", []), "no root volume mapping"),
    (
        "public IP",
        lambda s: lt_data(s).__setitem__("NetworkInterfaces", [{"AssociatePublicIpAddress": True}]),
        "associates a public IP",
    ),
    (
        "key in user data",
        lambda s: lt_data(s).__setitem__("UserData", base64.b64encode(b"-----BEGIN OPENSSH PRIVATE KEY-----").decode()),
        "key material",
    ),
    (
        "ASG in a public subnet",
        lambda s: s.auto_scaling_groups[0].__setitem__("VPCZoneIdentifier", "subnet-pub1"),
        "not all private",
    ),
    ("instance with public IP", lambda s: s.instances[0].__setitem__("PublicIpAddress", "1.2.3.4"), "has public IP"),
    ("EFS unencrypted", lambda s: fs(s).__setitem__("Encrypted", False), "efs fs-1: not encrypted"),
    (
        "EFS with another key",
        lambda s: fs(s).__setitem__("KmsKeyId", "aws/elasticfilesystem"),
        "not encrypted with the stack key",
    ),
    ("EFS without backup", lambda s: s.backup_protected_arns.clear(), "no backup"),
    ("EFS without policy", lambda s: fs(s).__setitem__("Policy", None), "no file system policy"),
    (
        "EFS policy open to anyone",
        lambda s: fs(s).__setitem__(
            "Policy",
            json.dumps(
                policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:ClientMount"})
            ),
        ),
        "allows anyone",
    ),
    (
        "mount target in a public subnet",
        lambda s: fs(s)["MountTargets"][0].__setitem__("SubnetId", "subnet-pub1"),
        "non-private subnet",
    ),
    (
        "mount target with another group",
        lambda s: fs(s)["MountTargets"][0].__setitem__("SecurityGroups", ["sg-efs", "sg-ctl"]),
        "mount target fsmt-1 security groups",
    ),
    ("rotation off", lambda s: setattr(s, "kms_rotation", False), "rotation off"),
    ("log group without retention", lambda s: s.log_groups[0].pop("retentionInDays"), "no retention"),
    ("log group without key", lambda s: s.log_groups[1].pop("kmsKeyId"), "not encrypted with the stack key"),
    ("a log group missing", lambda s: s.log_groups.pop(), "expected controller, agent, vpc-flow-logs"),
    ("secret as String", lambda s: s.parameters[0].__setitem__("Type", "String"), "not SecureString"),
    (
        "secret with the AWS managed key",
        lambda s: s.parameters[1].__setitem__("KeyId", "alias/aws/ssm"),
        "not the stack key",
    ),
    (
        "pending rotation key as String",
        lambda s: s.parameters.append({"Name": "/jenkins-ha/demo/keys/ssh-private-key-pending", "Type": "String"}),
        "ssh-private-key-pending: String, not SecureString",
    ),
    ("admin password missing", lambda s: s.parameters.pop(0), "admin-password: missing"),
    (
        "scrape account password as String (absent without a scrape account)",
        lambda s: s.parameters.append({"Name": "/jenkins-ha/demo/metrics/scrape-password", "Type": "String"}),
        "metrics/scrape-password: String, not SecureString",
    ),
    (
        "secret-looking String",
        lambda s: s.parameters.append({"Name": "/jenkins-ha/demo/x/token", "Type": "String"}),
        "looks secret",
    ),
    ("vault with another key", lambda s: s.backup_vault.__setitem__("EncryptionKeyArn", "k"), "backup vault"),
    (
        "header fields kept",
        lambda s: lb(s)["Attributes"].__setitem__("routing.http.drop_invalid_header_fields.enabled", "false"),
        "invalid header fields not dropped",
    ),
    (
        "deletion protection off",
        lambda s: lb(s)["Attributes"].__setitem__("deletion_protection.enabled", "false"),
        "deletion protection false",
    ),
    (
        "old TLS policy",
        lambda s: lb(s)["Listeners"][0].__setitem__("SslPolicy", "ELBSecurityPolicy-2016-08"),
        "not in the modern allow-list",
    ),
    (
        "HTTP forwards",
        lambda s: http_listener(s).__setitem__("DefaultActions", [{"Type": "forward"}]),
        "does not only redirect",
    ),
    ("HTTP with rules", lambda s: http_listener(s).__setitem__("Rules", [{"Priority": "1"}]), "has rules"),
    (
        "ALB in private subnets while public",
        lambda s: lb(s).__setitem__("AvailabilityZones", [{"SubnetId": "subnet-prv1"}]),
        "in subnets ['subnet-prv1']",
    ),
]


def test_a_compliant_stack_has_no_findings():
    assert check(good_state()) == []


@pytest.mark.parametrize("mutate, expected", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_each_rule_flags_its_bad_input(mutate, expected):
    state = copy.deepcopy(good_state())
    mutate(state)
    findings = check(state)
    assert any(expected in finding for finding in findings), findings


def test_inbound_agents_open_only_what_they_need():
    state = good_state()
    sg(state, "demo-controller")["IpPermissions"] += [sg_rule(50000, "sg-agt"), sg_rule(8080, "sg-agt")]
    assert check(state, inbound_agent_port=50000) == []
    sg(state, "demo-controller")["IpPermissions"].append(sg_rule(50001, "sg-agt"))
    assert len(check(state, inbound_agent_port=50000)) == 1


def test_admin_ssh_only_from_the_configured_cidrs():
    state = good_state()
    for name in ("demo-controller", "demo-agent"):
        sg(state, name)["IpPermissions"].append(sg_rule(22, "192.0.2.0/24"))
    assert check(state, admin_cidrs=("192.0.2.0/24",)) == []
    assert len(check(state)) == 2


def test_an_internal_alb_is_not_open_to_the_world():
    state = good_state()
    lb(state)["Scheme"] = "internal"
    lb(state)["AvailabilityZones"] = [{"SubnetId": "subnet-prv1"}]
    findings = check(state, alb_internal=True)
    assert sum("ingress open to the world" in f for f in findings) == 2, findings
    for rule in sg(state, "demo-alb")["IpPermissions"]:
        rule["IpRanges"][0]["CidrIp"] = "10.40.0.0/16"
    assert check(state, alb_internal=True) == []
    assert any("scheme internal, expected internet-facing" in f for f in check(state))


def test_tls_efs_needs_the_deny_without_tls():
    state = good_state()
    assert any("does not deny access without TLS" in f for f in check(state, efs_tls=True))
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    fs(state)["Policy"] = json.dumps(policy(deny))
    assert check(state, efs_tls=True) == []


def test_expectations_follow_the_stack_description():
    expect = Expectations.from_stack_vars({"jenkins_ha_agent_jnlp_port": 0, "jenkins_ha_efs_tls": True})
    assert (expect.inbound_agent_port, expect.efs_tls, expect.jenkins_port) == (0, True, 8080)
