# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host variables of the jenkins_ec2 inventory: a documented subset of amazon.aws.aws_ec2's, same names and shapes.

amazon.aws.aws_ec2 snake_cases every key of every instance (about 150 keys each, most of them in network
interfaces and block devices) and then hands all of them to Ansible, which copies and serialises them again.
Here the default schema is built by hand from the fields playbooks use; anything else DescribeInstances returns
can be asked for by name (``extra_hostvars``) and is converted like aws_ec2 does, with the key conversion memoised.
"""

from __future__ import annotations

import datetime
import re

from ansible.module_utils.common.dict_transformations import _camel_to_snake

# (hostvar, DescribeInstances key) copied as they are when AWS returns them; absent keys stay absent, like aws_ec2.
SCALAR_FIELDS = (
    ("instance_id", "InstanceId"),
    ("image_id", "ImageId"),
    ("instance_type", "InstanceType"),
    ("architecture", "Architecture"),
    ("platform", "Platform"),
    ("key_name", "KeyName"),
    ("private_ip_address", "PrivateIpAddress"),
    ("private_dns_name", "PrivateDnsName"),
    ("public_ip_address", "PublicIpAddress"),
    ("public_dns_name", "PublicDnsName"),
    ("vpc_id", "VpcId"),
    ("subnet_id", "SubnetId"),
    ("instance_lifecycle", "InstanceLifecycle"),
)
# Every host variable of the default schema (docs/inventory.md documents them).
DEFAULT_HOSTVARS = frozenset(
    [name for name, dummy in SCALAR_FIELDS]
    + ["launch_time", "placement", "state", "tags", "security_groups", "iam_instance_profile"]
)

TAG_ASG_NAME = "aws:autoscaling:groupName"

_SNAKE_KEYS = {}


def snake_key(key):
    """camel_dict_to_snake_dict's key conversion, memoised: the same few hundred keys repeat on every instance."""
    try:
        return _SNAKE_KEYS[key]
    except KeyError:
        _SNAKE_KEYS[key] = converted = _camel_to_snake(key)
        return converted


def snake(value):
    """camel_dict_to_snake_dict for any value (dicts, lists, scalars); timestamps become ISO 8601 strings."""
    if isinstance(value, dict):
        return {snake_key(k): snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def tags_dict(tag_list):
    return {tag["Key"]: tag["Value"] for tag in tag_list or ()}


def build_hostvars(instance, extra=frozenset(), every=False):
    """The host variables of one DescribeInstances instance (already decoded by botocore).

    ``extra`` names more fields to convert like aws_ec2 does (snake_case names), ``every`` converts them all.
    Timestamps are ISO 8601 strings so that a cached inventory reads back exactly as a fresh one.
    """
    hostvars = {name: instance[key] for name, key in SCALAR_FIELDS if key in instance}
    if extra or every:
        for key, value in instance.items():
            name = snake_key(key)
            if name not in DEFAULT_HOSTVARS and (every or name in extra):
                hostvars[name] = snake(value)
    launch_time = instance.get("LaunchTime")
    if launch_time is not None:
        hostvars["launch_time"] = launch_time.isoformat() if hasattr(launch_time, "isoformat") else launch_time
    placement = instance.get("Placement")
    if placement is not None:
        placement = {snake_key(k): v for k, v in placement.items()}
        zone = placement.get("availability_zone")
        if zone:
            placement["region"] = zone[:-1]
        hostvars["placement"] = placement
    state = instance.get("State")
    if state is not None:
        hostvars["state"] = {"code": state.get("Code"), "name": state.get("Name")}
    hostvars["tags"] = tags_dict(instance.get("Tags"))
    if "SecurityGroups" in instance:
        hostvars["security_groups"] = [
            {"group_id": sg.get("GroupId"), "group_name": sg.get("GroupName")} for sg in instance["SecurityGroups"]
        ]
    profile = instance.get("IamInstanceProfile")
    if profile is not None:
        hostvars["iam_instance_profile"] = {snake_key(k): v for k, v in profile.items()}
    return hostvars


# DescribeInstances elements (EC2 query protocol names) of fields outside the default host variables, with the
# host variable each would become. Network interfaces and block devices are most of every instance's XML.
UNUSED_INSTANCE_ELEMENTS = {
    "networkInterfaceSet": "network_interfaces",
    "blockDeviceMapping": "block_device_mappings",
    "metadataOptions": "metadata_options",
    "cpuOptions": "cpu_options",
    "capacityReservationSpecification": "capacity_reservation_specification",
    "enclaveOptions": "enclave_options",
    "maintenanceOptions": "maintenance_options",
    "privateDnsNameOptions": "private_dns_name_options",
    "hibernationOptions": "hibernation_options",
    "stateReason": "state_reason",
    "productCodes": "product_codes",
    "networkPerformanceOptions": "network_performance_options",
}


def instance_hostvar_names():
    """The host variable name (snake_case, as aws_ec2 converts it) of every field of an EC2 Instance, from the
    service model botocore ships, plus the reservation's owner and id describe_instances copies in: what
    extra_hostvars can name."""
    import botocore.session  # pylint: disable=import-outside-toplevel

    members = botocore.session.get_session().get_service_model("ec2").shape_for("Instance").members
    return sorted({snake_key(name) for name in members} | {"owner_id", "reservation_id"})


def unused_elements_pattern(wanted):
    """A regex matching the elements of fields no host variable needs, or None when every field is wanted: for
    module_utils/_ec2/instances.py's describe_instances(strip_elements=...).

    ``wanted`` holds the extra host variables asked for (``all`` for every field).
    """
    if "all" in wanted:
        return None
    names = sorted(tag for tag, hostvar in UNUSED_INSTANCE_ELEMENTS.items() if hostvar not in wanted)
    if not names:
        return None
    alternatives = "|".join(names).encode()
    # None of these elements nests inside itself, so the first closing tag ends the element.
    return re.compile(rb"<(" + alternatives + rb")(?:\s[^>/]*)?(?:/>|>.*?</\1>)", re.S)
