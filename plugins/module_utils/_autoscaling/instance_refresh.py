# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Auto Scaling instance refreshes: start, describe, cancel, roll back, and follow one to a state.

amazon.aws 10's autoscaling_instance_refresh sends neither ScaleInProtectedInstances, StandbyInstances,
AutoRollback, MaxHealthyPercentage nor BakeTime, which an upgrade that must not kill builds needs.
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import AutoScalingErrorHandler
from .transformations import launch_template_specs

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


def desired_configuration(template_name, template_version, group=None):
    """DesiredConfiguration moving the group to that version of that template, or None without a template.

    A group with a mixed instances policy (a Spot pool) gets its own policy back with only the template changed
    (overrides and instances distribution as described): DesiredConfiguration takes "either a LaunchTemplate or a
    MixedInstancesPolicy" (API reference), and a LaunchTemplate alone would give the group that template instead of
    its policy once the refresh succeeds, dropping its Spot distribution and instance types."""
    if not template_name:
        return None
    spec = {"LaunchTemplateName": template_name, "Version": str(template_version)}
    policy = (group or {}).get("MixedInstancesPolicy")
    if not policy:
        return {"LaunchTemplate": spec}
    # The described specification carries both the id and the name; a request may name only one of them.
    template = dict(policy.get("LaunchTemplate") or {}, LaunchTemplateSpecification=spec)
    desired = dict(policy, LaunchTemplate=template)
    distribution = policy.get("InstancesDistribution")
    if distribution and distribution.get("SpotAllocationStrategy", "lowest-price") != "lowest-price":
        # SpotInstancePools is "valid only when the SpotAllocationStrategy is lowest-price" (InstancesDistribution,
        # Auto Scaling API reference): a described default must not go back with another strategy.
        desired["InstancesDistribution"] = {k: v for k, v in distribution.items() if k != "SpotInstancePools"}
    return {"MixedInstancesPolicy": desired}


def target_of(refresh):
    """'<template> version <n>' of a refresh's desired configuration, or '' when it has none."""
    # A desired configuration names its template as a group does: on its own or in its mixed instances policy.
    specs = launch_template_specs(refresh.get("DesiredConfiguration") or {})
    template = specs[0][1] if specs else {}
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


@AutoScalingErrorHandler.list_error_handler("describe the newest instance refresh", default_value=[])
@AWSRetry.jittered_backoff()
def newest_instance_refresh(client, group_name):
    """The group's newest refresh, or None. DescribeInstanceRefreshes lists them "sorted by creation timestamp in
    descending order" (botocore's model), and a group has at most one active refresh, which no other can follow:
    the newest tells whether one is active, without reading six weeks of history."""
    found = client.describe_instance_refreshes(AutoScalingGroupName=group_name, MaxRecords=1).get(
        "InstanceRefreshes", []
    )
    return found[0] if found else None


def active_instance_refresh(client, group_name):
    """The group's active refresh, or None (the newest is the only one that can be active)."""
    refresh = newest_instance_refresh(client, group_name)
    return refresh if refresh and refresh.get("Status") in ACTIVE else None


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
