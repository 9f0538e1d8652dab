# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""STS: credentials of a role in another account (ami_share copies tags there)."""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from .common import STSErrorHandler


@STSErrorHandler.common_error_handler("assume role")
@AWSRetry.jittered_backoff()
def assume_role(client, role_arn, session_name):
    creds = client.assume_role(RoleArn=role_arn, RoleSessionName=session_name)["Credentials"]
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }
