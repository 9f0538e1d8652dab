"""Compatibility layer: one patch per moto gap this collection hits.

Each patch module exposes ``GAP`` (one line: what stock moto does wrong), ``MOTO_VERSION`` (the version it was
written against), ``apply()`` and ``remove()``. tests/unit/emulator/ proves each gap on stock moto and the fix
with the patch applied. Drop a patch when upstream moto fixes its gap (its test then fails on the stock half).
"""

from __future__ import annotations

import importlib

# Patch modules, in the order they are applied.
PATCHES: tuple[str, ...] = (
    "efs_legacy_tags",
    "efs_backup_policy",
    "efs_mount_target_default_security_group",
    "efs_update_file_system",
    "efs_file_system_policy",
    "efs_default_kms_key",
    "efs_replication",
    "ec2_image_tag_specifications",
    "ec2_nat_gateway_tag_type",
    "ec2_launch_template_tags",
    "ec2_launch_template_version_user_data",
    "ec2_image_block_devices",
    "ec2_snapshot_encryption",
    "ec2_snapshot_create_volume_permission",
    "ec2_image_launch_permission_visibility",
    "autoscaling_metrics_collection",
    "autoscaling_instance_refresh",
    "autoscaling_instance_refresh_rollback",
    "backup_vault_missing_error",
    "backup_selections",
    "backup_jobs",
    "backup_recovery_point_age",
    "efs_contents",
    "backup_restore_failure",
    "acm_imported_chain",
    "elbv2_alb_default_attributes",
    "ec2_security_group_rule_descriptions_return",
    "ec2_network_acl_id_filter",
    "backup_plan_deleted_name",
    "kms_key_deletion_by_arn",
    "iam_ssm_parameter_resources",
    "iam_autoscaling_group_resources",
    "iam_ec2_resource_arns",
    "iam_logs_resources",
    "ec2_vpc_endpoint_private_dns",
    "elbv2_access_log_bucket",
    "autoscaling_replacement_target_groups",
    "autoscaling_unhealthy_replacement",
    "autoscaling_capacity_rebalance_update",
    "autoscaling_update_keeps_mixed_instances_policy",
    "autoscaling_mixed_instances_policy_describe",
    "autoscaling_suspended_launch",
    "autoscaling_force_delete",
)


def load(name):
    return importlib.import_module("{0}.{1}".format(__name__, name))


def apply_all():
    """Apply every patch; returns the names applied."""
    for name in PATCHES:
        load(name).apply()
    return list(PATCHES)


def remove_all():
    for name in reversed(PATCHES):
        load(name).remove()
