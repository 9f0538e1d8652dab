"""APIs this collection needs that stock moto 5.2.5 serves correctly: verified here, so no patch exists for them.

If one of these starts failing after a moto upgrade, it needs a patch in tests/emulator/compat/.
"""

from __future__ import annotations

import json

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
)


def test_efs_access_points_policy_elastic_throughput_and_lifecycle(aws):
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="stock", ThroughputMode="elastic")["FileSystemId"]
    assert efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]["ThroughputMode"] == "elastic"

    ap_id = efs.create_access_point(
        FileSystemId=fs_id,
        Tags=[{"Key": "Name", "Value": "jenkins"}],
        PosixUser={"Uid": 1000, "Gid": 1000},
        RootDirectory={"Path": "/jenkins", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "0750"}},
    )["AccessPointId"]
    (point,) = efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]
    assert point["AccessPointId"] == ap_id and point["Tags"] == [{"Key": "Name", "Value": "jenkins"}]
    assert point["RootDirectory"]["Path"] == "/jenkins" and point["PosixUser"]["Uid"] == 1000
    efs.delete_access_point(AccessPointId=ap_id)
    assert efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"] == []

    efs.put_file_system_policy(FileSystemId=fs_id, Policy=POLICY)
    assert json.loads(efs.describe_file_system_policy(FileSystemId=fs_id)["Policy"]) == json.loads(POLICY)

    efs.put_lifecycle_configuration(FileSystemId=fs_id, LifecyclePolicies=[{"TransitionToIA": "AFTER_30_DAYS"}])
    assert efs.describe_lifecycle_configuration(FileSystemId=fs_id)["LifecyclePolicies"] == [
        {"TransitionToIA": "AFTER_30_DAYS"}
    ]


def test_vpc_flow_logs_to_cloudwatch_with_tags(aws):
    ec2, logs, iam = aws("ec2"), aws("logs"), aws("iam")
    vpc_id = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    logs.create_log_group(logGroupName="/jenkins-ha/flow")
    role = iam.create_role(RoleName="flow-logs", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    (flow_log_id,) = ec2.create_flow_logs(
        ResourceIds=[vpc_id],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogDestinationType="cloud-watch-logs",
        LogGroupName="/jenkins-ha/flow",
        DeliverLogsPermissionArn=role,
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": "flow"}]}],
    )["FlowLogIds"]
    (flow_log,) = ec2.describe_flow_logs(Filters=[{"Name": "tag:Name", "Values": ["flow"]}])["FlowLogs"]
    assert flow_log["FlowLogId"] == flow_log_id and flow_log["ResourceId"] == vpc_id
    assert flow_log["LogGroupName"] == "/jenkins-ha/flow" and flow_log["TrafficType"] == "REJECT"
    assert flow_log["Tags"] == [{"Key": "Name", "Value": "flow"}]


def test_alb_drop_invalid_header_fields(aws):
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc_id = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.5.0.0/24", "us-east-1a"), ("10.5.1.0/24", "us-east-1b"))
    ]
    arn = elbv2.create_load_balancer(Name="jenkins", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    key = "routing.http.drop_invalid_header_fields.enabled"
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": key, "Value": "true"}])
    attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    assert {"Key": key, "Value": "true"} in attributes


def test_ssm_secure_string_with_customer_key(aws):
    ssm, kms = aws("ssm"), aws("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    ssm.put_parameter(
        Name="/jenkins-ha/ci/controller/admin-password", Value="s3cret", Type="SecureString", KeyId=key_id
    )
    decrypted = ssm.get_parameters_by_path(Path="/jenkins-ha/ci", Recursive=True, WithDecryption=True)["Parameters"]
    assert [(p["Name"], p["Type"], p["Value"]) for p in decrypted] == [
        ("/jenkins-ha/ci/controller/admin-password", "SecureString", "s3cret")
    ]
    encrypted = ssm.get_parameters_by_path(Path="/jenkins-ha/ci", Recursive=True, WithDecryption=False)["Parameters"]
    assert encrypted[0]["Value"] != "s3cret"
    described = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [decrypted[0]["Name"]]}])
    assert described["Parameters"][0]["KeyId"] == key_id
