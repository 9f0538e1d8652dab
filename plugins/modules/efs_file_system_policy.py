#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: efs_file_system_policy
version_added: 0.1.0
short_description: Manage the resource policy of an Amazon EFS file system
description:
  - Set or remove the IAM resource policy of an EFS file system.
  - The policy is compared semantically, not textually. Key order, whitespace, a single statement versus a list of
    one, the order of statements, the order and duplicates of actions, resources, principals and condition values, a
    scalar versus a one-element list, a C(*) principal versus C(AWS) C(*), an account root ARN versus the account
    id, and C(true) versus C("true") in conditions are all treated as equal.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  file_system_id:
    description: Id of the file system.
    required: true
    type: str
  policy:
    description:
      - The policy document, as a dict or a JSON string. Required when O(state=present).
    type: json
  bypass_policy_lockout_safety_check:
    description:
      - Skip the EFS check that the policy does not lock out the principal making the request.
      - Only set this when you know the policy does not lock you out.
    type: bool
    default: false
  state:
    description:
      - C(present) sets O(policy); C(absent) removes the policy, which restores the default (full access to any
        principal that can reach a mount target).
    choices: [present, absent]
    default: present
    type: str
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Require TLS and IAM authorisation on JENKINS_HOME
  jenkins_ha.aws.efs_file_system_policy:
    file_system_id: "{{ jenkins_home.file_system.file_system_id }}"
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: DenyInsecureTransport
          Effect: Deny
          Principal: {AWS: "*"}
          Action: "*"
          Condition: {Bool: {"aws:SecureTransport": "false"}}
        - Sid: AllowControllerRole
          Effect: Allow
          Principal: {AWS: "arn:aws:iam::123456789012:role/jenkins-controller"}
          Action: [elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite, elasticfilesystem:ClientRootAccess]
          Condition: {Bool: {"elasticfilesystem:AccessedViaMountTarget": "true"}}

- name: Back to the default policy
  jenkins_ha.aws.efs_file_system_policy:
    file_system_id: "{{ jenkins_home.file_system.file_system_id }}"
    state: absent
"""

RETURN = r"""
file_system_id:
  description: Id of the file system.
  returned: always
  type: str
  sample: fs-0123456789abcdef0
policy:
  description: The policy in effect after the run, as a dict; null when the file system has the default policy.
  returned: always
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import state_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import policies as policy_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.file_systems import get_file_system
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import PolicyError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import dump_policy
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import load_policy
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import normalize_policy


def current_policy(client, file_system_id):
    # DescribeFileSystemPolicy answers PolicyNotFound for both "no policy" and (on some endpoints) "no file
    # system": check the file system explicitly so a typo in the id fails instead of looking like "no policy".
    if not get_file_system(client, file_system_id):
        raise AnsibleEFSError(message="File system {0} does not exist".format(file_system_id))
    return load_policy(policy_api.describe_file_system_policy(client, file_system_id))


def ensure_present(module, client):
    fs_id = module.params["file_system_id"]
    desired = load_policy(module.params["policy"])
    current = current_policy(client, fs_id)
    diff = dict(before=normalize_policy(current) or {}, after=normalize_policy(desired))
    if normalize_policy(current) == normalize_policy(desired):
        return False, current, diff
    if not module.check_mode:
        policy_api.put_file_system_policy(
            client, fs_id, dump_policy(desired), module.params["bypass_policy_lockout_safety_check"]
        )
    return True, desired, diff


def ensure_absent(module, client):
    fs_id = module.params["file_system_id"]
    current = current_policy(client, fs_id)
    if current is None:
        return False, None, dict(before={}, after={})
    if not module.check_mode:
        policy_api.delete_file_system_policy(client, fs_id)
    return True, None, dict(before=normalize_policy(current), after={})


def main():
    argument_spec = dict(
        file_system_id=dict(type="str", required=True),
        policy=dict(type="json"),
        bypass_policy_lockout_safety_check=dict(type="bool", default=False),
        **state_argument_spec(),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["policy"])],
        supports_check_mode=True,
    )
    client = module.client("efs")

    try:
        if module.params["state"] == "present":
            changed, policy, diff = ensure_present(module, client)
        else:
            changed, policy, diff = ensure_absent(module, client)
    except PolicyError as e:
        module.fail_json(msg=str(e))
    except AnsibleEFSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, file_system_id=module.params["file_system_id"], policy=policy, diff=diff)


if __name__ == "__main__":
    main()
