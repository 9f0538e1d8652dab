"""Auto Scaling instance refreshes: StartInstanceRefresh, DescribeInstanceRefreshes, CancelInstanceRefresh.

Not implemented in moto (amazon.aws.autoscaling_instance_refresh/_info fail). Modelled as a small state machine
that moves one step per DescribeInstanceRefreshes of the group, the way a poller sees it on AWS:
Pending -> InProgress -> Successful. On success the group's instances are replaced by new ones launched from the
group's current launch template (or DesiredConfiguration's, which then becomes the group's). A Pending or
InProgress refresh can be cancelled (-> Cancelled); starting one while another is active fails with
InstanceRefreshInProgress, as on AWS. Health checks, warm-up and checkpoints are not modelled.
"""

from __future__ import annotations

import uuid

from ._util import Patcher, now

GAP = "StartInstanceRefresh/DescribeInstanceRefreshes/CancelInstanceRefresh are not implemented"
MOTO_VERSION = "5.2.5"

ACTIVE = ("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking")
DEFAULT_PREFERENCES = {"MinHealthyPercentage": 90, "SkipMatching": False, "ScaleInProtectedInstances": "Ignore"}

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


def _complete(backend, group, refresh):
    """Replace the group's instances with ones from the (desired) launch template."""
    desired_template = (refresh.get("DesiredConfiguration") or {}).get("LaunchTemplate")
    if desired_template:
        group._set_launch_configuration(None, desired_template, None)
    skip_matching = refresh["Preferences"].get("SkipMatching")
    replace = [state for state in group.instance_states if not (skip_matching and _matches(group, state))]
    if replace:
        backend.ec2_backend.terminate_instances([state.instance.id for state in replace])
        group.instance_states = [state for state in group.instance_states if state not in replace]
        group.replace_autoscaling_group_instances(len(replace), group.get_propagated_tags())
        backend.update_attached_elbs(group.name)
        backend.update_attached_target_groups(group.name)
    refresh.update(
        Status="Successful",
        StatusReason="",
        EndTime=now(),
        PercentageComplete=100,
        InstancesToUpdate=0,
        ProgressDetails={"LivePoolProgress": {"PercentageComplete": 100, "InstancesToUpdate": 0}},
    )


def _advance(backend, group, refresh):
    if refresh["Status"] == "Pending":
        refresh["Status"] = "InProgress"
    elif refresh["Status"] == "InProgress":
        _complete(backend, group, refresh)


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
    refresh = {
        "InstanceRefreshId": str(uuid.uuid4()),
        "AutoScalingGroupName": name,
        "Status": "Pending",
        "StatusReason": "Waiting for instances to warm up before continuing.",
        "StartTime": now(),
        "PercentageComplete": 0,
        "InstancesToUpdate": len(group.instance_states),
        "Preferences": dict(DEFAULT_PREFERENCES, **(self._get_param("Preferences") or {})),
        "Strategy": self._get_param("Strategy") or "Rolling",
    }
    if self._get_param("DesiredConfiguration"):
        refresh["DesiredConfiguration"] = self._get_param("DesiredConfiguration")
    refreshes.insert(0, refresh)
    return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})


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
    result = {"InstanceRefreshes": [dict(refresh) for refresh in selected[start : start + size]]}
    if start + size < len(selected):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


def cancel_instance_refresh(self):
    from moto.core.responses import ActionResult

    not_found = _errors()[2]
    name = self._get_param("AutoScalingGroupName")
    _group(self.autoscaling_backend, name)
    for refresh in _refreshes(self.autoscaling_backend, name):
        if refresh["Status"] in ("Pending", "InProgress"):
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
