#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: autoscaling_scale_in_protection
version_added: 0.2.0
short_description: Scale-in protection of an Auto Scaling group's new instances and of given instances
description:
  - Sets the group's C(NewInstancesProtectedFromScaleIn) (M(amazon.aws.autoscaling_group) has no option for it) and
    the C(ProtectedFromScaleIn) of its instances (C(SetInstanceProtection), 50 ids a call).
  - The Jenkins EC2 Fleet plugin launches every instance protected and terminates its agents itself; an instance
    refresh with C(ScaleInProtectedInstances=Ignore) replaces only unprotected instances.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  name:
    description: Name of the Auto Scaling group.
    type: str
    required: true
  new_instances_protected:
    description: C(NewInstancesProtectedFromScaleIn) of the group; unchanged when omitted.
    type: bool
  protected:
    description: Protection wanted for O(instance_ids) (every instance of the group when O(instance_ids) is omitted);
      instances are left alone when omitted.
    type: bool
  instance_ids:
    description: Instances of the group to set; ids not in the group are ignored (listed in RV(not_in_group)).
    type: list
    elements: str
attributes:
  check_mode:
    support: full
    description: Reports what it would change.
  diff_mode:
    support: full
    description: The group flag and the protected instances before and after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Agents launched from now on, and those running, protected from scale-in as the EC2 Fleet plugin wants
  jenkins_ha.aws.autoscaling_scale_in_protection:
    name: prod-agents
    new_instances_protected: true
    protected: true

- name: Let a refresh with ScaleInProtectedInstances=Ignore take two drained agents
  jenkins_ha.aws.autoscaling_scale_in_protection:
    name: prod-agents
    protected: false
    instance_ids: [i-0123456789abcdef0, i-0fedcba9876543210]
"""

RETURN = r"""
changed_instances:
  description: Instances whose protection was (in check mode, would be) set to O(protected).
  returned: always
  type: list
  elements: str
not_in_group:
  description: Ids of O(instance_ids) that are not (or no longer) instances of the group.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import protection
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.common import AnsibleAutoScalingError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling.groups import describe_group


def argument_spec():
    return dict(
        name=dict(type="str", required=True),
        new_instances_protected=dict(type="bool"),
        protected=dict(type="bool"),
        instance_ids=dict(type="list", elements="str"),
    )


def protected_set(group):
    return sorted(i["InstanceId"] for i in group.get("Instances", []) if i.get("ProtectedFromScaleIn"))


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(), required_by={"instance_ids": ["protected"]}, supports_check_mode=True
    )
    params = module.params
    client = module.client("autoscaling")
    try:
        group = describe_group(client, params["name"])
        if group is None:
            module.fail_json(msg="Auto Scaling group %s not found: run playbooks/asgs.yml first." % params["name"])
        set_new, to_change = protection.protection_changes(
            group, params["new_instances_protected"], params["instance_ids"], params["protected"]
        )
        if not module.check_mode:
            if set_new is not None:
                protection.set_new_instances_protected(client, params["name"], set_new)
            if to_change:
                protection.set_instance_protection(client, params["name"], to_change, params["protected"])
    except AnsibleAutoScalingError as e:
        module.fail_json_aws_error(e)
    members = {i["InstanceId"] for i in group.get("Instances", [])}
    before_protected = protected_set(group)
    after_protected = sorted(
        set(before_protected) | set(to_change) if params["protected"] else set(before_protected) - set(to_change)
    )
    before_flag = bool(group.get("NewInstancesProtectedFromScaleIn"))
    module.exit_json(
        changed=set_new is not None or bool(to_change),
        changed_instances=to_change,
        not_in_group=sorted(set(params["instance_ids"] or []) - members),
        diff=dict(
            before=dict(new_instances_protected=before_flag, protected_instances=before_protected),
            after=dict(
                new_instances_protected=before_flag if set_new is None else set_new,
                protected_instances=after_protected,
            ),
        ),
    )


if __name__ == "__main__":
    main()
