"""Auto Scaling instance refreshes: StartInstanceRefresh, DescribeInstanceRefreshes, CancelInstanceRefresh.

Not implemented in moto (amazon.aws.autoscaling_instance_refresh/_info fail). Modelled as a small state machine
that moves one step per DescribeInstanceRefreshes of the group, the way a poller sees it on AWS:
Pending -> InProgress -> [Baking ->] Successful. The InProgress step replaces the instances the refresh takes
(old ones terminated, then new ones launched from the group's launch template, or DesiredConfiguration's, which
becomes the group's); with a BakeTime the refresh then stays Baking until that many seconds have passed, the window
in which AWS still allows a rollback (tests/emulator/compat/autoscaling_instance_refresh_rollback.py).
A Pending, InProgress or Baking refresh can be cancelled (-> Cancelled); starting one while another is active fails
with InstanceRefreshInProgress, as on AWS.

Preferences, from botocore's autoscaling model (RefreshPreferences) and the API reference:
- defaults MinHealthyPercentage 90, SkipMatching false, ScaleInProtectedInstances Wait, StandbyInstances Wait;
- MaxHealthyPercentage (100-200) needs MinHealthyPercentage, and the two may differ by at most 100;
- ScaleInProtectedInstances: Refresh replaces protected instances, Ignore leaves them and replaces the rest, Wait
  waits for their protection to be removed ("waits one hour ... Otherwise, the instance refresh will fail"):
  InProgress with a reason naming them, Failed once PROTECTED_WAIT_SECONDS have passed since the start;
- AutoRollback needs a DesiredConfiguration and numbered launch template versions (not $Latest/$Default) on both
  sides ("A rollback is not supported in the following situations"); a failed refresh with it rolls back.
Not modelled: health checks, warm-up, checkpoints, alarms, Standby instances (moto's group keeps none), the
launch-before-terminate order of MaxHealthyPercentage > 100 (all taken instances are replaced in one step).
"""

from __future__ import annotations

import uuid

from ._util import Patcher, now

GAP = "StartInstanceRefresh/DescribeInstanceRefreshes/CancelInstanceRefresh are not implemented"
MOTO_VERSION = "5.2.5"

ACTIVE = ("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking")
DEFAULT_PREFERENCES = {
    "MinHealthyPercentage": 90,
    "SkipMatching": False,
    "ScaleInProtectedInstances": "Wait",
    "StandbyInstances": "Wait",
}
# AWS waits one hour for scale-in protection to be removed (RefreshPreferences.ScaleInProtectedInstances); tests
# shorten it on the emulator (emulatorctl or in process).
PROTECTED_WAIT_SECONDS = 3600

_patcher = Patcher()


def _errors():
    from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError

    class InstanceRefreshInProgress(AutoscalingClientError):
        code = "InstanceRefreshInProgress"

    class ActiveInstanceRefreshNotFound(AutoscalingClientError):
        code = "ActiveInstanceRefreshNotFound"

    return ValidationError, InstanceRefreshInProgress, ActiveInstanceRefreshNotFound


def _refreshes(backend, group_name):
    """Refreshes of one group, newest first (the order AWS describes them in)."""
    if not hasattr(backend, "_compat_instance_refreshes"):
        backend._compat_instance_refreshes = {}
    return backend._compat_instance_refreshes.setdefault(group_name, [])


def _group(backend, name):
    validation_error = _errors()[0]
    group = backend.autoscaling_groups.get(name)
    if group is None:
        raise validation_error(f"AutoScalingGroup name not found - AutoScalingGroup {name} not found")
    return group


def _matches(group, state):
    return state.instance.image_id == group.image_id and state.instance.instance_type == group.instance_type


def _template_spec(group):
    template = getattr(group, "ec2_launch_template", None)
    if template is None:
        return None
    return {
        "LaunchTemplateId": template.id,
        "Version": getattr(group, "provided_launch_template_version", None) or "$Default",
    }


def _numbered(spec):
    return bool(spec) and str(spec.get("Version") or "").isdigit()


def _seconds_since(stamp):
    return (now() - stamp).total_seconds()


def _validate(preferences, desired, group):
    validation_error = _errors()[0]
    minimum, maximum = preferences.get("MinHealthyPercentage"), preferences.get("MaxHealthyPercentage")
    if maximum is not None:
        if minimum is None:
            raise validation_error("MaxHealthyPercentage requires MinHealthyPercentage to be specified.")
        if not 100 <= int(maximum) <= 200:
            raise validation_error("MaxHealthyPercentage must be between 100 and 200.")
        if int(maximum) - int(minimum) > 100:
            raise validation_error(
                "The difference between MaxHealthyPercentage and MinHealthyPercentage cannot be greater than 100."
            )
    if minimum is not None and not 0 <= int(minimum) <= 100:
        raise validation_error("MinHealthyPercentage must be between 0 and 100.")
    for key, allowed in (
        ("ScaleInProtectedInstances", ("Refresh", "Ignore", "Wait")),
        ("StandbyInstances", ("Terminate", "Ignore", "Wait")),
    ):
        if key in preferences and preferences[key] not in allowed:
            raise validation_error(f"{key} must be one of {', '.join(allowed)}.")
    if str(preferences.get("AutoRollback")).lower() == "true":
        target = (desired or {}).get("LaunchTemplate")
        if not target:
            raise validation_error("AutoRollback requires a DesiredConfiguration.")
        if not (_numbered(target) and _numbered(_template_spec(group))):
            raise validation_error(
                "AutoRollback is not supported when the Auto Scaling group or the desired configuration uses "
                "the $Latest or $Default launch template version."
            )


def _launch(backend, group, count):
    before = {state.instance.id for state in group.instance_states}
    group.replace_autoscaling_group_instances(count, group.get_propagated_tags())
    backend.update_attached_elbs(group.name)
    backend.update_attached_target_groups(group.name)
    return [state.instance.id for state in group.instance_states if state.instance.id not in before]


def _terminate(backend, group, states):
    if states:
        backend.ec2_backend.terminate_instances([state.instance.id for state in states])
        group.instance_states = [state for state in group.instance_states if state not in states]


def _fail(refresh, reason):
    refresh.update(Status="Failed", StatusReason=reason, EndTime=now())
    if str(refresh["Preferences"].get("AutoRollback")).lower() == "true":
        refresh.update(
            Status="RollbackInProgress",
            RollbackDetails={"RollbackReason": reason, "RollbackStartTime": now()},
        )
        refresh.pop("EndTime", None)


def _replace(backend, group, refresh):
    """The InProgress step: replace what the preferences let the refresh take, or wait for protected instances."""
    preferences = refresh["Preferences"]
    desired_template = (refresh.get("DesiredConfiguration") or {}).get("LaunchTemplate")
    if desired_template:
        group._set_launch_configuration(None, desired_template, None)
    skip_matching = str(preferences.get("SkipMatching")).lower() == "true"
    candidates = [state for state in group.instance_states if not (skip_matching and _matches(group, state))]
    protected = [state for state in candidates if state.protected_from_scale_in]
    mode = preferences.get("ScaleInProtectedInstances", "Wait")
    if protected and mode == "Wait":
        if desired_template and refresh.get("_previous"):
            # Not started yet: the group keeps its configuration while the refresh waits.
            group._set_launch_configuration(None, refresh["_previous"], None)
        if _seconds_since(refresh["StartTime"]) >= PROTECTED_WAIT_SECONDS:
            _fail(refresh, "Waited too long for scale-in protection to be removed from instances.")
        else:
            refresh["StatusReason"] = "Waiting for scale-in protection to be removed from {0} instance(s): {1}.".format(
                len(protected), ", ".join(state.instance.id for state in protected)
            )
        return
    if mode == "Ignore":
        candidates = [state for state in candidates if not state.protected_from_scale_in]
    _terminate(backend, group, candidates)
    refresh["_launched"] = _launch(backend, group, len(candidates)) if candidates else []
    refresh.update(
        PercentageComplete=100,
        InstancesToUpdate=0,
        ProgressDetails={"LivePoolProgress": {"PercentageComplete": 100, "InstancesToUpdate": 0}},
    )
    if int(preferences.get("BakeTime") or 0) > 0:
        refresh.update(Status="Baking", StatusReason="Baking the new instances.", _baking_since=now())
    else:
        refresh.update(Status="Successful", StatusReason="", EndTime=now())


def _roll_back(backend, group, refresh):
    """RollbackInProgress: the previous configuration back on the group, the refresh's instances replaced by it."""
    group._set_launch_configuration(None, refresh["_previous"], None)
    launched = [state for state in group.instance_states if state.instance.id in refresh.get("_launched", [])]
    _terminate(backend, group, launched)
    if launched:
        _launch(backend, group, len(launched))
    refresh.update(Status="RollbackSuccessful", StatusReason="Rollback completed.", EndTime=now())
    refresh["RollbackDetails"].update(PercentageCompleteOnRollback=100, InstancesToUpdateOnRollback=0)


def _advance(backend, group, refresh):
    status = refresh["Status"]
    if status == "Pending":
        refresh["Status"] = "InProgress"
    elif status == "InProgress":
        _replace(backend, group, refresh)
    elif status == "Baking":
        if _seconds_since(refresh["_baking_since"]) >= int(refresh["Preferences"]["BakeTime"]):
            refresh.update(Status="Successful", StatusReason="", EndTime=now())
    elif status == "RollbackInProgress":
        _roll_back(backend, group, refresh)


def start_instance_refresh(self):
    from moto.core.responses import ActionResult

    in_progress = _errors()[1]
    name = self._get_param("AutoScalingGroupName")
    group = _group(self.autoscaling_backend, name)
    refreshes = _refreshes(self.autoscaling_backend, name)
    if any(refresh["Status"] in ACTIVE for refresh in refreshes):
        raise in_progress(
            "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh."
        )
    given = self._get_param("Preferences") or {}
    desired = self._get_param("DesiredConfiguration")
    _validate(given, desired, group)
    refresh = {
        "InstanceRefreshId": str(uuid.uuid4()),
        "AutoScalingGroupName": name,
        "Status": "Pending",
        "StatusReason": "Waiting for instances to warm up before continuing.",
        "StartTime": now(),
        "PercentageComplete": 0,
        "InstancesToUpdate": len(group.instance_states),
        "Preferences": dict(DEFAULT_PREFERENCES, **given),
        "Strategy": self._get_param("Strategy") or "Rolling",
        "_previous": _template_spec(group),
    }
    if desired:
        refresh["DesiredConfiguration"] = desired
    refreshes.insert(0, refresh)
    return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})


def public(refresh):
    """What DescribeInstanceRefreshes shows: the model's own keys (leading underscore) left out."""
    return {key: value for key, value in refresh.items() if not key.startswith("_")}


def describe_instance_refreshes(self):
    from moto.core.responses import ActionResult

    name = self._get_param("AutoScalingGroupName")
    group = _group(self.autoscaling_backend, name)
    refreshes = _refreshes(self.autoscaling_backend, name)
    for refresh in refreshes:
        if refresh["Status"] in ACTIVE:
            _advance(self.autoscaling_backend, group, refresh)
    wanted = self._get_param("InstanceRefreshIds") or []
    selected = [refresh for refresh in refreshes if not wanted or refresh["InstanceRefreshId"] in wanted]
    start = int(self._get_param("NextToken") or 0)
    size = int(self._get_param("MaxRecords") or 50)
    result = {"InstanceRefreshes": [public(refresh) for refresh in selected[start : start + size]]}
    if start + size < len(selected):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


def cancel_instance_refresh(self):
    from moto.core.responses import ActionResult

    not_found = _errors()[2]
    name = self._get_param("AutoScalingGroupName")
    _group(self.autoscaling_backend, name)
    for refresh in _refreshes(self.autoscaling_backend, name):
        if refresh["Status"] in ("Pending", "InProgress", "Baking"):
            refresh.update(Status="Cancelled", StatusReason="Cancelled by request.", EndTime=now())
            return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})
    raise not_found(f"No in progress or pending Instance Refresh found for Auto Scaling group {name}")


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse

    for func in (start_instance_refresh, describe_instance_refreshes, cancel_instance_refresh):
        _patcher.setattr(AutoScalingResponse, func.__name__, func)
    _patcher.active = True


def remove():
    _patcher.restore()
