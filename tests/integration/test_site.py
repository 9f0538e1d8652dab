"""site.yml against a private emulator: check on an empty account, converge, idempotent rerun, check rerun, the
security posture of the converged stack, and a typo'd stack variable failing before anything is created.
(A second stack beside another, with the settings the demo does not use, is in test_destroy.py.)"""

import json

import pytest

from tests.integration.harness import ROOT
from tests.integration.posture import Expectations, check_stack

SITE = ROOT / "site.yml"
DEMO = ROOT / "inventory" / "demo"


def vpcs(emulator, stack):
    ec2 = emulator.client("ec2")
    return ec2.describe_vpcs(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": [stack]}])["Vpcs"]


@pytest.fixture(scope="module")
def public_zone(emulator):
    emulator.client("route53").create_hosted_zone(Name="demo.jenkins-ha.example", CallerReference="test-site")


def test_bad_input_fails_first_and_creates_nothing(emulator, playbook):
    result = playbook(SITE, inventory=DEMO, extra_vars=["jenkins_ha_stack_name=typo", "jenkins_ha_nat_gateway=per_az"])
    assert result.rc != 0
    assert "Unknown stack variable(s) jenkins_ha_nat_gateway" in result.output
    assert vpcs(emulator, "typo") == []


def test_bad_cidr_fails_with_a_clear_message(emulator, playbook):
    result = playbook(
        SITE, inventory=DEMO, extra_vars=["jenkins_ha_stack_name=typo", "jenkins_ha_vpc_cidr=10.40.0.1/16"]
    )
    assert result.rc != 0
    assert "Malformed CIDR(s): 10.40.0.1/16" in result.output
    assert vpcs(emulator, "typo") == []


def test_check_on_an_empty_account_fails_nowhere(emulator, playbook, public_zone):
    result = playbook(SITE, inventory=DEMO, check=True)
    assert result.rc == 0, result.output[-3000:]
    assert result.failed() == 0
    assert vpcs(emulator, "demo") == []


def test_site_converges_then_reruns_without_changes(emulator, playbook, public_zone):
    first = playbook(SITE, inventory=DEMO)
    assert first.rc == 0, first.output[-3000:]
    assert first.changed() > 0

    second = playbook(SITE, inventory=DEMO)
    assert second.rc == 0, second.output[-3000:]
    assert second.changed() == 0, second.output

    check = playbook(SITE, inventory=DEMO, check=True, diff=True)
    assert check.rc == 0, check.output[-3000:]
    assert check.changed() == 0, check.output

    ssm = emulator.client("ssm")
    assert ssm.get_parameter(Name="/jenkins-ha/demo/agent/asg-name")["Parameter"]["Value"] == "demo-agent"
    secret = ssm.get_parameter(Name="/jenkins-ha/demo/keys/ssh-private-key")["Parameter"]
    assert secret["Type"] == "SecureString"
    assert "PRIVATE KEY" not in first.output + second.output
    groups = emulator.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=["demo-controller", "demo-agent"]
    )["AutoScalingGroups"]
    controller = next(g for g in groups if g["AutoScalingGroupName"] == "demo-controller")
    assert (controller["MinSize"], controller["MaxSize"], controller["DesiredCapacity"]) == (1, 1, 1)
    assert controller["HealthCheckType"] == "ELB"


def test_the_converged_stack_passes_the_posture_check(emulator):
    assert check_stack(emulator.client, "demo", Expectations.from_vars_file(DEMO / "group_vars" / "all.yml")) == []


def test_a_rerun_corrects_drift_the_converged_checks_must_see(emulator, playbook):
    """The network, IAM, log, Auto Scaling and alarm tasks skip converged items after one in-process read (the
    unconverged_* filters, asg_converged.j2): drift made behind the playbooks' back must still reach the module and
    be corrected."""
    ec2, logs, cloudwatch = emulator.client("ec2"), emulator.client("logs"), emulator.client("cloudwatch")
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["demo-controller", "default"]}])
    by_name = {g["GroupName"]: g for g in groups["SecurityGroups"] if g["VpcId"] == vpcs(emulator, "demo")[0]["VpcId"]}
    ec2.authorize_security_group_ingress(
        GroupId=by_name["demo-controller"]["GroupId"],
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    ec2.authorize_security_group_egress(
        GroupId=by_name["default"]["GroupId"],
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    subnet = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["demo-private-us-east-1b"]}])["Subnets"][0]
    ec2.create_tags(Resources=[subnet["SubnetId"]], Tags=[{"Key": "managed-by", "Value": "someone-else"}])
    retention = logs.describe_log_groups(logGroupNamePrefix="/jenkins-ha/demo/controller")["logGroups"][0]
    logs.put_retention_policy(logGroupName="/jenkins-ha/demo/controller", retentionInDays=1)
    alarm = cloudwatch.describe_alarms(AlarmNames=["demo-controller-in-service"])["MetricAlarms"][0]
    cloudwatch.put_metric_alarm(
        **{
            k: v
            for k, v in alarm.items()
            if k
            in (
                "AlarmName",
                "AlarmDescription",
                "MetricName",
                "Namespace",
                "Statistic",
                "Dimensions",
                "Period",
                "EvaluationPeriods",
                "ComparisonOperator",
                "TreatMissingData",
                "AlarmActions",
                "OKActions",
            )
        },
        Threshold=5.0,
    )

    private_table = ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": ["demo-private"]}])[
        "RouteTables"
    ][0]
    association = next(a for a in private_table["Associations"] if not a.get("Main"))
    ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
    # IAM and the Auto Scaling groups are compared in the controller too (iam_roles lookup, asg_converged.j2).
    iam, autoscaling = emulator.client("iam"), emulator.client("autoscaling")
    agent_policy = iam.get_role_policy(RoleName="demo-agent", PolicyName="jenkins-ha")["PolicyDocument"]
    iam.put_role_policy(
        RoleName="demo-agent",
        PolicyName="jenkins-ha",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )
    iam.tag_role(RoleName="demo-controller", Tags=[{"Key": "owner", "Value": "someone-else"}])
    grace = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["demo-controller"])["AutoScalingGroups"][0][
        "HealthCheckGracePeriod"
    ]
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="demo-controller", HealthCheckGracePeriod=1)

    result = playbook(SITE, inventory=DEMO, tags="network,iam,logs,asgs,monitoring")
    assert result.rc == 0, result.output[-3000:]
    # Exactly the drifted items went through their modules (the recap counts tasks: five network, log and alarm
    # loops, the two IAM tasks and the Auto Scaling groups changed).
    assert result.changed() == 8, result.output
    for item in (
        "demo-private)",
        "demo-private-us-east-1b",
        "demo-controller)",
        "default)",
        "/jenkins-ha/demo/controller)",
        "demo-controller-in-service)",
    ):
        assert "changed: [localhost] => (item={0}".format(item) in result.output, item

    controller = ec2.describe_security_groups(GroupIds=[by_name["demo-controller"]["GroupId"]])["SecurityGroups"][0]
    assert all(not p.get("IpRanges") for p in controller["IpPermissions"]), controller["IpPermissions"]
    default = ec2.describe_security_groups(GroupIds=[by_name["default"]["GroupId"]])["SecurityGroups"][0]
    assert default["IpPermissionsEgress"] == [] and default["IpPermissions"] == []
    tags = {t["Key"]: t["Value"] for t in ec2.describe_subnets(SubnetIds=[subnet["SubnetId"]])["Subnets"][0]["Tags"]}
    assert tags["managed-by"] == "jenkins_ha.aws"
    fixed = logs.describe_log_groups(logGroupNamePrefix="/jenkins-ha/demo/controller")["logGroups"][0]
    assert fixed["retentionInDays"] == retention["retentionInDays"]
    fixed_alarm = cloudwatch.describe_alarms(AlarmNames=["demo-controller-in-service"])["MetricAlarms"][0]
    assert fixed_alarm["Threshold"] == alarm["Threshold"]
    table = ec2.describe_route_tables(RouteTableIds=[private_table["RouteTableId"]])["RouteTables"][0]
    assert association["SubnetId"] in {a.get("SubnetId") for a in table["Associations"]}
    assert iam.get_role_policy(RoleName="demo-agent", PolicyName="jenkins-ha")["PolicyDocument"] == agent_policy
    assert "owner" not in {t["Key"] for t in iam.list_role_tags(RoleName="demo-controller")["Tags"]}
    fixed_group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["demo-controller"])
    assert fixed_group["AutoScalingGroups"][0]["HealthCheckGracePeriod"] == grace
