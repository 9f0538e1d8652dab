"""CloudWatch Logs calls on one log group or stream are authorized against its ARN, as AWS does, when IAM
enforcement is on.

Stock moto checks every Logs request against the resource ``"*"``, so with INITIAL_NO_AUTH_ACTION_COUNT set a role
allowed ``logs:PutLogEvents`` on its own log group is denied, and only ``Resource: "*"`` (every log group of the
account) passes. The patch names the ARN the Service Authorization Reference gives each call: the log group
(``arn:<partition>:logs:<region>:<account>:log-group:<name>``) for the calls on a group (CreateLogStream,
DescribeLogStreams, PutRetentionPolicy, DeleteLogGroup, ...) and the log stream
(``...:log-group:<name>:log-stream:<stream>``) for PutLogEvents, GetLogEvents and DeleteLogStream. A group given
as ``logGroupIdentifier`` (name or ARN) counts too. DescribeLogGroups and calls naming no group keep ``"*"``.
Without enforcement nothing changes.
"""

from __future__ import annotations

from ._iam import authorize_each
from ._util import Patcher

GAP = "CloudWatch Logs requests are authorized against Resource '*': an Allow scoped to a log group ARN is denied"
MOTO_VERSION = "5.2.5"

ON_GROUP = frozenset(
    {
        "CreateLogStream",
        "DescribeLogStreams",
        "PutRetentionPolicy",
        "DeleteRetentionPolicy",
        "DeleteLogGroup",
        "FilterLogEvents",
        "PutSubscriptionFilter",
        "AssociateKmsKey",
        "DisassociateKmsKey",
    }
)
ON_STREAM = frozenset({"PutLogEvents", "GetLogEvents", "DeleteLogStream"})

_patcher = Patcher()


def group_arn(response, name):
    if name.startswith("arn:"):
        # An identifier ARN may end in ":*" (what DescribeLogGroups returns); the group's ARN does not.
        return name[:-2] if name.endswith(":*") else name
    return "arn:{0}:logs:{1}:{2}:log-group:{3}".format(
        response.partition, response.region, response.current_account, name
    )


def resources_of(response):
    action = response._get_action()
    if action not in ON_GROUP and action not in ON_STREAM:
        return []
    group = response._get_param("logGroupName") or response._get_param("logGroupIdentifier")
    if not group:
        return []
    arn = group_arn(response, group)
    if action in ON_STREAM:
        stream = response._get_param("logStreamName")
        return [arn + ":log-stream:" + stream] if stream else [arn]
    return [arn]


def apply():
    if _patcher.active:
        return
    from moto.logs.responses import LogsResponse

    _patcher.setattr(LogsResponse, "_authenticate_and_authorize_normal_action", authorize_each(resources_of))
    _patcher.active = True


def remove():
    _patcher.restore()
