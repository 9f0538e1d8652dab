# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EFS access point calls."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import EFSErrorHandler


@EFSErrorHandler.list_error_handler("describe access points", default_value=[])
@AWSRetry.jittered_backoff()
def describe_access_points(client, file_system_id=None, access_point_id=None):
    args = {}
    if file_system_id:
        args["FileSystemId"] = file_system_id
    if access_point_id:
        args["AccessPointId"] = access_point_id
    paginator = client.get_paginator("describe_access_points")
    return paginator.paginate(**args).build_full_result()["AccessPoints"]


def find_access_points_by_name(client, file_system_id, name):
    """Access points of the file system whose Name tag is name (normally zero or one)."""
    access_points = describe_access_points(client, file_system_id=file_system_id)
    return [
        ap for ap in access_points if ap.get("Name") == name and ap.get("LifeCycleState") not in ("deleting", "deleted")
    ]


@EFSErrorHandler.common_error_handler("create access point")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["IncorrectFileSystemLifeCycleState"])
def create_access_point(client, **params):
    return client.create_access_point(**params)


@EFSErrorHandler.deletion_error_handler("delete access point")
@AWSRetry.jittered_backoff()
def delete_access_point(client, access_point_id):
    client.delete_access_point(AccessPointId=access_point_id)
    return True
