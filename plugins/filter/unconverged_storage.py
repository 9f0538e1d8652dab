# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EFS file system, access point and file system policy of storage.yml when this collection's EFS modules would
change (or create) them, from the state the jenkins_ha.aws.efs_file_system_state lookup reads in the controller; the
backup vault and selection from jenkins_ha.aws.aws_read reads.

The decisions are the modules' own: the same views, desired state and comparisons from module_utils/_efs, on the
same reads. Whatever the filters cannot decide the way the module does (a KMS key given by alias, which the module
resolves with KMS, a file system not yet available) counts as a difference, so the module runs.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.tagging import desired_tags, tags_differ
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import transformations as tf
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import PolicyError
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.policy_documents import normalize_policy
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._filter_input import check_dict

FILE_SYSTEM_OPTIONS = (
    "name",
    "encrypted",
    "performance_mode",
    "throughput_mode",
    "lifecycle",
    "backup",
    "mount_targets",
    "tags",
)


def _plain(value):
    """A plain copy of options that came through templating (lazy containers, numbers as text)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _str_tags(tags):
    return None if tags is None else {str(key): str(value) for key, value in dict(tags).items()}


def _is_key_arn(value):
    return isinstance(value, str) and value.startswith("arn:") and ":key/" in value


def unconverged_efs_file_system(desired, state, kms_key_arn=None):
    """``[desired]`` when jenkins_ha.aws.efs_file_system would create or change the file system, else ``[]``.

    ``desired``: the module's options as storage.yml passes them (name, file_system_id, encrypted, performance_mode,
    throughput_mode, provisioned_throughput_in_mibps, lifecycle, backup, mount_targets, tags). ``state``: the
    efs_file_system_state lookup for the same file system. ``kms_key_arn``: the kms_key_id option, compared only when
    it is a key ARN (the module resolves anything else with KMS first).
    """
    check_dict(desired, "unconverged_efs_file_system input", FILE_SYSTEM_OPTIONS)
    check_dict(state, "unconverged_efs_file_system state")
    if not state:
        return [desired]
    params = _plain(desired)
    file_system = state.get("file_system") or {}
    if (
        file_system.get("LifeCycleState") != "available"
        or (params.get("file_system_id") and file_system.get("FileSystemId") != params["file_system_id"])
        or (kms_key_arn and not _is_key_arn(kms_key_arn))
    ):
        return [desired]
    params.setdefault("provisioned_throughput_in_mibps", None)
    if params["throughput_mode"] == "provisioned" and params["provisioned_throughput_in_mibps"] is None:
        return [desired]
    current = tf.file_system_view(
        file_system,
        state.get("tags") or {},
        state.get("lifecycle_policies") or [],
        state.get("backup_status"),
        state.get("mount_targets") or [],
    )
    tags = desired_tags(current.get("tags", {}), _str_tags(params["tags"]), True, forced={"Name": params["name"]})
    wanted = tf.desired_file_system_view(current, params, kms_key_arn or None, tags)
    return [desired] if current != wanted else []


def unconverged_efs_access_point(desired, state):
    """``[desired]`` when jenkins_ha.aws.efs_access_point would create, retag or (refuse to) replace the access point.

    ``desired``: the module's options (file_system_id, name, posix_user, root_directory, tags). ``state``: the
    efs_file_system_state lookup of that file system. Several access points with the name make the module fail: it
    runs, and says so.
    """
    check_dict(desired, "unconverged_efs_access_point input", ("file_system_id", "name", "tags"))
    check_dict(state, "unconverged_efs_access_point state")
    if not state or (state.get("file_system") or {}).get("FileSystemId") != desired["file_system_id"]:
        return [desired]
    params = _plain(desired)
    found = [
        access_point
        for access_point in state.get("access_points") or []
        if access_point.get("Name") == params["name"]
        and access_point.get("LifeCycleState") not in ("deleting", "deleted")
    ]
    if len(found) != 1:
        return [desired]
    current = tf.access_point_view(found[0])
    tags = desired_tags(current.get("tags", {}), _str_tags(params["tags"]), True, forced={"Name": params["name"]})
    return [desired] if current != tf.desired_access_point_view(params, tags) else []


def unconverged_efs_file_system_policy(desired, state):
    """``[desired]`` when jenkins_ha.aws.efs_file_system_policy would write the policy: the live one is not the same
    policy once both are normalised the module's way (statement order, single values, account forms).

    ``desired``: file_system_id and policy (JSON text or a dict). ``state``: the efs_file_system_state lookup.
    """
    check_dict(desired, "unconverged_efs_file_system_policy input", ("file_system_id", "policy"))
    check_dict(state, "unconverged_efs_file_system_policy state")
    if not state or (state.get("file_system") or {}).get("FileSystemId") != desired["file_system_id"]:
        return [desired]
    try:
        wanted = normalize_policy(_plain(desired["policy"]))
        live = normalize_policy(state.get("policy"))
    except PolicyError as e:
        raise AnsibleFilterError("unconverged_efs_file_system_policy: {0}".format(e))
    return [desired] if live != wanted else []


def unconverged_backup_vault(desired, vaults, tags=None):
    """``[desired]`` when amazon.aws.backup_vault would create the vault or change its tags (all it updates on an
    existing vault: the encryption key of a vault cannot change, and the module does not compare it).

    ``desired``: backup_vault_name and tags. ``vaults``: the ``backup_vault_list`` of list_backup_vaults. ``tags``:
    the vault's tags (list_tags), ``None`` when not read.
    """
    check_dict(desired, "unconverged_backup_vault input", ("backup_vault_name", "tags"))
    if not isinstance(vaults, list):
        raise AnsibleFilterError(
            "unconverged_backup_vault vaults must be a list, got {0}".format(type(vaults).__name__)
        )
    found = [v for v in vaults if isinstance(v, dict) and v.get("backup_vault_name") == desired["backup_vault_name"]]
    if len(found) != 1 or tags is None or tags_differ(tags, desired["tags"]):
        return [desired]
    return []


# What AWS answers for a selection made without conditions, and the module takes for "none" (check_for_update).
NO_CONDITIONS = {"string_equals": [], "string_like": [], "string_not_equals": [], "string_not_like": []}


def unconverged_backup_selection(desired, selection):
    """``[desired]`` when amazon.aws.backup_selection would create the selection or replace it (its update deletes
    and re-creates), else ``[]``.

    ``desired``: backup_selection_name, iam_role_arn and resources (no tags, conditions or exclusions: any of those
    options makes the filter answer "differs"). ``selection``: ``{}`` when the plan has no selection of that name,
    else the ``backup_selection`` of get_backup_selection. Compared as the module's check_for_update does: the role,
    the resources in order, and no tags, exclusions or conditions.
    """
    check_dict(desired, "unconverged_backup_selection input", ("backup_selection_name", "iam_role_arn", "resources"))
    check_dict(selection, "unconverged_backup_selection selection")
    if (
        not selection
        or set(desired) - {"backup_selection_name", "iam_role_arn", "resources"}
        or selection.get("selection_name") != desired["backup_selection_name"]
        or selection.get("iam_role_arn") != desired["iam_role_arn"]
        or list(selection.get("resources") or []) != list(desired["resources"] or [])
        or selection.get("list_of_tags") not in (None, [])
        or selection.get("not_resources") not in (None, [])
        or selection.get("conditions") not in (None, [], NO_CONDITIONS)
    ):
        return [desired]
    return []


class FilterModule:
    def filters(self):
        return {
            "unconverged_efs_file_system": unconverged_efs_file_system,
            "unconverged_efs_access_point": unconverged_efs_access_point,
            "unconverged_efs_file_system_policy": unconverged_efs_file_system_policy,
            "unconverged_backup_vault": unconverged_backup_vault,
            "unconverged_backup_selection": unconverged_backup_selection,
        }
