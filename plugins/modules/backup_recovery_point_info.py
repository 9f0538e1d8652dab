#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_recovery_point_info
version_added: 0.1.0
short_description: List AWS Backup recovery points of a resource or a vault, newest first
description:
  - Lists the recovery points of one resource (for example an EFS file system), across all vaults or in one vault,
    or every recovery point of a vault.
  - Recovery points are sorted newest first by creation date; the newest completed one and its age are returned
    separately, which is what an RPO check needs.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  resource_arn:
    description:
      - ARN of the backed-up resource, for example C(arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123).
      - At least one of O(resource_arn) and O(backup_vault_name) is required.
    type: str
  backup_vault_name:
    description:
      - Only recovery points in this vault. A vault that does not exist is an error.
    type: str
notes:
  - Needs C(backup:ListRecoveryPointsByResource) or C(backup:ListRecoveryPointsByBackupVault).
extends_documentation_fragment:
  - jenkins_ha.aws.attributes.info_module
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Recovery points of an EFS file system, whatever the vault
  jenkins_ha.aws.backup_recovery_point_info:
    resource_arn: "{{ efs.file_system_arn }}"
  register: points

- name: Fail when the newest completed recovery point is older than 26 hours
  ansible.builtin.assert:
    that: points.latest_completed is not none and points.latest_completed_age_seconds < 26 * 3600
"""

RETURN = r"""
recovery_points:
  description: The recovery points, newest first, keys snake_cased from the AWS Backup API.
  returned: always
  type: list
  elements: dict
  contains:
    recovery_point_arn:
      description: The recovery point's ARN.
      type: str
    backup_vault_name:
      description: The vault holding it.
      type: str
    resource_arn:
      description: The backed-up resource.
      type: str
    status:
      description: COMPLETED, PARTIAL, DELETING, EXPIRED, ...
      type: str
      sample: COMPLETED
    creation_date:
      description: When the backup was taken, ISO 8601 in UTC.
      type: str
      sample: "2025-01-01T03:00:12+00:00"
latest_completed:
  description: The newest recovery point with status C(COMPLETED), or null when there is none.
  returned: always
  type: dict
latest_completed_age_seconds:
  description: Age in seconds of RV(latest_completed) at the time of the call, or null.
  returned: always
  type: float
  sample: 3600.5
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.jenkins_ha.aws.plugins.module_utils._backup_recovery_points import (
    AnsibleBackupRecoveryPointError,
)
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import check_identifiers
from ansible_collections.jenkins_ha.aws.plugins.module_utils._backup_recovery_points import (
    list_recovery_points_by_resource,
)
from ansible_collections.jenkins_ha.aws.plugins.module_utils._backup_recovery_points import (
    list_recovery_points_by_vault,
)


def _utc(value):
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def describe_recovery_points(client, resource_arn, vault_name):
    if vault_name:
        points = list_recovery_points_by_vault(client, vault_name, resource_arn)
    else:
        points = list_recovery_points_by_resource(client, resource_arn)
    points = sorted(points, key=lambda point: _utc(point["CreationDate"]), reverse=True)
    completed = [point for point in points if point.get("Status") == "COMPLETED"]
    latest, age = None, None
    if completed:
        latest = completed[0]
        age = (datetime.datetime.now(datetime.timezone.utc) - _utc(latest["CreationDate"])).total_seconds()
    for point in points:
        for key, value in point.items():
            if isinstance(value, datetime.datetime):
                point[key] = _utc(value).isoformat()
    return {"recovery_points": points, "latest_completed": latest, "latest_completed_age_seconds": age}


def main():
    argument_spec = dict(
        resource_arn=dict(type="str"),
        backup_vault_name=dict(type="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_one_of=[("resource_arn", "backup_vault_name")],
        supports_check_mode=True,
    )
    check_identifiers(module, [("resource_arn", "arn"), ("backup_vault_name", "backup_vault_name")])
    client = module.client("backup")
    try:
        result = describe_recovery_points(client, module.params["resource_arn"], module.params["backup_vault_name"])
    except AnsibleBackupRecoveryPointError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, **camel_dict_to_snake_dict(result))


if __name__ == "__main__":
    main()
