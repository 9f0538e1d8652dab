# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_read_shared
version_added: 0.2.0
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
short_description: P(jenkins_ha.aws.aws_read#lookup) under another name (one boto3 client per connection and process)
description:
  - The same read-only call and result as P(jenkins_ha.aws.aws_read#lookup) (same terms and options), which now keeps
    its boto3 client for the process as this lookup did first; it stays for the playbooks that use it.
  - Ansible runs each task in a new worker process, so the client lives as long as the task. Building a client costs
    about 0.25 s of CPU for EC2 on a quiet machine (its service model is large), which is a third of a module run;
    several reads of one task (a set_fact with a few keys, a condition that reads a resource and then its
    attributes) build the client, and load the service's model, once.
options:
  _terms:
    description: The service (boto3 client name) and the operation (boto3 method name, a read).
    type: list
    elements: str
    required: true
  parameters:
    description: The operation's parameters, as boto3 takes them (CamelCase).
    type: dict
    default: {}
  result_key:
    description: Return only this top-level key of the result, in snake_case; an absent key returns an empty list.
    type: str
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - jenkins_ha.aws.aws_lookup
"""

EXAMPLES = r"""
- name: Read the VPC and an attribute of it with one client
  ansible.builtin.set_fact:
    vpc: "{{ __vpcs }}"
    dns_support: >-
      {{ lookup('jenkins_ha.aws.aws_read_shared', 'ec2', 'describe_vpc_attribute',
                parameters={'VpcId': __vpcs[0].vpc_id, 'Attribute': 'enableDnsSupport'}).enable_dns_support.value }}
  vars:
    __vpcs: "{{ lookup('jenkins_ha.aws.aws_read_shared', 'ec2', 'describe_vpcs', result_key='vpcs') }}"
"""

RETURN = r"""
_raw:
  description: As P(jenkins_ha.aws.aws_read#lookup) returns it.
  type: raw
"""

from ansible_collections.jenkins_ha.aws.plugins.lookup.aws_read import LookupModule as AwsReadLookup


class LookupModule(AwsReadLookup):
    """jenkins_ha.aws.aws_read itself: every lookup that reads AWS keeps its clients for the process
    (plugins/plugin_utils/_aws_lookup.py)."""
