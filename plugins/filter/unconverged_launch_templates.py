# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The launch templates of launch_templates.yml whose latest version, default version, description or tags differ
from what amazon.aws.ec2_launch_template would set (or that are missing), so that a converged rerun makes no module
call per template (one per agent pool since issue 18).

The module adds a version when the request's LaunchTemplateData differs from the latest version's in any way, sets
the default version to the latest, and converges the template's tags (purge). This filter rebuilds the same data
(snake_case, as the aws_read lookup describes it) from launch_templates.yml's items, including the defaults the
module's metadata_options suboptions fill in, and compares it whole: anything not modelled counts as a difference,
so the module still runs and decides."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

ITEM_KEYS = (
    "component",
    "name",
    "instance_type",
    "volume_size",
    "security_group",
    "profile",
    "extra_tags",
    "launch_tags",
)
CONTEXT_KEYS = ("amis", "images", "kms_key_arn", "user_data", "tags", "component_tag", "stack_name")
# launch_templates.yml's metadata_options plus the module's suboption defaults (http_protocol_ipv6).
METADATA_OPTIONS = {
    "http_endpoint": "enabled",
    "http_tokens": "required",
    "http_put_response_hop_limit": 1,
    "http_protocol_ipv6": "disabled",
    "instance_metadata_tags": "disabled",
}


def _strings(tags):
    return {str(key): str(value) for key, value in (tags or {}).items()}


def expected_data(item, context):
    """The latest version's data as launch_templates.yml asks for it, in aws_read's shape; the instance profile as
    its name (the module sends the ARN IAM gives for it)."""
    ami = context["amis"][item["component"]]
    image = next((i for i in context["images"] if i.get("image_id") == ami), None)
    if image is None:
        return None
    launch_tags = _strings(dict(context["tags"], **item["launch_tags"]))
    launch_tags.update({context["component_tag"]: item["component"], "Name": item["name"]})
    return {
        "image_id": ami,
        "instance_type": item["instance_type"],
        "iam_instance_profile": {"name": item["profile"]},
        "security_group_ids": [item["security_group"]],
        "metadata_options": dict(METADATA_OPTIONS),
        "block_device_mappings": [
            {
                "device_name": image.get("root_device_name"),
                "ebs": {
                    "volume_type": "gp3",
                    "volume_size": int(item["volume_size"]),
                    "encrypted": True,
                    "kms_key_id": context["kms_key_arn"],
                    "delete_on_termination": True,
                },
            }
        ],
        "monitoring": {"enabled": True},
        "user_data": context["user_data"][item["component"]],
        "tag_specifications": [
            {"resource_type": "instance", "tags": launch_tags},
            {"resource_type": "volume", "tags": launch_tags},
        ],
    }


def _described_data(version):
    data = dict(version.get("launch_template_data") or {})
    profile = data.get("iam_instance_profile") or {}
    arn = str(profile.get("arn", ""))
    if ":instance-profile/" in arn and set(profile) == {"arn"}:
        # The stack's profiles live at the path "/": the name is what follows it.
        data["iam_instance_profile"] = {"name": arn.split(":instance-profile/", 1)[1]}
    return data


def template_differences(item, template, latest, context):
    """The names of what differs between the item and the described template ([]: converged)."""
    if template is None or latest is None:
        return ["missing"]
    wanted_tags = _strings(dict(context["tags"], **item["extra_tags"]))
    wanted_tags[context["component_tag"]] = item["component"]
    checks = {
        "data": _described_data(latest) == expected_data(item, context),
        "description": latest.get("version_description", "")
        == "jenkins_ha {0} {1}".format(context["stack_name"], item["component"]),
        "default_version": template.get("default_version_number") == template.get("latest_version_number")
        and latest.get("version_number") == template.get("latest_version_number"),
        "tags": _strings(template.get("tags")) == wanted_tags,
    }
    return [name for name, same in checks.items() if not same]


def unconverged_launch_templates(desired, templates, versions, context):
    """The items of desired whose template is missing or differs, in input order."""
    for value, what in ((desired, "desired"), (templates, "templates"), (versions, "versions")):
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            raise AnsibleFilterError("unconverged_launch_templates: {0} must be a list of dicts".format(what))
    if not isinstance(context, dict) or any(key not in context for key in CONTEXT_KEYS):
        raise AnsibleFilterError("unconverged_launch_templates: context needs {0}".format(", ".join(CONTEXT_KEYS)))
    for item in desired:
        missing = [key for key in ITEM_KEYS if key not in item]
        if missing:
            raise AnsibleFilterError(
                "unconverged_launch_templates: item {0!r} lacks {1}".format(item.get("name", item), ", ".join(missing))
            )
    by_name = {t.get("launch_template_name"): t for t in templates}
    latest = {}
    for version in versions:
        name = version.get("launch_template_name")
        if name not in latest or version.get("version_number", 0) > latest[name].get("version_number", 0):
            latest[name] = version
    return [
        item
        for item in desired
        if template_differences(item, by_name.get(item["name"]), latest.get(item["name"]), context)
    ]


class FilterModule:
    def filters(self):
        return {"unconverged_launch_templates": unconverged_launch_templates}
