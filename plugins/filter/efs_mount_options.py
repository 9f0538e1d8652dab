# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn the efs_mount role's variables into an fstab entry and a systemd mount unit name.

Kept in Python (not Jinja) so the rules — AWS's recommended NFSv4.1 options, what amazon-efs-utils needs for TLS,
access points and IAM, and the input checks — are unit-tested in one table (tests/unit/filter/).
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

FILE_SYSTEM_ID = re.compile(r"^fs-[0-9a-f]{8,40}$")
ACCESS_POINT_ID = re.compile(r"^fsap-[0-9a-f]{8,40}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
# One mount option: a flag or key=value, nothing that could split the fstab field or the option list.
OPTION = re.compile(r"^[A-Za-z0-9_.@:/+-]+(=[^\s,]+)?$")

# https://docs.aws.amazon.com/efs/latest/ug/mounting-fs-nfs-mount-settings.html
NFS_OPTIONS = (
    "nfsvers=4.1",
    "rsize=1048576",
    "wsize=1048576",
    "hard",
    "timeo=600",
    "retrans=2",
    "noresvport",
    "_netdev",
)
# amazon-efs-utils adds the NFS options above itself; fstab only carries what selects its features.
EFS_UTILS_OPTIONS = ("_netdev", "noresvport")
# Options that exclude each other: an extra option replaces its opposite instead of being appended next to it.
OPPOSITES = {"hard": "soft", "soft": "hard"}
# Options that make fcntl/flock locks local to this host (nfs(5): "nolock" and "local_lock=…"): the single-writer
# lock on JENKINS_HOME would then no longer exclude a controller on another instance.
HOST_LOCAL_LOCKS = ("nolock", "local_lock")
# A directory of the file system: absolute, no empty, "." or ".." component, nothing that splits the fstab field.
FS_PATH = re.compile(r"^/([A-Za-z0-9_.@+-]+(/[A-Za-z0-9_.@+-]+)*)?$")


def _key(option):
    return option.split("=", 1)[0]


def _merge(defaults, extra):
    """Defaults in their documented order; an extra option with the same key (or the opposite flag) replaces one."""
    merged = list(defaults)
    for option in extra:
        key = _key(option)
        replaced = [i for i, current in enumerate(merged) if _key(current) in (key, OPPOSITES.get(key))]
        if replaced:
            merged[replaced[0]] = option
            for i in reversed(replaced[1:]):
                del merged[i]
        else:
            merged.append(option)
    return merged


def _check_extra(extra):
    if extra is None:
        return []
    if isinstance(extra, str) or not isinstance(extra, (list, tuple)):
        raise AnsibleFilterError(
            f"efs_mount_options_extra must be a list of mount options (e.g. ['noatime']), got {extra!r}"
        )
    for option in extra:
        if not isinstance(option, str) or not OPTION.match(option):
            raise AnsibleFilterError(
                f"efs_mount_options_extra item {option!r} is not one mount option "
                "(a flag or key=value without spaces or commas)"
            )
        if _key(option) in HOST_LOCAL_LOCKS:
            raise AnsibleFilterError(
                f"efs_mount_options_extra item {option!r} makes file locks local to this host: the single-writer "
                "lock on the shared file system would no longer exclude another instance"
            )
    return list(extra)


def _check_path(path):
    if not isinstance(path, str) or not FS_PATH.match(path) or any(p in (".", "..") for p in path.split("/")):
        raise AnsibleFilterError(
            f"efs_mount_file_system_path {path!r} is not a directory of the file system "
            "(absolute and normalised, e.g. / or /jenkins-home)"
        )
    return path


def efs_mount_options(
    file_system_id, region, efs_utils=False, tls=False, access_point_id=None, iam=False, extra=None, path="/"
):
    """Return the fstab fields (src, fstype, opts) that mount an EFS file system.

    Plain NFSv4.1 (nfs-common only) through the file system's regional DNS name by default; the `efs` type of
    amazon-efs-utils when efs_utils is true, which is required for TLS, access points and IAM authorisation.

    `path` is the directory of the file system that appears on the mount point, whatever the mode: plain NFS and
    efs-utils without an access point mount it by name; with an access point, whose root directory it must be, the
    source is the access point's root ("/"), so both modes put the same directory on the mount point.
    """
    if not isinstance(file_system_id, str) or not FILE_SYSTEM_ID.match(file_system_id):
        raise AnsibleFilterError(
            f"efs_mount_file_system_id {file_system_id!r} is not an EFS file system id "
            "(fs- followed by 8 to 40 lowercase hex digits, e.g. fs-0123456789abcdef0)"
        )
    if not isinstance(region, str) or not REGION.match(region):
        raise AnsibleFilterError(f"efs_mount_region {region!r} is not an AWS region name (e.g. eu-west-1)")
    if access_point_id and (not isinstance(access_point_id, str) or not ACCESS_POINT_ID.match(access_point_id)):
        raise AnsibleFilterError(
            f"efs_mount_access_point_id {access_point_id!r} is not an EFS access point id "
            "(fsap- followed by 8 to 40 lowercase hex digits)"
        )
    extra = _check_extra(extra)
    path = _check_path(path)
    needs_tls = [name for name, wanted in (("an access point", access_point_id), ("iam", iam)) if wanted]
    if needs_tls and not tls:
        raise AnsibleFilterError(
            f"EFS mounts with {' and '.join(needs_tls)} need efs_mount_tls: true (amazon-efs-utils refuses them "
            "without TLS)"
        )
    if tls and not efs_utils:
        raise AnsibleFilterError(
            "efs_mount_tls needs amazon-efs-utils: set efs_mount_efs_utils_enabled: true and give its package "
            "source (it is in neither Debian nor PyPI)"
        )

    if not efs_utils:
        return {
            "src": f"{file_system_id}.efs.{region}.amazonaws.com:{path}",
            "fstype": "nfs4",
            "opts": ",".join(_merge(NFS_OPTIONS, extra)),
        }
    features = []
    if tls:
        features.append("tls")
    if iam:
        features.append("iam")
    if access_point_id:
        features.append(f"accesspoint={access_point_id}")
    # The region option spares efs-utils the instance metadata lookup (and pins the DNS name it builds).
    features.append(f"region={region}")
    return {
        # Through an access point the source is relative to its root directory, which is `path`.
        "src": f"{file_system_id}:{'/' if access_point_id else path}",
        "fstype": "efs",
        "opts": ",".join(_merge(EFS_UTILS_OPTIONS + tuple(features), extra)),
    }


def systemd_mount_unit(path):
    """Name of the mount unit systemd derives from a mount point, like `systemd-escape --path --suffix=mount`."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise AnsibleFilterError(f"mount point {path!r} must be an absolute path")
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise AnsibleFilterError(f"mount point {path!r} must be a normalised path (no . or .. components)")
    if not parts:
        return "-.mount"
    escaped = []
    for index, char in enumerate("/".join(parts)):
        if char == "/":
            escaped.append("-")
        elif (char.isascii() and (char.isalnum() or char in ":_.")) and not (index == 0 and char == "."):
            escaped.append(char)
        else:
            escaped.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8"))
    return "".join(escaped) + ".mount"


ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:\S+$")
THROUGH_MOUNT_TARGETS = {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}


def efs_client_policy(file_system_arn, tls, controller_role_arn=None, access_point_arn=None):
    """The EFS file system policy (resource policy) that admits the stack's NFS clients and nobody else.

    tls (jenkins_ha_efs_tls, mounts with amazon-efs-utils' tls,iam through the access point): only the controller
    role, only through a mount target and only through the stack's access point (which maps every user to the
    jenkins uid/gid, so no statement grants root), and nothing at all without TLS.

    Plain NFSv4.1: clients are anonymous to EFS (no IAM identity reaches the server without efs-utils' iam option),
    so no statement can name the controller role; access is limited to clients that reach a mount target (the EFS
    security group admits the controller group only). Root is granted there because the first boot of a stack
    creates the access point's directory (JENKINS_HOME) in the root-owned top directory of the file system; without
    root access EFS squashes root to uid 65534, which cannot create it.
    """
    for name, value in (("file system", file_system_arn), ("controller role", controller_role_arn)):
        if not isinstance(value, str) or not ARN.match(value):
            raise AnsibleFilterError(f"efs_client_policy needs the {name} ARN, got {value!r}")
    if tls:
        if not isinstance(access_point_arn, str) or not ARN.match(access_point_arn):
            raise AnsibleFilterError(
                f"efs_client_policy with TLS needs the access point ARN (mounts go through it), got {access_point_arn!r}"
            )
        statements = [
            {
                "Sid": "ControllerMountsThroughItsAccessPoint",
                "Effect": "Allow",
                "Principal": {"AWS": controller_role_arn},
                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                "Resource": file_system_arn,
                "Condition": {
                    **THROUGH_MOUNT_TARGETS,
                    "StringEquals": {"elasticfilesystem:AccessPointArn": access_point_arn},
                },
            },
            {
                "Sid": "DenyWithoutTLS",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "*",
                "Resource": file_system_arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ]
    else:
        statements = [
            {
                "Sid": "MountThroughMountTargetsOnly",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [
                    "elasticfilesystem:ClientMount",
                    "elasticfilesystem:ClientWrite",
                    "elasticfilesystem:ClientRootAccess",
                ],
                "Resource": file_system_arn,
                "Condition": THROUGH_MOUNT_TARGETS,
            }
        ]
    return {"Version": "2012-10-17", "Statement": statements}


class FilterModule:
    """jenkins_ha.aws EFS mount filters."""

    def filters(self):
        return {
            "efs_mount_options": efs_mount_options,
            "systemd_mount_unit": systemd_mount_unit,
            "efs_client_policy": efs_client_policy,
        }
