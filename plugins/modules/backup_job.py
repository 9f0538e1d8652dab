#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_job
version_added: 0.1.0
short_description: Take an on-demand AWS Backup recovery point of a resource and wait for it
description:
  - Starts an on-demand backup job (StartBackupJob) of one resource into a vault and waits until the job ends.
  - Every run starts a new job (a backup is an event, not a state), so the module always reports a change; give
    O(idempotency_token) to make a retried run reuse the job of the first one.
  - A job that ends other than C(COMPLETED) fails the module, naming the job, its state and AWS's message.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  resource_arn:
    description: ARN of the resource to back up, for example an EFS file system.
    required: true
    type: str
  backup_vault_name:
    description: The vault that receives the recovery point.
    required: true
    type: str
  iam_role_arn:
    description: The role AWS Backup assumes to read the resource (the stack's backup role).
    required: true
    type: str
  idempotency_token:
    description: A token that makes retries of the same request start one job only (AWS keeps it for a day).
    type: str
  delete_after_days:
    description: Delete the recovery point this many days after its creation.
    type: int
  recovery_point_tags:
    description: Tags of the recovery point.
    type: dict
    default: {}
  wait:
    description: Wait until the job ends.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait for, at most.
    type: int
    default: 3600
  wait_delay:
    description: Seconds between two looks at the job.
    type: int
    default: 15
notes:
  - Needs C(backup:StartBackupJob), C(backup:DescribeBackupJob) and C(iam:PassRole) on O(iam_role_arn).
  - With O(wait=false) the job is returned as started.
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Back up JENKINS_HOME now
  jenkins_ha.aws.backup_job:
    resource_arn: "{{ efs_arn }}"
    backup_vault_name: demo-jenkins-home
    iam_role_arn: arn:aws:iam::123456789012:role/demo-backup
    delete_after_days: 35
  register: backup
"""

RETURN = r"""
backup_job:
  description: The job as DescribeBackupJob returns it (keys snake_cased, dates ISO 8601 in UTC); empty in check mode.
  returned: always
  type: dict
  contains:
    backup_job_id:
      description: The job's id.
      type: str
    state:
      description: COMPLETED, or the state it was in when the wait ended.
      type: str
    recovery_point_arn:
      description: The recovery point the job made.
      type: str
    creation_date:
      description: When the job started.
      type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.jenkins_ha.aws.plugins.module_utils._backup_jobs import run_job
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import wait_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import check_identifiers


def request_of(params):
    request = {
        "BackupVaultName": params["backup_vault_name"],
        "ResourceArn": params["resource_arn"],
        "IamRoleArn": params["iam_role_arn"],
    }
    if params["idempotency_token"]:
        request["IdempotencyToken"] = params["idempotency_token"]
    if params["delete_after_days"] is not None:
        request["Lifecycle"] = {"DeleteAfterDays": params["delete_after_days"]}
    if params["recovery_point_tags"]:
        request["RecoveryPointTags"] = {str(k): str(v) for k, v in params["recovery_point_tags"].items()}
    return request


def main():
    argument_spec = dict(
        resource_arn=dict(type="str", required=True),
        backup_vault_name=dict(type="str", required=True),
        iam_role_arn=dict(type="str", required=True),
        idempotency_token=dict(type="str", no_log=False),
        delete_after_days=dict(type="int"),
        recovery_point_tags=dict(type="dict", default={}),
        wait_delay=dict(type="int", default=15),
        **wait_argument_spec(3600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    check_identifiers(
        module,
        [("resource_arn", "arn"), ("backup_vault_name", "backup_vault_name"), ("iam_role_arn", "iam_role_arn")],
    )
    if module.params["delete_after_days"] is not None and module.params["delete_after_days"] < 1:
        module.fail_json(msg="delete_after_days must be at least 1")
    request = request_of(module.params)
    diff = {"before": {}, "after": camel_dict_to_snake_dict(request)}
    if module.check_mode:
        module.exit_json(changed=True, backup_job={}, diff=diff)
    result = run_job(module, "backup", request)
    module.exit_json(changed=True, backup_job=result, diff=diff)


if __name__ == "__main__":
    main()
