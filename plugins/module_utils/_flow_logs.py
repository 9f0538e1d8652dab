# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""VPC flow logs: EC2 API calls (with retries and one error type) and the pure matching/comparison logic."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict

# Attributes fixed at creation: a difference means delete + create (a flow log holds no data of its own).
IMMUTABLE = ("traffic_type", "deliver_logs_permission_arn", "log_format", "max_aggregation_interval")


class AnsibleFlowLogError(AnsibleAWSError):
    pass


class FlowLogErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleFlowLogError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("InvalidFlowLogId.NotFound")


# ---- API calls -------------------------------------------------------------------------------------------------------


@FlowLogErrorHandler.list_error_handler("describe flow logs", default_value=[])
@AWSRetry.jittered_backoff()
def describe_flow_logs(client, resource_ids):
    paginator = client.get_paginator("describe_flow_logs")
    filters = [dict(Name="resource-id", Values=list(resource_ids))]
    return paginator.paginate(Filters=filters).build_full_result()["FlowLogs"]


# A create retried after a lost response whose first attempt was applied meets its own flow log: AWS answers
# FlowLogAlreadyExists (in Unsuccessful, or as the call's error), and the caller reads back what is there.
ALREADY_EXISTS = "FlowLogAlreadyExists"


@FlowLogErrorHandler.common_error_handler("create flow logs")
@AWSRetry.jittered_backoff()
def create_flow_logs(client, **params):
    """Flow log ids created. Resources that already have this flow log are left out (see ALREADY_EXISTS)."""
    try:
        response = client.create_flow_logs(**params)
    except is_boto3_error_code(ALREADY_EXISTS):
        return []
    failures = [f for f in response.get("Unsuccessful") or [] if f.get("Error", {}).get("Code") != ALREADY_EXISTS]
    if failures:
        details = "; ".join("{0}: {1}".format(f.get("ResourceId"), f.get("Error", {}).get("Message")) for f in failures)
        raise AnsibleFlowLogError(message="Failed to create flow logs for {0}".format(details))
    return response.get("FlowLogIds", [])


@FlowLogErrorHandler.deletion_error_handler("delete flow logs")
@AWSRetry.jittered_backoff()
def delete_flow_logs(client, flow_log_ids):
    response = client.delete_flow_logs(FlowLogIds=list(flow_log_ids))
    failures = [
        f for f in response.get("Unsuccessful") or [] if f.get("Error", {}).get("Code") != "InvalidFlowLogId.NotFound"
    ]
    if failures:
        details = "; ".join("{0}: {1}".format(f.get("ResourceId"), f.get("Error", {}).get("Message")) for f in failures)
        raise AnsibleFlowLogError(message="Failed to delete flow logs {0}".format(details))
    return True


@FlowLogErrorHandler.common_error_handler("tag flow log")
@AWSRetry.jittered_backoff()
def tag_flow_log(client, flow_log_id, tags):
    return client.create_tags(Resources=[flow_log_id], Tags=ansible_dict_to_boto3_tag_list(tags))


@FlowLogErrorHandler.common_error_handler("untag flow log")
@AWSRetry.jittered_backoff()
def untag_flow_log(client, flow_log_id, keys):
    return client.delete_tags(Resources=[flow_log_id], Tags=[dict(Key=k) for k in keys])


# ---- pure logic ------------------------------------------------------------------------------------------------------


def _strip_arn(arn):
    """Log group ARNs come back with or without ':*', S3 ARNs with or without a trailing '/'."""
    if not arn:
        return arn
    if arn.endswith(":*"):
        arn = arn[:-2]
    return arn.rstrip("/")


def destination_of(params):
    """(destination type, log group name, destination ARN) that identify the flow logs the options describe."""
    return (params["log_destination_type"], params.get("log_group_name"), _strip_arn(params.get("log_destination")))


def same_destination(flow_log, params):
    kind, group, arn = destination_of(params)
    if flow_log.get("LogDestinationType", "cloud-watch-logs") != kind:
        return False
    if kind == "cloud-watch-logs" and group:
        return flow_log.get("LogGroupName") == group
    return _strip_arn(flow_log.get("LogDestination")) == arn


def flow_log_view(flow_log):
    """Option-shaped view of a describe_flow_logs item."""
    return dict(
        resource_id=flow_log.get("ResourceId"),
        traffic_type=flow_log.get("TrafficType"),
        log_destination_type=flow_log.get("LogDestinationType", "cloud-watch-logs"),
        log_group_name=flow_log.get("LogGroupName"),
        log_destination=_strip_arn(flow_log.get("LogDestination")),
        deliver_logs_permission_arn=flow_log.get("DeliverLogsPermissionArn"),
        log_format=flow_log.get("LogFormat"),
        max_aggregation_interval=flow_log.get("MaxAggregationInterval"),
        tags=boto3_tag_list_to_ansible_dict(flow_log.get("Tags", [])),
    )


def desired_view(resource_id, params, current, tags):
    """The view a flow log for resource_id should have; options left unset keep what AWS chose (e.g. log_format)."""
    current = current or {}
    desired = dict(
        resource_id=resource_id,
        traffic_type=params["traffic_type"],
        log_destination_type=params["log_destination_type"],
        log_group_name=params.get("log_group_name") or current.get("log_group_name"),
        log_destination=_strip_arn(params.get("log_destination")) or current.get("log_destination"),
        deliver_logs_permission_arn=params.get("deliver_logs_permission_arn"),
        log_format=params.get("log_format") or current.get("log_format"),
        max_aggregation_interval=params.get("max_aggregation_interval") or current.get("max_aggregation_interval"),
        tags=tags,
    )
    return desired


def immutable_differences(current, desired):
    if not current:
        return []
    return [key for key in IMMUTABLE if current.get(key) != desired.get(key)]


def create_params(params, resource_ids, tags):
    args = dict(
        ResourceIds=list(resource_ids),
        ResourceType=params["resource_type"],
        TrafficType=params["traffic_type"],
        LogDestinationType=params["log_destination_type"],
    )
    optional = (
        ("LogGroupName", "log_group_name"),
        ("LogDestination", "log_destination"),
        ("DeliverLogsPermissionArn", "deliver_logs_permission_arn"),
        ("LogFormat", "log_format"),
        ("MaxAggregationInterval", "max_aggregation_interval"),
    )
    for api, option in optional:
        if params.get(option) is not None:
            args[api] = params[option]
    if tags:
        args["TagSpecifications"] = boto3_tag_specifications(tags, types="vpc-flow-log")
    return args


def normalize_flow_log(flow_log):
    return boto3_resource_to_ansible_dict(flow_log)
