# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""KMS key reads: metadata, key policy, grants (ami_share checks whether target accounts can use an image's key)."""

import json

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import KMSErrorHandler


@KMSErrorHandler.common_error_handler("describe KMS key")
@AWSRetry.jittered_backoff()
def describe_key(client, key_id):
    return client.describe_key(KeyId=key_id)["KeyMetadata"]


@KMSErrorHandler.common_error_handler("read KMS key policy")
@AWSRetry.jittered_backoff()
def get_key_policy(client, key_id):
    policy = client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    return json.loads(policy) if isinstance(policy, str) else policy


@KMSErrorHandler.common_error_handler("list KMS grants")
@AWSRetry.jittered_backoff()
def list_grants(client, key_id):
    paginator = client.get_paginator("list_grants")
    return paginator.paginate(KeyId=key_id).build_full_result()["Grants"]
