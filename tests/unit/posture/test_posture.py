"""Each posture rule passes a compliant hand-made stack and flags one bad change to it."""

import base64
import copy
import json

import pytest

from tests.integration.posture import Expectations, StackState, findings_of

ACCOUNT = "123456789012"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
AGENT_ROLE = "arn:aws:iam::123456789012:role/demo-agent"
PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter/jenkins-ha/demo"


def sg_rule(port, source, desc="why", proto="tcp"):
    kind = {"sg": ("UserIdGroupPairs", "GroupId"), "cidr": ("IpRanges", "CidrIp")}[
        "sg" if source.startswith("sg-") else "cidr"
    ]
    rule = {"IpProtocol": proto, "FromPort": port, "ToPort": port, kind[0]: [{kind[1]: source}]}
    if desc:
        rule[kind[0]][0]["Description"] = desc
    return rule


def group(name, gid, ingress, egress):
    return {"GroupName": name, "GroupId": gid, "IpPermissions": ingress, "IpPermissionsEgress": egress}


WORLD_EGRESS = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "internet via NAT"}]}]


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions, resources, condition=None, sid="S"):
    stmt = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        stmt["Condition"] = condition
    return stmt


EC2_TRUST = policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
SSM_CORE = {
    "PolicyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "PolicyName": "AmazonSSMManagedInstanceCore",
}


# Session Manager without AmazonSSMManagedInstanceCore (playbooks/templates/iam_session_manager.json.j2).
SESSION_MANAGER = [
    allow("ssm:UpdateInstanceInformation", "arn:aws:ec2:us-east-1:123456789012:instance/*", sid="SessionRegistration"),
    allow(
        [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
        ],
        "*",
        sid="SessionChannels",
    ),
]


def role(name, inline, attached=()):
    inline = dict(inline, Statement=inline["Statement"] + SESSION_MANAGER)
    return {
        "RoleName": name,
        "Arn": "arn:aws:iam::123456789012:role/" + name,
        "AssumeRolePolicyDocument": EC2_TRUST,
        "InlinePolicies": {"jenkins-ha": inline},
        "AttachedPolicies": list(attached),
    }


# Excerpts of the AWS Backup service-role policies (collect() reads every attached policy's document).
BACKUP_POLICIES = [
    {
        "PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "Document": policy(allow(["elasticfilesystem:Backup", "ec2:CreateImage"], "*")),
    },
    {
        "PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        "Document": policy(allow(["elasticfilesystem:Restore", "elasticfilesystem:CreateFilesystem"], "*")),
    },
]


def service_role(name, service, attached):
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    )
    return {
        "RoleName": name,
        "Arn": "arn:aws:iam::123456789012:role/" + name,
        "AssumeRolePolicyDocument": trust,
        "InlinePolicies": {},
        "AttachedPolicies": copy.deepcopy(attached),
    }


def launch_template(name):
    return {
        "LaunchTemplateName": name,
        "VersionNumber": 1,
        "LaunchTemplateData": {
            "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "KmsKeyId": KEY, "VolumeType": "gp3"}}
            ],
            "UserData": base64.b64encode(b"#!/usr/bin/env bash\nJENKINS_HA_STACK=demo\n").decode(),
        },
    }


def good_state():
    efs_policy = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
        }
    )
    return StackState(
        stack="demo",
        kms_key_arn=KEY,
        kms_rotation=True,
        vpc_id="vpc-1",
        public_subnets=["subnet-pub1", "subnet-pub2"],
        private_subnets=["subnet-prv1", "subnet-prv2"],
        security_groups=[
            group(
                "demo-alb", "sg-alb", [sg_rule(443, "0.0.0.0/0"), sg_rule(80, "0.0.0.0/0")], [sg_rule(8080, "sg-ctl")]
            ),
            group("demo-controller", "sg-ctl", [sg_rule(8080, "sg-alb")], WORLD_EGRESS),
            group("demo-agent", "sg-agt", [sg_rule(22, "sg-ctl")], WORLD_EGRESS),
            group("demo-efs", "sg-efs", [sg_rule(2049, "sg-ctl")], []),
        ],
        default_security_group={
            "GroupName": "default",
            "GroupId": "sg-def",
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        },
        flow_logs=[{"ResourceId": "vpc-1", "FlowLogStatus": "ACTIVE"}],
        roles=[
            role(
                "demo-controller",
                policy(
                    allow(["autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances"], "*", sid="Describe"),
                    allow(["autoscaling:SetDesiredCapacity"], "arn:aws:autoscaling:*:autoScalingGroupName/demo-agent"),
                    allow("iam:PassRole", AGENT_ROLE, sid="Pass"),
                    allow(["ssm:GetParameter", "ssm:GetParametersByPath"], [PARAM, PARAM + "/*"], sid="Params"),
                    allow(["kms:Decrypt"], KEY, sid="Decrypt"),
                ),
            ),
            role("demo-agent", policy(allow(["ssm:GetParameter"], PARAM + "/keys/ssh-public-key", sid="PublicKey"))),
            service_role("demo-flow-logs", "vpc-flow-logs.amazonaws.com", []),
            service_role("demo-backup", "backup.amazonaws.com", BACKUP_POLICIES),
        ],
        instance_profiles=[
            {"InstanceProfileName": "demo-controller", "Roles": [{"RoleName": "demo-controller"}]},
            {"InstanceProfileName": "demo-agent", "Roles": [{"RoleName": "demo-agent"}]},
        ],
        launch_templates=[launch_template("demo-controller"), launch_template("demo-agent")],
        file_systems=[
            {
                "FileSystemId": "fs-1",
                "FileSystemArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
                "Encrypted": True,
                "KmsKeyId": KEY,
                "BackupPolicy": "DISABLED",
                "Policy": json.dumps(efs_policy),
                "MountTargets": [{"MountTargetId": "fsmt-1", "SubnetId": "subnet-prv1", "SecurityGroups": ["sg-efs"]}],
            }
        ],
        backup_vault={"BackupVaultName": "demo-jenkins-home", "EncryptionKeyArn": KEY},
        backup_protected_arns=["arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"],
        log_groups=[
            {"logGroupName": "/jenkins-ha/demo/" + name, "retentionInDays": 365, "kmsKeyId": KEY}
            for name in ("controller", "agent", "vpc-flow-logs")
        ],
        parameters=[
            {"Name": "/jenkins-ha/demo/controller/admin-password", "Type": "SecureString", "KeyId": KEY},
            {"Name": "/jenkins-ha/demo/keys/ssh-private-key", "Type": "SecureString", "KeyId": "alias/jenkins-ha/demo"},
            {"Name": "/jenkins-ha/demo/keys/ssh-public-key", "Type": "String"},
        ],
        load_balancers=[
            {
                "LoadBalancerName": "demo-alb",
                "Scheme": "internet-facing",
                "AvailabilityZones": [{"SubnetId": "subnet-pub1"}, {"SubnetId": "subnet-pub2"}],
                "Attributes": {
                    "routing.http.drop_invalid_header_fields.enabled": "true",
                    "deletion_protection.enabled": "true",
                },
                "Listeners": [
                    {"Protocol": "HTTPS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
                    {
                        "Protocol": "HTTP",
                        "Port": 80,
                        "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS"}}],
                        "Rules": [],
                    },
                ],
            }
        ],
        auto_scaling_groups=[
            {"AutoScalingGroupName": "demo-controller", "VPCZoneIdentifier": "subnet-prv1,subnet-prv2"},
            {"AutoScalingGroupName": "demo-agent", "VPCZoneIdentifier": "subnet-prv1,subnet-prv2"},
        ],
        instances=[{"InstanceId": "i-1", "SubnetId": "subnet-prv2"}],
    )


def check(state, **expect):
    return findings_of(state, Expectations(**expect), ACCOUNT)


def sg(state, name):
    return next(g for g in state.security_groups if g["GroupName"] == name)


def role_of(state, name):
    return next(r for r in state.roles if r["RoleName"] == name)


def lb(state):
    return state.load_balancers[0]


def http_listener(state):
    return next(item for item in lb(state)["Listeners"] if item["Protocol"] == "HTTP")


def lt_data(state):
    return state.launch_templates[0]["LaunchTemplateData"]


def fs(state):
    return state.file_systems[0]


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
    ("missing group", lambda s: s.security_groups.pop(), "security group demo-efs: missing"),
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
