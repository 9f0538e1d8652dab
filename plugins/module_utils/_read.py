# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One read-only AWS API call (paginated when the API pages), returned the way the amazon.aws info modules return
their results: snake_case keys, resource tags as a dict."""

import re

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible.module_utils.common.dict_transformations import _camel_to_snake

# Only calls that read: the boto3 names of Describe*, List* and Get* operations.
READ_OPERATION = re.compile(r"^(describe|list|get)_[a-z0-9_]+$")
TAG_KEYS = ("Tags", "TagList", "TagSet")
TAG_MAP_KEYS = ("tags",)


def is_read_operation(operation):
    return bool(READ_OPERATION.match(operation or ""))


def _is_plain_tag(tag):
    # Auto Scaling tags carry PropagateAtLaunch and the resource: kept as a list, as autoscaling_group_info does.
    return isinstance(tag, dict) and "Key" in tag and set(tag) <= {"Key", "Value"}


def _snake_case(value):
    """snake_case keys at every depth, with plain tag lists ([{Key, Value}]) as dicts whose keys stay as they are.

    (camel_dict_to_snake_dict's ignore_list applies to the top level only, and these results nest resources.)
    """
    if isinstance(value, dict):
        converted = {}
        for key, item in value.items():
            if key in TAG_KEYS and isinstance(item, list) and all(_is_plain_tag(tag) for tag in item):
                converted[_camel_to_snake(key)] = boto3_tag_list_to_ansible_dict(item)
            elif key.lower() in TAG_MAP_KEYS and isinstance(item, dict):
                # Tags some services (CloudWatch Logs, Lambda, ...) return as a map already: keys kept as they are.
                converted[_camel_to_snake(key)] = dict(item)
            else:
                converted[_camel_to_snake(key)] = _snake_case(item)
        return converted
    if isinstance(value, list):
        return [_snake_case(item) for item in value]
    return value


@AWSRetry.jittered_backoff()
def _call(client, operation, parameters):
    if client.can_paginate(operation):
        return client.get_paginator(operation).paginate(**parameters).build_full_result()
    return getattr(client, operation)(**parameters)


def read(client, operation, parameters=None):
    """Result of the read ``operation`` (boto3 method name) with ``parameters``, without ResponseMetadata."""
    if not is_read_operation(operation):
        raise ValueError("{0!r} is not a read operation (describe_*, list_* or get_*)".format(operation))
    if not hasattr(client, operation):
        raise ValueError("{0} has no operation {1!r}".format(client.meta.service_model.service_name, operation))
    result = dict(_call(client, operation, dict(parameters or {})))
    result.pop("ResponseMetadata", None)
    return _snake_case(result)
