#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: efs_file_system
version_added: 0.1.0
short_description: Manage an Amazon EFS file system, its mount targets, lifecycle and backup policy
description:
  - Create, update or delete an Amazon EFS file system identified by its C(Name) tag, or by its id (O(file_system_id)).
  - Unlike M(community.aws.efs), supports the C(elastic) throughput mode, all lifecycle transitions (Infrequent Access,
    Archive, back to primary storage), the automatic backup policy, and converges mount targets including their
    security groups.
  - The creation token is derived from O(name), so repeated runs and retries never create a second file system.
  - Encryption, the KMS key and the performance mode cannot be changed once the file system exists; asking for a
    different value fails with a message naming the attribute instead of being silently ignored.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  name:
    description:
      - Name of the file system, stored as its C(Name) tag; identifies the file system.
      - The creation token is O(name) itself when it fits in 64 ASCII characters, else a prefix plus a hash of it.
    required: true
    type: str
  file_system_id:
    description:
      - Converge this existing file system instead of looking it up by O(name); O(name) is then only its C(Name) tag.
      - For a file system whose creation token is not O(name), such as one AWS Backup restored. With
        O(state=present) the module fails when no live file system has this id (it never creates one); with
        O(state=absent) a missing one is not a change.
    type: str
    version_added: 0.2.0
  state:
    description:
      - C(present) creates or updates the file system, C(absent) deletes it together with its mount targets and
        access points (and so all data on it).
    choices: [present, absent]
    default: present
    type: str
  encrypted:
    description:
      - Encrypt the file system at rest. Immutable.
    type: bool
    default: true
  kms_key_id:
    description:
      - KMS key (id, ARN, alias name or alias ARN) used for encryption. Immutable.
      - When unset, EFS uses the AWS managed key C(aws/elasticfilesystem) and an existing key is not compared.
    type: str
  performance_mode:
    description:
      - Performance mode. Immutable.
    choices: [generalPurpose, maxIO]
    default: generalPurpose
    type: str
  throughput_mode:
    description:
      - Throughput mode. AWS limits how often it can be changed (see the EFS quotas).
    choices: [elastic, bursting, provisioned]
    default: elastic
    type: str
  provisioned_throughput_in_mibps:
    description:
      - Provisioned throughput in MiB/s. Required when O(throughput_mode=provisioned), not allowed otherwise.
    type: float
  lifecycle:
    description:
      - Lifecycle management. Rules left unset are removed; V({}) removes all rules.
      - When O(lifecycle) is not given, the current lifecycle configuration is left alone.
    type: dict
    suboptions:
      transition_to_ia:
        description: Move files not accessed for this long to Infrequent Access storage.
        type: str
        choices: [AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS,
                  AFTER_180_DAYS, AFTER_270_DAYS, AFTER_365_DAYS]
      transition_to_primary_storage_class:
        description: Move files back to primary storage on first access.
        type: str
        choices: [AFTER_1_ACCESS]
      transition_to_archive:
        description: Move files not accessed for this long to Archive storage (needs O(throughput_mode=elastic)).
        type: str
        choices: [AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS,
                  AFTER_180_DAYS, AFTER_270_DAYS, AFTER_365_DAYS]
  backup:
    description:
      - Turn automatic AWS Backup backups of the file system on or off (PutBackupPolicy).
      - When not given, the current backup policy is left alone.
    type: bool
  mount_targets:
    description:
      - The complete list of mount targets, one per subnet (at most one per Availability Zone).
      - Missing mount targets are created, security groups updated, and mount targets in other subnets deleted.
      - When not given, mount targets are left alone.
    type: list
    elements: dict
    suboptions:
      subnet_id:
        description: Subnet of the mount target.
        type: str
        required: true
      security_groups:
        description:
          - Security group ids of the mount target (at most 5).
          - When not given, the VPC default security group is used for a new mount target and an existing one keeps
            its groups.
        type: list
        elements: str
  wait_timeout:
    default: 600  # the rest from jenkins_ha.aws.wait
notes:
  - With O(wait=true), also waits for new mount targets to become available.
  - A new file system is always waited for before its lifecycle and mount targets are configured, and deleting
    a file system always waits for its mount targets to disappear first, because EFS refuses both otherwise.
extends_documentation_fragment:
  - jenkins_ha.aws.attributes
  - jenkins_ha.aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Encrypted file system for JENKINS_HOME with mount targets in two subnets
  jenkins_ha.aws.efs_file_system:
    name: jenkins-home
    throughput_mode: elastic
    lifecycle:
      transition_to_ia: AFTER_30_DAYS
      transition_to_primary_storage_class: AFTER_1_ACCESS
    backup: true
    mount_targets:
      - subnet_id: subnet-0123456789abcdef0
        security_groups: [sg-0123456789abcdef0]
      - subnet_id: subnet-0fedcba9876543210
        security_groups: [sg-0123456789abcdef0]
    tags:
      jenkins-ha:stack: prod
  register: jenkins_home

- name: Converge a restored file system, named after the one it replaces
  jenkins_ha.aws.efs_file_system:
    name: jenkins-home
    file_system_id: fs-0fedcba9876543210
    tags:
      jenkins-ha:stack: prod

- name: Delete the file system and its mount targets
  jenkins_ha.aws.efs_file_system:
    name: jenkins-home
    state: absent
"""

RETURN = r"""
file_system:
  description: The file system; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    file_system_id:
      description: File system id.
      type: str
      sample: fs-0123456789abcdef0
    file_system_arn:
      description: File system ARN.
      type: str
    name:
      description: Value of the Name tag.
      type: str
    creation_token:
      description: Creation token.
      type: str
    dns_name:
      description: Regional DNS name to mount.
      type: str
      sample: fs-0123456789abcdef0.efs.us-east-1.amazonaws.com
    life_cycle_state:
      description: Lifecycle state (creating, available, updating, deleting, deleted, error).
      type: str
    performance_mode:
      description: Performance mode.
      type: str
    throughput_mode:
      description: Throughput mode.
      type: str
    provisioned_throughput_in_mibps:
      description: Provisioned throughput (provisioned mode only).
      type: float
    encrypted:
      description: Whether the file system is encrypted.
      type: bool
    kms_key_id:
      description: ARN of the KMS key.
      type: str
    lifecycle:
      description: Lifecycle rules, as the O(lifecycle) option.
      type: dict
    backup:
      description: Whether automatic backups are on.
      type: bool
    mount_targets:
      description: Mount targets with their security groups.
      type: list
      elements: dict
      sample: [{"mount_target_id": "fsmt-0123", "subnet_id": "subnet-0123", "ip_address": "10.0.1.4",
                "availability_zone_name": "us-east-1a", "life_cycle_state": "available", "security_groups": ["sg-0"]}]
    tags:
      description: Tags.
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import state_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import tags_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.argument_specs import wait_argument_spec
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import access_points as ap_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import file_systems as fs_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import mount_targets as mt_api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import transformations as tf
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import desired_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.tagging import ensure_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.tagging import list_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.waiters import wait_for

LIFECYCLE_RULES = [
    "AFTER_1_DAY",
    "AFTER_7_DAYS",
    "AFTER_14_DAYS",
    "AFTER_30_DAYS",
    "AFTER_60_DAYS",
    "AFTER_90_DAYS",
    "AFTER_180_DAYS",
    "AFTER_270_DAYS",
    "AFTER_365_DAYS",
]


def find_file_system(client, name):
    """The file system with our creation token, else the one whose Name tag is name; fails if that is ambiguous."""
    by_token = fs_api.describe_file_systems(client, creation_token=tf.creation_token_for(name))
    live = [fs for fs in by_token if fs.get("LifeCycleState") not in ("deleting", "deleted")]
    if live:
        return live[0]
    by_name = [
        fs
        for fs in fs_api.describe_file_systems(client)
        if fs.get("Name") == name and fs.get("LifeCycleState") not in ("deleting", "deleted")
    ]
    if len(by_name) > 1:
        ids = ", ".join(fs["FileSystemId"] for fs in by_name)
        raise AnsibleEFSError(message="More than one file system is named {0}: {1}".format(name, ids))
    return by_name[0] if by_name else None


def find_by_id(client, file_system_id):
    """The live file system with this id, else None."""
    found = [
        fs
        for fs in fs_api.describe_file_systems(client, file_system_id=file_system_id)
        if fs.get("LifeCycleState") not in ("deleting", "deleted")
    ]
    return found[0] if found else None


def find_target(client, params):
    """The file system the module acts on: by id when given, else by name."""
    if params.get("file_system_id"):
        return find_by_id(client, params["file_system_id"])
    return find_file_system(client, params["name"])


def read_state(client, file_system):
    """Everything the module manages about an existing file system, in API shape."""
    fs_id = file_system["FileSystemId"]
    return dict(
        file_system=file_system,
        tags=list_tags(client, fs_id),
        lifecycle_policies=fs_api.describe_lifecycle_policies(client, fs_id),
        backup_status=fs_api.describe_backup_status(client, fs_id),
        mount_targets=mt_api.describe_mount_targets_with_security_groups(client, fs_id),
    )


def view_of(state):
    return tf.file_system_view(
        state["file_system"], state["tags"], state["lifecycle_policies"], state["backup_status"], state["mount_targets"]
    )


def result_of(state):
    if not state:
        return {}
    return tf.normalize_file_system(
        state["file_system"], state["mount_targets"], state["tags"], state["lifecycle_policies"], state["backup_status"]
    )


def converge_mount_targets(module, client, fs_id, current, desired):
    to_create, to_modify, to_delete = tf.mount_target_changes(current["mount_targets"], desired["mount_targets"])
    if module.check_mode or not (to_create or to_modify or to_delete):
        return
    timeout = module.params["wait_timeout"]
    existing = {mt["SubnetId"]: mt for mt in mt_api.describe_mount_targets(client, fs_id)}
    # Delete first: a subnet swap within one Availability Zone needs the old mount target gone.
    for mount_target in to_delete:
        mt_id = existing[mount_target["subnet_id"]]["MountTargetId"]
        mt_api.delete_mount_target(client, mt_id)
        wait_for(client, "mount_target_deleted", timeout, MountTargetId=mt_id)
    for mount_target in to_modify:
        mt_id = existing[mount_target["subnet_id"]]["MountTargetId"]
        mt_api.modify_mount_target_security_groups(client, mt_id, mount_target["security_groups"])
    for mount_target in to_create:
        mt_api.create_mount_target(client, fs_id, mount_target["subnet_id"], mount_target["security_groups"])
    if to_create and module.params["wait"]:
        wait_for(client, "mount_targets_available", timeout, FileSystemId=fs_id)


def apply_changes(module, client, fs_id, current, desired):
    """Make an existing file system match desired (both views); nothing is called in check mode."""
    if module.check_mode:
        return
    throughput_changed = current.get("throughput_mode") != desired["throughput_mode"] or current.get(
        "provisioned_throughput_in_mibps"
    ) != desired.get("provisioned_throughput_in_mibps")
    if throughput_changed:
        params = dict(ThroughputMode=desired["throughput_mode"])
        if desired["throughput_mode"] == "provisioned":
            params["ProvisionedThroughputInMibps"] = desired["provisioned_throughput_in_mibps"]
        fs_api.update_file_system(client, fs_id, **params)
    if current.get("lifecycle") != desired["lifecycle"]:
        fs_api.put_lifecycle_policies(client, fs_id, tf.lifecycle_to_policies(desired["lifecycle"]))
    if current.get("backup") != desired["backup"]:
        fs_api.put_backup_policy(client, fs_id, desired["backup"])
    ensure_tags(client, fs_id, current.get("tags", {}), desired["tags"], check_mode=False)


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    kms_key_arn = None
    if params["kms_key_id"]:
        kms_key_arn = fs_api.describe_kms_key_arn(module.client("kms"), params["kms_key_id"])

    file_system = find_target(client, params)
    if params["file_system_id"] and not file_system:
        raise AnsibleEFSError(
            message="File system {0} does not exist (or is being deleted): file_system_id converges an existing file "
            "system and never creates one; leave it out to create {1} by name".format(params["file_system_id"], name)
        )
    if file_system and file_system.get("LifeCycleState") != "available" and not module.check_mode:
        # A file system still being created or updated (e.g. by an interrupted run) refuses changes until available.
        wait_for(client, "file_system_available", params["wait_timeout"], FileSystemId=file_system["FileSystemId"])
        file_system = fs_api.get_file_system(client, file_system["FileSystemId"])
    state = read_state(client, file_system) if file_system else None
    current = view_of(state) if state else tf.empty_file_system_view()
    tags = desired_tags(current.get("tags", {}), params["tags"], params["purge_tags"], forced={"Name": name})
    desired = tf.desired_file_system_view(current, params, kms_key_arn, tags)

    immutable = tf.immutable_differences(current, desired, tf.FILE_SYSTEM_IMMUTABLE)
    if immutable:
        details = ", ".join("{0}: {1!r} -> {2!r}".format(k, current.get(k), desired.get(k)) for k in immutable)
        raise AnsibleEFSError(
            message="File system {0} ({1}) cannot change {2} after creation ({3}); create a new file system and "
            "migrate the data instead".format(name, file_system["FileSystemId"], ", ".join(immutable), details)
        )

    changed = current != desired
    diff = dict(before=current, after=desired)
    if not changed or module.check_mode:
        return changed, result_of(state) if state else {}, diff

    if not file_system:
        created = fs_api.create_file_system(
            client, **tf.create_file_system_params(params, tf.creation_token_for(name), tags)
        )
        fs_id = created["FileSystemId"]
        # Mount targets and the lifecycle configuration need an available file system.
        wait_for(client, "file_system_available", params["wait_timeout"], FileSystemId=fs_id)
        state = read_state(client, fs_api.get_file_system(client, fs_id))
        current = view_of(state)
    fs_id = state["file_system"]["FileSystemId"]
    apply_changes(module, client, fs_id, current, desired)
    converge_mount_targets(module, client, fs_id, current, desired)
    state = read_state(client, fs_api.get_file_system(client, fs_id))
    diff["after"] = view_of(state)
    return True, result_of(state), diff


def ensure_absent(module, client):
    file_system = find_target(client, module.params)
    if not file_system:
        return False, {}, dict(before={}, after={})
    state = read_state(client, file_system)
    diff = dict(before=view_of(state), after={})
    if module.check_mode:
        return True, {}, diff
    fs_id = file_system["FileSystemId"]
    timeout = module.params["wait_timeout"]
    for mount_target in state["mount_targets"]:
        mt_api.delete_mount_target(client, mount_target["MountTargetId"])
    # DeleteFileSystem refuses a file system that still has access points (the console deletes them for you).
    for access_point in ap_api.describe_access_points(client, file_system_id=fs_id):
        ap_api.delete_access_point(client, access_point["AccessPointId"])
        wait_for(client, "access_point_deleted", timeout, AccessPointId=access_point["AccessPointId"])
    for mount_target in state["mount_targets"]:
        wait_for(client, "mount_target_deleted", timeout, MountTargetId=mount_target["MountTargetId"])
    fs_api.delete_file_system(client, fs_id)
    if module.params["wait"]:
        wait_for(client, "file_system_deleted", timeout, FileSystemId=fs_id)
    return True, {}, diff


def validate(module):
    params = module.params
    if params["throughput_mode"] != "provisioned" and params["provisioned_throughput_in_mibps"] is not None:
        module.fail_json(msg="provisioned_throughput_in_mibps is only valid with throughput_mode=provisioned")
    if params["kms_key_id"] and not params["encrypted"]:
        module.fail_json(msg="kms_key_id requires encrypted=true")
    subnets = [mt["subnet_id"] for mt in params["mount_targets"] or []]
    if len(subnets) != len(set(subnets)):
        module.fail_json(msg="mount_targets lists a subnet more than once")


def argument_spec():
    """The module's options (tests fill module.params from their defaults)."""
    lifecycle_options = dict(
        transition_to_ia=dict(type="str", choices=LIFECYCLE_RULES),
        transition_to_primary_storage_class=dict(type="str", choices=["AFTER_1_ACCESS"]),
        transition_to_archive=dict(type="str", choices=LIFECYCLE_RULES),
    )
    mount_target_options = dict(
        subnet_id=dict(type="str", required=True),
        security_groups=dict(type="list", elements="str"),
    )
    return dict(
        name=dict(type="str", required=True),
        file_system_id=dict(type="str"),
        encrypted=dict(type="bool", default=True),
        kms_key_id=dict(type="str"),
        performance_mode=dict(type="str", default="generalPurpose", choices=["generalPurpose", "maxIO"]),
        throughput_mode=dict(type="str", default="elastic", choices=["elastic", "bursting", "provisioned"]),
        provisioned_throughput_in_mibps=dict(type="float"),
        lifecycle=dict(type="dict", options=lifecycle_options),
        backup=dict(type="bool"),
        mount_targets=dict(type="list", elements="dict", options=mount_target_options),
        **state_argument_spec(),
        **tags_argument_spec(),
        **wait_argument_spec(timeout=600),
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        required_if=[("throughput_mode", "provisioned", ["provisioned_throughput_in_mibps"])],
        supports_check_mode=True,
    )
    validate(module)
    client = module.client("efs")

    try:
        if module.params["state"] == "present":
            changed, file_system, diff = ensure_present(module, client)
        else:
            changed, file_system, diff = ensure_absent(module, client)
    except AnsibleEFSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, file_system=file_system, diff=diff)


if __name__ == "__main__":
    main()
