# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: iam_roles
version_added: 0.1.0
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
short_description: Describe named IAM roles with their policies, instance profiles and tags
description:
  - Returns, for each role name given, what M(amazon.aws.iam_role) and M(amazon.aws.iam_policy) manage on it (the
    description, path, trust policy, attached managed policy ARNs, inline policy documents, the names of the
    instance profiles that contain it and its tags). A role that does not exist is returned with only C(name) and
    C(exists=false).
  - It runs in the Ansible process, with no module process per role, so a playbook can compare its roles with the
    live ones in a fraction of a second and call the modules only for the roles that drifted (see the
    P(jenkins_ha.aws.unconverged_iam_roles#filter) filter).
  - Only read calls are made (C(GetRole), C(ListAttachedRolePolicies), C(ListRolePolicies), C(GetRolePolicy),
    C(ListInstanceProfilesForRole), C(ListRoleTags)); the caller needs those permissions on the roles.
  - Unlike M(amazon.aws.iam_role_info) without a name, it never lists the roles of the whole account.
options:
  _terms:
    description: Names of the roles.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - jenkins_ha.aws.aws_lookup
"""

EXAMPLES = r"""
- name: Read the stack's roles
  ansible.builtin.set_fact:
    live_roles: "{{ query('jenkins_ha.aws.iam_roles', 'demo-controller', 'demo-agent') }}"

- name: Create or update the roles that drifted
  amazon.aws.iam_role:
    name: "{{ item.name }}"
    assume_role_policy_document: "{{ item.assume_role_policy_document | to_json }}"
  loop: "{{ desired_roles | jenkins_ha.aws.unconverged_iam_roles(live_roles) }}"
"""

RETURN = r"""
_raw:
  description: One dict per role name, in the order given.
  type: list
  elements: dict
  contains:
    name:
      description: The role name.
      type: str
    exists:
      description: Whether the role exists. The other keys are present only when it does.
      type: bool
    arn:
      description: The role ARN.
      type: str
    path:
      description: The role path.
      type: str
    description:
      description: The role description (empty when none).
      type: str
    assume_role_policy_document:
      description: The trust policy, as a dict.
      type: dict
    managed_policy_arns:
      description: ARNs of the attached managed policies, sorted.
      type: list
      elements: str
    inline_policies:
      description: Inline policy documents (dicts) by policy name.
      type: dict
    instance_profile_names:
      description: Names of the instance profiles that contain the role, sorted.
      type: list
      elements: str
    tags:
      description: The role tags.
      type: dict
"""

from ansible.errors import AnsibleLookupError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._iam import describe_role
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._aws_lookup import AWSReadLookupBase


class LookupModule(AWSReadLookupBase):
    def run(self, terms, variables, **kwargs):
        super().run(terms, variables, **kwargs)
        names = []
        for term in terms:
            if not isinstance(term, str) or not term:
                raise AnsibleLookupError("iam_roles takes role names (non-empty strings), got {0!r}".format(term))
            names.append(term)
        client = self.client("iam")
        with self.failing_as("Failed to describe IAM roles {0}".format(", ".join(names))):
            return [describe_role(client, name) for name in names]
