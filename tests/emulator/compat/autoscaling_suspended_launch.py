"""A group whose Launch process is suspended launches nothing: a raised desired capacity (SetDesiredCapacity,
UpdateAutoScalingGroup with DesiredCapacity or MinSize, a scaling policy) and the replacement of a terminated or
unhealthy instance leave it short until Launch is resumed.

moto 5.2.5 records SuspendProcesses (DescribeAutoScalingGroups lists the processes) and ignores them: the group
launches as if nothing were suspended. On AWS the Launch process "Adds instances to the Auto Scaling group when the
group scales out, or when Amazon EC2 Auto Scaling chooses to launch instances for other reasons", and while it is
suspended "your Auto Scaling group can't initiate scale-out activities" and "ReplaceUnhealthy continues to terminate
unhealthy instances, but does not launch replacements. When you resume the Launch process, Amazon EC2 Auto Scaling
immediately replaces any instances that it terminated during the time that Launch was suspended" (EC2 Auto Scaling
User Guide, "Suspend and resume Amazon EC2 Auto Scaling processes" and "How suspended processes affect other
processes"). The requests themselves succeed and the desired capacity is recorded, as on AWS.

Modelled where every launch of moto's group goes through (FakeAutoScalingGroup.replace_autoscaling_group_instances,
also used by the instance refresh and unhealthy replacement patches): with Launch suspended it launches nothing.
ResumeProcesses that resumes Launch brings the group to its desired capacity at once. Not modelled: "InstanceRefresh
does not replace instances" (the instance refresh patch still terminates what it takes, and launches nothing), the
Terminate process (scale-in goes on with it suspended), AZRebalance, warm pools.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "SuspendProcesses Launch is recorded but ignored: the group still launches when its capacity rises"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def launch_suspended(group):
    return any(process["ProcessName"] == "Launch" for process in group.suspended_processes)


def _launching(original):
    def replace_autoscaling_group_instances(self, count_needed, propagated_tags):
        if launch_suspended(self):
            return None
        return original(self, count_needed, propagated_tags)

    return replace_autoscaling_group_instances


def _resuming(original):
    def resume_processes(self, group_name, scaling_processes):
        group = self.autoscaling_groups[group_name]
        was_suspended = launch_suspended(group)
        original(self, group_name, scaling_processes)
        if was_suspended and not launch_suspended(group):
            # The launches held back while Launch was suspended, at once (moto's scale-out to the desired capacity).
            group.set_desired_capacity(group.desired_capacity)

    return resume_processes


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup

    _patcher.setattr(
        FakeAutoScalingGroup,
        "replace_autoscaling_group_instances",
        _launching(FakeAutoScalingGroup.replace_autoscaling_group_instances),
    )
    _patcher.setattr(AutoScalingBackend, "resume_processes", _resuming(AutoScalingBackend.resume_processes))
    _patcher.active = True


def remove():
    _patcher.restore()
