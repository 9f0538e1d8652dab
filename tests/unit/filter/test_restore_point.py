"""restore_point and restore_home_move: the choices of a real restore (playbooks/restore.yml), as tables."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.restore_point import restore_home_move, restore_point

NOW = "2026-12-07T12:00:00+00:00"


def point(name, created, status="COMPLETED"):
    return {"recovery_point_arn": name, "creation_date": created, "status": status}


POINTS = [
    point("p09", "2026-12-07T09:00:00+00:00"),
    point("p11", "2026-12-07T11:00:00+00:00"),
    point("p10-partial", "2026-12-07T10:30:00+00:00", status="PARTIAL"),
    point("p10", "2026-12-07T10:00:00+00:00"),
]


@pytest.mark.parametrize(
    "points, before, expected, age, completed",
    [
        (POINTS, None, "p11", 3600.0, 3),  # no incident time: the newest completed point
        (POINTS, "", "p11", 3600.0, 3),
        (POINTS, "2026-12-07T10:45:00+00:00", "p10", 7200.0, 3),  # not the PARTIAL one between
        (POINTS, "2026-12-07T10:00:00+00:00", "p09", 10800.0, 3),  # a point taken at the incident may hold it
        (POINTS, "2026-12-07T11:00:00Z", "p10", 7200.0, 3),
        (POINTS, "2026-12-07T05:00:00-05:00", "p09", 10800.0, 3),  # 10:00 UTC
        (POINTS, "2026-12-07T08:00:00+00:00", None, None, 3),  # nothing before the incident
        ([point("x", "2026-12-07T11:00:00+00:00", status="EXPIRED")], None, None, None, 0),
        ([], None, None, None, 0),
    ],
)
def test_restore_point(points, before, expected, age, completed):
    chosen = restore_point(points, before, NOW)
    assert (chosen["point"] or {}).get("recovery_point_arn") == expected
    assert chosen["age_seconds"] == age and chosen["completed"] == completed


@pytest.mark.parametrize(
    "points, before, message",
    [
        ("p11", None, "expects a list"),
        ([point("p", "yesterday")], None, "creation_date 'yesterday' is not an ISO 8601 date"),
        (POINTS, "2026-12-07T10:00:00", "has no time zone"),
        (POINTS, "10 o'clock", "before"),
    ],
)
def test_restore_point_refuses(points, before, message):
    with pytest.raises(AnsibleFilterError, match=message):
        restore_point(points, before, NOW)


R = "aws-backup-restore_2026-12-07T11-00-00"


@pytest.mark.parametrize(
    "listing, source, done, error",
    [
        ([R + "/", R + "/jenkins-home/", R + "/jenkins-home/config.xml"], R + "/jenkins-home", False, None),
        (["jenkins-home/", "jenkins-home/config.xml"], None, True, None),  # moved already (a rerun)
        (["jenkins-home/", R + "/", R + "/jenkins-home/"], None, False, "/jenkins-home exists beside"),
        (
            [R + "/", R + "/jenkins-home/", "aws-backup-restore_x/", "aws-backup-restore_x/jenkins-home/"],
            None,
            False,
            "more than one restore directory",
        ),
        ([R + "/", R + "/other/"], None, False, "no aws-backup-restore_\\*/jenkins-home directory"),
        ([R + "/", R + "/jenkins-home"], None, False, "no aws-backup-restore_"),  # a file, not the home
        ([], None, False, "no aws-backup-restore_"),
        (["jenkins-home"], None, False, "no aws-backup-restore_"),
    ],
)
def test_restore_home_move(listing, source, done, error):
    move = restore_home_move(listing, "jenkins-home")
    assert move["source"] == source and move["done"] is done and move["target"] == "jenkins-home"
    assert move["restore_directory"] == (R if source else None)
    if error:
        assert move["error"] and __import__("re").search(error, move["error"]), move["error"]
    else:
        assert move["error"] is None


@pytest.mark.parametrize("home_path", ["", "/", "a/b", None])
def test_restore_home_move_needs_a_directory_name(home_path):
    with pytest.raises(AnsibleFilterError, match="needs the home's directory name"):
        restore_home_move([], home_path)
