# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiters botocore does not ship for EFS (it has none)."""

from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory
from ansible_collections.amazon.aws.plugins.module_utils.waiter import custom_waiter_config

from .common import EFSErrorHandler


def _all(expected, argument, state="success"):
    return dict(state=state, matcher="pathAll", expected=expected, argument=argument)


def _any(expected, argument, state="failure"):
    return dict(state=state, matcher="pathAny", expected=expected, argument=argument)


def _none_left(argument):
    return dict(state="success", matcher="path", expected=True, argument="length({0}) == `0`".format(argument))


def _error(code, state="success"):
    return dict(state=state, matcher="error", expected=code)


class EFSWaiterFactory(BaseWaiterFactory):
    @property
    def _waiter_model_data(self):
        return dict(
            file_system_available=dict(
                operation="DescribeFileSystems",
                delay=5,
                maxAttempts=120,
                acceptors=[
                    _all("available", "FileSystems[].LifeCycleState"),
                    _any("error", "FileSystems[].LifeCycleState"),
                    _any("deleting", "FileSystems[].LifeCycleState"),
                    _error("FileSystemNotFound", "retry"),
                ],
            ),
            file_system_deleted=dict(
                operation="DescribeFileSystems",
                delay=5,
                maxAttempts=120,
                acceptors=[
                    _none_left("FileSystems[]"),
                    _all("deleted", "FileSystems[].LifeCycleState"),
                    _error("FileSystemNotFound"),
                ],
            ),
            mount_targets_available=dict(
                operation="DescribeMountTargets",
                delay=5,
                maxAttempts=120,
                acceptors=[
                    _all("available", "MountTargets[].LifeCycleState"),
                    _any("error", "MountTargets[].LifeCycleState"),
                ],
            ),
            mount_target_deleted=dict(
                operation="DescribeMountTargets",
                delay=5,
                maxAttempts=120,
                acceptors=[
                    _none_left("MountTargets[]"),
                    _all("deleted", "MountTargets[].LifeCycleState"),
                    _error("MountTargetNotFound"),
                ],
            ),
            access_point_available=dict(
                operation="DescribeAccessPoints",
                delay=2,
                maxAttempts=60,
                acceptors=[
                    _all("available", "AccessPoints[].LifeCycleState"),
                    _any("error", "AccessPoints[].LifeCycleState"),
                ],
            ),
            access_point_deleted=dict(
                operation="DescribeAccessPoints",
                delay=2,
                maxAttempts=60,
                acceptors=[
                    _none_left("AccessPoints[]"),
                    _all("deleted", "AccessPoints[].LifeCycleState"),
                    _error("AccessPointNotFound"),
                ],
            ),
        )


@EFSErrorHandler.common_error_handler("wait for the EFS resource to reach the desired state")
def wait_for(client, waiter_name, timeout, **params):
    """Wait (timeout seconds at most) for an EFS waiter defined above, e.g. file_system_available."""
    waiter = EFSWaiterFactory().get_waiter(client, waiter_name)
    waiter.wait(WaiterConfig=custom_waiter_config(timeout=timeout, default_pause=5), **params)
