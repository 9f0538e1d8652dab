#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: controller_failover_drill
version_added: 0.1.0
short_description: Kill the controller of a stack and time its replacement to a healthy target
description:
  - Reads the controller's Auto Scaling group and target group (the settings the failover model needs), checks the
    stack is settled (one InService, Healthy instance that is a healthy target), kills that instance, then polls
    until a replacement is a healthy target, and reports the phases it saw with their times.
  - "Phases: C(detection) (the group no longer counts the old instance InService and Healthy), C(termination) (the
    old instance left the group and EC2 has it shutting down or terminated), C(replacement_launch) (a new instance
    in the group), C(in_service) (it is InService), C(healthy_target) (it is healthy in the target group). Each
    phase's seconds run from the end of the previous one; a milestone first seen together with an earlier one gets
    0 s (the polls cannot order them)."
  - The group's definition is never changed, so the stack is left as it was found, with another instance; the
    module fails when the group does not come back to that state within O(timeout).
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  auto_scaling_group:
    description: Name of the controller's Auto Scaling group (one instance).
    required: true
    type: str
  target_group_arn:
    description:
      - ARN of the controller's target group.
      - Exactly one of O(target_group_arn) and O(target_group_name) is required.
    type: str
  target_group_name:
    description:
      - Name of the controller's target group; the module describes it once, for its settings and its ARN.
    type: str
  kill:
    description:
      - V(terminate) terminates the instance through EC2 (the instance is lost).
      - V(unhealthy) marks it Unhealthy in its group, without the grace period (what the ELB health check does once
        Jenkins failed the unhealthy threshold's checks); the ALB's own detection time is then modelled, not
        observed.
    choices: [terminate, unhealthy]
    default: terminate
    type: str
  timeout:
    description: Seconds to wait for a healthy replacement.
    default: 1800
    type: int
  poll_interval:
    description: Seconds between polls; the phases are as precise as this.
    default: 5
    type: float
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Needs C(autoscaling:DescribeAutoScalingGroups), C(autoscaling:DescribeWarmPool),
    C(elasticloadbalancing:DescribeTargetGroups), C(elasticloadbalancing:DescribeTargetGroupAttributes),
    C(elasticloadbalancing:DescribeTargetHealth), C(ec2:DescribeInstances), and C(ec2:TerminateInstances) or
    C(autoscaling:SetInstanceHealth) for the kill.
  - In check mode it reads and checks, and says what it would kill.
"""

EXAMPLES = r"""
- name: Kill the controller and time the failover
  jenkins_ha.aws.controller_failover_drill:
    auto_scaling_group: prod-controller
    target_group_name: prod-controller
    kill: unhealthy
  register: drill
"""

RETURN = r"""
settings:
  description: The stack's settings the failover model reads (see the failover_rto filter).
  returned: always
  type: dict
  sample: {"health_check_interval": 15, "healthy_threshold": 2, "unhealthy_threshold": 4, "deregistration_delay": 30,
           "warm_pool": false}
old_instance_id:
  description: The controller instance killed (in check mode, the one that would be).
  returned: always
  type: str
new_instance_id:
  description: The replacement that became a healthy target.
  returned: when not in check mode
  type: str
phases:
  description: The phases observed, in order, each with C(name) and C(seconds).
  returned: when not in check mode
  type: list
  elements: dict
rto_seconds:
  description: Seconds from the kill to a healthy replacement target.
  returned: when not in check mode
  type: float
polls:
  description: How many times the group was polled.
  returned: when not in check mode
  type: int
would:
  description: What the drill would do.
  returned: in check mode
  type: str
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_group
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import set_instance_health
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.warm_pool import describe_warm_pool
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.instances import instance_state
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.instances import terminate_instance
from ansible_collections.jenkins_ha.aws.plugins.module_utils._elbv2.target_groups import describe_target_group
from ansible_collections.jenkins_ha.aws.plugins.module_utils._elbv2.target_groups import target_health
from ansible_collections.jenkins_ha.aws.plugins.module_utils._failover.timeline import phases


class NotSettled(Exception):
    pass


def read_settings(autoscaling, elbv2, group_name, target_group_arn=None, target_group_name=None):
    """The group, the settings the failover model reads and the target group's ARN; one describe of each."""
    group = describe_group(autoscaling, group_name)
    if group is None:
        raise NotSettled("Auto Scaling group {0} not found: run playbooks/asgs.yml first".format(group_name))
    target_group = describe_target_group(elbv2, target_group_arn, target_group_name)
    if target_group is None:
        raise NotSettled(
            "target group {0} not found: run playbooks/alb.yml and playbooks/asgs.yml first".format(
                target_group_arn or target_group_name
            )
        )
    warm_pool = describe_warm_pool(autoscaling, group_name)
    settings = {
        "health_check_interval": target_group["HealthCheckIntervalSeconds"],
        "healthy_threshold": target_group["HealthyThresholdCount"],
        "unhealthy_threshold": target_group["UnhealthyThresholdCount"],
        "deregistration_delay": int(target_group["Attributes"].get("deregistration_delay.timeout_seconds", 300)),
        "warm_pool": bool(warm_pool),
    }
    return group, settings, target_group["TargetGroupArn"]


def settled_instance(group, targets):
    """The one InService, Healthy instance that is a healthy target; NotSettled names what differs."""
    instances = group["Instances"]
    serving = [i for i in instances if i["LifecycleState"] == "InService" and i["HealthStatus"] == "Healthy"]
    if group["DesiredCapacity"] != 1 or len(instances) != 1 or len(serving) != 1:
        raise NotSettled(
            "the drill needs the controller group settled at one InService, Healthy instance; {0} has desired "
            "capacity {1} and instances {2}: wait for it (or run playbooks/asgs.yml) and try again".format(
                group["AutoScalingGroupName"],
                group["DesiredCapacity"],
                ", ".join(
                    "{0} {1}/{2}".format(i["InstanceId"], i["LifecycleState"], i["HealthStatus"]) for i in instances
                )
                or "none",
            )
        )
    instance_id = serving[0]["InstanceId"]
    if targets.get(instance_id) != "healthy":
        raise NotSettled(
            "the controller {0} is not a healthy target ({1}): the drill starts from a serving controller".format(
                instance_id, targets.get(instance_id, "not registered")
            )
        )
    return instance_id


def observe(autoscaling, ec2, elbv2, group_name, target_group_arn, old_id, elapsed):
    group = describe_group(autoscaling, group_name) or {"Instances": []}
    return {
        "t": elapsed,
        "instances": {
            i["InstanceId"]: {"lifecycle": i["LifecycleState"], "health": i["HealthStatus"]} for i in group["Instances"]
        },
        "old_state": instance_state(ec2, old_id),
        "targets": target_health(elbv2, target_group_arn),
    }


def follow(module, clients, target_group_arn, old_id, clock=time.monotonic, sleep=time.sleep):
    """Kill old_id and poll until a replacement is a healthy target; the phases seen."""
    autoscaling, ec2, elbv2 = clients
    params = module.params
    start = clock()
    if params["kill"] == "terminate":
        terminate_instance(ec2, old_id)
    else:
        # What the ELB health check does once the target failed the unhealthy threshold's checks; the grace period
        # is over for a running controller, and the drill must not depend on it.
        set_instance_health(autoscaling, old_id, "Unhealthy", respect_grace_period=False)
    observations = []
    while True:
        elapsed = round(clock() - start, 1)
        observations.append(
            observe(autoscaling, ec2, elbv2, params["auto_scaling_group"], target_group_arn, old_id, elapsed)
        )
        result = phases(observations, old_id)
        if result["complete"]:
            result["polls"] = len(observations)
            return result
        if elapsed >= params["timeout"]:
            raise NotSettled(
                "no healthy replacement for {0} after {1} s; phases seen: {2}".format(
                    old_id, params["timeout"], result["phases"] or "none"
                )
            )
        sleep(params["poll_interval"])


def argument_spec():
    return dict(
        auto_scaling_group=dict(type="str", required=True),
        target_group_arn=dict(type="str"),
        target_group_name=dict(type="str"),
        kill=dict(type="str", choices=["terminate", "unhealthy"], default="terminate"),
        timeout=dict(type="int", default=1800),
        poll_interval=dict(type="float", default=5),
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_one_of=[("target_group_arn", "target_group_name")],
        mutually_exclusive=[("target_group_arn", "target_group_name")],
    )
    if module.params["timeout"] <= 0 or module.params["poll_interval"] <= 0:
        module.fail_json(msg="timeout and poll_interval must be positive")
    clients = (module.client("autoscaling"), module.client("ec2"), module.client("elbv2"))
    autoscaling, _ec2, elbv2 = clients
    try:
        group, settings, target_group_arn = read_settings(
            autoscaling,
            elbv2,
            module.params["auto_scaling_group"],
            module.params["target_group_arn"],
            module.params["target_group_name"],
        )
        old_id = settled_instance(group, target_health(elbv2, target_group_arn))
    except NotSettled as e:
        module.fail_json(msg="{0}. Nothing was done.".format(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    if module.check_mode:
        module.exit_json(
            changed=False,
            settings=settings,
            old_instance_id=old_id,
            would="{0} the controller {1} of {2} ({3}) and follow its replacement to a healthy target".format(
                "terminate" if module.params["kill"] == "terminate" else "mark Unhealthy",
                old_id,
                module.params["auto_scaling_group"],
                "through EC2" if module.params["kill"] == "terminate" else "in its group",
            ),
        )
    try:
        result = follow(module, clients, target_group_arn, old_id)
    except NotSettled as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=True, settings=settings, old_instance_id=old_id, **result)


if __name__ == "__main__":
    main()
