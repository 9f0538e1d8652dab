#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: sns_topic_encryption
version_added: 0.1.0
short_description: Set or remove the server-side encryption key of an SNS topic
description:
  - Sets or removes the AWS KMS key that encrypts the messages of an existing Amazon SNS topic at rest (the
    C(KmsMasterKeyId) topic attribute). The topic itself is managed elsewhere, for example with
    M(community.aws.sns_topic), which has no option for the key.
  - AWS stores the key as it was given (key id, key ARN, alias name or alias ARN). The same string is the same key;
    different strings are compared by the key ARN that KMS C(DescribeKey) returns for each, so O(kms_key_id) must
    name a key the caller may describe. A topic key that no longer resolves (for example a deleted alias) is
    replaced.
  - CloudWatch alarms, EventBridge and other AWS services can publish to an encrypted topic only when the key
    policy lets their service principal use the key (C(kms:GenerateDataKey*), C(kms:Decrypt)); the AWS managed key
    C(alias/aws/sns) does not, so use a customer managed key for such topics.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  topic:
    description:
      - ARN or name of the topic. A name is looked up among the topics of the region.
      - The topic must exist.
    required: true
    type: str
  kms_key_id:
    description:
      - The KMS key to encrypt the topic with, as a key id, key ARN, alias name (C(alias/...)) or alias ARN.
      - Required with O(state=present); ignored with O(state=absent).
    type: str
  state:
    description:
      - V(present) encrypts the topic with O(kms_key_id); V(absent) turns server-side encryption off.
    choices: [present, absent]
    default: present
    type: str
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Needs C(sns:ListTopics) (when O(topic) is a name), C(sns:GetTopicAttributes), C(sns:SetTopicAttributes) and
    C(kms:DescribeKey) on the key.
"""

EXAMPLES = r"""
- name: Create the alarm topic
  community.aws.sns_topic:
    name: prod-alarms
  register: topic

- name: Encrypt it with the stack's key
  jenkins_ha.aws.sns_topic_encryption:
    topic: "{{ topic.sns_arn }}"
    kms_key_id: alias/jenkins-ha/prod

- name: Encrypt a topic given by name with a key ARN
  jenkins_ha.aws.sns_topic_encryption:
    topic: prod-alarms
    kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab

- name: Turn server-side encryption off
  jenkins_ha.aws.sns_topic_encryption:
    topic: prod-alarms
    state: absent
"""

RETURN = r"""
topic_arn:
  description: ARN of the topic.
  returned: always
  type: str
  sample: arn:aws:sns:eu-west-1:123456789012:prod-alarms
kms_master_key_id:
  description:
    - The topic's C(KmsMasterKeyId) after the run, as stored (it keeps its spelling when it already named the
      requested key); empty when the topic is not encrypted. In check mode, what it would be.
  returned: always
  type: str
  sample: alias/jenkins-ha/prod
kms_key_arn:
  description: ARN of the key that O(kms_key_id) names.
  returned: when O(state=present)
  type: str
  sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
diff:
  description: The topic's C(KmsMasterKeyId) before and after.
  returned: always
  type: dict
  contains:
    before:
      description: Before the run.
      type: dict
      sample: {"kms_master_key_id": ""}
    after:
      description: After the run (in check mode, what it would be).
      type: dict
      sample: {"kms_master_key_id": "alias/jenkins-ha/prod"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils import _sns as sns
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import state_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import check_identifiers


class TopicNotFound(Exception):
    pass


class KeyNotFound(Exception):
    pass


def current_topic(client, topic):
    """(ARN, attributes) of the existing topic that topic names (ARN or name)."""
    arn = topic if topic.startswith("arn:") else sns.find_topic_arn(topic, sns.list_topic_arns(client))
    attributes = sns.get_topic_attributes(client, arn) if arn else None
    if attributes is None:
        raise TopicNotFound("SNS topic {0} not found: create it first".format(topic))
    return arn, attributes


def key_resolver(kms_client):
    """resolve(key_id) -> key ARN or None, one DescribeKey per distinct value."""
    cache = {}

    def resolve(key_id):
        if key_id not in cache:
            cache[key_id] = sns.key_arn(kms_client, key_id)
        return cache[key_id]

    return resolve


def ensure_present(module, client, kms_client):
    arn, attributes = current_topic(client, module.params["topic"])
    current = attributes.get(sns.KMS_ATTRIBUTE, "")
    desired = module.params["kms_key_id"]
    resolve = key_resolver(kms_client)
    desired_arn = resolve(desired)
    if desired_arn is None:
        raise KeyNotFound("KMS key {0} not found (it must exist and be describable by the caller)".format(desired))
    changed = not sns.same_key(current, desired, resolve)
    after = desired if changed else current
    if changed and not module.check_mode:
        sns.set_topic_kms_key(client, arn, desired)
    result = dict(topic_arn=arn, kms_master_key_id=after, kms_key_arn=desired_arn)
    return changed, result, diff_of(current, after)


def ensure_absent(module, client):
    arn, attributes = current_topic(client, module.params["topic"])
    current = attributes.get(sns.KMS_ATTRIBUTE, "")
    changed = bool(current)
    if changed and not module.check_mode:
        sns.set_topic_kms_key(client, arn, "")
    return changed, dict(topic_arn=arn, kms_master_key_id=""), diff_of(current, "")


def diff_of(before, after):
    return dict(before=dict(kms_master_key_id=before), after=dict(kms_master_key_id=after))


def argument_spec():
    """The module's options (tests fill module.params from their defaults)."""
    return dict(
        topic=dict(type="str", required=True),
        kms_key_id=dict(type="str"),
        **state_argument_spec(),
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        required_if=[("state", "present", ["kms_key_id"])],
        supports_check_mode=True,
    )
    if module.params["state"] == "present" and not module.params["kms_key_id"].strip():
        module.fail_json(msg="kms_key_id must name a key; use state=absent to turn encryption off")
    check_identifiers(module, [("topic", "sns_topic"), ("kms_key_id", "kms_key")])
    client = module.client("sns")
    try:
        if module.params["state"] == "present":
            changed, result, diff = ensure_present(module, client, module.client("kms"))
        else:
            changed, result, diff = ensure_absent(module, client)
    except (TopicNotFound, KeyNotFound) as e:
        module.fail_json(msg=str(e))
    except sns.AnsibleSNSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, diff=diff, **result)


if __name__ == "__main__":
    main()
