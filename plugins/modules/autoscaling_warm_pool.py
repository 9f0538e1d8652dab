#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: autoscaling_warm_pool
version_added: 0.1.0
short_description: Create, update or delete the warm pool of an Auto Scaling group
description:
  - Keeps the warm pool of an existing Auto Scaling group as described (C(PutWarmPool)), or deletes it
    (C(DeleteWarmPool) with C(ForceDelete), which terminates its instances). M(amazon.aws.autoscaling_group) has
    no warm pool options.
  - Instances in a warm pool boot once when they are launched into it. Software that must not run before the
    instance goes into service has to check the instance's target lifecycle state (instance metadata
    C(autoscaling/target-lifecycle-state)); the jenkins_ha.aws.instance_boot role does so.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  auto_scaling_group:
    description: Name of the Auto Scaling group; it must exist for O(state=present).
    required: true
    type: str
  state:
    description: V(present) keeps the warm pool as described; V(absent) deletes it.
    choices: [present, absent]
    default: present
    type: str
  min_size:
    description: Instances kept in the pool at least.
    default: 1
    type: int
  pool_state:
    description: State of the instances in the pool.
    choices: [Stopped, Running, Hibernated]
    default: Stopped
    type: str
  max_group_prepared_capacity:
    description: Instances allowed in the group and its pool together; unset means the group's maximum size.
    type: int
  reuse_on_scale_in:
    description: Return instances to the pool on scale-in instead of terminating them.
    default: false
    type: bool
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Needs C(autoscaling:DescribeAutoScalingGroups), C(autoscaling:DescribeWarmPool), C(autoscaling:PutWarmPool) and
    C(autoscaling:DeleteWarmPool).
"""

EXAMPLES = r"""
- name: One stopped, pre-initialised controller
  jenkins_ha.aws.autoscaling_warm_pool:
    auto_scaling_group: prod-controller
    min_size: 1
    pool_state: Stopped
"""

RETURN = r"""
warm_pool:
  description: The warm pool configuration after the run (in check mode, what it would be); null when there is none.
  returned: always
  type: dict
  sample: {"MinSize": 1, "PoolState": "Stopped", "MaxGroupPreparedCapacity": -1,
           "InstanceReusePolicy": {"ReuseOnScaleIn": false}}
diff:
  description: The configuration before and after.
  returned: always
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import warm_pool
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_auto_scaling_groups


def argument_spec():
    return dict(
        auto_scaling_group=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        min_size=dict(type="int", default=1),
        pool_state=dict(type="str", choices=["Stopped", "Running", "Hibernated"], default="Stopped"),
        max_group_prepared_capacity=dict(type="int"),
        reuse_on_scale_in=dict(type="bool", default=False),
    )


def ensure(module, client):
    params = module.params
    name = params["auto_scaling_group"]
    exists = bool(describe_auto_scaling_groups(client, [name]))
    if not exists:
        if params["state"] == "absent":
            return False, None, None
        module.fail_json(msg="Auto Scaling group {0} not found: run playbooks/asgs.yml first".format(name))
    before = warm_pool.normalised(warm_pool.describe_warm_pool(client, name))
    if params["state"] == "absent":
        after = None
        if before is not None and not module.check_mode:
            warm_pool.delete_warm_pool(client, name)
    else:
        after = warm_pool.desired_configuration(
            params["min_size"], params["pool_state"], params["max_group_prepared_capacity"], params["reuse_on_scale_in"]
        )
        if before != after and not module.check_mode:
            warm_pool.put_warm_pool(client, name, after)
    return before != after, before, after


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    if module.params["min_size"] < 0:
        module.fail_json(msg="min_size must be 0 or more")
    if module.params["max_group_prepared_capacity"] is not None and module.params["max_group_prepared_capacity"] < 0:
        module.fail_json(msg="max_group_prepared_capacity must be 0 or more (leave it unset for the group's max size)")
    client = module.client("autoscaling")
    try:
        changed, before, after = ensure(module, client)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, warm_pool=after, diff=dict(before=before or {}, after=after or {}))


if __name__ == "__main__":
    main()
