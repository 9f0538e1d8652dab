"""Auto Scaling instance refreshes: StartInstanceRefresh, DescribeInstanceRefreshes, CancelInstanceRefresh.

Not implemented in moto (amazon.aws.autoscaling_instance_refresh/_info fail). Modelled as a small state machine
that moves one step per DescribeInstanceRefreshes of the group, the way a poller sees it on AWS:
Pending -> InProgress -> [Baking ->] Successful. The InProgress step replaces the instances the refresh takes
(old ones terminated, then new ones launched from DesiredConfiguration's launch template, or the group's own).
The refresh then waits, still InProgress, until every instance it launched passes the group's health checks
(AWS User Guide, "Replacing Auto Scaling instances based on an instance refresh": "it waits until the instances pass
your health checks and complete warmup before it moves on"): InService and Healthy in the group and, for a group
with the ELB health check type, "healthy" in each of its target groups (DescribeTargetHealth). ELB health needs at
least one more describe after the launch (the target is only just registered); there is no bound on the wait (the
documented one-hour limits are for protected and Standby instances only), so a new instance that never passes keeps
the refresh InProgress until it is cancelled or rolled back. Only when the refresh succeeds does the group take the
DesiredConfiguration (StartInstanceRefresh, DesiredConfiguration: "Once the instance refresh succeeds, Amazon EC2
Auto Scaling updates the settings of the Auto Scaling group"); while InProgress or Baking, and after a cancel, it
keeps its own. A DesiredConfiguration holds "either a LaunchTemplate or a MixedInstancesPolicy" (API reference): with
a MixedInstancesPolicy the refresh launches from that policy's launch template and the group takes the policy on
success; with a LaunchTemplate alone a group that has a mixed instances policy takes the template alone on success
(its policy is gone, as after UpdateAutoScalingGroup with a LaunchTemplate and no policy). With a BakeTime the
refresh stays Baking until that many seconds have passed, the window in which AWS still allows a rollback
(tests/emulator/compat/autoscaling_instance_refresh_rollback.py).
CancelInstanceRefresh cancels a Pending, InProgress or Baking refresh, or a rollback in progress ("Cancels an
instance refresh or rollback that is in progress", botocore's model) -> Cancelled; starting one while another is
active fails with InstanceRefreshInProgress, as on AWS. DescribeInstanceRefreshes lists newest first ("sorted by
creation timestamp in descending order") and honours MaxRecords/NextToken.

Preferences, from botocore's autoscaling model (RefreshPreferences) and the API reference:
- defaults MinHealthyPercentage 90, SkipMatching false, ScaleInProtectedInstances Wait, StandbyInstances Wait;
- MaxHealthyPercentage (100-200) needs MinHealthyPercentage, and the two may differ by at most 100;
- ScaleInProtectedInstances: Refresh replaces protected instances, Ignore leaves them and replaces the rest, Wait
  waits for their protection to be removed ("waits one hour ... Otherwise, the instance refresh will fail"):
  InProgress with a reason naming them, Failed once PROTECTED_WAIT_SECONDS have passed since the start;
- AutoRollback needs a DesiredConfiguration and numbered launch template versions (not $Latest/$Default) on both
  sides ("A rollback is not supported in the following situations"); a failed refresh with it rolls back.

Test hook (not an AWS API): nothing probes a target on the emulator, and moto reports every registered running
instance "healthy". POST /moto-api/jenkins-ha/elbv2/failing-images {"image_id": "ami-...", "failing": true} (or
set_failing_image() in process) makes every target running that image answer "unhealthy"
(Target.FailedHealthChecks) in DescribeTargetHealth until it is posted again with "failing": false: an image whose
Jenkins never answers the target group's health check.
Not modelled: warm-up, checkpoints, alarms, Standby instances (moto's group keeps none), the launch-before-terminate
order of MaxHealthyPercentage > 100 (all taken instances are replaced in one step), instances launched from the
desired configuration by a scale-out during the refresh, and the group replacing an instance that fails its health
check during the refresh. A rollback waits for the health of the instances it launches, as the refresh does.
"""

from __future__ import annotations

import copy
import uuid

from ._util import Patcher, hook_answer, hook_request, now

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

HOOK_PATH = "/moto-api/jenkins-ha/elbv2/failing-images"
# Images whose instances fail every target group health check (the test hook).
_FAILING_IMAGES: set = set()

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
    spec = {"LaunchTemplateId": template.id}
    if getattr(group, "mixed_instances_policy", None):
        spec["Version"] = group.launch_template_version
    # Restored as it was given: a group created without a version describes none (AWS then uses $Default).
    elif getattr(group, "provided_launch_template_version", None):
        spec["Version"] = group.provided_launch_template_version
    return spec


def desired_spec(desired):
    """The launch template specification of a DesiredConfiguration: its mixed instances policy's, or its own."""
    desired = desired or {}
    policy = desired.get("MixedInstancesPolicy") or {}
    return (policy.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification") or desired.get("LaunchTemplate")


def _configure(group, spec, policy):
    """Gives the group a launch template specification, within a mixed instances policy when policy is one."""
    if policy:
        policy = copy.deepcopy(policy)
        policy.setdefault("LaunchTemplate", {})["LaunchTemplateSpecification"] = dict(spec)
        policy["LaunchTemplate"].setdefault("Overrides", [])
        group.mixed_instances_policy = policy
        group._set_launch_configuration(None, None, policy)
    else:
        group.mixed_instances_policy = None
        group._set_launch_configuration(None, spec, None)


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
        target = desired_spec(desired)
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
        ids = [state.instance.id for state in states]
        # The group deregisters what it terminates from its target groups, as on AWS (moto's ALB keeps them).
        for arn in group.target_group_arns:
            target_group = backend.elbv2_backend.target_groups.get(arn)
            if target_group is not None:
                target_group.deregister_terminated_instances(ids)
        backend.ec2_backend.terminate_instances(ids)
        group.instance_states = [state for state in group.instance_states if state not in states]


def _fail(refresh, reason):
    refresh.update(Status="Failed", StatusReason=reason, EndTime=now())
    if str(refresh["Preferences"].get("AutoRollback")).lower() == "true":
        refresh.update(
            Status="RollbackInProgress",
            RollbackDetails={"RollbackReason": reason, "RollbackStartTime": now()},
        )
        refresh.pop("EndTime", None)


class _Configured:
    """The group launches from the refresh's DesiredConfiguration inside the block and gets its own back after it:
    AWS applies the desired configuration to the group only when the refresh succeeds."""

    def __init__(self, group, refresh):
        self.group = group
        self.desired = refresh.get("DesiredConfiguration") or {}
        self.previous = refresh.get("_previous")
        self.previous_policy = refresh.get("_previous_policy")

    def __enter__(self):
        if desired_spec(self.desired):
            _configure(self.group, desired_spec(self.desired), self.desired.get("MixedInstancesPolicy"))
        return self.group

    def __exit__(self, *exc):
        if desired_spec(self.desired) and self.previous:
            _configure(self.group, self.previous, self.previous_policy)
        return False


def _replace(backend, group, refresh):
    """The InProgress step: replace what the preferences let the refresh take, or wait for protected instances."""
    preferences = refresh["Preferences"]
    skip_matching = str(preferences.get("SkipMatching")).lower() == "true"
    mode = preferences.get("ScaleInProtectedInstances", "Wait")
    with _Configured(group, refresh):
        candidates = [state for state in group.instance_states if not (skip_matching and _matches(group, state))]
        protected = [state for state in candidates if state.protected_from_scale_in]
        if protected and mode == "Wait":
            if _seconds_since(refresh["StartTime"]) >= PROTECTED_WAIT_SECONDS:
                _fail(refresh, "Waited too long for scale-in protection to be removed from instances.")
            else:
                refresh["StatusReason"] = (
                    "Waiting for scale-in protection to be removed from {0} instance(s): {1}.".format(
                        len(protected), ", ".join(state.instance.id for state in protected)
                    )
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
    if _elb_checked(group) and refresh["_launched"]:
        # Just registered: the load balancer has not checked them yet.
        refresh["StatusReason"] = (
            "Waiting for remaining instances to be available. For example: {0} has insufficient data to evaluate "
            "its health with Elastic Load Balancing.".format(refresh["_launched"][0])
        )
        return
    _settle(backend, group, refresh)


def _elb_checked(group):
    return (group.health_check_type or "EC2").upper() == "ELB" and bool(group.target_group_arns)


def _unhealthy(backend, group, instance_ids):
    """(instance id, why) of the first launched instance that does not pass the group's health checks, or None."""
    states = {state.instance.id: state for state in group.instance_states}
    for instance_id in instance_ids:
        state = states.get(instance_id)
        if state is None or state.lifecycle_state != "InService" or state.health_status != "Healthy":
            return instance_id, "is not InService and healthy in the group"
        if not _elb_checked(group):
            continue
        for arn in group.target_group_arns:
            [health] = backend.elbv2_backend.describe_target_health(arn, [{"Id": instance_id}])
            if health.status != "healthy":
                return instance_id, "is {0} with Elastic Load Balancing ({1})".format(
                    health.status, health.reason or "no reason given"
                )
    return None


def _settle(backend, group, refresh):
    """Once the launched instances pass the health checks: Baking with a BakeTime, else Successful."""
    unhealthy = _unhealthy(backend, group, refresh.get("_launched", []))
    if unhealthy:
        refresh["StatusReason"] = "Waiting for remaining instances to be available. For example: {0} {1}.".format(
            *unhealthy
        )
        return
    refresh["_healthy"] = True
    if int(refresh["Preferences"].get("BakeTime") or 0) > 0:
        refresh.update(Status="Baking", StatusReason="Baking the new instances.", _baking_since=now())
    else:
        _succeed(group, refresh)


def _succeed(group, refresh):
    desired = refresh.get("DesiredConfiguration") or {}
    if desired_spec(desired):
        _configure(group, desired_spec(desired), desired.get("MixedInstancesPolicy"))
    refresh.update(Status="Successful", StatusReason="", EndTime=now())


def _roll_back(backend, group, refresh):
    """RollbackInProgress: the previous configuration back on the group, the refresh's instances replaced by it; like
    the refresh, the rollback waits for the instances it launches to pass the group's health checks."""
    if "_restored" not in refresh:
        _configure(group, refresh["_previous"], refresh.get("_previous_policy"))
        launched = [state for state in group.instance_states if state.instance.id in refresh.get("_launched", [])]
        _terminate(backend, group, launched)
        refresh["_restored"] = _launch(backend, group, len(launched)) if launched else []
        if _elb_checked(group) and refresh["_restored"]:
            refresh["StatusReason"] = (
                "Waiting for remaining instances to be available. For example: {0} has insufficient data to evaluate "
                "its health with Elastic Load Balancing.".format(refresh["_restored"][0])
            )
            return
    unhealthy = _unhealthy(backend, group, refresh["_restored"])
    if unhealthy:
        refresh["StatusReason"] = "Waiting for remaining instances to be available. For example: {0} {1}.".format(
            *unhealthy
        )
        return
    refresh.update(Status="RollbackSuccessful", StatusReason="Rollback completed.", EndTime=now())
    refresh["RollbackDetails"].update(PercentageCompleteOnRollback=100, InstancesToUpdateOnRollback=0)


def _advance(backend, group, refresh):
    status = refresh["Status"]
    if status == "Pending":
        refresh["Status"] = "InProgress"
    elif status == "InProgress" and "_launched" in refresh:
        _settle(backend, group, refresh)
    elif status == "InProgress":
        _replace(backend, group, refresh)
    elif status == "Baking":
        if _seconds_since(refresh["_baking_since"]) >= int(refresh["Preferences"]["BakeTime"]):
            _succeed(group, refresh)
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
        "_previous_policy": copy.deepcopy(getattr(group, "mixed_instances_policy", None)),
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
        if refresh["Status"] in ("Pending", "InProgress", "Baking", "RollbackInProgress"):
            what = "Rollback" if refresh["Status"] == "RollbackInProgress" else "Instance refresh"
            refresh.update(Status="Cancelled", StatusReason=f"{what} cancelled by request.", EndTime=now())
            return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})
    raise not_found(f"No in progress or pending Instance Refresh found for Auto Scaling group {name}")


def set_failing_image(image_id, failing=True):
    """In process, what the hook does: targets running image_id fail (or pass again) their health checks.
    Returns the images failing now."""
    if failing:
        _FAILING_IMAGES.add(image_id)
    else:
        _FAILING_IMAGES.discard(image_id)
    return sorted(_FAILING_IMAGES)


def failing_images(request, full_url, headers):
    """The /moto-api/ view of the test hook."""
    body, refused = hook_request(request, HOOK_PATH)
    if refused:
        return refused
    if not isinstance(body, dict) or not isinstance(body.get("image_id"), str) or not body["image_id"]:
        return hook_answer(400, {"error": "ValidationError", "message": 'give {"image_id": "ami-..."}'})
    unknown = sorted(set(body) - {"image_id", "failing"})
    if unknown or not isinstance(body.get("failing", True), bool):
        return hook_answer(400, {"error": "ValidationError", "message": "only image_id and failing (a boolean)"})
    return hook_answer(200, {"failing_images": set_failing_image(body["image_id"], body.get("failing", True))})


def _health_for(original):
    def health_for(self, target, ec2_backend):
        health = original(self, target, ec2_backend)
        if health.status != "healthy" or not _FAILING_IMAGES:
            return health
        instance = ec2_backend.get_instance_by_id(target["Id"]) if target["Id"].startswith("i-") else None
        if instance is None or instance.image_id not in _FAILING_IMAGES:
            return health
        health.status, health.reason = "unhealthy", "Target.FailedHealthChecks"
        health.description = "Health checks failed"
        return health

    return health_for


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.elbv2.models import FakeTargetGroup
    from moto.moto_api._internal import urls

    for func in (start_instance_refresh, describe_instance_refreshes, cancel_instance_refresh):
        _patcher.setattr(AutoScalingResponse, func.__name__, func)
    _patcher.setattr(FakeTargetGroup, "health_for", _health_for(FakeTargetGroup.health_for))
    # Server mode builds the /moto-api/ Flask app from this table on its first request: apply before serving.
    _patcher.setitem(urls.url_paths, "{0}" + HOOK_PATH, failing_images)
    _patcher.active = True


def remove():
    _patcher.restore()
    _FAILING_IMAGES.clear()
