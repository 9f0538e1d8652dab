# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: sns_topic_state
version_added: 0.1.0
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
short_description: Read an SNS topic by name as community.aws.sns_topic compares it
description:
  - Finds the topic whose ARN ends in C(:<name>) among the region's topics, as M(community.aws.sns_topic) does, and
    returns its attributes, subscriptions and tags, so a playbook can tell whether the module would change anything
    (see the P(jenkins_ha.aws.unconverged_sns_topic#filter) filter) without a module process.
  - It runs in the Ansible process with one client. Only read calls are made (C(ListTopics), C(GetTopicAttributes),
    C(ListSubscriptionsByTopic), C(ListTagsForResource)); the caller needs those permissions.
options:
  _terms:
    description: The topic's name (one).
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
- name: Read the alarm topic
  ansible.builtin.set_fact:
    topic_live: "{{ lookup('jenkins_ha.aws.sns_topic_state', 'demo-alarms') }}"
"""

RETURN = r"""
_raw:
  description: The topic as read.
  type: dict
  contains:
    topic_arn:
      description: The topic's ARN; empty when no topic has the name (then no other key is returned).
      type: str
    attributes:
      description: Its attributes (GetTopicAttributes), keys in snake_case (C(display_name), C(kms_master_key_id), ...).
      type: dict
    subscriptions:
      description: Its subscriptions (ListSubscriptionsByTopic), keys in snake_case.
      type: list
      elements: dict
    tags:
      description: Its tags.
      type: dict
"""

from ansible.errors import AnsibleLookupError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._sns_topic_state import topic_state
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._aws_lookup import AWSReadLookupBase


class LookupModule(AWSReadLookupBase):
    def run(self, terms, variables, **kwargs):
        super().run(terms, variables, **kwargs)
        if len(terms) != 1 or not isinstance(terms[0], str) or not terms[0] or ":" in terms[0]:
            raise AnsibleLookupError("sns_topic_state takes one topic name (no ARN), got {0!r}".format(terms))
        with self.failing_as("sns_topic_state: reading topic {0} failed".format(terms[0])):
            return [topic_state(self.client("sns"), terms[0])]
