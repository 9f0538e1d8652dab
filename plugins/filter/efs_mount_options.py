# -*- coding: utf-8 -*-
# Copyright: jenkins_ha.aws contributors
# Apache License 2.0 (see LICENSE)
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
    return list(extra)


def efs_mount_options(file_system_id, region, efs_utils=False, tls=False, access_point_id=None, iam=False, extra=None):
    """Return the fstab fields (src, fstype, opts) that mount an EFS file system.

    Plain NFSv4.1 (nfs-common only) through the file system's regional DNS name by default; the `efs` type of
    amazon-efs-utils when efs_utils is true, which is required for TLS, access points and IAM authorisation.
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
            "src": f"{file_system_id}.efs.{region}.amazonaws.com:/",
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
        "src": f"{file_system_id}:/",
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


class FilterModule:
    """jenkins_ha.aws EFS mount filters."""

    def filters(self):
        return {
            "efs_mount_options": efs_mount_options,
            "systemd_mount_unit": systemd_mount_unit,
        }
