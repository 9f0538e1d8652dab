# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Auto Scaling instance refreshes: start, describe, cancel, roll back, and follow one to a state.

amazon.aws 10's autoscaling_instance_refresh sends neither ScaleInProtectedInstances, StandbyInstances,
AutoRollback, MaxHealthyPercentage nor BakeTime, which an upgrade that must not kill builds needs.
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


class AnsibleInstanceRefreshError(AnsibleAWSError):
    pass


class AutoScalingErrorHandler(AWSErrorHandler):
    """Kept here rather than in the package's shared module, so this file stands on its own."""

    _CUSTOM_EXCEPTION = AnsibleInstanceRefreshError


# InstanceRefreshStatus (botocore autoscaling model): the states a refresh ends in ...
FINISHED = ("Successful", "Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed")
# ... and Baking, reached once every instance is replaced: the window in which a rollback is still possible.
REPLACED = FINISHED + ("Baking",)
ACTIVE = ("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking")

# Module option -> RefreshPreferences member.
PREFERENCE_KEYS = {
    "min_healthy_percentage": "MinHealthyPercentage",
    "max_healthy_percentage": "MaxHealthyPercentage",
    "instance_warmup": "InstanceWarmup",
    "skip_matching": "SkipMatching",
    "auto_rollback": "AutoRollback",
    "scale_in_protected_instances": "ScaleInProtectedInstances",
    "standby_instances": "StandbyInstances",
    "bake_time": "BakeTime",
}


def preferences_from(options):
    """RefreshPreferences from the module's preference options (unset ones left to AWS's defaults)."""
    return {PREFERENCE_KEYS[key]: value for key, value in sorted(options.items()) if value is not None}


def preference_problems(preferences, desired_version):
    """What AWS would refuse in these preferences, as messages naming the option (empty: acceptable).

    RefreshPreferences in botocore's model: MaxHealthyPercentage needs MinHealthyPercentage and they differ by at most
    100; AutoRollback needs a desired configuration with a numbered launch template version."""
    problems = []
    minimum, maximum = preferences.get("MinHealthyPercentage"), preferences.get("MaxHealthyPercentage")
    if maximum is not None and minimum is None:
        problems.append("max_healthy_percentage needs min_healthy_percentage")
    if maximum is not None and minimum is not None and maximum - minimum > 100:
        problems.append("max_healthy_percentage - min_healthy_percentage must not exceed 100")
    if preferences.get("AutoRollback"):
        if desired_version is None:
            problems.append("auto_rollback needs launch_template_version (a desired configuration)")
        elif not str(desired_version).isdigit():
            problems.append("auto_rollback needs a numbered launch_template_version, not $Latest or $Default")
    return problems


def desired_configuration(template_name, template_version):
    if not template_name:
        return None
    return {"LaunchTemplate": {"LaunchTemplateName": template_name, "Version": str(template_version)}}


def target_of(refresh):
    """'<template> version <n>' of a refresh's desired configuration, or '' when it has none."""
    template = (refresh.get("DesiredConfiguration") or {}).get("LaunchTemplate") or {}
    name = template.get("LaunchTemplateName") or template.get("LaunchTemplateId")
    return "%s version %s" % (name, template.get("Version")) if name else ""


def same_target(refresh, desired):
    """Whether an active refresh moves the group where the caller wants it (both without a desired configuration,
    or the same template and version)."""
    return target_of(refresh) == target_of({"DesiredConfiguration": desired})


@AutoScalingErrorHandler.list_error_handler("describe instance refreshes", default_value=[])
@AWSRetry.jittered_backoff()
def describe_instance_refreshes(client, group_name, refresh_ids=None):
    """The group's refreshes, newest first."""
    args = {"AutoScalingGroupName": group_name}
    if refresh_ids:
        args["InstanceRefreshIds"] = list(refresh_ids)
    # botocore has no paginator for this call: NextToken by hand.
    found = []
    while True:
        page = client.describe_instance_refreshes(**args)
        found.extend(page.get("InstanceRefreshes", []))
        if not page.get("NextToken"):
            return found
        args["NextToken"] = page["NextToken"]


def active_refresh(refreshes):
    return next((refresh for refresh in refreshes if refresh["Status"] in ACTIVE), None)


@AutoScalingErrorHandler.common_error_handler("start an instance refresh")
@AWSRetry.jittered_backoff()
def start_instance_refresh(client, group_name, preferences, desired=None, strategy="Rolling"):
    args = {"AutoScalingGroupName": group_name, "Strategy": strategy, "Preferences": preferences}
    if desired:
        args["DesiredConfiguration"] = desired
    return client.start_instance_refresh(**args)["InstanceRefreshId"]


@AutoScalingErrorHandler.common_error_handler("cancel the instance refresh")
@AWSRetry.jittered_backoff()
def cancel_instance_refresh(client, group_name):
    return client.cancel_instance_refresh(AutoScalingGroupName=group_name)["InstanceRefreshId"]


@AutoScalingErrorHandler.common_error_handler("roll back the instance refresh")
@AWSRetry.jittered_backoff()
def rollback_instance_refresh(client, group_name):
    return client.rollback_instance_refresh(AutoScalingGroupName=group_name)["InstanceRefreshId"]


def follow(client, group_name, refresh_id, until, timeout, delay, sleep=time.sleep, clock=time.monotonic):
    """Poll one refresh until its status is in until or timeout seconds have passed.

    Returns (refresh, history): the last description and each status seen, with the seconds since following began
    (a status held over several polls is listed once)."""
    started = clock()
    history = []
    while True:
        found = describe_instance_refreshes(client, group_name, [refresh_id])
        refresh = found[0] if found else {"Status": "Unknown", "StatusReason": "not described"}
        seen = {
            "status": refresh["Status"],
            "status_reason": refresh.get("StatusReason", ""),
            "percentage_complete": refresh.get("PercentageComplete", 0),
        }
        elapsed = clock() - started
        if not history or {k: history[-1][k] for k in seen} != seen:
            history.append(dict(seen, seconds=round(elapsed, 1)))
        if refresh["Status"] in until or elapsed >= timeout:
            return refresh, history
        sleep(delay)


# Scale-in protection decides what a refresh with ScaleInProtectedInstances=Ignore takes, and the EC2 Fleet plugin
# protects every instance it launches; the calls that read and set it live with the refresh for that reason.


@AutoScalingErrorHandler.common_error_handler("describe the auto scaling group")
@AWSRetry.jittered_backoff()
def describe_group(client, group_name):
    """The group (with its instances), or None."""
    groups = client.describe_auto_scaling_groups(AutoScalingGroupNames=[group_name])["AutoScalingGroups"]
    return groups[0] if groups else None


@AutoScalingErrorHandler.common_error_handler("protect new instances from scale-in")
@AWSRetry.jittered_backoff()
def set_new_instances_protected(client, group_name, protected):
    client.update_auto_scaling_group(AutoScalingGroupName=group_name, NewInstancesProtectedFromScaleIn=protected)


# SetInstanceProtection takes at most 50 instance ids a call (botocore model: "You can specify up to 50 instances").
PROTECTION_IDS_PER_CALL = 50


@AutoScalingErrorHandler.common_error_handler("set scale-in protection")
@AWSRetry.jittered_backoff()
def _set_instance_protection(client, group_name, instance_ids, protected):
    client.set_instance_protection(
        AutoScalingGroupName=group_name, InstanceIds=instance_ids, ProtectedFromScaleIn=protected
    )


def set_instance_protection(client, group_name, instance_ids, protected):
    ids = sorted(instance_ids)
    for start in range(0, len(ids), PROTECTION_IDS_PER_CALL):
        _set_instance_protection(client, group_name, ids[start : start + PROTECTION_IDS_PER_CALL], protected)


def protection_changes(group, new_instances_protected, instance_ids, protected):
    """(set_new, to_change): the group flag to set (None: leave it) and the instances whose protection differs.

    instance_ids None means every instance of the group that is not terminating."""
    set_new = None
    if (
        new_instances_protected is not None
        and bool(group.get("NewInstancesProtectedFromScaleIn")) != new_instances_protected
    ):
        set_new = new_instances_protected
    to_change = []
    if protected is not None:
        live = {
            i["InstanceId"]: bool(i.get("ProtectedFromScaleIn"))
            for i in group.get("Instances", [])
            if not i.get("LifecycleState", "").startswith("Terminat")
        }
        wanted = live if instance_ids is None else {i: live[i] for i in instance_ids if i in live}
        to_change = sorted(i for i, current in wanted.items() if current != protected)
    return set_new, to_change
