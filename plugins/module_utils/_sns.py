# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SNS topic encryption: SNS and KMS API calls (with retries and one error type) and the pure key comparison."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

KMS_ATTRIBUTE = "KmsMasterKeyId"


class AnsibleSNSError(AnsibleAWSError):
    pass


class SNSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSNSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFound")


class KMSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSNSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFoundException")


# ---- API calls -------------------------------------------------------------------------------------------------------


@SNSErrorHandler.list_error_handler("list topics", default_value=[])
@AWSRetry.jittered_backoff()
def list_topic_arns(client):
    topics = client.get_paginator("list_topics").paginate().build_full_result().get("Topics", [])
    return [topic["TopicArn"] for topic in topics]


@SNSErrorHandler.list_error_handler("get topic attributes")
@AWSRetry.jittered_backoff()
def get_topic_attributes(client, topic_arn):
    """The topic's attributes, or None when the topic does not exist."""
    return client.get_topic_attributes(TopicArn=topic_arn)["Attributes"]


@SNSErrorHandler.common_error_handler("set the topic's KMS key")
@AWSRetry.jittered_backoff()
def set_topic_kms_key(client, topic_arn, key_id):
    """An empty key_id turns server-side encryption off."""
    client.set_topic_attributes(TopicArn=topic_arn, AttributeName=KMS_ATTRIBUTE, AttributeValue=key_id)


@KMSErrorHandler.list_error_handler("describe KMS key")
@AWSRetry.jittered_backoff()
def key_arn(client, key_id):
    """ARN of the key that key_id (key id, key ARN, alias name or alias ARN) names; None when there is none."""
    return client.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]


# ---- pure logic ------------------------------------------------------------------------------------------------------


def topic_name(topic_arn):
    return topic_arn.rsplit(":", 1)[-1]


def find_topic_arn(name, topic_arns):
    """The ARN of the topic called name among topic_arns, or None."""
    return next((arn for arn in topic_arns if topic_name(arn) == name), None)


def same_key(current, desired, resolve):
    """Whether two KmsMasterKeyId values name the same key. AWS keeps the value as it was given (alias name, alias
    ARN, key id or key ARN), so equal strings are the same key and different strings are compared by the key ARN
    resolve(value) returns (None when the value names no key, which never matches)."""
    if current == desired:
        return True
    if not current or not desired:
        return False
    current_arn = resolve(current)
    return current_arn is not None and current_arn == resolve(desired)
