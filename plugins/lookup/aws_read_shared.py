# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_read_shared
version_added: 0.2.0
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
short_description: P(jenkins_ha.aws.aws_read#lookup) with one boto3 client per service and connection per process
description:
  - The same read-only call and result as P(jenkins_ha.aws.aws_read#lookup) (same terms and options), but the boto3
    client is kept for the process, so that several reads of one task (a set_fact with a few keys, a condition that
    reads a resource and then its attributes) build the client, and load the service's model, once.
  - Ansible runs each task in a new worker process, so the client lives as long as the task. Building a client costs
    about 0.25 s of CPU for EC2 on a quiet machine (its service model is large), which is a third of a module run;
    three reads of one task with P(jenkins_ha.aws.aws_read#lookup) cost about a module run.
  - Clients are told apart by service, region, endpoint and credentials (profile, keys, session token, as a digest);
    a read with other connection options gets its own client.
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

import hashlib
import json

from ansible_collections.amazon.aws.plugins.plugin_utils.botocore import get_aws_connection_info

from ansible_collections.jenkins_ha.aws.plugins.lookup.aws_read import LookupModule as AwsReadLookup

# (service, region, endpoint, digest of the connection arguments) -> boto3 client, for this process.
_CLIENTS = {}


def client_key(service, region, endpoint_url, connect_kwargs):
    """The cache key of a client: the connection arguments only as a digest (they hold the credentials)."""
    arguments = json.dumps(sorted((str(k), repr(v)) for k, v in (connect_kwargs or {}).items()))
    return (service, region, endpoint_url, hashlib.sha256(arguments.encode("utf-8")).hexdigest())


class LookupModule(AwsReadLookup):
    def client(self, service, retry_decorator=None, **extra_params):
        if retry_decorator is not None or extra_params:
            return super().client(service, retry_decorator=retry_decorator, **extra_params)
        region, endpoint_url, connect_kwargs = get_aws_connection_info(self)
        key = client_key(service, region, endpoint_url, connect_kwargs)
        if key not in _CLIENTS:
            _CLIENTS[key] = super().client(service)
        return _CLIENTS[key]
