"""Auto Scaling group metrics collection: DisableMetricsCollection, and EnableMetricsCollection as AWS does it.

moto has no DisableMetricsCollection (amazon.aws.autoscaling_group calls it on every run with
metrics_collection=false once the group exists, so a rerun fails), and its EnableMetricsCollection replaces the
enabled set (an omitted Metrics list enables nothing) where AWS adds to it (omitted = all group metrics).
"""

from __future__ import annotations

from ._util import Patcher

GAP = "DisableMetricsCollection is not implemented; EnableMetricsCollection replaces instead of adding metrics"
MOTO_VERSION = "5.2.5"

# Every metric EnableMetricsCollection turns on when Metrics is omitted (AWS Auto Scaling API reference).
ALL_METRICS = (
    "GroupMinSize",
    "GroupMaxSize",
    "GroupDesiredCapacity",
    "GroupInServiceInstances",
    "GroupPendingInstances",
    "GroupStandbyInstances",
    "GroupTerminatingInstances",
    "GroupTotalInstances",
    "GroupInServiceCapacity",
    "GroupPendingCapacity",
    "GroupStandbyCapacity",
    "GroupTerminatingCapacity",
    "GroupTotalCapacity",
    "WarmPoolDesiredCapacity",
    "WarmPoolWarmedCapacity",
    "WarmPoolPendingCapacity",
    "WarmPoolTerminatingCapacity",
    "WarmPoolTotalCapacity",
    "GroupAndWarmPoolDesiredCapacity",
    "GroupAndWarmPoolTotalCapacity",
)

_patcher = Patcher()


def _group(backend, name):
    from moto.autoscaling.exceptions import ValidationError

    group = backend.autoscaling_groups.get(name)
    if group is None:
        raise ValidationError(f"Group {name} not found")
    return group


def enable_metrics_collection(self):
    from moto.core.responses import EmptyResult

    group = _group(self.autoscaling_backend, self._get_param("AutoScalingGroupName"))
    wanted = self._get_param("Metrics") or ALL_METRICS
    group.metrics = list(group.metrics) + [metric for metric in wanted if metric not in group.metrics]
    return EmptyResult()


def disable_metrics_collection(self):
    from moto.core.responses import EmptyResult

    group = _group(self.autoscaling_backend, self._get_param("AutoScalingGroupName"))
    unwanted = self._get_param("Metrics") or list(group.metrics)
    group.metrics = [metric for metric in group.metrics if metric not in unwanted]
    return EmptyResult()


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse

    _patcher.setattr(AutoScalingResponse, "enable_metrics_collection", enable_metrics_collection)
    _patcher.setattr(AutoScalingResponse, "disable_metrics_collection", disable_metrics_collection)
    _patcher.active = True


def remove():
    _patcher.restore()
