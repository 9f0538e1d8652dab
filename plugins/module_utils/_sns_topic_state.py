# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An SNS topic as community.aws.sns_topic reads it before it changes anything (its ensure_ok): found by name among
the region's topics (an ARN that ends in ``:<name>``), then its attributes, subscriptions and tags. Read calls only,
with one client (each client costs a boto3 session and service model, a few tenths of a second)."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.jenkins_ha.aws.plugins.module_utils._read import read


def topic_state(client, name):
    """``topic_arn`` (empty when no topic has the name), and when there is one its ``attributes``
    (GetTopicAttributes), ``subscriptions`` (ListSubscriptionsByTopic) and ``tags`` (ListTagsForResource, a dict), in
    snake_case as the aws_read lookup returns them."""
    suffix = ":" + name
    arns = [topic["topic_arn"] for topic in read(client, "list_topics").get("topics", [])]
    arn = next((arn for arn in arns if arn.endswith(suffix)), "")
    if not arn:
        return {"topic_arn": ""}
    try:
        attributes = read(client, "get_topic_attributes", {"TopicArn": arn})["attributes"]
    except is_boto3_error_code("NotFound"):
        # Deleted between the two calls: the module would create it.
        return {"topic_arn": ""}
    return {
        "topic_arn": arn,
        "attributes": attributes,
        "subscriptions": read(client, "list_subscriptions_by_topic", {"TopicArn": arn}).get("subscriptions", []),
        "tags": read(client, "list_tags_for_resource", {"ResourceArn": arn}).get("tags", {}),
    }
