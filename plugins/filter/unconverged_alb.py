# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller's target group of alb.yml when community.aws.elb_target_group would create or change it, from the
target group, its attributes and tags read in the controller with the jenkins_ha.aws.aws_read lookup.

The comparison is the module's (create_or_update_target_group and create_or_update_attributes) for the options
alb.yml passes: port, protocol and VPC (which the module refuses to change: it runs and says so), the health check,
the deregistration delay, the tags with purge. Options the filter does not model differ.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import tags_differ

# The options alb.yml passes and the filter models (modify_targets must be off: the module then registers nothing).
TARGET_GROUP_OPTIONS = {
    "name",
    "protocol",
    "port",
    "target_type",
    "vpc_id",
    "health_check_protocol",
    "health_check_port",
    "health_check_path",
    "successful_response_codes",
    "health_check_interval",
    "healthy_threshold_count",
    "unhealthy_threshold_count",
    "deregistration_delay_timeout",
    "modify_targets",
    "tags",
}
# Module option -> described key, compared when the option is given (the module's health check update).
HEALTH_CHECK = (
    ("health_check_protocol", "health_check_protocol"),
    ("health_check_port", "health_check_port"),
    ("health_check_interval", "health_check_interval_seconds"),
    ("healthy_threshold_count", "healthy_threshold_count"),
    ("unhealthy_threshold_count", "unhealthy_threshold_count"),
)


def _attributes(attributes):
    """describe_target_group_attributes' [{key, value}] as {'deregistration_delay.timeout_seconds': '30', ...}."""
    if isinstance(attributes, dict):
        return {str(k): str(v) for k, v in attributes.items()}
    return {str(a.get("key")): str(a.get("value")) for a in attributes or [] if isinstance(a, dict)}


def _upper(value):
    return str(value).upper() if value is not None else None


def unconverged_target_group(desired, target_groups, attributes=None, tags=None):
    """``[desired]`` when community.aws.elb_target_group would create or change the target group, else ``[]``.

    ``desired``: the module options alb.yml passes (see TARGET_GROUP_OPTIONS). ``target_groups``: the
    ``target_groups`` of describe_target_groups (the one named is looked up by name). ``attributes``: its
    describe_target_group_attributes ``attributes``; ``tags``: its tags (describe_tags); ``None`` when not read.
    """
    if not isinstance(desired, dict) or not {"name", "tags"} <= set(desired):
        raise AnsibleFilterError("unconverged_target_group input must be a dict with name and tags")
    if not isinstance(target_groups, list):
        raise AnsibleFilterError("unconverged_target_group target groups must be a list")
    if set(desired) - TARGET_GROUP_OPTIONS or desired.get("modify_targets", True) is not False:
        return [desired]
    found = [tg for tg in target_groups if isinstance(tg, dict) and tg.get("target_group_name") == desired["name"]]
    if len(found) != 1 or attributes is None or tags is None:
        return [desired]
    live = found[0]
    wanted_protocol = _upper(desired.get("protocol"))
    if (
        live.get("port") != int(desired["port"])
        or live.get("protocol") != wanted_protocol
        or live.get("vpc_id") != desired.get("vpc_id")
        or live.get("target_type") != desired.get("target_type", live.get("target_type"))
    ):
        return [desired]
    for option, key in HEALTH_CHECK:
        if desired.get(option) is None:
            continue
        wanted = desired[option]
        if option == "health_check_protocol":
            wanted = _upper(wanted)
        elif option != "health_check_port":
            wanted = int(wanted)
        else:
            wanted = str(wanted)
        if live.get(key) != wanted:
            return [desired]
    if live.get("health_check_protocol") in ("HTTP", "HTTPS"):
        if (
            desired.get("health_check_path") is not None
            and live.get("health_check_path") != desired["health_check_path"]
        ):
            return [desired]
        codes = desired.get("successful_response_codes")
        if codes is not None:
            live_codes = ((live.get("matcher") or {}).get("http_code") or "").split(",")
            if set(live_codes) != set(str(codes).split(",")):
                return [desired]
    live_attributes = _attributes(attributes)
    delay = desired.get("deregistration_delay_timeout")
    if delay is not None and str(int(delay)) != live_attributes.get("deregistration_delay.timeout_seconds"):
        return [desired]
    return [desired] if tags_differ(tags, desired["tags"]) else []


class FilterModule:
    def filters(self):
        return {"unconverged_target_group": unconverged_target_group}
