# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiters botocore does not ship for EFS (it has none).

File systems, mount targets and access points share one life cycle (LifeCycleState creating → available →
deleting → deleted, or error), so one pair of waiters, parametrised by resource, serves all three.
"""

from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory
from ansible_collections.amazon.aws.plugins.module_utils.waiter import custom_waiter_config

from .common import EFSErrorHandler

# waiter name prefix: (describe operation, result list, "not found" error code, seconds between polls, polls)
# Access points are created in a few seconds, so they are polled more often than file systems and mount targets.
LIFECYCLE_RESOURCES = {
    "file_system": ("DescribeFileSystems", "FileSystems", "FileSystemNotFound", 5, 120),
    "mount_target": ("DescribeMountTargets", "MountTargets", "MountTargetNotFound", 5, 120),
    "access_point": ("DescribeAccessPoints", "AccessPoints", "AccessPointNotFound", 2, 60),
}
# The available waiter of mount targets waits for all of a file system's mount targets, hence the plural.
AVAILABLE_WAITER_NAMES = {"mount_target": "mount_targets_available"}


def lifecycle_waiters(resource, operation, items, not_found, delay, max_attempts):
    """The `<resource>_available` and `<resource>_deleted` waiter models of one EFS resource type."""
    state = items + "[].LifeCycleState"
    available = [
        dict(state="success", matcher="pathAll", expected="available", argument=state),
        dict(state="failure", matcher="pathAny", expected="error", argument=state),
    ]
    if resource == "file_system":
        # A file system being deleted never becomes available; one just created may not be listed yet.
        available += [
            dict(state="failure", matcher="pathAny", expected="deleting", argument=state),
            dict(state="retry", matcher="error", expected=not_found),
        ]
    deleted = [
        dict(state="success", matcher="path", expected=True, argument="length({0}[]) == `0`".format(items)),
        dict(state="success", matcher="pathAll", expected="deleted", argument=state),
        dict(state="success", matcher="error", expected=not_found),
    ]
    timing = dict(operation=operation, delay=delay, maxAttempts=max_attempts)
    return {
        AVAILABLE_WAITER_NAMES.get(resource, resource + "_available"): dict(timing, acceptors=available),
        resource + "_deleted": dict(timing, acceptors=deleted),
    }


def replication_waiters(delay=15, max_attempts=80):
    """`replication_enabled` and `replication_deleted`, polling DescribeReplicationConfigurations(FileSystemId).

    A replication's destination goes ENABLING → ENABLED (ERROR, PAUSED, PAUSING, DELETING are its other states:
    botocore 1.44.5 efs service-2.json, shape ReplicationStatus); a deleted one answers ReplicationNotFound.
    """
    status = "Replications[].Destinations[].Status"
    timing = dict(operation="DescribeReplicationConfigurations", delay=delay, maxAttempts=max_attempts)
    enabled = [
        dict(state="success", matcher="pathAll", expected="ENABLED", argument=status),
        dict(state="failure", matcher="pathAny", expected="ERROR", argument=status),
        dict(state="failure", matcher="pathAny", expected="DELETING", argument=status),
        # Just created: not listed yet.
        dict(state="retry", matcher="error", expected="ReplicationNotFound"),
    ]
    deleted = [
        dict(state="success", matcher="error", expected="ReplicationNotFound"),
        dict(state="success", matcher="path", expected=True, argument="length(Replications[]) == `0`"),
    ]
    return {
        "replication_enabled": dict(timing, acceptors=enabled),
        "replication_deleted": dict(timing, acceptors=deleted),
    }


class EFSWaiterFactory(BaseWaiterFactory):
    @property
    def _waiter_model_data(self):
        models = {}
        for resource, definition in LIFECYCLE_RESOURCES.items():
            models.update(lifecycle_waiters(resource, *definition))
        models.update(replication_waiters())
        return models


@EFSErrorHandler.common_error_handler("wait for the EFS resource to reach the desired state")
def wait_for(client, waiter_name, timeout, **params):
    """Wait (timeout seconds at most) for an EFS waiter defined above, e.g. file_system_available."""
    waiter = EFSWaiterFactory().get_waiter(client, waiter_name)
    waiter.wait(WaiterConfig=custom_waiter_config(timeout=timeout, default_pause=5), **params)
