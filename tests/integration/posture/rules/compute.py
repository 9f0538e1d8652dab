"""Compute rules: launch templates (IMDSv2, encrypted gp3 volumes, no public IP, no secrets in user data) and where
the Auto Scaling groups and instances run."""

from __future__ import annotations

import base64
import re

KEY_MATERIAL = re.compile(r"PRIVATE KEY|AKIA[0-9A-Z]{16}|aws_secret_access_key|password\s*=", re.I)


def _missing(kind, names, expected):
    return ["{0} {1}: missing".format(kind, name) for name in sorted(set(expected) - set(names))]


def launch_template_findings(state):
    names = [t["LaunchTemplateName"] for t in state.launch_templates]
    # The agent pools' templates and groups are expected by pools.py, from the stack description.
    findings = _missing("launch template", names, [state.stack + "-controller"])
    for template in state.launch_templates:
        data = template["LaunchTemplateData"]
        where = "launch template {0} v{1}".format(template["LaunchTemplateName"], template["VersionNumber"])
        metadata = data.get("MetadataOptions", {})
        if metadata.get("HttpTokens") != "required":
            findings.append("{0}: IMDSv2 not required".format(where))
        # 1 keeps the instance role's credentials out of containers on the instance (documented choice).
        if metadata.get("HttpPutResponseHopLimit") != 1:
            findings.append(
                "{0}: metadata hop limit {1} (expected 1)".format(where, metadata.get("HttpPutResponseHopLimit"))
            )
        volumes = [m for m in data.get("BlockDeviceMappings", []) if "Ebs" in m]
        if not volumes:
            findings.append("{0}: no root volume mapping (encryption would be the account default)".format(where))
        for mapping in volumes:
            ebs = mapping["Ebs"]
            if not ebs.get("Encrypted"):
                findings.append("{0}: volume {1} not encrypted".format(where, mapping.get("DeviceName")))
            elif ebs.get("KmsKeyId") != state.kms_key_arn:
                findings.append(
                    "{0}: volume {1} not encrypted with the stack key".format(where, mapping.get("DeviceName"))
                )
            if ebs.get("VolumeType") != "gp3":
                findings.append(
                    "{0}: volume {1} is {2}, not gp3".format(where, mapping.get("DeviceName"), ebs.get("VolumeType"))
                )
        for interface in data.get("NetworkInterfaces", []):
            if interface.get("AssociatePublicIpAddress"):
                findings.append("{0}: associates a public IP address".format(where))
            if interface.get("SubnetId") and interface["SubnetId"] not in state.private_subnets:
                findings.append("{0}: network interface in non-private subnet {1}".format(where, interface["SubnetId"]))
        user_data = base64.b64decode(data.get("UserData", "") or "").decode("utf-8", "replace")
        if KEY_MATERIAL.search(user_data):
            findings.append("{0}: key material or a password in user data".format(where))
    return findings


def placement_findings(state):
    names = [g["AutoScalingGroupName"] for g in state.auto_scaling_groups]
    findings = _missing("autoscaling group", names, [state.stack + "-controller"])
    private = set(state.private_subnets)
    for group in state.auto_scaling_groups:
        subnets = set(filter(None, group.get("VPCZoneIdentifier", "").split(",")))
        if not subnets or not subnets <= private:
            findings.append(
                "autoscaling group {0}: subnets {1} not all private".format(
                    group["AutoScalingGroupName"], sorted(subnets - private)
                )
            )
    for instance in state.instances:
        if instance.get("SubnetId") not in private:
            findings.append(
                "instance {0}: in non-private subnet {1}".format(instance["InstanceId"], instance.get("SubnetId"))
            )
        if instance.get("PublicIpAddress"):
            findings.append(
                "instance {0}: has public IP {1}".format(instance["InstanceId"], instance["PublicIpAddress"])
            )
    return findings
