# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only IAM calls that describe a role the way amazon.aws.iam_role and amazon.aws.iam_policy manage it."""

try:
    import botocore
except ImportError:
    pass  # The calling plugin reports a missing SDK.

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict


def _is_no_such_entity(error):
    return isinstance(error, botocore.exceptions.ClientError) and error.response.get("Error", {}).get("Code") in (
        "NoSuchEntity",
        "NoSuchEntityException",
    )


@AWSRetry.jittered_backoff()
def _get_role(client, name):
    return client.get_role(RoleName=name)["Role"]


@AWSRetry.jittered_backoff()
def _list_attached_policies(client, name):
    paginator = client.get_paginator("list_attached_role_policies")
    return paginator.paginate(RoleName=name).build_full_result()["AttachedPolicies"]


@AWSRetry.jittered_backoff()
def _list_inline_policy_names(client, name):
    paginator = client.get_paginator("list_role_policies")
    return paginator.paginate(RoleName=name).build_full_result()["PolicyNames"]


@AWSRetry.jittered_backoff()
def _get_inline_policy(client, name, policy_name):
    return client.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]


@AWSRetry.jittered_backoff()
def _list_instance_profiles(client, name):
    paginator = client.get_paginator("list_instance_profiles_for_role")
    return paginator.paginate(RoleName=name).build_full_result()["InstanceProfiles"]


@AWSRetry.jittered_backoff()
def _list_tags(client, name):
    paginator = client.get_paginator("list_role_tags")
    return paginator.paginate(RoleName=name).build_full_result()["Tags"]


def describe_role(client, name):
    """The live state of role ``name``: ``{"name", "exists": False}`` when it does not exist, else its description,
    path, trust policy, attached policy ARNs, inline policy documents by name, instance profile names and tags.

    Raises botocore errors other than NoSuchEntity. A role deleted between the calls reads as missing.
    """
    try:
        role = _get_role(client, name)
        attached = _list_attached_policies(client, name)
        inline = {
            policy: _get_inline_policy(client, name, policy) for policy in _list_inline_policy_names(client, name)
        }
        profiles = _list_instance_profiles(client, name)
        # GetRole returns at most the first page of tags.
        tags = _list_tags(client, name)
    except botocore.exceptions.ClientError as error:
        if _is_no_such_entity(error):
            return {"name": name, "exists": False}
        raise
    return {
        "name": name,
        "exists": True,
        "arn": role["Arn"],
        "path": role.get("Path", "/"),
        "description": role.get("Description", ""),
        "assume_role_policy_document": role.get("AssumeRolePolicyDocument") or {},
        "managed_policy_arns": sorted(policy["PolicyArn"] for policy in attached),
        "inline_policies": inline,
        "instance_profile_names": sorted(profile["InstanceProfileName"] for profile in profiles),
        "tags": boto3_tag_list_to_ansible_dict(tags),
    }
