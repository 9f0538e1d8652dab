"""DeleteAutoScalingGroup with ForceDelete terminates every instance of the group, protected from scale-in or not.

moto 5.2.5 ignores ForceDelete: it deletes a group by lowering its desired capacity to 0, which spares the instances
protected from scale-in, so they keep running (and keep the group's tag) once the group is gone. On AWS ForceDelete
"Specifies that the group is to be deleted along with all instances associated with the group, without waiting for
all instances to be terminated" and "The force delete operation will also terminate the EC2 instances" (botocore's
autoscaling model, DeleteAutoScalingGroup and its ForceDelete member); scale-in protection only guards against
scale-in, and "If you suspend the Terminate process, you can still force instances to be terminated by using the
delete-auto-scaling-group command with the force delete option" (EC2 Auto Scaling User Guide, "Considerations for
suspending processes").

Modelled: with ForceDelete true the group's instances leave its target groups and are terminated in EC2 (none
replaced), then the group is deleted as moto deletes it. Without ForceDelete moto's behaviour is kept (AWS would
refuse a group that still has instances, ResourceInUse: not modelled here).
"""

from __future__ import annotations

from ._util import Patcher

GAP = "DeleteAutoScalingGroup ignores ForceDelete: instances protected from scale-in keep running after the delete"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _force_delete(backend, name):
    group = backend.autoscaling_groups.get(name)
    if group is None:
        return
    ids = [state.instance.id for state in group.instance_states]
    if not ids:
        return
    for arn in group.target_group_arns:
        target_group = backend.elbv2_backend.target_groups.get(arn)
        if target_group is not None:
            target_group.deregister_terminated_instances(ids)
    # Out of the group first, so moto's delete (a scale-in to 0) has nothing left to spare.
    group.instance_states = []
    backend.ec2_backend.terminate_instances(ids)


def _deleting(original):
    def delete_auto_scaling_group(self):
        if self._get_bool_param("ForceDelete", False):
            _force_delete(self.autoscaling_backend, self._get_param("AutoScalingGroupName"))
        return original(self)

    return delete_auto_scaling_group


def apply():
    if _patcher.active:
        return
    from moto.autoscaling.responses import AutoScalingResponse

    _patcher.setattr(
        AutoScalingResponse,
        "delete_auto_scaling_group",
        _deleting(AutoScalingResponse.delete_auto_scaling_group),
    )
    _patcher.active = True


def remove():
    _patcher.restore()
