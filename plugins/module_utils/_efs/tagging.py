# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EFS tags through TagResource/UntagResource/ListTagsForResource (the older CreateTags API is deprecated)."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from .common import EFSErrorHandler


@EFSErrorHandler.list_error_handler("list tags", default_value={})
@AWSRetry.jittered_backoff()
def list_tags(client, resource_id):
    tags = []
    args = dict(ResourceId=resource_id)
    while True:
        response = client.list_tags_for_resource(**args)
        tags.extend(response.get("Tags", []))
        if not response.get("NextToken"):
            break
        args["NextToken"] = response["NextToken"]
    return boto3_tag_list_to_ansible_dict(tags)


@EFSErrorHandler.common_error_handler("tag resource")
@AWSRetry.jittered_backoff()
def tag_resource(client, resource_id, tags):
    return client.tag_resource(ResourceId=resource_id, Tags=ansible_dict_to_boto3_tag_list(tags))


@EFSErrorHandler.common_error_handler("untag resource")
@AWSRetry.jittered_backoff()
def untag_resource(client, resource_id, keys):
    return client.untag_resource(ResourceId=resource_id, TagKeys=list(keys))


def ensure_tags(client, resource_id, current, desired, check_mode):
    """Converge the tags of resource_id from current to desired (both dicts); returns True if anything changed."""
    to_set, to_unset = compare_aws_tags(current, desired, purge_tags=True)
    if check_mode:
        return bool(to_set or to_unset)
    if to_unset:
        untag_resource(client, resource_id, to_unset)
    if to_set:
        tag_resource(client, resource_id, to_set)
    return bool(to_set or to_unset)
