#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: image_build_leftovers
short_description: Remove what killed image builds of a stack left behind
version_added: 0.1.0
description:
  - Finds what M(jenkins_ha.aws.packer_build) builds of a stack left when they were killed (SIGKILL, so
    Packer's own cleanup never ran), for every image role or those in O(roles), and removes it once the build is
    provably over; the same selection packer_build makes before each build, for one role.
  - A build is marked by packer_build's O(jenkins_ha.aws.packer_build#module:stack) option. Its instance carries the
    C(jenkins-ha:build-stack), C(jenkins-ha:build-role), C(jenkins-ha:build-id), C(jenkins-ha:build-owner) (host,
    pid and start time of the packer_build process) and C(jenkins-ha:build-deadline) tags; its key pair is named
    C(jenkins-ha-build-<stack>-<role>-<build id>). The build is over when its process is gone (seen from the same
    host) or its deadline has passed (seen from any host).
  - Removes the instances of over builds (and waits until they are terminated), their key pairs, and the security
    groups Packer created for them (named C(packer_<uuid>), description C(Temporary group for Packer)) once no
    other running or stopped instance uses them.
  - The resources of a build still running are kept and listed in RV(kept) with the reason; with
    O(running_builds=fail) the module removes nothing and fails naming them.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  stack:
    description: The stack whose builds' leftovers are removed (packer_build's O(jenkins_ha.aws.packer_build#module:stack)).
    type: str
    required: true
  roles:
    description: Image roles whose builds count; by default every role.
    type: list
    elements: str
    choices: [controller, agent]
    default: [controller, agent]
  running_builds:
    description:
      - What to do when a build of the stack is still running (its process is alive on this host, or it runs on
        another host and its deadline has not passed).
      - C(keep) leaves its resources alone, lists them in RV(kept) and removes the rest.
      - C(fail) removes nothing and fails naming them (destroy.yml, so that a build does not record an image for a
        stack being destroyed, or hold its subnet). Check mode fails the same way.
    type: str
    choices: [keep, fail]
    default: keep
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Reports what it would remove and what it keeps, and removes nothing.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: The leftovers before (instances, key pairs, security groups) and none after.
notes:
  - Needs C(ec2:DescribeInstances), C(ec2:DescribeKeyPairs) and C(ec2:DescribeSecurityGroups) (also in check mode),
    and C(ec2:TerminateInstances), C(ec2:DeleteKeyPair) and C(ec2:DeleteSecurityGroup) when there is something to
    remove. The scoped statements are in the collection's docs/images.md.
  - A security group Packer created before a build killed within seconds of its start launched its instance is not
    tagged (Packer 1.6.6 cannot tag or name it) and is left alone; so is the group of a build instance EC2 no longer
    lists (terminated more than about an hour ago).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Remove what killed image builds of the stack left, refusing while a build runs
  jenkins_ha.aws.image_build_leftovers:
    stack: demo
    running_builds: fail

- name: List what killed agent builds left, without removing it
  jenkins_ha.aws.image_build_leftovers:
    stack: demo
    roles: [agent]
  check_mode: true
  register: agent_leftovers
"""

RETURN = r"""
removed:
  description: What was removed (would be removed in check mode).
  returned: always
  type: dict
  contains:
    instances:
      description: Build instances terminated.
      type: list
      elements: str
      sample: ["i-0123456789abcdef0"]
    key_pairs:
      description: Key pairs deleted.
      type: list
      elements: str
      sample: ["jenkins-ha-build-demo-agent-1800003600-0123456789ab"]
    security_groups:
      description: Packer's security groups deleted.
      type: list
      elements: str
      sample: ["sg-0123456789abcdef0"]
kept:
  description:
    - Resources of the stack's builds that were left alone, and why - those of a build still running, and Packer
      groups of an over build that another live instance uses.
  returned: always
  type: list
  elements: dict
  contains:
    type:
      description: C(instance), C(key_pair) or C(security_group).
      type: str
    id:
      description: Instance id, key pair name or security group id.
      type: str
    role:
      description: The image role of the build.
      type: str
    build_id:
      description: The build id (C(<deadline epoch>-<12 hex>)).
      type: str
    reason:
      description: Why it was kept.
      type: str
      sample: its process 4242 on this host is running (deadline 2027-01-07T12:00:00Z)
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.common import AnsibleEC2Error
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import leftovers as build_leftovers


def running_message(stack, running):
    builds = sorted({(k["role"], k["build_id"], k["reason"]) for k in running})
    return (
        "an image build of stack {0} is still running: {1}. Wait for it to end, or stop it (SIGTERM or Ctrl-C: Packer"
        " cleans up); nothing was removed".format(
            stack, "; ".join("{0} build {1}, {2}".format(*build) for build in builds)
        )
    )


def ensure(module, ec2):
    params = module.params
    removal, kept = build_leftovers.find_leftovers(ec2, params["stack"], params["roles"])
    running = build_leftovers.running_builds(kept)
    if running and params["running_builds"] == "fail":
        module.fail_json(msg=running_message(params["stack"], running), removed=removal, kept=kept)
    changed = any(removal.values())
    if changed and not module.check_mode:
        build_leftovers.remove_leftovers(ec2, removal)
    result = {"removed": removal, "kept": kept}
    if module._diff:
        result["diff"] = {"before": removal, "after": {kind: [] for kind in removal}}
    return changed, result


def main():
    argument_spec = dict(
        stack=dict(type="str", required=True),
        roles=dict(type="list", elements="str", choices=list(contract.IMAGE_ROLES), default=list(contract.IMAGE_ROLES)),
        running_builds=dict(type="str", choices=["keep", "fail"], default="keep"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not module.params["stack"] or not module.params["roles"]:
        module.fail_json(msg="stack and roles must not be empty")
    ec2 = module.client("ec2")
    try:
        changed, result = ensure(module, ec2)
    except AnsibleEC2Error as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
