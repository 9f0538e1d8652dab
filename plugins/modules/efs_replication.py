#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: efs_replication
version_added: 0.1.0
short_description: Manage the replication of an Amazon EFS file system to another region
description:
  - Create or delete the replication configuration of an EFS file system (the source) to a destination file system,
    in another region or the same one. The destination is either a new file system EFS creates, encrypted with
    O(destination_kms_key_id), or an existing one (O(destination_file_system_id)).
  - Neither the amazon.aws nor the community.aws collection (10.x) has a module for EFS replication.
  - A file system takes part in one replication at most and a replication cannot be changed. When the source already
    replicates to another region, file system or key than asked, the module fails and names the difference; it never
    deletes a replication to create another (a new one starts a full copy).
  - While replicated, the destination is read-only (its replication overwrite protection is C(REPLICATING)).
    Deleting the replication (O(state=absent)) makes it writable again; the destination file system and its data are
    kept, this module never deletes a file system.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  source_file_system_id:
    description: Id of the file system to replicate, in the module's O(region).
    required: true
    type: str
  destination_region:
    description:
      - Region of the destination file system. Required when O(state=present).
    type: str
  destination_file_system_id:
    description:
      - Id of an existing file system in O(destination_region) to replicate to. Its replication overwrite protection
        must be disabled, and EFS overwrites its contents with the source's.
      - Leave it out to have EFS create a new file system.
    type: str
  destination_kms_key_id:
    description:
      - The KMS key (id, ARN, alias or alias ARN, in O(destination_region)) that encrypts the new destination file
        system. Without it, EFS uses the account's C(aws/elasticfilesystem) key of that region.
      - On an existing replication, the destination file system's key is compared with it.
    type: str
  state:
    description:
      - C(present) makes sure the source replicates to the destination described; C(absent) deletes the source's
        replication (on both sides) and keeps the destination file system.
    choices: [present, absent]
    default: present
    type: str
  wait_timeout:
    default: 900
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - jenkins_ha.aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - O(wait) waits for the replication's status to reach C(ENABLED) (O(state=present)) or for the replication to be
    gone (O(state=absent)).
  - The initial copy of a large file system continues after C(ENABLED); RV(replication.last_replicated_timestamp)
    stays empty until the first sync completes. Watch the C(TimeSinceLastSync) metric of C(AWS/EFS) for the lag.
"""

EXAMPLES = r"""
- name: Replicate JENKINS_HOME to eu-west-1, encrypted with the DR key
  jenkins_ha.aws.efs_replication:
    source_file_system_id: fs-0123456789abcdef0
    destination_region: eu-west-1
    destination_kms_key_id: alias/jenkins-ha/demo-dr
  register: replication

- name: Stop replicating (the destination becomes writable and is kept)
  jenkins_ha.aws.efs_replication:
    source_file_system_id: fs-0123456789abcdef0
    state: absent
"""

RETURN = r"""
replication:
  description: The replication after the run; empty when there is none (O(state=absent)).
  returned: always
  type: dict
  contains:
    source_file_system_id:
      description: Id of the source file system.
      type: str
      sample: fs-0123456789abcdef0
    source_file_system_arn:
      description: ARN of the source file system.
      type: str
    source_file_system_region:
      description: Region of the source file system.
      type: str
    creation_time:
      description: When the replication was created (ISO 8601).
      type: str
    destination_region:
      description: Region of the destination file system.
      type: str
      sample: eu-west-1
    destination_file_system_id:
      description: Id of the destination file system (null in check mode before it is created).
      type: str
      sample: fs-0fedcba9876543210
    destination_kms_key_arn:
      description: ARN of the KMS key that encrypts the destination file system.
      type: str
    status:
      description: C(ENABLING), C(ENABLED), C(PAUSING), C(PAUSED), C(ERROR) or C(DELETING).
      type: str
      sample: ENABLED
    status_message:
      description: Why the replication is C(PAUSED) or in C(ERROR).
      type: str
    last_replicated_timestamp:
      description:
        - Changes to the source before this time (ISO 8601) are on the destination; null until the first sync ends.
      type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import state_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import wait_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import check_identifiers
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import file_systems as fs_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import replication as replication_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import replication_plan as plan
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.waiters import wait_for


def read_replication(module, client, source_id):
    """The source's replication as a view (with its destination's key), {} without one; fails when the file system
    does not exist or is the destination of another file system's replication."""
    if not fs_api.get_file_system(client, source_id):
        raise AnsibleEFSError(message="File system {0} does not exist".format(source_id))
    replication = replication_api.get_replication(client, source_id)
    if replication and replication["SourceFileSystemId"] != source_id:
        raise AnsibleEFSError(
            message="File system {0} is the destination of the replication of {1} ({2}), not a source".format(
                source_id, replication["SourceFileSystemId"], replication.get("SourceFileSystemRegion")
            )
        )
    if not replication:
        return {}
    destination = replication["Destinations"][0]
    key_arn = None
    if destination["Status"] != "DELETING":
        remote = fs_api.get_file_system(module.client("efs", region=destination["Region"]), destination["FileSystemId"])
        key_arn = (remote or {}).get("KmsKeyId")
    return plan.replication_view(replication, key_arn)


def wait(module, client, waiter, source_id):
    if module.params["wait"]:
        wait_for(client, waiter, module.params["wait_timeout"], FileSystemId=source_id)


def ensure_present(module, client):
    params = module.params
    source_id = params["source_file_system_id"]
    key_arn = None
    if params["destination_kms_key_id"]:
        kms = module.client("kms", region=params["destination_region"])
        key_arn = fs_api.describe_kms_key_arn(kms, params["destination_kms_key_id"])
    desired = plan.desired_view(source_id, params["destination_region"], params["destination_file_system_id"], key_arn)
    current = read_replication(module, client, source_id)
    if current.get("status") == "DELETING":
        # Being deleted (by an earlier run or by hand): it goes, then the one asked for is created.
        if module.check_mode:
            return True, desired, dict(before=current, after=desired)
        wait_for(client, "replication_deleted", params["wait_timeout"], FileSystemId=source_id)
        current = {}
    if current:
        found = plan.conflicts(current, desired)
        if found:
            raise AnsibleEFSError(message=plan.describe_conflicts(source_id, found))
        return False, current, dict(before=current, after=current)

    diff = dict(before={}, after=desired)
    if module.check_mode:
        return True, desired, diff
    replication_api.create_replication(client, source_id, plan.destination_to_create(desired))
    wait(module, client, "replication_enabled", source_id)
    after = read_replication(module, client, source_id)
    diff["after"] = after
    return True, after, diff


def ensure_absent(module, client):
    source_id = module.params["source_file_system_id"]
    current = read_replication(module, client, source_id)
    if not current:
        return False, {}, dict(before={}, after={})
    if current["status"] == "DELETING":
        # Already on its way out: nothing to ask of EFS, only (maybe) to wait for.
        changed = False
    else:
        changed = True
        if not module.check_mode:
            replication_api.delete_replication(client, source_id)
    if not module.check_mode:
        wait(module, client, "replication_deleted", source_id)
    return changed, {}, dict(before=current, after={})


def argument_spec():
    """The module's options (tests fill module.params from their defaults)."""
    return dict(
        source_file_system_id=dict(type="str", required=True),
        destination_region=dict(type="str"),
        destination_file_system_id=dict(type="str"),
        destination_kms_key_id=dict(type="str"),
        **state_argument_spec(),
        **wait_argument_spec(timeout=900),
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        required_if=[("state", "present", ["destination_region"])],
        # An existing destination keeps the key it was created with.
        mutually_exclusive=[("destination_file_system_id", "destination_kms_key_id")],
        supports_check_mode=True,
    )
    check_identifiers(
        module,
        [
            ("source_file_system_id", "efs_file_system_id"),
            ("destination_region", "region"),
            ("destination_file_system_id", "efs_file_system_id"),
            ("destination_kms_key_id", "kms_key"),
        ],
    )
    client = module.client("efs")

    try:
        if module.params["state"] == "present":
            changed, replication, diff = ensure_present(module, client)
        else:
            changed, replication, diff = ensure_absent(module, client)
    except AnsibleEFSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, replication=replication, diff=diff)


if __name__ == "__main__":
    main()
