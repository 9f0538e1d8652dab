"""efs_mount_options / systemd_mount_unit: one table of (inputs, expected fstab fields or error) cases."""

import shutil
import subprocess
from pathlib import Path

import yaml

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.efs_mount_options import (
    FilterModule,
    efs_mount_options,
    systemd_mount_unit,
)

FS = "fs-0123456789abcdef0"
AP = "fsap-0123456789abcdef0"
NFS = "nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev"

OK_CASES = [
    pytest.param(
        {},
        {"src": f"{FS}.efs.eu-west-1.amazonaws.com:/", "fstype": "nfs4", "opts": NFS},
        id="plain-nfs-aws-recommended",
    ),
    pytest.param(
        {"extra": ["noatime"]},
        {"src": f"{FS}.efs.eu-west-1.amazonaws.com:/", "fstype": "nfs4", "opts": NFS + ",noatime"},
        id="extra-appended",
    ),
    pytest.param(
        {"extra": ["timeo=300", "soft"]},
        {
            "src": f"{FS}.efs.eu-west-1.amazonaws.com:/",
            "fstype": "nfs4",
            "opts": "nfsvers=4.1,rsize=1048576,wsize=1048576,soft,timeo=300,retrans=2,noresvport,_netdev",
        },
        id="extra-replaces-same-key-and-opposite",
    ),
    pytest.param(
        {"efs_utils": True},
        {"src": f"{FS}:/", "fstype": "efs", "opts": "_netdev,noresvport,region=eu-west-1"},
        id="efs-utils-without-tls",
    ),
    pytest.param(
        {"efs_utils": True, "tls": True},
        {"src": f"{FS}:/", "fstype": "efs", "opts": "_netdev,noresvport,tls,region=eu-west-1"},
        id="efs-utils-tls",
    ),
    pytest.param(
        {"efs_utils": True, "tls": True, "access_point_id": AP, "iam": True},
        {
            "src": f"{FS}:/",
            "fstype": "efs",
            "opts": f"_netdev,noresvport,tls,iam,accesspoint={AP},region=eu-west-1",
        },
        id="efs-utils-tls-iam-access-point",
    ),
    pytest.param(
        {"efs_utils": True, "tls": True, "access_point_id": "", "extra": []},
        {"src": f"{FS}:/", "fstype": "efs", "opts": "_netdev,noresvport,tls,region=eu-west-1"},
        id="empty-access-point-means-none",
    ),
    # One data path: plain NFS mounts the directory by name, efs-utils through the access point whose root it is.
    pytest.param(
        {"path": "/jenkins-home"},
        {"src": f"{FS}.efs.eu-west-1.amazonaws.com:/jenkins-home", "fstype": "nfs4", "opts": NFS},
        id="plain-nfs-subdirectory",
    ),
    pytest.param(
        {"efs_utils": True, "tls": True, "iam": True, "access_point_id": AP, "path": "/jenkins-home"},
        {"src": f"{FS}:/", "fstype": "efs", "opts": f"_netdev,noresvport,tls,iam,accesspoint={AP},region=eu-west-1"},
        id="access-point-is-the-subdirectory",
    ),
    pytest.param(
        {"efs_utils": True, "tls": True, "path": "/jenkins-home"},
        {"src": f"{FS}:/jenkins-home", "fstype": "efs", "opts": "_netdev,noresvport,tls,region=eu-west-1"},
        id="efs-utils-subdirectory-without-access-point",
    ),
    pytest.param(
        {"extra": ["lookupcache=positive", "local_locks_are_not_an_option"]},
        {
            "src": f"{FS}.efs.eu-west-1.amazonaws.com:/",
            "fstype": "nfs4",
            "opts": NFS + ",lookupcache=positive,local_locks_are_not_an_option",
        },
        id="only-the-lock-options-are-refused",
    ),
    pytest.param(
        {"region": "us-gov-west-1"},
        {"src": f"{FS}.efs.us-gov-west-1.amazonaws.com:/", "fstype": "nfs4", "opts": NFS},
        id="govcloud-region",
    ),
]

ERROR_CASES = [
    pytest.param({"file_system_id": "fs-XYZ"}, "is not an EFS file system id", id="bad-fs-id"),
    pytest.param({"file_system_id": "fs-1234567"}, "is not an EFS file system id", id="fs-id-too-short"),
    pytest.param({"file_system_id": ""}, "is not an EFS file system id", id="empty-fs-id"),
    pytest.param({"file_system_id": None}, "is not an EFS file system id", id="missing-fs-id"),
    pytest.param({"region": "Europe"}, "is not an AWS region name", id="bad-region"),
    pytest.param(
        {"efs_utils": True, "tls": True, "access_point_id": "ap-123"},
        "is not an EFS access point id",
        id="bad-access-point",
    ),
    pytest.param({"efs_utils": True, "access_point_id": AP}, "need efs_mount_tls: true", id="access-point-without-tls"),
    pytest.param({"efs_utils": True, "iam": True}, "need efs_mount_tls: true", id="iam-without-tls"),
    pytest.param({"tls": True}, "efs_mount_tls needs amazon-efs-utils", id="tls-without-efs-utils"),
    pytest.param({"extra": "noatime"}, "must be a list of mount options", id="extra-not-a-list"),
    pytest.param({"extra": ["noatime,ro"]}, "is not one mount option", id="extra-with-comma"),
    pytest.param({"extra": ["a b"]}, "is not one mount option", id="extra-with-space"),
    pytest.param({"extra": [1]}, "is not one mount option", id="extra-not-a-string"),
    pytest.param({"extra": ["nolock"]}, "makes file locks local to this host", id="nolock"),
    pytest.param({"extra": ["local_lock=all"]}, "makes file locks local to this host", id="local-lock-all"),
    pytest.param({"extra": ["local_lock=flock"]}, "makes file locks local to this host", id="local-lock-flock"),
    pytest.param(
        {"efs_utils": True, "tls": True, "extra": ["nolock"]},
        "makes file locks local to this host",
        id="nolock-with-efs-utils",
    ),
    pytest.param({"path": "jenkins-home"}, "is not a directory of the file system", id="relative-path"),
    pytest.param({"path": "/a/../b"}, "is not a directory of the file system", id="dotdot-path"),
    pytest.param({"path": "/a//b"}, "is not a directory of the file system", id="empty-component"),
    pytest.param({"path": "/a b"}, "is not a directory of the file system", id="space-in-path"),
    pytest.param({"path": None}, "is not a directory of the file system", id="no-path"),
]


def call(overrides):
    options = dict(overrides)
    file_system_id = options.pop("file_system_id", FS)
    region = options.pop("region", "eu-west-1")
    return efs_mount_options(file_system_id, region, **options)


@pytest.mark.parametrize("overrides, expected", OK_CASES)
def test_efs_mount_options(overrides, expected):
    assert call(overrides) == expected


@pytest.mark.parametrize("overrides, message", ERROR_CASES)
def test_efs_mount_options_rejects(overrides, message):
    with pytest.raises(AnsibleFilterError, match=message):
        call(overrides)


UNIT_CASES = [
    ("/var/lib/jenkins", "var-lib-jenkins.mount"),
    ("/var/lib/jenkins/", "var-lib-jenkins.mount"),
    ("//mnt//efs", "mnt-efs.mount"),
    ("/", "-.mount"),
    ("/srv/a-b c", "srv-a\\x2db\\x20c.mount"),
    ("/.hidden/x", "\\x2ehidden-x.mount"),
    ("/mnt/a.b_c:d", "mnt-a.b_c:d.mount"),
    ("/mnt/é", "mnt-\\xc3\\xa9.mount"),
]


@pytest.mark.parametrize("path, unit", UNIT_CASES)
def test_systemd_mount_unit(path, unit):
    assert systemd_mount_unit(path) == unit


@pytest.mark.skipif(not shutil.which("systemd-escape"), reason="systemd-escape not installed")
@pytest.mark.parametrize("path, unit", UNIT_CASES)
def test_systemd_mount_unit_matches_systemd_escape(path, unit):
    escaped = subprocess.run(
        ["systemd-escape", "--path", "--suffix=mount", path], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert systemd_mount_unit(path) == escaped


@pytest.mark.parametrize("path", ["var/lib", "", None, "/a/../b", "/a/./b"])
def test_systemd_mount_unit_rejects(path):
    with pytest.raises(AnsibleFilterError):
        systemd_mount_unit(path)


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {"efs_mount_options", "systemd_mount_unit", "efs_client_policy"}


def served_directory(entry, access_point_root=None):
    """The directory of the file system a mount of `entry` puts on the mount point, as the EFS server resolves it:
    a source path is relative to the access point's root directory when one is used (efs-utils' accesspoint=)."""
    path = entry["src"].split(":", 1)[1]
    uses_access_point = any(o.startswith("accesspoint=") for o in entry["opts"].split(","))
    if not uses_access_point:
        return path
    return (access_point_root.rstrip("/") + path).rstrip("/") or "/"


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param({}, id="plain-nfs"),
        pytest.param({"efs_utils": True, "tls": True, "iam": True, "access_point_id": AP}, id="tls-iam-access-point"),
        pytest.param({"efs_utils": True, "tls": True}, id="tls-without-access-point"),
    ],
)
def test_every_mode_mounts_the_access_point_directory(mode):
    # storage.yml creates the access point with root directory /jenkins-home; the home must be that directory
    # whichever way the image mounts it (before the fix plain NFS mounted the file system's top directory).
    assert (
        served_directory(call(dict(mode, path="/jenkins-home")), access_point_root="/jenkins-home") == "/jenkins-home"
    )


def test_boot_mounts_the_directory_storage_gives_the_access_point():
    """playbooks/boot.yml names JENKINS_HOME's directory of the file system; storage.yml makes it the access point's
    root directory: the two must agree or one mount mode would start Jenkins on another (empty) directory."""
    root = Path(__file__).resolve().parents[3]
    storage = yaml.safe_load((root / "playbooks" / "storage.yml").read_text())[0]
    boot = yaml.safe_load((root / "playbooks" / "boot.yml").read_text())[0]
    controller = next(t for t in boot["tasks"] if t["name"] == "Configure the controller")["block"]
    read = next(t for t in controller if t["name"] == "Read the stack's EFS file system and access point")
    assert read["ansible.builtin.set_fact"]["jenkins_ha_boot_efs"]["home_directory"] == "/jenkins-home"
    assert storage["vars"]["__storage_home_directory"] == "/jenkins-home"
