"""Auto Scaling RollbackInstanceRefresh on the refresh model of autoscaling_instance_refresh.

Not implemented in moto. As the API reference says: it cancels the active refresh (Pending, InProgress or Baking;
none: ActiveInstanceRefreshNotFound) and restores the configuration the group had before it, replacing the
instances the refresh launched; refused (IrreversibleInstanceRefresh) when the refresh had no DesiredConfiguration
or either side used $Latest/$Default rather than a numbered launch template version. The refresh turns
RollbackInProgress, and the next DescribeInstanceRefreshes of the group completes it (RollbackSuccessful).
"""

from __future__ import annotations

from ._util import Patcher, now
from .autoscaling_instance_refresh import _errors, _group, _numbered, _refreshes, desired_spec

GAP = "RollbackInstanceRefresh is not implemented"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def rollback_instance_refresh(self):
    from moto.autoscaling.exceptions import AutoscalingClientError
    from moto.core.responses import ActionResult

    class IrreversibleInstanceRefresh(AutoscalingClientError):
        code = "IrreversibleInstanceRefresh"

    not_found = _errors()[2]
    name = self._get_param("AutoScalingGroupName")
    _group(self.autoscaling_backend, name)
    for refresh in _refreshes(self.autoscaling_backend, name):
        if refresh["Status"] in ("Pending", "InProgress", "Baking"):
            target = desired_spec(refresh.get("DesiredConfiguration"))
            if not target:
                raise IrreversibleInstanceRefresh(
                    "The instance refresh cannot be rolled back: it was started without a desired configuration."
                )
            if not (_numbered(target) and _numbered(refresh.get("_previous"))):
                raise IrreversibleInstanceRefresh(
                    "The instance refresh cannot be rolled back: a launch template uses the $Latest or $Default "
                    "version."
                )
            refresh.update(
                Status="RollbackInProgress",
                StatusReason="Rollback requested.",
                RollbackDetails={"RollbackReason": "Rollback requested by the user.", "RollbackStartTime": now()},
            )
            return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})
    raise not_found(f"No in progress or pending Instance Refresh found for Auto Scaling group {name}")


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse

    _patcher.setattr(AutoScalingResponse, "rollback_instance_refresh", rollback_instance_refresh)
    _patcher.active = True


def remove():
    _patcher.restore()
