#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_restore_job
version_added: 0.1.0
short_description: Restore an AWS Backup recovery point and wait for the restore
description:
  - Starts a restore job (StartRestoreJob) of one recovery point and waits until it ends.
  - For an EFS recovery point, O(metadata) is the restore metadata AWS Backup documents for EFS, for example
    C(newFileSystem=true), C(Encrypted=true), C(KmsKeyId), C(PerformanceMode) and C(CreationToken). A full restore
    writes the data into a directory C(aws-backup-restore_<datetime>) off the target file system's root.
  - Every run starts a new restore (restoring is an event), so the module always reports a change; give
    O(idempotency_token) to make a retried run reuse the first one's job.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  recovery_point_arn:
    description: The recovery point to restore.
    required: true
    type: str
  iam_role_arn:
    description: The role AWS Backup assumes to create the restored resource.
    required: true
    type: str
  resource_type:
    description: The type of the restored resource.
    type: str
    default: EFS
  metadata:
    description: Restore metadata, string values (booleans are sent as C(true)/C(false)).
    type: dict
    default: {}
  copy_source_tags:
    description:
      - Copy the source's tags to the restored resource. Off by default, since a copied C(Name) tag makes two
        resources answer to the source's name.
    type: bool
    default: false
  idempotency_token:
    description: A token that makes retries of the same request start one job only.
    type: str
  fail_on_job_failure:
    description:
      - Fail when the job ends C(FAILED) or C(ABORTED). With V(false) the job is returned as it ended, so a caller
        can report it and clean up what it left.
    type: bool
    default: true
  wait:
    description: Wait until the job ends.
    type: bool
    default: true
  wait_timeout:
    description: How many seconds to wait for, at most.
    type: int
    default: 14400
  wait_delay:
    description: Seconds between two looks at the job.
    type: int
    default: 15
notes:
  - Needs C(backup:StartRestoreJob), C(backup:DescribeRestoreJob), C(iam:PassRole) on O(iam_role_arn), and for an
    encrypted EFS restore the permissions AWS Backup's role needs on the KMS key.
  - A restore that runs past O(wait_timeout) fails the module with the job as it was; the restore goes on in AWS.
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Restore JENKINS_HOME's newest point into a new file system encrypted with the stack key
  jenkins_ha.aws.backup_restore_job:
    recovery_point_arn: "{{ point.recovery_point_arn }}"
    iam_role_arn: arn:aws:iam::123456789012:role/demo-backup
    metadata:
      newFileSystem: true
      Encrypted: true
      KmsKeyId: "{{ kms_key_arn }}"
      PerformanceMode: generalPurpose
      CreationToken: demo-restore-1
  register: restore
"""

RETURN = r"""
restore_job:
  description: The job as DescribeRestoreJob returns it (keys snake_cased, dates ISO 8601 in UTC); empty in check mode.
  returned: always
  type: dict
  contains:
    restore_job_id:
      description: The job's id.
      type: str
    status:
      description: COMPLETED, FAILED, ABORTED, or the status it was in when the wait ended.
      type: str
    status_message:
      description: AWS's explanation of a failure.
      type: str
    created_resource_arn:
      description: The restored resource (for EFS, the new file system's ARN).
      type: str
    creation_date:
      description: When the job started.
      type: str
    completion_date:
      description: When the job ended.
      type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.jenkins_ha.aws.plugins.module_utils._backup_jobs import run_job
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import wait_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import check_identifiers


def metadata_of(metadata):
    """Restore metadata is a map of strings; YAML booleans become the lower-case words AWS documents."""
    return {str(k): (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in (metadata or {}).items()}


def request_of(params):
    request = {
        "RecoveryPointArn": params["recovery_point_arn"],
        "IamRoleArn": params["iam_role_arn"],
        "ResourceType": params["resource_type"],
        "Metadata": metadata_of(params["metadata"]),
        "CopySourceTagsToRestoredResource": params["copy_source_tags"],
    }
    if params["idempotency_token"]:
        request["IdempotencyToken"] = params["idempotency_token"]
    return request


def main():
    argument_spec = dict(
        recovery_point_arn=dict(type="str", required=True),
        iam_role_arn=dict(type="str", required=True),
        resource_type=dict(type="str", default="EFS"),
        metadata=dict(type="dict", default={}),
        copy_source_tags=dict(type="bool", default=False),
        idempotency_token=dict(type="str", no_log=False),
        fail_on_job_failure=dict(type="bool", default=True),
        wait_delay=dict(type="int", default=15),
        **wait_argument_spec(14400),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    check_identifiers(module, [("recovery_point_arn", "arn"), ("iam_role_arn", "iam_role_arn")])
    request = request_of(module.params)
    diff = {"before": {}, "after": camel_dict_to_snake_dict(request, ignore_list=["Metadata"])}
    if module.check_mode:
        module.exit_json(changed=True, restore_job={}, diff=diff)
    result = run_job(module, "restore", request, module.params["fail_on_job_failure"])
    module.exit_json(changed=True, restore_job=result, diff=diff)


if __name__ == "__main__":
    main()
