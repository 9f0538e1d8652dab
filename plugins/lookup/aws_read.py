# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_read
version_added: 0.1.0
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
short_description: Make one read-only AWS API call in the Ansible process
description:
  - Calls one C(Describe*), C(List*) or C(Get*) operation of an AWS service with boto3, following all pages when
    the operation pages, and returns the result as the amazon.aws info modules do; keys in snake_case, resource
    tags (C(Tags), C(TagList), C(TagSet)) as dicts. C(ResponseMetadata) is dropped.
  - It runs inside the Ansible process, so it costs no module process (an interpreter, boto3 and the service model,
    about a second per call). The stack playbooks use it to read the live resources before a loop and call the
    modules only for what is missing or drifted.
  - Operations that write are refused; the caller needs only the read permission of the operation.
options:
  _terms:
    description:
      - The service (the boto3 client name, for example V(ec2)) and the operation (the boto3 method name, for
        example V(describe_subnets)).
    type: list
    elements: str
    required: true
  parameters:
    description: The operation's parameters, as boto3 takes them (CamelCase).
    type: dict
    default: {}
  result_key:
    description:
      - Return only this top-level key of the result, in snake_case (for example V(subnets)); an absent key
        returns an empty list.
    type: str
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - jenkins_ha.aws.aws_lookup
"""

EXAMPLES = r"""
- name: Read the subnets of a VPC (the same keys as amazon.aws.ec2_vpc_subnet_info's subnets)
  ansible.builtin.set_fact:
    subnets: >-
      {{ lookup('jenkins_ha.aws.aws_read', 'ec2', 'describe_subnets', result_key='subnets',
                parameters={'Filters': [{'Name': 'vpc-id', 'Values': [vpc_id]}]}) }}

- name: Who am I
  ansible.builtin.debug:
    msg: "{{ lookup('jenkins_ha.aws.aws_read', 'sts', 'get_caller_identity').account }}"
"""

RETURN = r"""
_raw:
  description:
    - The operation's result (a dict) in snake_case, or with O(result_key) the value of that key.
  type: raw
"""

from ansible.errors import AnsibleLookupError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._read import is_read_operation, read
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._aws_lookup import AWSReadLookupBase


class LookupModule(AWSReadLookupBase):
    def run(self, terms, variables, **kwargs):
        super().run(terms, variables, **kwargs)
        if len(terms) != 2 or not all(isinstance(term, str) and term for term in terms):
            raise AnsibleLookupError("aws_read takes two terms, the service and the operation, got {0!r}".format(terms))
        service, operation = terms
        if not is_read_operation(operation):
            raise AnsibleLookupError(
                "aws_read makes read calls only (describe_*, list_*, get_* boto3 method names), not {0!r}".format(
                    operation
                )
            )
        # As amazon.aws's own lookups read their options: set_options() above checked them against the docs.
        parameters = kwargs.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise AnsibleLookupError("aws_read parameters must be a dict, got {0}".format(type(parameters).__name__))
        result_key = kwargs.get("result_key")
        if result_key is not None and not isinstance(result_key, str):
            raise AnsibleLookupError("aws_read result_key must be a string, got {0!r}".format(result_key))
        with self.failing_as("aws_read {0}.{1} failed".format(service, operation)):
            try:
                result = read(self.client(service), operation, parameters)
            except ValueError as error:
                raise AnsibleLookupError("aws_read: {0}".format(error))
        return [result.get(result_key, []) if result_key else result]
