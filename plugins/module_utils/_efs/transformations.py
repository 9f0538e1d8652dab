# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure EFS logic, no AWS calls: option-shaped views of resources, desired state, and what differs.

A "view" is a resource described with the module's option names, so that current and desired state compare with ==
and print as a readable diff.
"""

import hashlib

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.transformation import boto3_resource_to_ansible_dict

CREATION_TOKEN_MAX = 64

LIFECYCLE_KEYS = (
    ("transition_to_ia", "TransitionToIA"),
    ("transition_to_primary_storage_class", "TransitionToPrimaryStorageClass"),
    ("transition_to_archive", "TransitionToArchive"),
)

FILE_SYSTEM_IMMUTABLE = ("encrypted", "kms_key_id", "performance_mode")
ACCESS_POINT_IMMUTABLE = ("posix_user", "root_directory")


def creation_token_for(name):
    """The CreationToken that identifies the file system called name (EFS allows 64 ASCII characters)."""
    if len(name) <= CREATION_TOKEN_MAX and name.isascii():
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    prefix = name.encode("ascii", "ignore").decode("ascii")[: CREATION_TOKEN_MAX - len(digest) - 1]
    return "{0}-{1}".format(prefix, digest)


# ---- lifecycle -------------------------------------------------------------------------------------------------------


def lifecycle_to_policies(lifecycle):
    """{transition_to_ia: AFTER_30_DAYS, ...} -> [{TransitionToIA: AFTER_30_DAYS}, ...] (one rule per policy)."""
    lifecycle = lifecycle or {}
    return [{api: lifecycle[option]} for option, api in LIFECYCLE_KEYS if lifecycle.get(option)]


def policies_to_lifecycle(policies):
    lifecycle = {}
    for policy in policies or []:
        for option, api in LIFECYCLE_KEYS:
            if policy.get(api):
                lifecycle[option] = policy[api]
    return lifecycle


def backup_enabled(status):
    """DescribeBackupPolicy status -> bool; a file system without a policy has no automatic backups."""
    return status in ("ENABLED", "ENABLING")


# ---- file systems ----------------------------------------------------------------------------------------------------


def _mount_target_views(mount_targets):
    views = [
        dict(subnet_id=mt["SubnetId"], security_groups=sorted(mt.get("SecurityGroups") or []))
        for mt in mount_targets or []
        if mt.get("LifeCycleState") not in ("deleting", "deleted")
    ]
    return sorted(views, key=lambda mt: mt["subnet_id"])


def file_system_view(file_system, tags, lifecycle_policies, backup_status, mount_targets):
    """Option-shaped view of an existing file system and its sub-resources."""
    throughput_mode = file_system.get("ThroughputMode")
    provisioned = file_system.get("ProvisionedThroughputInMibps") if throughput_mode == "provisioned" else None
    return dict(
        encrypted=bool(file_system.get("Encrypted")),
        kms_key_id=file_system.get("KmsKeyId"),
        performance_mode=file_system.get("PerformanceMode"),
        throughput_mode=throughput_mode,
        provisioned_throughput_in_mibps=float(provisioned) if provisioned is not None else None,
        lifecycle=policies_to_lifecycle(lifecycle_policies),
        backup=backup_enabled(backup_status),
        mount_targets=_mount_target_views(mount_targets),
        tags=dict(tags or {}),
    )


def empty_file_system_view():
    """What a file system that does not exist yet looks like, for the 'before' side of a diff."""
    return {}


def desired_file_system_view(current, params, kms_key_arn, tags):
    """Merge the module options over the current view: options left unset keep what exists.

    current is {} for a file system still to be created; kms_key_arn is kms_key_id resolved to an ARN (or None);
    tags is the full desired tag dict (see tagging.desired_tags).
    """
    desired = dict(current)
    desired.update(
        encrypted=params["encrypted"],
        performance_mode=params["performance_mode"],
        throughput_mode=params["throughput_mode"],
        tags=tags,
    )
    if kms_key_arn:
        desired["kms_key_id"] = kms_key_arn
    else:
        # Unset means "the AWS managed key" when encrypted: keep what AWS reports.
        desired["kms_key_id"] = current.get("kms_key_id")
    if params["throughput_mode"] == "provisioned":
        desired["provisioned_throughput_in_mibps"] = float(params["provisioned_throughput_in_mibps"])
    else:
        desired["provisioned_throughput_in_mibps"] = None
    if params.get("lifecycle") is not None:
        desired["lifecycle"] = policies_to_lifecycle(lifecycle_to_policies(params["lifecycle"]))
    elif "lifecycle" not in desired:
        desired["lifecycle"] = {}
    if params.get("backup") is not None:
        desired["backup"] = params["backup"]
    elif "backup" not in desired:
        desired["backup"] = False
    if params.get("mount_targets") is not None:
        desired["mount_targets"] = desired_mount_targets(current.get("mount_targets", []), params["mount_targets"])
    elif "mount_targets" not in desired:
        desired["mount_targets"] = []
    return desired


def desired_mount_targets(current, requested):
    """Requested mount targets as views; security_groups left unset keep the current ones (or AWS's default)."""
    current_by_subnet = {mt["subnet_id"]: mt for mt in current}
    views = []
    for mount_target in requested:
        subnet_id = mount_target["subnet_id"]
        security_groups = mount_target.get("security_groups")
        if security_groups is None:
            security_groups = current_by_subnet.get(subnet_id, {}).get("security_groups", [])
        views.append(dict(subnet_id=subnet_id, security_groups=sorted(set(security_groups))))
    return sorted(views, key=lambda mt: mt["subnet_id"])


def immutable_differences(current, desired, keys):
    """Names of immutable attributes whose desired value differs from an existing resource's."""
    if not current:
        return []
    return [key for key in keys if current.get(key) != desired.get(key)]


def mount_target_changes(current, desired):
    """(to_create, to_modify, to_delete) lists of mount target views, keyed by subnet."""
    current_by_subnet = {mt["subnet_id"]: mt for mt in current}
    desired_by_subnet = {mt["subnet_id"]: mt for mt in desired}
    to_create = [mt for subnet, mt in desired_by_subnet.items() if subnet not in current_by_subnet]
    to_delete = [mt for subnet, mt in current_by_subnet.items() if subnet not in desired_by_subnet]
    to_modify = [
        mt
        for subnet, mt in desired_by_subnet.items()
        if subnet in current_by_subnet and mt["security_groups"] != current_by_subnet[subnet]["security_groups"]
    ]
    return to_create, to_modify, to_delete


def create_file_system_params(params, creation_token, tags):
    """CreateFileSystem arguments from module options."""
    args = dict(
        CreationToken=creation_token,
        PerformanceMode=params["performance_mode"],
        Encrypted=params["encrypted"],
        ThroughputMode=params["throughput_mode"],
        Tags=[dict(Key=k, Value=v) for k, v in sorted(tags.items())],
    )
    if params.get("kms_key_id"):
        args["KmsKeyId"] = params["kms_key_id"]
    if params["throughput_mode"] == "provisioned":
        args["ProvisionedThroughputInMibps"] = float(params["provisioned_throughput_in_mibps"])
    if params.get("backup") is not None:
        args["Backup"] = params["backup"]
    return args


def normalize_file_system(file_system, mount_targets=None, tags=None, lifecycle_policies=None, backup_status=None):
    """describe_file_systems output (+ sub-resources) -> the module's snake_case return value."""
    if not file_system:
        return {}
    resource = dict(file_system)
    if tags is not None:
        resource["Tags"] = [dict(Key=k, Value=v) for k, v in tags.items()]
    result = boto3_resource_to_ansible_dict(resource)
    result["tags"] = dict(tags) if tags is not None else result.get("tags", {})
    result["dns_name"] = dns_name(file_system)
    if mount_targets is not None:
        result["mount_targets"] = [boto3_resource_to_ansible_dict(mt, force_tags=False) for mt in mount_targets]
    if lifecycle_policies is not None:
        result["lifecycle"] = policies_to_lifecycle(lifecycle_policies)
    if backup_status is not None or lifecycle_policies is not None:
        result["backup"] = backup_enabled(backup_status)
    return result


def dns_name(file_system):
    """The regional DNS name clients mount (<id>.efs.<region>.amazonaws.com), derived from the ARN's partition."""
    arn = file_system.get("FileSystemArn", "")
    parts = arn.split(":")
    if len(parts) < 4 or not parts[3]:
        return None
    suffix = "amazonaws.com.cn" if parts[1] == "aws-cn" else "amazonaws.com"
    return "{0}.efs.{1}.{2}".format(file_system["FileSystemId"], parts[3], suffix)


# ---- access points ---------------------------------------------------------------------------------------------------


def _permissions(value):
    """'750', '0750' and 750 all mean the same mode bits; compare them as a 4-digit octal string."""
    if value is None:
        return None
    return "{0:04o}".format(int(str(value), 8))


def posix_user_view(posix_user):
    if not posix_user:
        return None
    return dict(
        uid=int(posix_user["uid"]),
        gid=int(posix_user["gid"]),
        secondary_gids=sorted(set(int(g) for g in posix_user.get("secondary_gids") or [])),
    )


def root_directory_view(root_directory):
    """The API reports '/' without creation info when no root directory was given."""
    root_directory = root_directory or {}
    creation_info = root_directory.get("creation_info")
    if creation_info:
        creation_info = dict(
            owner_uid=int(creation_info["owner_uid"]),
            owner_gid=int(creation_info["owner_gid"]),
            permissions=_permissions(creation_info["permissions"]),
        )
    return dict(path=root_directory.get("path") or "/", creation_info=creation_info or None)


def access_point_view(access_point, tags=None):
    """Option-shaped view of an existing access point (describe_access_points item)."""
    posix = access_point.get("PosixUser")
    root = access_point.get("RootDirectory") or {}
    creation_info = root.get("CreationInfo")
    return dict(
        file_system_id=access_point.get("FileSystemId"),
        posix_user=posix_user_view(
            dict(uid=posix["Uid"], gid=posix["Gid"], secondary_gids=posix.get("SecondaryGids")) if posix else None
        ),
        root_directory=root_directory_view(
            dict(
                path=root.get("Path"),
                creation_info=(
                    dict(
                        owner_uid=creation_info["OwnerUid"],
                        owner_gid=creation_info["OwnerGid"],
                        permissions=creation_info["Permissions"],
                    )
                    if creation_info
                    else None
                ),
            )
        ),
        tags=dict(tags if tags is not None else boto3_tag_list_to_ansible_dict(access_point.get("Tags"))),
    )


def desired_access_point_view(params, tags):
    return dict(
        file_system_id=params["file_system_id"],
        posix_user=posix_user_view(params.get("posix_user")),
        root_directory=root_directory_view(params.get("root_directory")),
        tags=tags,
    )


def create_access_point_params(params, tags, client_token):
    args = dict(
        ClientToken=client_token,
        FileSystemId=params["file_system_id"],
        Tags=[dict(Key=k, Value=v) for k, v in sorted(tags.items())],
    )
    posix_user = params.get("posix_user")
    if posix_user:
        args["PosixUser"] = dict(Uid=int(posix_user["uid"]), Gid=int(posix_user["gid"]))
        if posix_user.get("secondary_gids"):
            args["PosixUser"]["SecondaryGids"] = sorted(set(int(g) for g in posix_user["secondary_gids"]))
    root_directory = params.get("root_directory")
    if root_directory:
        args["RootDirectory"] = dict(Path=root_directory.get("path") or "/")
        creation_info = root_directory.get("creation_info")
        if creation_info:
            args["RootDirectory"]["CreationInfo"] = dict(
                OwnerUid=int(creation_info["owner_uid"]),
                OwnerGid=int(creation_info["owner_gid"]),
                Permissions=str(creation_info["permissions"]),
            )
    return args


def normalize_access_point(access_point, tags=None):
    if not access_point:
        return {}
    result = boto3_resource_to_ansible_dict(access_point)
    if tags is not None:
        result["tags"] = dict(tags)
    return result
