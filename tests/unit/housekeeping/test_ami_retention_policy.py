"""The AMI retention decision (plugins/module_utils/_ami_retention/policy.py), driven by a table of cases."""

import datetime

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._ami_retention.policy import plan_retention
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ami_retention.policy import shared_description

NOW = datetime.datetime(2025, 6, 30, 12, 0, 0, tzinfo=datetime.timezone.utc)


def image(image_id, days_old, role="agent", base="debian-12", state="available", snapshots=None, **extra_tags):
    created = NOW - datetime.timedelta(days=days_old)
    tags = dict(extra_tags)
    if role is not None:
        tags["jenkins-ha:role"] = role
    if base is not None:
        tags["jenkins-ha:base"] = base
    return {
        "ImageId": image_id,
        "Name": image_id + "-name",
        "CreationDate": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "State": state,
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}} for snap in (snapshots or ["snap-" + image_id])
        ]
        + [{"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}],
    }


# Five agent images a..e, a the newest (1 day old) and e the oldest (40 days old).
FLEET = [image("a", 1), image("b", 10), image("c", 20), image("d", 30), image("e", 40)]

CASES = [
    # id, images, references, shared, options, expected kept ids, expected deleted ids
    ("keep newest 2", FLEET, {}, {}, {"keep": 2}, ["a", "b"], ["c", "d", "e"]),
    ("keep more than exist", FLEET, {}, {}, {"keep": 9}, ["a", "b", "c", "d", "e"], []),
    ("min age guards young images", FLEET, {}, {}, {"keep": 1, "min_age_days": 25}, ["a", "b", "c"], ["d", "e"]),
    (
        "referenced old image survives",
        FLEET,
        {"e": ["used by Auto Scaling group g"]},
        {},
        {"keep": 2},
        ["a", "b", "e"],
        ["c", "d"],
    ),
    ("shared image survives", FLEET, {}, {"d": "shared with 111122223333"}, {"keep": 2}, ["a", "b", "d"], ["c", "e"]),
    (
        "include_shared deletes shared",
        FLEET,
        {},
        {"d": "public"},
        {"keep": 2, "include_shared": True},
        ["a", "b"],
        ["c", "d", "e"],
    ),
    (
        "groups by role and base",
        [
            image("a", 1),
            image("b", 10),
            image("c", 20, base="ubuntu-24.04"),
            image("d", 30, role="controller"),
            image("e", 40, role="controller"),
        ],
        {},
        {},
        {"keep": 1},
        ["a", "c", "d"],
        ["b", "e"],
    ),
    (
        "untagged and half-tagged images are not candidates",
        [image("a", 1), image("b", 50), image("x", 90, role=None, base=None), image("y", 90, base=None)],
        {},
        {},
        {"keep": 1},
        ["a"],
        ["b"],
    ),
    (
        "role filter",
        [image("a", 1), image("b", 50), image("c", 1, role="controller"), image("d", 50, role="controller")],
        {},
        {},
        {"keep": 1, "roles": ["controller"]},
        ["c"],
        ["d"],
    ),
    (
        "stack filter",
        [
            image("a", 1, **{"jenkins-ha:stack": "dev"}),
            image("b", 50, **{"jenkins-ha:stack": "dev"}),
            image("c", 90, **{"jenkins-ha:stack": "prod"}),
        ],
        {},
        {},
        {"keep": 1, "stack": "dev"},
        ["a"],
        ["b"],
    ),
    (
        "pending image neither counts nor goes",
        [image("p", 0, state="pending"), image("a", 10), image("b", 20)],
        {},
        {},
        {"keep": 1},
        ["p", "a"],
        ["b"],
    ),
    (
        "failed newest does not push out a good one",
        [image("f", 1, state="failed"), image("a", 10), image("b", 20)],
        {},
        {},
        {"keep": 1},
        ["f", "a"],
        ["b"],
    ),
    ("nothing to do", [image("a", 1)], {}, {}, {"keep": 1}, ["a"], []),
]


@pytest.mark.parametrize(
    "images,references,shared,options,kept,deleted", [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_plan(images, references, shared, options, kept, deleted):
    options = dict({"min_age_days": 0}, **options)
    result = plan_retention(images, references, shared, NOW, **options)
    assert [e["image_id"] for e in result["kept"]] == kept
    assert [e["image_id"] for e in result["deleted"]] == deleted
    assert all(e["reasons"] for e in result["kept"])
    assert all(e["reason"] for e in result["deleted"])


def test_kept_reasons_name_every_cause():
    images = [image("a", 1), image("b", 30)]
    result = plan_retention(
        images, {"b": ["used by instance i-1 (stopped)"]}, {"b": "public"}, NOW, keep=1, min_age_days=7
    )
    reasons = {e["image_id"]: e["reasons"] for e in result["kept"]}
    assert reasons["a"] == ["newest 1 of 1 kept for its role and base", "younger than min_age_days (7)"]
    assert reasons["b"] == ["used by instance i-1 (stopped)", "public (include_shared is false)"]
    assert result["deleted"] == []


SNAPSHOT_CASES = [
    ("each deleted image's snapshots go", [image("a", 1), image("b", 20, snapshots=["s1", "s2"])], ["s1", "s2"]),
    (
        "snapshot shared with a kept image stays",
        [image("a", 1, snapshots=["s1"]), image("b", 20, snapshots=["s1"])],
        [],
    ),
    (
        "snapshot shared with a non-candidate image stays",
        [image("a", 1), image("b", 20, snapshots=["s1"]), image("x", 90, role=None, snapshots=["s1"])],
        [],
    ),
    (
        "snapshot shared by two deleted images listed once",
        [image("a", 1), image("b", 20, snapshots=["s1"]), image("c", 30, snapshots=["s1"])],
        ["s1"],
    ),
]


@pytest.mark.parametrize("images,expected", [c[1:] for c in SNAPSHOT_CASES], ids=[c[0] for c in SNAPSHOT_CASES])
def test_snapshots(images, expected):
    result = plan_retention(images, {}, {}, NOW, keep=1, min_age_days=0)
    assert result["snapshot_ids"] == expected


def test_same_creation_second_breaks_ties_on_build_time():
    older = image("z-older", 5, **{"jenkins-ha:build-time": "2025-06-25T12:00:00Z"})
    newer = image("a-newer", 5, **{"jenkins-ha:build-time": "2025-06-25T12:00:30Z"})
    result = plan_retention([older, newer], {}, {}, NOW, keep=1, min_age_days=0)
    assert [e["image_id"] for e in result["kept"]] == ["a-newer"]


SHARED_CASES = [
    ("not shared", [], False, None),
    ("public flag", [], True, "public"),
    ("group all", [{"Group": "all"}], False, "public"),
    ("accounts", [{"UserId": "222"}, {"UserId": "111"}], False, "shared with 111, 222"),
    (
        "organization",
        [{"OrganizationArn": "arn:aws:organizations::1:organization/o-1"}],
        False,
        "shared with arn:aws:organizations::1:organization/o-1",
    ),
]


@pytest.mark.parametrize("permissions,public,expected", [c[1:] for c in SHARED_CASES], ids=[c[0] for c in SHARED_CASES])
def test_shared_description(permissions, public, expected):
    assert shared_description(permissions, public) == expected
