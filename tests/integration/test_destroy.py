"""Two stacks side by side in one account and region, then destroy.yml: it refuses without confirmation, refuses to
delete JENKINS_HOME without a recent recovery point, removes a stack once a backup job has produced one (the
compatibility layer models StartBackupJob), and never touches the other stack. The guard looks at the file system
the delete acts on (found by name), not at the stack's SSM record of it. What killed image builds of the stack left
is removed, a running build stops the run (check mode lists both), another stack's builds stay."""

from tests.integration.build_leftovers import build_state, dead_owner, own_owner, seed_packer_build
from tests.integration.harness import ROOT
from tests.integration.posture import Expectations, check_stack

SITE = ROOT / "site.yml"
DESTROY = ROOT / "playbooks" / "destroy.yml"
DEMO = ROOT / "inventory" / "demo"
# The stack destroyed last; built with the settings the demo does not use: per-AZ NAT, TLS-only EFS policy, an
# internal (private-only) load balancer, and no agent pool list (one pool from the jenkins_ha_agent_* variables, as
# a stack described before pools existed).
STACK = [
    "jenkins_ha_stack_name=gone",
    {
        "jenkins_ha_vpc_cidr": "10.60.0.0/16",
        "jenkins_ha_public_subnet_cidrs": ["10.60.0.0/24", "10.60.1.0/24"],
        "jenkins_ha_private_subnet_cidrs": ["10.60.16.0/20", "10.60.32.0/20"],
        "jenkins_ha_nat_gateways": "per_az",
        "jenkins_ha_efs_tls": True,
        "jenkins_ha_dns_zone": "",
        "jenkins_ha_dns_private_zone": "",
        "jenkins_ha_alarm_sns_topic": False,
        "jenkins_ha_alb_internal": True,
        "jenkins_ha_agent_pools": [],
        "jenkins_ha_agent_instance_type": "t3.medium",
        "jenkins_ha_agent_max_size": 3,
        "jenkins_ha_agent_label": "linux",
    },
]
# A second stack beside it: the storage layers only (what destroy's recovery-point guard is about).
OTHER = [
    "jenkins_ha_stack_name=flag",
    dict(
        STACK[1],
        jenkins_ha_vpc_cidr="10.70.0.0/16",
        jenkins_ha_public_subnet_cidrs=["10.70.0.0/24", "10.70.1.0/24"],
        jenkins_ha_private_subnet_cidrs=["10.70.16.0/20", "10.70.32.0/20"],
        jenkins_ha_nat_gateways="single",
        jenkins_ha_efs_tls=False,
        jenkins_ha_alb_internal=False,
    ),
]


def file_systems(emulator, stack="gone"):
    return [
        fs
        for fs in emulator.client("efs").describe_file_systems()["FileSystems"]
        if fs["Name"] == stack + "-jenkins-home"
    ]


def vpcs(emulator, stack):
    ec2 = emulator.client("ec2")
    return ec2.describe_vpcs(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": [stack]}])["Vpcs"]


def test_two_stacks_coexist(emulator, playbook):
    first = playbook(SITE, inventory=DEMO, extra_vars=STACK)
    assert first.rc == 0, first.output[-3000:]
    second = playbook(SITE, inventory=DEMO, extra_vars=OTHER, tags="network,kms,iam,logs,storage")
    assert second.rc == 0, second.output[-3000:]
    assert len(vpcs(emulator, "gone")) == 1 and len(vpcs(emulator, "flag")) == 1
    assert len(file_systems(emulator, "gone")) == 1 and len(file_systems(emulator, "flag")) == 1
    # By VPC: moto 5.2.5 ignores tag filters on DescribeNatGateways (the playbooks filter by VPC too).
    nat = emulator.client("ec2").describe_nat_gateways(
        Filter=[
            {"Name": "vpc-id", "Values": [vpcs(emulator, "gone")[0]["VpcId"]]},
            {"Name": "state", "Values": ["available"]},
        ]
    )["NatGateways"]
    assert len(nat) == len(STACK[1]["jenkins_ha_public_subnet_cidrs"])
    # The internal load balancer lives in the private subnets, and only the VPC reaches its listeners.
    alb = emulator.client("elbv2").describe_load_balancers(Names=["gone-alb"])["LoadBalancers"][0]
    assert alb["Scheme"] == "internal"
    private = emulator.client("ec2").describe_subnets(
        Filters=[{"Name": "tag:Name", "Values": ["gone-private-*"]}, {"Name": "vpc-id", "Values": [alb["VpcId"]]}]
    )["Subnets"]
    assert {az["SubnetId"] for az in alb["AvailabilityZones"]} == {subnet["SubnetId"] for subnet in private}
    listener_group = emulator.client("ec2").describe_security_groups(GroupIds=alb["SecurityGroups"])["SecurityGroups"][
        0
    ]
    sources = {r["CidrIp"] for p in listener_group["IpPermissions"] for r in p["IpRanges"]}
    assert sources == {STACK[1]["jenkins_ha_vpc_cidr"]}


def test_a_stack_without_pools_keeps_one_pool_with_todays_names(emulator, playbook):
    """No jenkins_ha_agent_pools: one pool named default from the jenkins_ha_agent_* variables, with the names and
    the record of a stack described before pools existed, on-demand only; its launch templates and groups rerun
    unchanged."""
    autoscaling, ssm = emulator.client("autoscaling"), emulator.client("ssm")
    groups = autoscaling.describe_auto_scaling_groups(
        Filters=[
            {"Name": "tag:jenkins-ha:stack", "Values": ["gone"]},
            {"Name": "tag-key", "Values": ["jenkins-ha:pool"]},
        ]
    )["AutoScalingGroups"]
    assert [g["AutoScalingGroupName"] for g in groups] == ["gone-agent"]
    (group,) = groups
    assert "MixedInstancesPolicy" not in group and group["LaunchTemplate"]["LaunchTemplateName"] == "gone-agent"
    assert (group["MinSize"], group["MaxSize"]) == (0, 3)
    assert {t["Key"]: t["Value"] for t in group["Tags"]}["jenkins-ha:pool"] == "default"
    template = emulator.client("ec2").describe_launch_template_versions(
        LaunchTemplateName="gone-agent", Versions=["$Latest"]
    )["LaunchTemplateVersions"][0]
    assert template["LaunchTemplateData"]["InstanceType"] == "t3.medium"
    for name in ("agent/asg-name", "agent/pools/default/asg-name"):
        assert ssm.get_parameter(Name="/jenkins-ha/gone/" + name)["Parameter"]["Value"] == "gone-agent"
    rerun = playbook(SITE, inventory=DEMO, extra_vars=STACK, tags="iam,launch_templates,asgs")
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-3000:]


def test_the_full_stack_passes_the_posture_check(emulator):
    assert (
        check_stack(emulator.client, "gone", Expectations.from_vars_file(DEMO / "group_vars" / "all.yml", *STACK)) == []
    )


def test_destroy_with_the_explicit_flag_skips_the_recovery_point_check(emulator, playbook):
    result = playbook(
        DESTROY,
        inventory=DEMO,
        extra_vars=OTHER + ["jenkins_ha_destroy_confirm=flag", "jenkins_ha_destroy_skip_recovery_point_check=true"],
    )
    assert result.rc == 0, result.output[-3000:]
    assert file_systems(emulator, "flag") == [] and vpcs(emulator, "flag") == []
    # The other stack is untouched.
    assert len(file_systems(emulator, "gone")) == 1 and len(vpcs(emulator, "gone")) == 1


def test_destroy_guards_jenkins_home(emulator, playbook):
    unconfirmed = playbook(DESTROY, inventory=DEMO, extra_vars=STACK)
    assert unconfirmed.rc != 0 and "jenkins_ha_destroy_confirm=gone" in unconfirmed.output

    confirmed = STACK + ["jenkins_ha_destroy_confirm=gone"]
    refused = playbook(DESTROY, inventory=DEMO, extra_vars=confirmed)
    assert refused.rc != 0 and "No recovery point" in refused.output
    assert len(file_systems(emulator)) == 1

    # The stack's record of the file system deleted by hand (or lost): the guard finds JENKINS_HOME the way the
    # delete does, by name, and still refuses (it used to skip the check and delete the file system anyway).
    emulator.client("ssm").delete_parameter(Name="/jenkins-ha/gone/efs/file-system-id")
    unrecorded = playbook(DESTROY, inventory=DEMO, extra_vars=confirmed)
    assert unrecorded.rc != 0 and "No recovery point of fs-" in unrecorded.output, unrecorded.output[-3000:]
    assert len(file_systems(emulator)) == 1

    (fs,) = file_systems(emulator)
    emulator.client("backup").start_backup_job(
        BackupVaultName="gone-jenkins-home",
        ResourceArn=fs["FileSystemArn"],
        IamRoleArn="arn:aws:iam::123456789012:role/gone-backup",
    )
    # A pool removed from the list earlier: its group and template are found by the stack and pool tags.
    ec2, autoscaling = emulator.client("ec2"), emulator.client("autoscaling")
    pool_tags = [{"Key": "jenkins-ha:stack", "Value": "gone"}, {"Key": "jenkins-ha:pool", "Value": "old"}]
    ec2.create_launch_template(
        LaunchTemplateName="gone-agent-old",
        LaunchTemplateData={"ImageId": ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": pool_tags}],
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="gone-agent-old",
        LaunchTemplate={"LaunchTemplateName": "gone-agent-old"},
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["gone-agent"])[
            "AutoScalingGroups"
        ][0]["VPCZoneIdentifier"],
        Tags=[dict(tag, PropagateAtLaunch=True) for tag in pool_tags],
    )
    # That pool's alarm (monitoring.yml's description marks it the stack's), and an alarm of a stack whose name starts
    # like this one's, which must stay.
    cloudwatch = emulator.client("cloudwatch")
    for name, owner in (("gone-agents-old-short", "gone"), ("gone-agents-at-max-x", "gone-agents")):
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            AlarmDescription="jenkins_ha {0}: agent pool old below its desired capacity".format(owner),
            Namespace="AWS/AutoScaling",
            MetricName="GroupDesiredCapacity",
            Statistic="Maximum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
    # A second selection of the stack's name, as a CreateBackupSelection sent again after its reply was lost leaves it
    # (issue 14): AWS refuses to delete a plan while any selection is left.
    backup = emulator.client("backup")
    plan_id = next(
        p["BackupPlanId"]
        for p in backup.list_backup_plans()["BackupPlansList"]
        if p["BackupPlanName"] == "gone-jenkins-home"
    )
    (selection,) = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    backup.create_backup_selection(
        BackupPlanId=plan_id,
        BackupSelection={
            "SelectionName": selection["SelectionName"],
            "IamRoleArn": selection["IamRoleArn"],
            "Resources": [fs["FileSystemArn"]],
        },
    )
    # Image builds of the stack as Packer leaves them (issue 14): a killed build of each role (destroy takes every
    # role's), one still running (its owner is this process), and a killed build of another stack.
    killed = [seed_packer_build(ec2, "gone", role, owner=dead_owner()) for role in ("agent", "controller")]
    running = seed_packer_build(ec2, "gone", "agent", owner=own_owner())
    other = seed_packer_build(ec2, "flag", "agent", owner=dead_owner())
    # Check mode lists what it would remove; the running build stops the run before anything is deleted.
    listed = playbook(DESTROY, inventory=DEMO, extra_vars=confirmed, check=True)
    assert listed.rc != 0 and "an image build of stack gone is still running: agent build" in listed.output
    assert all(resource in listed.output for build in killed for resource in build), listed.output[-3000:]
    assert running[0] in listed.output and other[0] not in listed.output
    assert all(build_state(ec2, build) == ("running", True, True) for build in killed + [running, other])
    assert len(file_systems(emulator)) == 1
    # The running build ends, and its Packer removes what it made.
    ec2.terminate_instances(InstanceIds=[running[0]])
    ec2.delete_key_pair(KeyName=running[1])
    ec2.delete_security_group(GroupId=running[2])
    done = playbook(DESTROY, inventory=DEMO, extra_vars=confirmed)
    assert done.rc == 0, done.output[-3000:]
    assert all(build_state(ec2, build) == ("terminated", False, False) for build in killed)
    assert build_state(ec2, other) == ("running", True, True)
    assert all(p["BackupPlanName"] != "gone-jenkins-home" for p in backup.list_backup_plans()["BackupPlansList"])
    left = [a["AlarmName"] for a in cloudwatch.describe_alarms(AlarmNamePrefix="gone-")["MetricAlarms"]]
    assert left == ["gone-agents-at-max-x"], left
    stack_filter = [{"Name": "tag:jenkins-ha:stack", "Values": ["gone"]}]
    assert autoscaling.describe_auto_scaling_groups(Filters=stack_filter)["AutoScalingGroups"] == []
    assert ec2.describe_launch_templates(Filters=stack_filter)["LaunchTemplates"] == []
    assert file_systems(emulator) == []
    assert vpcs(emulator, "gone") == []
    # The interface endpoints (tasks/destroy_endpoints.yml) go before the network.
    endpoints = emulator.client("ec2").describe_vpc_endpoints()["VpcEndpoints"]
    assert [
        e["VpcEndpointId"]
        for e in endpoints
        if {"Key": "jenkins-ha:stack", "Value": "gone"} in e.get("Tags", []) and e["State"].lower() != "deleted"
    ] == []
