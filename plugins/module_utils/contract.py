# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's naming contract for Python code.

Mirrors playbooks/vars/contract.yml (tests/unit/test_contract.py keeps them equal), so modules and the
inventory plugin name tags and SSM parameters exactly as the playbooks and roles do.
"""

from __future__ import annotations

MANAGED_BY_VALUE = "jenkins_ha.aws"

TAG_STACK = "jenkins-ha:stack"
TAG_COMPONENT = "jenkins-ha:component"
TAG_MANAGED_BY = "managed-by"
# The agent pool of a group and its instances (issue 18).
TAG_POOL = "jenkins-ha:pool"

COMPONENTS = (
    "network",
    "security",
    "kms",
    "iam",
    "efs",
    "backup",
    "keys",
    "image",
    "controller",
    "agent",
    "alb",
    "dns",
    "monitoring",
)

AMI_TAG_ROLE = "jenkins-ha:role"
AMI_TAG_BASE = "jenkins-ha:base"
AMI_TAG_INPUT_HASH = "jenkins-ha:input-hash"
AMI_TAG_COMMIT = "jenkins-ha:commit"
AMI_TAG_BUILD_TIME = "jenkins-ha:build-time"
AMI_TAG_VERSION = "jenkins-ha:version"

IMAGE_ROLES = ("controller", "agent")

# The EC2 key pair of a stack is named <stack> + KEY_PAIR_SUFFIX.
KEY_PAIR_SUFFIX = "-jenkins"

SSM_PREFIX = "/jenkins-ha"
SSM_NAMES = {
    "ami_controller": "ami/controller",
    "ami_agent": "ami/agent",
    "ami_controller_jenkins": "ami/controller-jenkins",
    "region": "stack/region",
    "kms_key_arn": "kms/key-arn",
    "efs_file_system_id": "efs/file-system-id",
    "efs_access_point_id": "efs/access-point-id",
    "efs_tls": "efs/tls",
    "agent_asg_name": "agent/asg-name",
    "agent_pool_asg_name": "agent/pools/{pool}/asg-name",
    "agent_label": "agent/label",
    "controller_url": "controller/url",
    "controller_log_group": "controller/log-group",
    "agent_log_group": "agent/log-group",
    "admin_username": "controller/admin-username",
    "admin_password": "controller/admin-password",
    "ssh_private_key": "keys/ssh-private-key",
    "ssh_public_key": "keys/ssh-public-key",
    "ssh_private_key_pending": "keys/ssh-private-key-pending",
    "jenkins_settings": "jenkins/settings",
    "ldap_manager_password": "jenkins/ldap-manager-password",
    "oidc_client_secret": "jenkins/oidc-client-secret",
    "metrics_scrape_password": "metrics/scrape-password",
    "metrics_remote_scrape": "metrics/remote-scrape",
}
SSM_SECURE = (
    "admin_password",
    "ssh_private_key",
    "ssh_private_key_pending",
    "ldap_manager_password",
    "oidc_client_secret",
    "metrics_scrape_password",
)


def ssm_parameter_name(stack, key, pool=None):
    """Full SSM parameter name of a contract key for a stack: /jenkins-ha/<stack>/<name>; a per-pool key
    (agent_pool_*) needs the pool's name."""
    name = SSM_NAMES[key]
    if "{pool}" in name:
        if not pool:
            raise ValueError("SSM parameter {0} is per agent pool: give the pool's name".format(key))
        name = name.replace("{pool}", pool)
    return "{0}/{1}/{2}".format(SSM_PREFIX, stack, name)


def stack_tags(stack, component):
    """The tags every resource of a stack carries."""
    return {TAG_STACK: stack, TAG_COMPONENT: component, TAG_MANAGED_BY: MANAGED_BY_VALUE}
