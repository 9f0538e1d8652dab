#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: autoscaling_refresh
version_added: 0.2.0
short_description: Start, follow, cancel or roll back an Auto Scaling instance refresh with every preference
description:
  - Starts an instance refresh of an Auto Scaling group (C(StartInstanceRefresh)) and follows it to the end, or to
    C(Baking) when O(wait_until=replaced); cancels or rolls back the group's active refresh.
  - Unlike M(amazon.aws.autoscaling_instance_refresh) (amazon.aws 10), it sends C(ScaleInProtectedInstances),
    C(StandbyInstances), C(AutoRollback), C(MaxHealthyPercentage) and C(BakeTime), and returns the statuses it saw.
  - With O(state=started), an active refresh of the group toward the same launch template version is followed
    instead of starting another one (C(changed=false)); one toward another version is refused, naming it (AWS allows
    one active refresh per group).
  - Preferences AWS refuses are refused before any call (C(MaxHealthyPercentage) without C(MinHealthyPercentage), a
    range over 100, C(AutoRollback) without a numbered O(launch_template_version)).
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  name:
    description: Name of the Auto Scaling group.
    type: str
    required: true
  state:
    description:
      - V(started) starts a refresh (or follows the active one); V(cancelled) cancels the active refresh;
        V(rolled_back) rolls the active refresh back to the group's configuration before it (C(RollbackInstanceRefresh)).
      - V(cancelled) and V(rolled_back) do nothing when no refresh is active.
    type: str
    choices: [started, cancelled, rolled_back]
    default: started
  launch_template_name:
    description:
      - Launch template of the desired configuration; the group's own when omitted.
      - For a group with a mixed instances policy (a Spot pool) the desired configuration is that policy, as the group
        describes it, with only its launch template specification replaced (C(DesiredConfiguration) takes a
        C(LaunchTemplate) or a C(MixedInstancesPolicy)); its overrides and instances distribution are kept.
    type: str
  launch_template_version:
    description:
      - Version of O(launch_template_name) the refresh moves the group to (a number for a refresh AWS can roll back).
    type: str
  min_healthy_percentage:
    description: C(MinHealthyPercentage) (0-100). With V(0) and O(max_healthy_percentage=100) an instance is
      terminated before its replacement starts.
    type: int
  max_healthy_percentage:
    description: C(MaxHealthyPercentage) (100-200); needs O(min_healthy_percentage).
    type: int
  instance_warmup:
    description: C(InstanceWarmup) in seconds.
    type: int
  skip_matching:
    description: C(SkipMatching) - leave instances already on the desired configuration alone.
    type: bool
  auto_rollback:
    description: C(AutoRollback) - roll back by itself when the refresh fails.
    type: bool
  scale_in_protected_instances:
    description:
      - C(ScaleInProtectedInstances). V(Refresh) replaces protected instances, V(Ignore) leaves them and replaces the
        rest, V(Wait) (AWS's default) waits up to an hour for their protection to be removed, then fails.
    type: str
    choices: [Refresh, Ignore, Wait]
  standby_instances:
    description: C(StandbyInstances), as O(scale_in_protected_instances) for instances in C(Standby).
    type: str
    choices: [Terminate, Ignore, Wait]
  bake_time:
    description: C(BakeTime) in seconds; the refresh stays C(Baking) so long after replacing, and can be rolled back.
    type: int
  wait:
    description: Follow the refresh (O(state=started)) or the cancel/rollback until O(wait_until) or O(wait_timeout).
    type: bool
    default: true
  wait_until:
    description: V(finished) - a final status; V(replaced) - every instance replaced (C(Baking) or a final status).
    type: str
    choices: [finished, replaced]
    default: finished
  wait_timeout:
    description: Seconds to follow the refresh; the module fails when it is still active then.
    type: int
    default: 3600
  wait_delay:
    description: Seconds between two C(DescribeInstanceRefreshes).
    type: int
    default: 15
  fail_on_timeout:
    description:
      - Whether a refresh still active (and not at O(wait_until)) after O(wait_timeout) fails the task.
      - V(false) returns it with RV(timed_out=true) instead, for a caller that acts on it, for example rolls back
        a refresh whose new instances never pass their health checks (AWS waits for them without a bound).
    type: bool
    default: true
  fail_on_status:
    description: Final statuses reported as a failure (the result still carries the refresh and its history).
    type: list
    elements: str
    default: [Failed, Cancelled, RollbackSuccessful, RollbackFailed]
attributes:
  check_mode:
    support: full
    description: Reports the refresh it would start, cancel or roll back, without calling it.
  diff_mode:
    support: none
    description: The status history is the record of what changed.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Replace the controller, the old one terminated before the new one starts
  jenkins_ha.aws.autoscaling_refresh:
    name: prod-controller
    launch_template_name: prod-controller
    launch_template_version: "7"
    min_healthy_percentage: 0
    max_healthy_percentage: 100
    bake_time: 600
    wait_until: replaced

- name: Replace the agents that are not protected from scale-in
  jenkins_ha.aws.autoscaling_refresh:
    name: prod-agents
    launch_template_name: prod-agents
    launch_template_version: "7"
    min_healthy_percentage: 100
    max_healthy_percentage: 200
    scale_in_protected_instances: Ignore

- name: Roll the controller back
  jenkins_ha.aws.autoscaling_refresh:
    name: prod-controller
    state: rolled_back
"""

RETURN = r"""
instance_refresh:
  description: The refresh as C(DescribeInstanceRefreshes) last described it (snake_case); in check mode the request.
  returned: always
  type: dict
  sample: {"instance_refresh_id": "3e0b...", "status": "Successful", "percentage_complete": 100}
status:
  description: Its last status (V(NotStarted) in check mode, V(None) when nothing was active to cancel/roll back).
  returned: always
  type: str
history:
  description: Each status seen while following, with its reason and the seconds since following began.
  returned: always
  type: list
  elements: dict
  sample: [{"status": "Pending", "status_reason": "", "percentage_complete": 0, "seconds": 0.0}]
timed_out:
  description: Whether the refresh was still active, short of O(wait_until), when O(wait_timeout) ran out.
  returned: always
  type: bool
msg:
  description: What was (or in check mode would be) done.
  returned: always
  type: str
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import groups
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import instance_refresh as refreshes
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.common import AnsibleAutoScalingError


class OtherRefreshActive(Exception):
    pass


def argument_spec():
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["started", "cancelled", "rolled_back"], default="started"),
        launch_template_name=dict(type="str"),
        launch_template_version=dict(type="str"),
        min_healthy_percentage=dict(type="int"),
        max_healthy_percentage=dict(type="int"),
        instance_warmup=dict(type="int"),
        skip_matching=dict(type="bool"),
        auto_rollback=dict(type="bool"),
        scale_in_protected_instances=dict(type="str", choices=["Refresh", "Ignore", "Wait"]),
        standby_instances=dict(type="str", choices=["Terminate", "Ignore", "Wait"]),
        bake_time=dict(type="int"),
        wait=dict(type="bool", default=True),
        wait_until=dict(type="str", choices=["finished", "replaced"], default="finished"),
        wait_timeout=dict(type="int", default=3600),
        wait_delay=dict(type="int", default=15),
        fail_on_timeout=dict(type="bool", default=True),
        fail_on_status=dict(
            type="list", elements="str", default=["Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"]
        ),
    )


def range_problems(params):
    bounds = {
        "min_healthy_percentage": (0, 100),
        "max_healthy_percentage": (100, 200),
        "instance_warmup": (0, None),
        "bake_time": (0, 172800),
        "wait_timeout": (0, None),
        "wait_delay": (0, None),
    }
    problems = []
    for option, (low, high) in bounds.items():
        value = params.get(option)
        if value is not None and (value < low or (high is not None and value > high)):
            problems.append("{0} must be {1}".format(option, "{0}-{1}".format(low, high) if high else ">= %d" % low))
    return problems


def run(module, client, sleep=None):
    """(changed, result) of the requested state."""
    params = module.params
    name = params["name"]
    until = refreshes.REPLACED if params["wait_until"] == "replaced" else refreshes.FINISHED
    follow_args = dict(until=until, timeout=params["wait_timeout"], delay=params["wait_delay"])
    if sleep:
        follow_args["sleep"] = sleep
    active = refreshes.active_instance_refresh(client, name)

    if params["state"] != "started":
        verb = "cancel" if params["state"] == "cancelled" else "roll back"
        if active is None:
            return False, dict(status=None, instance_refresh={}, history=[], msg="No active refresh of %s." % name)
        if module.check_mode:
            return True, dict(
                status=active["Status"],
                instance_refresh=camel_dict_to_snake_dict(active),
                history=[],
                msg="Would %s refresh %s of %s." % (verb, active["InstanceRefreshId"], name),
            )
        call = refreshes.cancel_instance_refresh if verb == "cancel" else refreshes.rollback_instance_refresh
        refresh_id = call(client, name)
        return True, followed(
            client, name, refresh_id, params, follow_args, "%s refresh %s of %s" % (verb, refresh_id, name)
        )

    # The group only matters to a desired configuration: a Spot pool's is its mixed instances policy.
    group = groups.describe_group(client, name) if params["launch_template_name"] else None
    desired = refreshes.desired_configuration(params["launch_template_name"], params["launch_template_version"], group)
    if active is not None and not refreshes.same_target(active, desired):
        raise OtherRefreshActive(
            "Refresh %s of %s is %s toward %s, not the requested %s: wait for it to end or cancel it (state=cancelled)."
            % (
                active["InstanceRefreshId"],
                name,
                active["Status"],
                refreshes.target_of(active) or "the group's own configuration",
                refreshes.target_of({"DesiredConfiguration": desired}) or "the group's own configuration",
            )
        )
    if active is not None:
        refresh_id = active["InstanceRefreshId"]
        if module.check_mode or not params["wait"]:
            return False, dict(
                status=active["Status"],
                instance_refresh=camel_dict_to_snake_dict(active),
                history=[],
                msg="Refresh %s of %s is already %s." % (refresh_id, name, active["Status"]),
            )
        return False, followed(
            client, name, refresh_id, params, follow_args, "followed refresh %s of %s" % (refresh_id, name)
        )

    preferences = refreshes.preferences_from({key: params[key] for key in refreshes.PREFERENCE_KEYS})
    if module.check_mode:
        request = dict(auto_scaling_group_name=name, preferences=preferences, desired_configuration=desired)
        return True, dict(
            status="NotStarted",
            instance_refresh=camel_dict_to_snake_dict(request),
            history=[],
            msg="Would start a refresh of %s%s with %s."
            % (
                name,
                (
                    " to %s version %s" % (params["launch_template_name"], params["launch_template_version"])
                    if desired
                    else ""
                ),
                preferences,
            ),
        )
    refresh_id = refreshes.start_instance_refresh(client, name, preferences, desired)
    return True, followed(
        client, name, refresh_id, params, follow_args, "started refresh %s of %s" % (refresh_id, name)
    )


def followed(client, name, refresh_id, params, follow_args, what):
    if not params["wait"]:
        found = refreshes.describe_instance_refreshes(client, name, [refresh_id])
        refresh = found[0] if found else {"InstanceRefreshId": refresh_id, "Status": "Pending"}
        return dict(status=refresh["Status"], instance_refresh=camel_dict_to_snake_dict(refresh), history=[], msg=what)
    refresh, history = refreshes.follow(client, name, refresh_id, **follow_args)
    return dict(
        status=refresh["Status"],
        instance_refresh=camel_dict_to_snake_dict(refresh),
        history=history,
        msg="%s: %s" % (what, refresh["Status"]),
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        required_by={"launch_template_version": ["launch_template_name"]},
        supports_check_mode=True,
    )
    params = module.params
    preferences = refreshes.preferences_from({key: params[key] for key in refreshes.PREFERENCE_KEYS})
    problems = range_problems(params) + refreshes.preference_problems(
        preferences, params["launch_template_version"] if params["launch_template_name"] else None
    )
    if problems:
        module.fail_json(msg="Refused before any call: " + "; ".join(problems))
    client = module.client("autoscaling")
    try:
        changed, result = run(module, client)
    except AnsibleAutoScalingError as e:
        module.fail_json_aws_error(e)
    except OtherRefreshActive as e:
        module.fail_json(msg=str(e))
    status = result["status"]
    until = refreshes.REPLACED if params["wait_until"] == "replaced" else refreshes.FINISHED
    message = result.pop("msg")
    result["timed_out"] = bool(params["wait"] and not module.check_mode and status in refreshes.ACTIVE) and (
        status not in until
    )
    if result["timed_out"] and params["fail_on_timeout"]:
        module.fail_json(
            msg="Refresh still %s after %d s: %s" % (status, params["wait_timeout"], message), changed=changed, **result
        )
    if params["state"] == "started" and status in params["fail_on_status"]:
        reason = result["instance_refresh"].get("status_reason", "")
        module.fail_json(msg="Refresh ended %s: %s (%s)" % (status, reason, message), changed=changed, **result)
    module.exit_json(changed=changed, msg=message, **result)


if __name__ == "__main__":
    main()
