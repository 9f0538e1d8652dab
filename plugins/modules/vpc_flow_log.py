#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: vpc_flow_log
version_added: 0.1.0
short_description: Manage VPC, subnet or network interface flow logs
description:
  - Create, update or delete flow logs for VPCs, subnets or network interfaces.
  - A flow log is identified by its resource and its destination (log group or destination ARN). Flow logs of the
    same resources to other destinations are left alone.
  - Flow logs cannot be modified except for their tags. When an existing flow log differs in O(traffic_type),
    O(deliver_logs_permission_arn), O(log_format) or O(max_aggregation_interval), it is deleted and created again.
    Records already delivered stay at the destination; records in flight during the swap may be lost.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  resource_ids:
    description: Ids of the VPCs, subnets or network interfaces to log (all of O(resource_type)).
    required: true
    type: list
    elements: str
  resource_type:
    description: Type of the resources in O(resource_ids).
    choices: [VPC, Subnet, NetworkInterface]
    default: VPC
    type: str
  traffic_type:
    description: Which traffic to log.
    choices: [ACCEPT, REJECT, ALL]
    default: ALL
    type: str
  log_destination_type:
    description: Where to deliver the records.
    choices: [cloud-watch-logs, s3, kinesis-data-firehose]
    default: cloud-watch-logs
    type: str
  log_group_name:
    description:
      - CloudWatch Logs log group. Either O(log_group_name) or O(log_destination) is required for
        O(log_destination_type=cloud-watch-logs).
    type: str
  log_destination:
    description: ARN of the destination (log group, S3 bucket or bucket folder, Firehose delivery stream).
    type: str
  deliver_logs_permission_arn:
    description: IAM role that allows delivery to CloudWatch Logs (required for that destination).
    type: str
  log_format:
    description:
      - Record format, for example C(${version} ${vpc-id} ${srcaddr} ...). When unset, the AWS default format is
        used and an existing flow log's format is not compared.
    type: str
  max_aggregation_interval:
    description:
      - Maximum seconds over which a record is captured. When unset, AWS uses 600 and an existing flow log's value is
        not compared.
    choices: [60, 600]
    type: int
  state:
    description: Whether the flow logs should exist.
    choices: [present, absent]
    default: present
    type: str
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log rejected traffic of the Jenkins VPC to CloudWatch Logs
  jenkins_ha.aws.vpc_flow_log:
    resource_ids: ["{{ vpc.vpc.id }}"]
    traffic_type: REJECT
    log_group_name: /jenkins-ha/prod/vpc-flow-logs
    deliver_logs_permission_arn: "{{ flow_log_role.iam_role.arn }}"
    max_aggregation_interval: 60
    tags:
      jenkins-ha:stack: prod

- name: All traffic of two subnets to S3
  jenkins_ha.aws.vpc_flow_log:
    resource_type: Subnet
    resource_ids: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
    log_destination_type: s3
    log_destination: arn:aws:s3:::jenkins-ha-flow-logs/prod/

- name: Stop logging the VPC to that log group
  jenkins_ha.aws.vpc_flow_log:
    resource_ids: ["{{ vpc.vpc.id }}"]
    log_group_name: /jenkins-ha/prod/vpc-flow-logs
    state: absent
"""

RETURN = r"""
flow_logs:
  description: The flow logs of O(resource_ids) to the destination; empty when O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    flow_log_id:
      description: Flow log id.
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: Logged resource.
      type: str
    traffic_type:
      description: Logged traffic.
      type: str
    log_destination_type:
      description: Destination type.
      type: str
    log_group_name:
      description: Log group (CloudWatch Logs).
      type: str
    log_destination:
      description: Destination ARN.
      type: str
    deliver_logs_permission_arn:
      description: Delivery role.
      type: str
    deliver_logs_status:
      description: Delivery status (SUCCESS, FAILED, ...).
      type: str
    flow_log_status:
      description: ACTIVE once created.
      type: str
    log_format:
      description: Record format.
      type: str
    max_aggregation_interval:
      description: Aggregation interval in seconds.
      type: int
    tags:
      description: Tags.
      type: dict
"""

import uuid

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import FLOW_LOG_RESOURCE_KINDS
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import check_identifiers
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import state_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import tags_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils import _flow_logs as fl
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import desired_tags


def matching_flow_logs(client, params):
    """{resource_id: [flow logs of that resource to our destination]}"""
    found = {resource_id: [] for resource_id in params["resource_ids"]}
    for flow_log in fl.describe_flow_logs(client, params["resource_ids"]):
        if flow_log.get("ResourceId") in found and fl.same_destination(flow_log, params):
            found[flow_log["ResourceId"]].append(flow_log)
    return found


def plan(params, existing):
    """Per resource: what to create, replace, retag or remove; plus the diff. Pure."""
    to_create, to_delete, to_retag = [], [], []
    before, after = {}, {}
    for resource_id, flow_logs in existing.items():
        # Duplicates to one destination only happen outside this module: keep the first, drop the rest.
        keep = flow_logs[0] if flow_logs else None
        to_delete.extend(f["FlowLogId"] for f in flow_logs[1:])
        current = fl.flow_log_view(keep) if keep else None
        tags = desired_tags(current["tags"] if current else {}, params["tags"], params["purge_tags"])
        desired = fl.desired_view(resource_id, params, current, tags)
        before[resource_id] = current or {}
        after[resource_id] = desired
        if current is None:
            to_create.append((resource_id, tags))
        elif fl.immutable_differences(current, desired):
            to_delete.append(keep["FlowLogId"])
            to_create.append((resource_id, tags))
        elif current["tags"] != desired["tags"]:
            to_retag.append((keep["FlowLogId"], current["tags"], desired["tags"]))
        if len(flow_logs) > 1:
            before[resource_id] = dict(before[resource_id], duplicates=[f["FlowLogId"] for f in flow_logs[1:]])
    return to_create, to_delete, to_retag, dict(before=before, after=after)


def ensure_present(module, client):
    params = module.params
    to_create, to_delete, to_retag, diff = plan(params, matching_flow_logs(client, params))
    changed = bool(to_create or to_delete or to_retag)
    if module.check_mode or not changed:
        return changed, current_result(client, params), diff
    if to_delete:
        fl.delete_flow_logs(client, to_delete)
    for flow_log_id, current, desired in to_retag:
        to_set, to_unset = compare_aws_tags(current, desired, purge_tags=True)
        if to_unset:
            fl.untag_flow_log(client, flow_log_id, to_unset)
        if to_set:
            fl.tag_flow_log(client, flow_log_id, to_set)
    # One CreateFlowLogs call per distinct tag set (a replaced flow log keeps its own tags when tags is unset).
    by_tags = {}
    for resource_id, tags in to_create:
        by_tags.setdefault(tuple(sorted(tags.items())), []).append(resource_id)
    for tags, resource_ids in by_tags.items():
        # ClientToken: AWS answers a retried request with the first attempt's result instead of a second create.
        fl.create_flow_logs(client, ClientToken=str(uuid.uuid4()), **fl.create_params(params, resource_ids, dict(tags)))
    # What create_flow_logs took as "already there" must really be this flow log, to this destination.
    missing = plan(params, matching_flow_logs(client, params))[0]
    if missing:
        module.fail_json(
            msg="Flow logs for {0} were reported as existing but are not there with this destination".format(
                ", ".join(resource_id for resource_id, dummy in missing)
            )
        )
    return True, current_result(client, params), diff


def ensure_absent(module, client):
    params = module.params
    existing = matching_flow_logs(client, params)
    ids = [f["FlowLogId"] for flow_logs in existing.values() for f in flow_logs]
    before = {r: fl.flow_log_view(f[0]) for r, f in existing.items() if f}
    diff = dict(before=before, after={})
    if not ids:
        return False, [], diff
    if not module.check_mode:
        fl.delete_flow_logs(client, ids)
    return True, [], diff


def current_result(client, params):
    found = matching_flow_logs(client, params)
    return [fl.normalize_flow_log(f) for resource_id in params["resource_ids"] for f in found[resource_id]]


def argument_spec():
    """The module's options (tests fill module.params from their defaults)."""
    return dict(
        resource_ids=dict(type="list", elements="str", required=True),
        resource_type=dict(type="str", default="VPC", choices=["VPC", "Subnet", "NetworkInterface"]),
        traffic_type=dict(type="str", default="ALL", choices=["ACCEPT", "REJECT", "ALL"]),
        log_destination_type=dict(
            type="str", default="cloud-watch-logs", choices=["cloud-watch-logs", "s3", "kinesis-data-firehose"]
        ),
        log_group_name=dict(type="str"),
        log_destination=dict(type="str"),
        deliver_logs_permission_arn=dict(type="str"),
        log_format=dict(type="str"),
        max_aggregation_interval=dict(type="int", choices=[60, 600]),
        **state_argument_spec(),
        **tags_argument_spec(),
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[("log_group_name", "log_destination")],
        required_one_of=[("log_group_name", "log_destination")],
        supports_check_mode=True,
    )
    if module.params["log_group_name"] and module.params["log_destination_type"] != "cloud-watch-logs":
        module.fail_json(msg="log_group_name is only valid with log_destination_type=cloud-watch-logs")
    check_identifiers(
        module,
        [
            ("resource_ids", FLOW_LOG_RESOURCE_KINDS[module.params["resource_type"]]),
            ("deliver_logs_permission_arn", "iam_role_arn"),
            ("log_destination", "arn"),
        ],
    )
    module.params["resource_ids"] = sorted(set(module.params["resource_ids"]))
    client = module.client("ec2")

    try:
        if module.params["state"] == "present":
            changed, flow_logs, diff = ensure_present(module, client)
        else:
            changed, flow_logs, diff = ensure_absent(module, client)
    except fl.AnsibleFlowLogError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, flow_logs=flow_logs, diff=diff)


if __name__ == "__main__":
    main()
