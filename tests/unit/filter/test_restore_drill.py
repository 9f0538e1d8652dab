"""restore_drill filters: the point a drill restores, what the reader found, the report and its verdict."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.restore_drill import (
    marker_name,
    restore_drill_file_system,
    restore_drill_home,
    restore_drill_point,
    restore_drill_report,
)

FS = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
MARKER_TIME = "2026-12-06T21:00:00+00:00"
NONCE = "0123456789abcdef0123"
MARKER = ".jenkins-ha-restore-drill-" + NONCE


def rp(name, created, status="COMPLETED", resource=FS):
    return {"recovery_point_arn": "rp-" + name, "creation_date": created, "status": status, "resource_arn": resource}


# backup_recovery_point_info chose the newest COMPLETED point of the file system (its own table tests, in
# tests/unit/housekeeping/test_backup_recovery_point_info.py); the drill only weighs it against the marker.
@pytest.mark.parametrize(
    "latest, after, age",
    [
        (None, False, None),
        (rp("a", "2026-12-06T20:00:00+00:00"), False, 3600.0),
        (rp("b", "2026-12-06T21:00:05Z"), True, -5.0),
        # A point taken at the marker's second counts as after it.
        (rp("b", "2026-12-06T21:00:00+00:00"), True, 0.0),
        # Offsets are compared as instants.
        (rp("a", "2026-12-06T22:30:00+01:00"), True, -1800.0),
    ],
)
def test_point_is_weighed_against_the_marker(latest, after, age):
    result = restore_drill_point(latest, MARKER_TIME)
    assert result["point"] == latest
    assert result["after_marker"] is after
    assert result["age_at_marker_seconds"] == age


@pytest.mark.parametrize(
    "latest, marker_time",
    [
        ([rp("a", MARKER_TIME)], MARKER_TIME),  # the whole listing instead of latest_completed
        (rp("a", MARKER_TIME, "PARTIAL"), MARKER_TIME),
        (rp("a", "yesterday"), MARKER_TIME),
        (rp("a", MARKER_TIME), "2026-12-06T21:00:00"),
        (None, None),
    ],
)
def test_point_refuses_malformed_input(latest, marker_time):
    with pytest.raises(AnsibleFilterError):
        restore_drill_point(latest, marker_time)


@pytest.mark.parametrize(
    "job, file_system",
    [
        ({"status": "COMPLETED", "created_resource_arn": FS}, "fs-0123456789abcdef0"),
        (
            {"status": "COMPLETED", "created_resource_arn": FS.replace("arn:aws:", "arn:aws-us-gov:")},
            "fs-0123456789abcdef0",
        ),
        # A failed job has no created resource: the drill falls back to the creation token it chose.
        ({"status": "FAILED"}, ""),
        ({}, ""),
        (None, ""),
    ],
)
def test_the_restored_file_system_is_the_one_the_job_created(job, file_system):
    assert restore_drill_file_system(job) == file_system


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0", "fs-0123456789abcdef0"],
)
def test_a_created_resource_that_is_no_file_system_is_refused(arn):
    with pytest.raises(AnsibleFilterError, match="not an EFS file system ARN"):
        restore_drill_file_system({"created_resource_arn": arn})


def test_a_restore_job_that_is_no_dict_is_refused():
    with pytest.raises(AnsibleFilterError, match="expects the restore job"):
        restore_drill_file_system("rj-1")


HOME = "aws-backup-restore_2026-12-06T21-01-00-000Z/jenkins-home"
FULL = [
    "aws-backup-restore_2026-12-06T21-01-00-000Z/",
    HOME + "/",
    HOME + "/config.xml",
    HOME + "/jobs/",
    HOME + "/secrets/",
    HOME + "/" + MARKER,
]


@pytest.mark.parametrize(
    "listing, home_path, home, marker, missing",
    [
        (FULL, "jenkins-home", HOME, True, []),
        (FULL, "/jenkins-home/", HOME, True, []),
        ([p for p in FULL if not p.endswith(MARKER)], "jenkins-home", HOME, False, []),
        ([p for p in FULL if "secrets" not in p], "jenkins-home", HOME, True, ["secrets"]),
        # A directory named config.xml or a file named jobs is not the shape of a home.
        (
            [p.replace("config.xml", "config.xml/").replace("jobs/", "jobs") for p in FULL],
            "jenkins-home",
            HOME,
            True,
            ["config.xml", "jobs"],
        ),
        # The data outside a restore directory (a root-level home) is not what a full restore wrote.
        (
            ["jenkins-home/", "jenkins-home/config.xml", "jenkins-home/" + MARKER],
            "jenkins-home",
            None,
            False,
            ["config.xml", "jobs", "secrets"],
        ),
        ([], "jenkins-home", None, False, ["config.xml", "jobs", "secrets"]),
        # A home at the file system's root (stacks from before the access point's /jenkins-home).
        (
            [
                "aws-backup-restore_x/",
                "aws-backup-restore_x/config.xml",
                "aws-backup-restore_x/jobs/",
                "aws-backup-restore_x/secrets/",
                "aws-backup-restore_x/" + MARKER,
            ],
            "",
            "aws-backup-restore_x",
            True,
            [],
        ),
        # Two restore directories: the newest name.
        (["aws-backup-restore_2026-01-01/"] + FULL, "jenkins-home", HOME, True, []),
        # The marker of another drill is not ours.
        ([p.replace(NONCE, "f" * 20) for p in FULL], "jenkins-home", HOME, False, []),
    ],
)
def test_home_is_read_from_the_restore_directory(listing, home_path, home, marker, missing):
    found = restore_drill_home(listing, home_path, NONCE)
    assert (found["home"], found["marker_found"], found["missing"]) == (home, marker, missing)


@pytest.mark.parametrize("nonce", ["", "short", "0123456789ABCDEF", "../../etc/passwd0000", None, 12])
def test_marker_name_refuses_a_nonce_that_is_not_hex(nonce):
    with pytest.raises(AnsibleFilterError):
        marker_name(nonce)


POINT = restore_drill_point(rp("a", "2026-12-06T21:00:30+00:00"), MARKER_TIME)
STALE = restore_drill_point(rp("a", "2026-12-06T19:00:00+00:00"), MARKER_TIME)
DONE = {
    "restore_job_id": "R1",
    "status": "COMPLETED",
    "creation_date": "2026-12-06T21:01:00+00:00",
    "completion_date": "2026-12-06T21:04:30+00:00",
}
FAILED = {
    "restore_job_id": "R2",
    "status": "FAILED",
    "status_message": "KMS key disabled",
    "creation_date": "2026-12-06T21:01:00+00:00",
}
GOOD = restore_drill_home(FULL, "jenkins-home", NONCE)
NO_MARKER = restore_drill_home([p for p in FULL if MARKER not in p], "jenkins-home", NONCE)


@pytest.mark.parametrize(
    "point, job, found, cleaned, expected, problems",
    [
        (
            POINT,
            DONE,
            GOOD,
            True,
            {"rpo_seconds": 30.0, "restore_seconds": 210.0, "marker_found": True, "cleaned_up": True, "passed": True},
            [],
        ),
        (
            STALE,
            DONE,
            NO_MARKER,
            True,
            {"rpo_seconds": 7260.0, "marker_found": False, "passed": False},
            ["predates the marker", "marker is not in"],
        ),
        (
            POINT,
            FAILED,
            {},
            True,
            {"rpo_seconds": 30.0, "restore_seconds": None, "marker_found": False, "restore_status": "FAILED"},
            ["R2 ended FAILED: KMS key disabled"],
        ),
        (POINT, DONE, GOOD, False, {"cleaned_up": False, "passed": False}, ["left resources behind"]),
        (
            restore_drill_point(None, MARKER_TIME),
            {},
            {},
            True,
            {"rpo_seconds": None, "restore_seconds": None, "passed": False},
            ["no completed recovery point"],
        ),
        # AWS's job dates missing: the observed duration.
        (
            POINT,
            {"status": "COMPLETED", "creation_date": DONE["creation_date"]},
            GOOD,
            True,
            {"restore_seconds": 12.5, "passed": True},
            [],
        ),
    ],
)
def test_report_keys_and_verdict(point, job, found, cleaned, expected, problems):
    report = restore_drill_report(point, job, found, cleaned, observed_restore_seconds=12.5)
    assert list(report)[:4] == ["rpo_seconds", "restore_seconds", "marker_found", "cleaned_up"]
    assert {key: report[key] for key in expected} == expected
    assert len(report["problems"]) == len(problems)
    for fragment, problem in zip(problems, report["problems"]):
        assert fragment in problem
