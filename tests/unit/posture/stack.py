"""A compliant hand-made stack for the posture rule tests (what collect() would read from a converged demo stack),
and helpers to build and reach into it."""

import base64
import copy
import json

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


def launch_template(name, profile="demo-agent", security_group="sg-agt"):
    return {
        "LaunchTemplateName": name,
        "VersionNumber": 1,
        "LaunchTemplateData": {
            "IamInstanceProfile": {"Name": profile},
            "SecurityGroupIds": [security_group],
            "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "KmsKeyId": KEY, "VolumeType": "gp3"}}
            ],
            "UserData": base64.b64encode(b"#!/usr/bin/env bash\nJENKINS_HA_STACK=demo\n").decode(),
        },
    }


GROUP_ARN = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:{uuid}:autoScalingGroupName/{name}"
# The pool groups the controller's policy names (one per pool of the stack description).
POOL_GROUPS = ("demo-agent",)


def asg(name, component, pool=None, template=None, tags=None):
    """An Auto Scaling group as asgs.yml makes it: stack, component (and pool) tags propagated to its instances, the
    agents' protected from scale-in (the EC2 Fleet plugin's setting)."""
    propagated = dict({"jenkins-ha:stack": "demo", "jenkins-ha:component": component}, **(tags or {}))
    if pool:
        propagated["jenkins-ha:pool"] = pool
    return {
        "AutoScalingGroupName": name,
        "AutoScalingGroupARN": GROUP_ARN.format(uuid="9f0c" + str(len(name)), name=name),
        "VPCZoneIdentifier": "subnet-prv1,subnet-prv2",
        "LaunchTemplate": {"LaunchTemplateName": template or name, "Version": "$Default"},
        "NewInstancesProtectedFromScaleIn": component == "agent",
        "Instances": [],
        "Tags": [{"Key": key, "Value": value, "PropagateAtLaunch": True} for key, value in propagated.items()],
    }


LOG_BUCKET = "demo-alb-logs-123456789012-us-east-1"


def log_bucket():
    """The stack's access-log bucket as playbooks/alb.yml makes it."""
    arn = "arn:aws:s3:::" + LOG_BUCKET
    return {
        "Encryption": "AES256",
        "PublicAccessBlock": {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
        "ObjectOwnership": "BucketOwnerEnforced",
        "Policy": json.dumps(
            policy(
                {
                    "Sid": "ElasticLoadBalancingLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::127311923021:root"},
                    "Action": "s3:PutObject",
                    "Resource": arn + "/demo/AWSLogs/123456789012/*",
                },
                {
                    "Sid": "TlsOnly",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, arn + "/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            )
        ),
        "LifecycleRules": [{"ID": "expire-access-logs", "Status": "Enabled", "Expiration": {"Days": 365}}],
    }


def endpoint(service, subnets=("subnet-prv1", "subnet-prv2")):
    return {
        "VpcEndpointId": "vpce-" + service,
        "ServiceName": "com.amazonaws.us-east-1." + service,
        "VpcEndpointType": "Interface",
        "State": "available",
        "PrivateDnsEnabled": True,
        "SubnetIds": list(subnets),
        "Groups": [{"GroupId": "sg-vpce"}],
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
            group("demo-endpoints", "sg-vpce", [sg_rule(443, "sg-ctl"), sg_rule(443, "sg-agt")], []),
        ],
        default_security_group={
            "GroupName": "default",
            "GroupId": "sg-def",
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        },
        flow_logs=[{"ResourceId": "vpc-1", "FlowLogStatus": "ACTIVE"}],
        subnet_azs={
            "subnet-pub1": "us-east-1a",
            "subnet-pub2": "us-east-1b",
            "subnet-prv1": "us-east-1a",
            "subnet-prv2": "us-east-1b",
        },
        # jenkins_ha_nat_gateways=single: one NAT gateway (zone a) for both private subnets.
        nat_gateways=[{"NatGatewayId": "nat-1", "SubnetId": "subnet-pub1", "State": "available"}],
        route_tables=[
            {
                "Associations": [{"SubnetId": "subnet-prv1"}, {"SubnetId": "subnet-prv2"}],
                "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}],
            }
        ],
        vpc_endpoints=[endpoint(service) for service in ("ssm", "ec2", "autoscaling")],
        roles=[
            role(
                "demo-controller",
                policy(
                    allow(["autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances"], "*", sid="Describe"),
                    allow(
                        ["autoscaling:UpdateAutoScalingGroup", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                        [GROUP_ARN.format(uuid="*", name=name) for name in POOL_GROUPS],
                        sid="ScaleTheAgentGroups",
                    ),
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
        launch_templates=[
            launch_template("demo-controller", "demo-controller", "sg-ctl"),
            launch_template("demo-agent"),
        ],
        launch_template_tags={
            "demo-controller": [{"Key": "jenkins-ha:stack", "Value": "demo"}],
            "demo-agent": [
                {"Key": "jenkins-ha:stack", "Value": "demo"},
                {"Key": "jenkins-ha:pool", "Value": "default"},
            ],
        },
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
                    "access_logs.s3.enabled": "true",
                    "access_logs.s3.bucket": LOG_BUCKET,
                    "access_logs.s3.prefix": "demo",
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
        access_log_buckets={LOG_BUCKET: log_bucket()},
        auto_scaling_groups=[asg("demo-controller", "controller"), asg("demo-agent", "agent", pool="default")],
        other_group_arns=[GROUP_ARN.format(uuid="0000", name="team-b-workers")],
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
