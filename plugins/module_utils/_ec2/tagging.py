# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 tag writes (any resource id CreateTags takes: images, snapshots, instances)."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from .common import EC2ErrorHandler


# Not amazon.aws's add_ec2_tags: that one takes the module and fails it on an error, one resource at a time; callers
# here tag with clients of other accounts and regions and report the error themselves.
@EC2ErrorHandler.common_error_handler("tag resources")
@AWSRetry.jittered_backoff()
def create_tags(client, resource_ids, tags):
    client.create_tags(Resources=list(resource_ids), Tags=ansible_dict_to_boto3_tag_list(tags))
    return True
