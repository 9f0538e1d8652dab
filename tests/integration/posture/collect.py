"""Read-only describe calls that fill a StackState for one stack, and check_stack() that judges it."""

from __future__ import annotations

from .rules import STACK_TAG, Expectations, StackState, findings_of, tag_dict


def check_stack(client, stack, expect=None):
    """Findings of one stack. client(service) returns a boto3 client (boto3.client, emulator.client)."""
    state, account_id = collect(client, stack)
    return findings_of(state, expect or Expectations(), account_id)


# --- collection (read-only describe calls) --------------------------------------------------------------------


def _pages(client, operation, key, **kwargs):
    return client.get_paginator(operation).paginate(**kwargs).build_full_result().get(key, [])


def collect(client, stack):
    """Describe the stack's resources with boto3; returns (StackState, account id)."""
    ec2 = client("ec2")
    state = StackState(stack=stack)
    account_id = client("sts").get_caller_identity()["Account"]
    stack_filter = [{"Name": "tag:" + STACK_TAG, "Values": [stack]}]

    kms = client("kms")
    aliases = _pages(kms, "list_aliases", "Aliases")
    alias = next((a for a in aliases if a["AliasName"] == "alias/jenkins-ha/" + stack), None)
    if alias:
        state.kms_key_arn = kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]["Arn"]
        state.kms_rotation = kms.get_key_rotation_status(KeyId=alias["TargetKeyId"])["KeyRotationEnabled"]

    vpcs = ec2.describe_vpcs(Filters=stack_filter)["Vpcs"]
    if vpcs:
        state.vpc_id = vpcs[0]["VpcId"]
        vpc_filter = [{"Name": "vpc-id", "Values": [state.vpc_id]}]
        for subnet in _pages(ec2, "describe_subnets", "Subnets", Filters=vpc_filter):
            state.subnet_azs[subnet["SubnetId"]] = subnet["AvailabilityZone"]
            name = tag_dict(subnet.get("Tags")).get("Name", "")
            if name.startswith(stack + "-private-"):
                state.private_subnets.append(subnet["SubnetId"])
            elif name.startswith(stack + "-public-"):
                state.public_subnets.append(subnet["SubnetId"])
        for group in _pages(ec2, "describe_security_groups", "SecurityGroups", Filters=vpc_filter):
            if group["GroupName"] == "default":
                state.default_security_group = group
            else:
                state.security_groups.append(group)
        state.route_tables = _pages(ec2, "describe_route_tables", "RouteTables", Filters=vpc_filter)
        # DescribeNatGateways names its parameter Filter, not Filters.
        state.nat_gateways = _pages(ec2, "describe_nat_gateways", "NatGateways", Filter=vpc_filter)
        state.vpc_endpoints = _pages(ec2, "describe_vpc_endpoints", "VpcEndpoints", Filters=vpc_filter)
        state.network_acls = _pages(ec2, "describe_network_acls", "NetworkAcls", Filters=vpc_filter)
        state.flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [state.vpc_id]}])[
            "FlowLogs"
        ]

    _collect_iam(client("iam"), state)
    _collect_compute(client, state, stack_filter)
    _collect_storage(client, state)

    logs = client("logs")
    state.log_groups = _pages(
        logs, "describe_log_groups", "logGroups", logGroupNamePrefix="/jenkins-ha/{0}/".format(stack)
    )
    ssm = client("ssm")
    state.parameters = _pages(
        ssm,
        "describe_parameters",
        "Parameters",
        ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/jenkins-ha/" + stack]}],
    )

    state.jenkins_settings = _parameter_value(ssm, "/jenkins-ha/{0}/jenkins/settings".format(stack))

    _collect_alarm_topic(client("sns"), state)

    collect_load_balancers(client, state)
    return state, account_id


def _parameter_value(ssm, name):
    """A plain parameter's value, None when it does not exist."""
    try:
        return ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return None


def collect_load_balancers(client, state):
    """The stack's load balancer with its attributes, listeners and non-default rules, and the access-log bucket."""
    elb = client("elbv2")
    lbs = elb.describe_load_balancers()["LoadBalancers"]
    for lb in (lb for lb in lbs if lb["LoadBalancerName"] == state.stack + "-alb"):
        arn = lb["LoadBalancerArn"]
        lb["Attributes"] = {
            a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
        }
        lb["Listeners"] = elb.describe_listeners(LoadBalancerArn=arn)["Listeners"]
        for listener in lb["Listeners"]:
            listener["Rules"] = [
                r for r in elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"] if not r.get("IsDefault")
            ]
        state.load_balancers.append(lb)
        bucket = lb["Attributes"].get("access_logs.s3.bucket")
        if bucket and bucket not in state.access_log_buckets:
            state.access_log_buckets[bucket] = _collect_bucket(client("s3"), bucket)


def _collect_bucket(s3, bucket):
    """What the access-log rule judges of a bucket; {} when it does not exist or cannot be read."""
    from botocore.exceptions import ClientError

    def read(call, pick, **kwargs):
        try:
            return pick(call(Bucket=bucket, **kwargs))
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchBucket", "AccessDenied"):
                raise
            return None  # the bucket has no such configuration

    try:
        return {
            "Encryption": read(
                s3.get_bucket_encryption,
                lambda r: r["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"][
                    "SSEAlgorithm"
                ],
            ),
            "PublicAccessBlock": read(s3.get_public_access_block, lambda r: r["PublicAccessBlockConfiguration"]),
            "ObjectOwnership": read(
                s3.get_bucket_ownership_controls, lambda r: r["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
            ),
            "Policy": read(s3.get_bucket_policy, lambda r: r["Policy"]),
            "LifecycleRules": read(s3.get_bucket_lifecycle_configuration, lambda r: r["Rules"]),
        }
    except ClientError:
        return {}


def _collect_iam(iam, state):
    for role in _pages(iam, "list_roles", "Roles"):
        name = role["RoleName"]
        if not name.startswith(state.stack + "-"):
            continue
        full = iam.get_role(RoleName=name)["Role"]
        if tag_dict(full.get("Tags")).get(STACK_TAG) != state.stack:
            continue
        full["InlinePolicies"] = {
            policy: iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
            for policy in _pages(iam, "list_role_policies", "PolicyNames", RoleName=name)
        }
        full["AttachedPolicies"] = _pages(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name)
        # AWS managed policies too: what they grant is judged by their document, not by their name (the emulator
        # serves them with MOTO_IAM_LOAD_MANAGED_POLICIES=true, which tests/emulator/launcher.py sets).
        for attached in full["AttachedPolicies"]:
            version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
            attached["Document"] = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)[
                "PolicyVersion"
            ]["Document"]
        state.roles.append(full)
    stack_roles = {r["RoleName"] for r in state.roles}
    for profile in _pages(iam, "list_instance_profiles", "InstanceProfiles"):
        members = {r["RoleName"] for r in profile.get("Roles", [])}
        if profile["InstanceProfileName"].startswith(state.stack + "-") or members & stack_roles:
            state.instance_profiles.append(profile)


def _collect_compute(client, state, stack_filter):
    ec2 = client("ec2")
    templates = ec2.describe_launch_templates(Filters=stack_filter)["LaunchTemplates"]
    for template in templates:
        state.launch_template_tags[template["LaunchTemplateName"]] = template.get("Tags", [])
        versions = ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest", "$Default"]
        )
        seen = set()
        for version in versions["LaunchTemplateVersions"]:
            if version["VersionNumber"] not in seen:
                seen.add(version["VersionNumber"])
                state.launch_templates.append(version)
    autoscaling = client("autoscaling")
    groups = _pages(
        autoscaling,
        "describe_auto_scaling_groups",
        "AutoScalingGroups",
        Filters=[{"Name": "tag:" + STACK_TAG, "Values": [state.stack]}],
    )
    state.auto_scaling_groups = groups
    # Every other group of the region: the controller's policy must let it scale none of them (rules/pools.py).
    ours = {g["AutoScalingGroupARN"] for g in groups}
    state.other_group_arns = sorted(
        g["AutoScalingGroupARN"]
        for g in _pages(autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups")
        if g["AutoScalingGroupARN"] not in ours
    )
    reservations = _pages(
        ec2,
        "describe_instances",
        "Reservations",
        Filters=stack_filter + [{"Name": "instance-state-name", "Values": ["pending", "running", "stopped"]}],
    )
    state.instances = [i for r in reservations for i in r["Instances"]]


def _collect_storage(client, state):
    efs = client("efs")
    for fs in _pages(efs, "describe_file_systems", "FileSystems"):
        if tag_dict(fs.get("Tags")).get(STACK_TAG) != state.stack:
            continue
        fs_id = fs["FileSystemId"]
        try:
            fs["Policy"] = efs.describe_file_system_policy(FileSystemId=fs_id).get("Policy")
        except efs.exceptions.PolicyNotFound:
            fs["Policy"] = None
        try:
            fs["BackupPolicy"] = efs.describe_backup_policy(FileSystemId=fs_id)["BackupPolicy"]["Status"]
        except efs.exceptions.PolicyNotFound:
            fs["BackupPolicy"] = "DISABLED"
        fs["MountTargets"] = efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
        for target in fs["MountTargets"]:
            target["SecurityGroups"] = efs.describe_mount_target_security_groups(MountTargetId=target["MountTargetId"])[
                "SecurityGroups"
            ]
        state.file_systems.append(fs)
    backup = client("backup")
    try:
        state.backup_vault = backup.describe_backup_vault(BackupVaultName=state.stack + "-jenkins-home")
    except backup.exceptions.ResourceNotFoundException:
        state.backup_vault = {}
    for plan in _pages(backup, "list_backup_plans", "BackupPlansList"):
        for selection in _pages(
            backup, "list_backup_selections", "BackupSelectionsList", BackupPlanId=plan["BackupPlanId"]
        ):
            detail = backup.get_backup_selection(
                BackupPlanId=plan["BackupPlanId"], SelectionId=selection["SelectionId"]
            )
            state.backup_protected_arns += detail["BackupSelection"].get("Resources", [])


def _collect_alarm_topic(sns, state):
    name = state.stack + "-alarms"
    for topic in _pages(sns, "list_topics", "Topics"):
        if topic["TopicArn"].rsplit(":", 1)[-1] == name:
            state.alarm_topic = sns.get_topic_attributes(TopicArn=topic["TopicArn"])["Attributes"]
