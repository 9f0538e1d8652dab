#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: autoscaling_capacity_rebalance
version_added: 0.2.0
short_description: Capacity rebalancing of an Auto Scaling group
description:
  - Sets the group's C(CapacityRebalance) (M(amazon.aws.autoscaling_group) has no option for it). With it, Auto
    Scaling launches a replacement for a Spot instance at elevated risk of interruption before EC2 reclaims it.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  name:
    description: Name of the Auto Scaling group.
    type: str
    required: true
  enabled:
    description: C(CapacityRebalance) wanted.
    type: bool
    required: true
attributes:
  check_mode:
    support: full
    description: Reports what it would change.
  diff_mode:
    support: full
    description: The flag before and after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Replace Spot agents at risk of interruption ahead of time
  jenkins_ha.aws.autoscaling_capacity_rebalance:
    name: prod-agent-spot
    enabled: true
"""

RETURN = r"""
capacity_rebalance:
  description: The group's flag after the run (in check mode, as it would be).
  returned: always
  type: bool
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.common import AnsibleAutoScalingError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_group
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import update_group


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(name=dict(type="str", required=True), enabled=dict(type="bool", required=True)),
        supports_check_mode=True,
    )
    name, enabled = module.params["name"], module.params["enabled"]
    client = module.client("autoscaling")
    try:
        group = describe_group(client, name)
        if group is None:
            module.fail_json(msg="Auto Scaling group %s not found: run playbooks/asgs.yml first." % name)
        before = bool(group.get("CapacityRebalance"))
        if before != enabled and not module.check_mode:
            update_group(client, name, CapacityRebalance=enabled)
    except AnsibleAutoScalingError as e:
        module.fail_json_aws_error(e)
    module.exit_json(
        changed=before != enabled,
        capacity_rebalance=enabled,
        diff=dict(before=dict(capacity_rebalance=before), after=dict(capacity_rebalance=enabled)),
    )


if __name__ == "__main__":
    main()
