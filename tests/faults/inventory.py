"""A normalised inventory of one stack's resources, to compare stacks and to find duplicates.

Every resource the stack owns is listed under its kind by a *name* that does not depend on its id (its Name tag,
its resource name, or what it attaches to), so two runs that built the same stack give the same inventory, and a
resource created twice (the classic result of a create retried after a lost response) shows up as a name listed
twice. Reads go straight to the emulator, never through the fault proxy.
"""

from __future__ import annotations

from collections import Counter

STACK_TAG = "jenkins-ha:stack"
# Kinds a stack has exactly one of (with the demo's settings): a second one is a duplicate whatever its name.
SINGLETONS = (
    "vpc",
    "internet_gateway",
    "efs_file_system",
    "load_balancer",
    "kms_key",
    "kms_alias",
    "certificate",
    "backup_vault",
    "backup_plan",
)


def _tags(items):
    return {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in items or []}


def _name(tags, fallback):
    return tags.get("Name") or fallback


def _ec2(client, stack):
    by_stack = [{"Name": "tag:" + STACK_TAG, "Values": [stack]}]
    out = {}
    vpcs = client.describe_vpcs(Filters=by_stack)["Vpcs"]
    out["vpc"] = [_name(_tags(v.get("Tags")), v["CidrBlock"]) for v in vpcs]
    vpc_ids = [v["VpcId"] for v in vpcs]
    in_vpcs = [{"Name": "vpc-id", "Values": vpc_ids}] if vpc_ids else None
    if in_vpcs:
        out["subnet"] = [
            _name(_tags(s.get("Tags")), s["CidrBlock"]) for s in client.describe_subnets(Filters=in_vpcs)["Subnets"]
        ]
        out["route_table"] = [
            _name(_tags(r.get("Tags")), "main" if any(a.get("Main") for a in r.get("Associations", [])) else "?")
            for r in client.describe_route_tables(Filters=in_vpcs)["RouteTables"]
        ]
        out["security_group"] = [
            g["GroupName"] for g in client.describe_security_groups(Filters=in_vpcs)["SecurityGroups"]
        ]
        out["internet_gateway"] = [
            _name(_tags(g.get("Tags")), "igw")
            for g in client.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": vpc_ids}])[
                "InternetGateways"
            ]
        ]
        out["nat_gateway"] = [
            _name(_tags(n.get("Tags")), n["SubnetId"])
            for n in client.describe_nat_gateways(Filters=in_vpcs)["NatGateways"]
            if n["State"] not in ("deleted", "deleting", "failed")
        ]
        out["flow_log"] = [
            f.get("LogGroupName") or f.get("LogDestination", "")
            for f in client.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": vpc_ids}])["FlowLogs"]
        ]
        out["vpc_endpoint"] = [
            e["ServiceName"]
            for e in client.describe_vpc_endpoints(Filters=in_vpcs)["VpcEndpoints"]
            if e["State"].lower() not in ("deleted", "deleting")
        ]
    # EIPs and launch templates outside the VPC filter: by tag. An EIP allocated by a lost AllocateAddress has no tag
    # yet, so untagged addresses are listed too (this inventory is for a private emulator with one stack).
    out["elastic_ip"] = [_name(_tags(a.get("Tags")), "untagged") for a in client.describe_addresses()["Addresses"]]
    out["launch_template"] = [
        t["LaunchTemplateName"] for t in client.describe_launch_templates(Filters=by_stack)["LaunchTemplates"]
    ]
    out["key_pair"] = [k["KeyName"] for k in client.describe_key_pairs()["KeyPairs"] if k["KeyName"].startswith(stack)]
    return out


def collect(clients, stack):
    """{kind: sorted list of names} for the stack; `clients(service)` gives a boto3 client of the emulator."""
    out = _ec2(clients("ec2"), stack)
    prefix = stack + "-"

    efs = clients("efs")
    file_systems = [
        f for f in efs.describe_file_systems()["FileSystems"] if _tags(f.get("Tags")).get(STACK_TAG) == stack
    ]
    out["efs_file_system"] = [f.get("Name") or f["CreationToken"] for f in file_systems]
    out["efs_mount_target"] = [
        "{0}@{1}".format(f.get("Name"), m["SubnetId"])
        for f in file_systems
        for m in efs.describe_mount_targets(FileSystemId=f["FileSystemId"])["MountTargets"]
    ]
    out["efs_access_point"] = [
        a.get("Name") or a["ClientToken"]
        for f in file_systems
        for a in efs.describe_access_points(FileSystemId=f["FileSystemId"])["AccessPoints"]
    ]

    autoscaling = clients("autoscaling")
    out["autoscaling_group"] = [
        g["AutoScalingGroupName"]
        for g in autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]
        if _tags(g.get("Tags")).get(STACK_TAG) == stack
    ]

    elb = clients("elbv2")
    balancers = [b for b in elb.describe_load_balancers()["LoadBalancers"] if b["LoadBalancerName"].startswith(prefix)]
    out["load_balancer"] = [b["LoadBalancerName"] for b in balancers]
    out["target_group"] = [
        t["TargetGroupName"]
        for t in elb.describe_target_groups()["TargetGroups"]
        if t["TargetGroupName"].startswith(prefix)
    ]
    out["listener"] = [
        "{0}:{1}".format(b["LoadBalancerName"], listener["Port"])
        for b in balancers
        for listener in elb.describe_listeners(LoadBalancerArn=b["LoadBalancerArn"])["Listeners"]
    ]

    kms = clients("kms")
    out["kms_alias"] = [
        a["AliasName"] for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/jenkins-ha/" + stack
    ]
    keys = []
    for key in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if meta["KeyState"] in ("PendingDeletion",) or meta.get("KeyManager") == "AWS":
            continue
        tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])}
        if tags.get(STACK_TAG) == stack or not tags:
            # An untagged customer key is what a lost CreateKey leaves behind: count it against the stack.
            keys.append(tags.get("Name") or meta.get("Description") or "untagged")
    out["kms_key"] = keys

    # By Name tag (the ARN differs per emulator): an import retried after a lost response lists its name twice.
    acm = clients("acm")
    out["certificate"] = []
    for cert in acm.list_certificates()["CertificateSummaryList"]:
        tags = _tags(acm.list_tags_for_certificate(CertificateArn=cert["CertificateArn"]).get("Tags"))
        if tags.get(STACK_TAG) == stack:
            out["certificate"].append(_name(tags, cert.get("DomainName", "?")))

    iam = clients("iam")
    out["iam_role"] = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)]
    out["iam_instance_profile"] = [
        p["InstanceProfileName"]
        for p in iam.list_instance_profiles()["InstanceProfiles"]
        if p["InstanceProfileName"].startswith(prefix)
    ]

    backup = clients("backup")
    out["backup_vault"] = [
        v["BackupVaultName"]
        for v in backup.list_backup_vaults()["BackupVaultList"]
        if v["BackupVaultName"].startswith(prefix)
    ]
    plans = [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"].startswith(prefix)]
    out["backup_plan"] = [p["BackupPlanName"] for p in plans]
    out["backup_selection"] = [
        "{0}/{1}".format(p["BackupPlanName"], s["SelectionName"])
        for p in plans
        for s in backup.list_backup_selections(BackupPlanId=p["BackupPlanId"])["BackupSelectionsList"]
    ]

    ssm = clients("ssm")
    paginator = ssm.get_paginator("describe_parameters")
    out["ssm_parameter"] = [
        p["Name"]
        for page in paginator.paginate(
            ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/jenkins-ha/" + stack]}]
        )
        for p in page["Parameters"]
    ]

    logs = clients("logs")
    out["log_group"] = [
        g["logGroupName"] for g in logs.describe_log_groups()["logGroups"] if stack in g["logGroupName"]
    ]
    cloudwatch = clients("cloudwatch")
    out["metric_alarm"] = [
        a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"] if a["AlarmName"].startswith(prefix)
    ]
    sns = clients("sns")
    out["sns_topic"] = [
        t["TopicArn"].rpartition(":")[2] for t in sns.list_topics()["Topics"] if prefix in t["TopicArn"]
    ]

    route53 = clients("route53")
    records = []
    for zone in route53.list_hosted_zones()["HostedZones"]:
        for record in route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            if record["Type"] not in ("NS", "SOA"):
                records.append("{0} {1}".format(record["Name"], record["Type"]))
    out["dns_record"] = records
    out["hosted_zone"] = [z["Name"] for z in route53.list_hosted_zones()["HostedZones"]]
    return {kind: sorted(names) for kind, names in out.items()}


def duplicates(inventory):
    """{kind: [name, …]} of every name listed more than once."""
    found = {}
    for kind, names in inventory.items():
        twice = sorted(name for name, count in Counter(names).items() if count > 1)
        if twice:
            found[kind] = twice
    return found
