# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VPC, internet gateway and NAT gateways of network.yml and the VPC flow log of logs.yml that their module would
change (or create), read in the controller with the jenkins_ha.aws.aws_read lookup, so that a converged rerun makes
no module call.

Each filter compares what its module compares for the options network.yml passes, in the same way (the tags with
amazon.aws's own compare_aws_tags, purge on), and counts anything else it finds (a second match, a state it does not
know) as a difference: the module then runs and decides. A wrong "differs" costs one module call; a wrong
"converged" would hide drift.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils import _flow_logs as fl
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import desired_tags, tags_differ
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._filter_input import check_dict, check_list


def unconverged_vpc(desired, actual, dns_support=None, dns_hostnames=None):
    """``[desired]`` when amazon.aws.ec2_vpc_net would create or change the VPC, else ``[]``.

    ``desired``: the module's options name, cidr_block, dns_support, dns_hostnames, tags (purge_tags on).
    ``actual``: the VPCs describe_vpcs returns for the module's own search (tag:Name and cidr-block filters).
    ``dns_support``/``dns_hostnames``: the VPC's attributes (describe_vpc_attribute) when exactly one VPC matched.
    The module reads the VPC by the same filters; one match is updated (tags with Name, CIDR, DNS attributes), none
    is created, several make it fail: all but one clean match reach the module.
    """
    check_dict(desired, "unconverged_vpc input", ("name", "cidr_block", "dns_support", "dns_hostnames", "tags"))
    check_list(actual, "unconverged_vpc actual VPCs")
    if len(actual) != 1:
        return [desired]
    live = actual[0]
    wanted_tags = dict(desired["tags"] or {})
    wanted_tags["Name"] = desired["name"]
    associated = {
        association.get("cidr_block")
        for association in live.get("cidr_block_association_set") or []
        if (association.get("cidr_block_state") or {}).get("state") not in ("disassociating", "disassociated")
    }
    if (
        live.get("state") != "available"
        or desired["cidr_block"] not in associated
        or tags_differ(live.get("tags"), wanted_tags)
        or dns_support is None
        or dns_hostnames is None
        or bool(dns_support) != bool(desired["dns_support"])
        or bool(dns_hostnames) != bool(desired["dns_hostnames"])
    ):
        return [desired]
    return []


def unconverged_internet_gateway(desired, actual):
    """``[desired]`` when amazon.aws.ec2_vpc_igw would create, attach or retag the VPC's gateway, else ``[]``.

    ``desired``: vpc_id and tags. ``actual``: describe_internet_gateways filtered by attachment.vpc-id, as the module
    searches; exactly one gateway attached to the VPC with the desired tags is converged.
    """
    check_dict(desired, "unconverged_internet_gateway input", ("vpc_id", "tags"))
    check_list(actual, "unconverged_internet_gateway actual gateways")
    if len(actual) != 1:
        return [desired]
    live = actual[0]
    attached = [a.get("vpc_id") for a in live.get("attachments") or []]
    if attached[:1] != [desired["vpc_id"]] or tags_differ(live.get("tags"), desired["tags"]):
        return [desired]
    return []


# The states amazon.aws.ec2_vpc_nat_gateway looks for in a subnet (gateway_in_subnet_exists).
NAT_LIVE_STATES = ("available", "pending")


def unconverged_nat_gateways(desired, actual):
    """The desired NAT gateways (subnet_id, tags) that amazon.aws.ec2_vpc_nat_gateway with if_exist_do_not_create
    would create or retag.

    ``actual``: describe_nat_gateways for the subnets. The module takes the first gateway of the subnet in state
    available or pending and sets its tags; a subnet with exactly one such gateway with the desired tags is converged
    (several: the module picks one by API order, so it decides).
    """
    check_list(desired, "unconverged_nat_gateways input")
    check_list(actual, "unconverged_nat_gateways actual gateways")
    pending = []
    for item in desired:
        check_dict(item, "unconverged_nat_gateways item", ("subnet_id", "tags"))
        found = [
            gateway
            for gateway in actual
            if gateway.get("subnet_id") == item["subnet_id"] and gateway.get("state") in NAT_LIVE_STATES
        ]
        if len(found) != 1 or tags_differ(found[0].get("tags"), item["tags"]):
            pending.append(item)
    return pending


def nat_gateway_plan(subnet_ids, tags, stack):
    """The NAT gateways network.yml asks for: one per subnet id, tagged ``<stack>-nat-<index>`` in subnet order."""
    if not isinstance(subnet_ids, list) or not all(isinstance(subnet, str) and subnet for subnet in subnet_ids):
        raise AnsibleFilterError("nat_gateway_plan takes a list of subnet ids, got {0!r}".format(subnet_ids))
    if not isinstance(tags, dict):
        raise AnsibleFilterError("nat_gateway_plan tags must be a dict, got {0}".format(type(tags).__name__))
    plan = []
    for index, subnet_id in enumerate(subnet_ids):
        wanted = {str(key): str(value) for key, value in tags.items()}
        wanted["Name"] = "{0}-nat-{1}".format(stack, index)
        plan.append({"subnet_id": subnet_id, "tags": wanted})
    return plan


def nat_gateway_results(desired, actual, applied):
    """One ``{subnet_id, nat_gateway_id}`` per desired NAT gateway, in the desired order: the module's answer where it
    ran (``applied``: its registered loop results), else the live gateway; ``''`` when neither knows one (check mode
    on a new subnet)."""
    check_list(desired, "nat_gateway_results input")
    check_list(actual, "nat_gateway_results actual gateways")
    check_list(applied, "nat_gateway_results module results")
    ran = {}
    for result in applied:
        item = result.get("item")
        if isinstance(item, dict) and result.get("nat_gateway_id"):
            ran[item.get("subnet_id")] = result["nat_gateway_id"]
    results = []
    for item in desired:
        live = [
            gateway.get("nat_gateway_id")
            for gateway in actual
            if gateway.get("subnet_id") == item.get("subnet_id") and gateway.get("state") in NAT_LIVE_STATES
        ]
        results.append(
            {
                "subnet_id": item.get("subnet_id"),
                "nat_gateway_id": ran.get(item.get("subnet_id")) or (live[0] if live else ""),
            }
        )
    return results


# describe_flow_logs keys as the aws_read lookup returns them -> as boto3 returns them (what _flow_logs reads).
FLOW_LOG_KEYS = {
    "flow_log_id": "FlowLogId",
    "resource_id": "ResourceId",
    "traffic_type": "TrafficType",
    "log_destination_type": "LogDestinationType",
    "log_group_name": "LogGroupName",
    "log_destination": "LogDestination",
    "deliver_logs_permission_arn": "DeliverLogsPermissionArn",
    "log_format": "LogFormat",
    "max_aggregation_interval": "MaxAggregationInterval",
}
FLOW_LOG_OPTIONS = (
    "traffic_type",
    "log_destination_type",
    "log_group_name",
    "log_destination",
    "deliver_logs_permission_arn",
    "log_format",
    "max_aggregation_interval",
)


def _boto3_flow_log(flow_log):
    described = {api: flow_log[key] for key, api in FLOW_LOG_KEYS.items() if flow_log.get(key) is not None}
    described["Tags"] = [{"Key": str(k), "Value": str(v)} for k, v in dict(flow_log.get("tags") or {}).items()]
    return described


def unconverged_flow_logs(desired, actual):
    """``[desired]`` when jenkins_ha.aws.vpc_flow_log would create, replace, retag or deduplicate a flow log.

    ``desired``: the module's options (resource_ids, traffic_type, log_destination_type, log_group_name or
    log_destination, deliver_logs_permission_arn, tags; log_format and max_aggregation_interval when given).
    ``actual``: describe_flow_logs filtered by resource-id. The decision is the module's own plan, made with the same
    module_utils functions (same destination, option view, immutable options, tags with purge).
    """
    check_dict(desired, "unconverged_flow_logs input", ("resource_ids", "traffic_type", "log_destination_type"))
    check_list(actual, "unconverged_flow_logs actual flow logs")
    params = {option: desired.get(option) for option in FLOW_LOG_OPTIONS}
    tags = desired.get("tags")
    tags = None if tags is None else {str(key): str(value) for key, value in dict(tags).items()}
    described = [_boto3_flow_log(flow_log) for flow_log in actual]
    for resource_id in sorted(set(desired["resource_ids"])):
        found = [f for f in described if f.get("ResourceId") == resource_id and fl.same_destination(f, params)]
        if len(found) != 1:
            # None to create, or duplicates the module deletes.
            return [desired]
        current = fl.flow_log_view(found[0])
        wanted = fl.desired_view(resource_id, params, current, desired_tags(current["tags"], tags, True))
        if fl.immutable_differences(current, wanted) or current["tags"] != wanted["tags"]:
            return [desired]
    return []


class FilterModule:
    def filters(self):
        return {
            "unconverged_vpc": unconverged_vpc,
            "unconverged_internet_gateway": unconverged_internet_gateway,
            "unconverged_nat_gateways": unconverged_nat_gateways,
            "nat_gateway_plan": nat_gateway_plan,
            "unconverged_flow_logs": unconverged_flow_logs,
            "nat_gateway_results": nat_gateway_results,
        }
