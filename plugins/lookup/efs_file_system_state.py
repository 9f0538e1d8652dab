# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: efs_file_system_state
version_added: 0.2.0
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
short_description: Read an EFS file system with everything this collection's EFS modules manage on it
description:
  - Reads, in the Ansible process, the file system given by id (or else the one whose creation token is the given
    name, as M(jenkins_ha.aws.efs_file_system) names its file systems) with the same calls and in the same shape as
    the modules C(efs_file_system), C(efs_access_point) and C(efs_file_system_policy) read it; their tags, lifecycle
    policies, backup policy status, mount targets with their security groups, access points and file system policy.
  - Returns an empty dict when there is no such file system, or it is being deleted (C(FileSystemNotFound) is
    "none", any other error fails the lookup).
  - The P(jenkins_ha.aws.unconverged_efs_file_system#filter), P(jenkins_ha.aws.unconverged_efs_access_point#filter)
    and P(jenkins_ha.aws.unconverged_efs_file_system_policy#filter) filters compare it with the modules' options,
    so a converged rerun runs none of the modules.
  - Only read calls are made (C(DescribeFileSystems), C(ListTagsForResource), C(DescribeLifecycleConfiguration),
    C(DescribeBackupPolicy), C(DescribeMountTargets), C(DescribeMountTargetSecurityGroups),
    C(DescribeAccessPoints), C(DescribeFileSystemPolicy)).
options:
  file_system_id:
    description: The file system's id. Takes precedence over O(name).
    type: str
  name:
    description: The name given to M(jenkins_ha.aws.efs_file_system); the file system with its creation token.
    type: str
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - jenkins_ha.aws.aws_lookup
"""

EXAMPLES = r"""
- name: Read the stack's file system
  ansible.builtin.set_fact:
    efs_state: "{{ lookup('jenkins_ha.aws.efs_file_system_state', name='demo-jenkins-home') }}"
"""

RETURN = r"""
_raw:
  description:
    - An empty dict when the file system does not exist, else its state with the API's (CamelCase) keys.
  type: dict
  contains:
    file_system:
      description: The C(DescribeFileSystems) item.
      type: dict
    tags:
      description: The file system's tags.
      type: dict
    lifecycle_policies:
      description: The C(LifecyclePolicies) of C(DescribeLifecycleConfiguration).
      type: list
      elements: dict
    backup_status:
      description: The backup policy's status, C(None) when none was ever set.
      type: str
    mount_targets:
      description: The mount targets (not deleted), each with its C(SecurityGroups).
      type: list
      elements: dict
    access_points:
      description: The C(DescribeAccessPoints) items of the file system.
      type: list
      elements: dict
    policy:
      description: The file system policy (JSON text), C(None) for the default policy.
      type: str
"""

import json

from ansible.errors import AnsibleLookupError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import access_points as ap_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import file_systems as fs_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import mount_targets as mt_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import policies as policy_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.tagging import list_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.transformations import creation_token_for
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._aws_lookup import AWSReadLookupBase

GONE = ("deleting", "deleted")


def read_file_system_state(client, file_system_id=None, name=None):
    """The state the EFS modules read (see DOCUMENTATION), {} when there is no live file system."""
    if file_system_id:
        found = fs_api.describe_file_systems(client, file_system_id=file_system_id)
    else:
        found = fs_api.describe_file_systems(client, creation_token=creation_token_for(name))
    live = [fs for fs in found if fs.get("LifeCycleState") not in GONE]
    if not live:
        return {}
    file_system = live[0]
    fs_id = file_system["FileSystemId"]
    state = dict(
        file_system=file_system,
        tags=list_tags(client, fs_id),
        lifecycle_policies=fs_api.describe_lifecycle_policies(client, fs_id),
        backup_status=fs_api.describe_backup_status(client, fs_id),
        mount_targets=mt_api.describe_mount_targets_with_security_groups(client, fs_id),
        access_points=ap_api.describe_access_points(client, file_system_id=fs_id),
        policy=policy_api.describe_file_system_policy(client, fs_id),
    )
    # Plain JSON types (the timestamps as text): what templating and the filters expect.
    return json.loads(json.dumps(state, default=str))


class LookupModule(AWSReadLookupBase):
    def run(self, terms, variables, **kwargs):
        super().run(terms, variables, **kwargs)
        if terms:
            raise AnsibleLookupError(
                "efs_file_system_state takes no terms (file_system_id= or name=), got {0!r}".format(terms)
            )
        file_system_id, name = kwargs.get("file_system_id"), kwargs.get("name")
        for option, value in (("file_system_id", file_system_id), ("name", name)):
            if value is not None and not isinstance(value, str):
                raise AnsibleLookupError("efs_file_system_state {0} must be a string, got {1!r}".format(option, value))
        if not file_system_id and not name:
            raise AnsibleLookupError("efs_file_system_state needs file_system_id or name")
        with self.failing_as("efs_file_system_state failed"):
            try:
                return [read_file_system_state(self.client("efs"), file_system_id=file_system_id, name=name)]
            except AnsibleEFSError as error:
                raise AnsibleLookupError("efs_file_system_state: {0}".format(error))
