"""The stack's own resources, read back with boto3: {identifier: label}.

An identifier is whatever a prowler finding may name a resource by (ARN, id, name); the label is how an exception
names it, stable across runs (the random ids of the emulator, and of AWS, change with every stack): the kind and the
resource's Name tag or name, e.g. "security-group demo-alb", "network-acl default of vpc demo-vpc".

A resource belongs to the stack when it carries the tag jenkins-ha:stack=<stack> (design: "the stack name prefixes or
tags everything"), or, for what AWS creates untagged on the stack's behalf, when it hangs off such a resource: the
default security group, network ACL and main route table of the stack's VPC, the volumes of its instances, the
Elastic IPs of its NAT gateways, the images it runs (recorded under /jenkins-ha/<stack>/ami/ or in its launch
templates) and their snapshots, the log groups under /jenkins-ha/<stack>/ and the parameters under the same path.
"""

from __future__ import annotations

import json

STACK_TAG = "jenkins-ha:stack"


def _pages(client, operation, key, **kwargs):
    return client.get_paginator(operation).paginate(**kwargs).build_full_result().get(key, [])


def _tags(items):
    return {t["Key"]: t["Value"] for t in items or []}


class _Resources(dict):
    def add(self, label, *identifiers):
        for identifier in identifiers:
            if identifier:
                self[identifier] = label


def stack_resources(client, stack, region, account):
    """{identifier: label} of the stack's resources. client(service) returns a boto3 client."""
    found = _Resources()
    _ec2(client("ec2"), stack, region, account, found)
    _images(client, stack, region, account, found)
    _load_balancing(client, stack, found)
    _iam_and_keys(client, stack, found)
    _storage(client, stack, found)
    _buckets(client, stack, account, found)
    _monitoring(client, stack, found)
    return dict(found)


def _arn(kind, rid, region, account):
    return "arn:aws:ec2:{0}:{1}:{2}/{3}".format(region, account, kind, rid)


def _ec2(ec2, stack, region, account, found):
    def arn(kind, rid):
        return _arn(kind, rid, region, account)

    tagged = [{"Name": "tag:" + STACK_TAG, "Values": [stack]}]
    for vpc in _pages(ec2, "describe_vpcs", "Vpcs", Filters=tagged):
        vpc_id = vpc["VpcId"]
        vpc_name = _tags(vpc.get("Tags")).get("Name", vpc_id)
        found.add("vpc " + vpc_name, vpc_id, arn("vpc", vpc_id))
        in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
        for subnet in _pages(ec2, "describe_subnets", "Subnets", Filters=in_vpc):
            name = _tags(subnet.get("Tags")).get("Name", subnet["SubnetId"])
            found.add("subnet " + name, subnet["SubnetId"], arn("subnet", subnet["SubnetId"]))
        for group in _pages(ec2, "describe_security_groups", "SecurityGroups", Filters=in_vpc):
            name = group["GroupName"] + (" of vpc " + vpc_name if group["GroupName"] == "default" else "")
            found.add("security-group " + name, group["GroupId"], arn("security-group", group["GroupId"]))
        for acl in _pages(ec2, "describe_network_acls", "NetworkAcls", Filters=in_vpc):
            name = _tags(acl.get("Tags")).get("Name") or ("default of vpc " + vpc_name if acl["IsDefault"] else "")
            found.add(
                "network-acl " + (name or acl["NetworkAclId"]),
                acl["NetworkAclId"],
                arn("network-acl", acl["NetworkAclId"]),
            )
        for table in _pages(ec2, "describe_route_tables", "RouteTables", Filters=in_vpc):
            main = any(a.get("Main") for a in table.get("Associations", []))
            name = _tags(table.get("Tags")).get("Name") or (
                "main of vpc " + vpc_name if main else table["RouteTableId"]
            )
            found.add("route-table " + name, table["RouteTableId"], arn("route-table", table["RouteTableId"]))
        for flow_log in ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]:
            found.add("flow-log of vpc " + vpc_name, flow_log["FlowLogId"], arn("vpc-flow-log", flow_log["FlowLogId"]))
    for gateway in _pages(ec2, "describe_internet_gateways", "InternetGateways", Filters=tagged):
        gid = gateway["InternetGatewayId"]
        found.add("internet-gateway " + _tags(gateway.get("Tags")).get("Name", gid), gid, arn("internet-gateway", gid))
    for gateway in _pages(ec2, "describe_nat_gateways", "NatGateways", Filter=tagged):
        name = _tags(gateway.get("Tags")).get("Name", gateway["NatGatewayId"])
        found.add("nat-gateway " + name, gateway["NatGatewayId"], arn("natgateway", gateway["NatGatewayId"]))
        for address in gateway.get("NatGatewayAddresses", []):
            found.add(
                "elastic-ip of nat-gateway " + name,
                address.get("AllocationId"),
                address.get("PublicIp"),
                arn("elastic-ip", address.get("AllocationId")),
            )
    for reservation in _pages(ec2, "describe_instances", "Reservations", Filters=tagged):
        for instance in reservation["Instances"]:
            iid = instance["InstanceId"]
            name = _tags(instance.get("Tags")).get("Name", iid)
            found.add("instance " + name, iid, arn("instance", iid))
            mapped = {m.get("Ebs", {}).get("VolumeId") for m in instance.get("BlockDeviceMappings", [])}
            attached = [{"Name": "attachment.instance-id", "Values": [iid]}]
            for volume in _pages(ec2, "describe_volumes", "Volumes", Filters=attached):
                vid = volume["VolumeId"]
                device = next(a["Device"] for a in volume["Attachments"] if a["InstanceId"] == iid)
                label = "volume {0} of instance {1}".format(device, name)
                # moto attaches the AMI's root volume besides the launch template's one at the same device
                found.add(
                    label if vid in mapped else label + " (not in its block device mappings)", vid, arn("volume", vid)
                )
    for template in _pages(ec2, "describe_launch_templates", "LaunchTemplates"):
        if template["LaunchTemplateName"].startswith(stack + "-"):
            tid = template["LaunchTemplateId"]
            found.add("launch-template " + template["LaunchTemplateName"], tid, arn("launch-template", tid))


def _recorded_image_id(value):
    """An image record is a bare AMI id, or (images.yml's record format 1) a JSON document with its image_id."""
    if value.lstrip().startswith("{"):
        return json.loads(value)["image_id"]
    return value


def _images(client, stack, region, account, found):
    """The AMIs the stack runs and their snapshots. An image is stack-agnostic (no stack tag, a name with its build
    time): it is the stack's when /jenkins-ha/<stack>/ami/<role> records it (images.yml) or a launch template of the
    stack (latest or default version) runs it, and is labelled by that parameter or template."""
    ec2 = client("ec2")
    labels = {}
    path = "/jenkins-ha/{0}/ami/".format(stack)
    for parameter in _pages(client("ssm"), "get_parameters_by_path", "Parameters", Path=path, Recursive=True):
        labels[_recorded_image_id(parameter["Value"])] = "image " + parameter["Name"]
    templates = _pages(ec2, "describe_launch_templates", "LaunchTemplates")
    for template in sorted(templates, key=lambda t: t["LaunchTemplateName"]):
        if template["LaunchTemplateName"].startswith(stack + "-"):
            for version in ec2.describe_launch_template_versions(
                LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Latest", "$Default"]
            )["LaunchTemplateVersions"]:
                image_id = version["LaunchTemplateData"].get("ImageId")
                if image_id:  # the recorded name first, then the first template by name (one image may serve both)
                    labels.setdefault(image_id, "image of launch-template " + template["LaunchTemplateName"])
    if not labels:
        return
    for image in ec2.describe_images(ImageIds=sorted(labels))["Images"]:
        label = labels[image["ImageId"]]
        found.add(label, image["ImageId"], _arn("image", image["ImageId"], region, account))
        for mapping in image.get("BlockDeviceMappings", []):
            snapshot = mapping.get("Ebs", {}).get("SnapshotId")
            found.add(
                "snapshot {0} of {1}".format(mapping["DeviceName"], label),
                snapshot,
                _arn("snapshot", snapshot, region, account),
            )


def _load_balancing(client, stack, found):
    elbv2 = client("elbv2")
    arns = [lb["LoadBalancerArn"] for lb in _pages(elbv2, "describe_load_balancers", "LoadBalancers")]
    arns += [tg["TargetGroupArn"] for tg in _pages(elbv2, "describe_target_groups", "TargetGroups")]
    for start in range(0, len(arns), 20):
        for description in elbv2.describe_tags(ResourceArns=arns[start : start + 20])["TagDescriptions"]:
            if _tags(description.get("Tags")).get(STACK_TAG) == stack:
                resource = description["ResourceArn"]
                kind = "load-balancer" if ":loadbalancer/" in resource else "target-group"
                found.add("{0} {1}".format(kind, resource.split("/")[-2]), resource)
                if kind == "load-balancer":
                    for listener in _pages(elbv2, "describe_listeners", "Listeners", LoadBalancerArn=resource):
                        label = "listener {0} of {1}".format(listener["Port"], resource.split("/")[-2])
                        found.add(label, listener["ListenerArn"])
    autoscaling = client("autoscaling")
    for group in _pages(autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups"):
        if _tags(group.get("Tags")).get(STACK_TAG) == stack:
            name = group["AutoScalingGroupName"]
            found.add("autoscaling-group " + name, group["AutoScalingGroupARN"])


def _iam_and_keys(client, stack, found):
    iam = client("iam")
    for role in _pages(iam, "list_roles", "Roles"):
        if role["RoleName"].startswith(stack + "-"):
            tags = _tags(iam.list_role_tags(RoleName=role["RoleName"])["Tags"])
            if tags.get(STACK_TAG) == stack:
                found.add("role " + role["RoleName"], role["Arn"])
    for profile in _pages(iam, "list_instance_profiles", "InstanceProfiles"):
        if profile["InstanceProfileName"].startswith(stack + "-"):
            found.add("instance-profile " + profile["InstanceProfileName"], profile["Arn"])
    for policy in _pages(iam, "list_policies", "Policies", Scope="Local"):
        if policy["PolicyName"].startswith(stack + "-"):
            found.add("policy " + policy["PolicyName"], policy["Arn"])
    kms = client("kms")
    alias = "alias/jenkins-ha/" + stack
    for entry in _pages(kms, "list_aliases", "Aliases"):
        if entry["AliasName"] == alias:
            key = kms.describe_key(KeyId=entry["TargetKeyId"])["KeyMetadata"]
            found.add("kms-key " + alias, key["Arn"], key["KeyId"], entry.get("AliasArn"))


def _buckets(client, stack, account, found):
    """The stack's S3 buckets (the ALB's access log bucket), by tag; the account id in a name is a placeholder in the
    label so that an exception reads the same in every account."""
    s3 = client("s3")
    for bucket in s3.list_buckets().get("Buckets", []):
        try:
            tags = _tags(s3.get_bucket_tagging(Bucket=bucket["Name"])["TagSet"])
        except s3.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchTagSet", "NoSuchBucket"):
                continue
            raise
        if tags.get(STACK_TAG) == stack:
            label = "bucket " + bucket["Name"].replace(account, "${account}")
            found.add(label, "arn:aws:s3:::" + bucket["Name"], bucket["Name"])


def _storage(client, stack, found):
    efs = client("efs")
    for fs in _pages(efs, "describe_file_systems", "FileSystems"):
        tags = _tags(fs.get("Tags"))
        if tags.get(STACK_TAG) == stack:
            name = tags.get("Name", fs["FileSystemId"])
            found.add("file-system " + name, fs["FileSystemId"], fs.get("FileSystemArn"))
            for point in _pages(efs, "describe_access_points", "AccessPoints", FileSystemId=fs["FileSystemId"]):
                label = "access-point {0} of {1}".format(
                    _tags(point.get("Tags")).get("Name", point["AccessPointId"]), name
                )
                found.add(label, point["AccessPointId"], point["AccessPointArn"])
    backup = client("backup")
    for vault in _pages(backup, "list_backup_vaults", "BackupVaultList"):
        if backup.list_tags(ResourceArn=vault["BackupVaultArn"]).get("Tags", {}).get(STACK_TAG) == stack:
            found.add("backup-vault " + vault["BackupVaultName"], vault["BackupVaultArn"])
    for plan in _pages(backup, "list_backup_plans", "BackupPlansList"):
        if backup.list_tags(ResourceArn=plan["BackupPlanArn"]).get("Tags", {}).get(STACK_TAG) == stack:
            found.add("backup-plan " + plan["BackupPlanName"], plan["BackupPlanArn"], plan["BackupPlanId"])
    ssm = client("ssm")
    path = "/jenkins-ha/{0}/".format(stack)
    for parameter in _pages(ssm, "describe_parameters", "Parameters"):
        if parameter["Name"].startswith(path):
            found.add("parameter " + parameter["Name"], parameter["Name"], parameter.get("ARN"))


def _monitoring(client, stack, found):
    logs = client("logs")
    for group in _pages(logs, "describe_log_groups", "logGroups", logGroupNamePrefix="/jenkins-ha/{0}/".format(stack)):
        found.add("log-group " + group["logGroupName"], group["logGroupName"], group["arn"], group["arn"].rstrip(":*"))
    cloudwatch = client("cloudwatch")
    for alarm in _pages(cloudwatch, "describe_alarms", "MetricAlarms"):
        if alarm["AlarmName"].startswith(stack + "-"):
            found.add("alarm " + alarm["AlarmName"], alarm["AlarmArn"])
