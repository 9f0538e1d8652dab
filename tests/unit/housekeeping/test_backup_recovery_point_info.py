"""backup_recovery_point_info: newest first, newest COMPLETED point and its age, vault vs resource listing."""

import datetime

import pytest

from ansible_collections.jenkins_ha.aws.plugins.modules.backup_recovery_point_info import describe_recovery_points

UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"


def point(name, hours_ago, status="COMPLETED", vault="v1"):
    return {
        "RecoveryPointArn": "arn:aws:backup:us-east-1:123456789012:recovery-point:" + name,
        "BackupVaultName": vault,
        "ResourceArn": ARN,
        "Status": status,
        "CreationDate": NOW - datetime.timedelta(hours=hours_ago),
    }


class FakeBackup:
    """Just enough of a boto3 Backup client: two paginators over a fixed list, recording the calls."""

    def __init__(self, points):
        self.points = points
        self.calls = []

    def get_paginator(self, operation):
        client = self

        class Paginator:
            def paginate(self, **kwargs):
                client.calls.append((operation, kwargs))
                points = client.points
                if "BackupVaultName" in kwargs:
                    points = [p for p in points if p["BackupVaultName"] == kwargs["BackupVaultName"]]
                return type("Result", (), {"build_full_result": lambda s: {"RecoveryPoints": list(points)}})()

        return Paginator()


CASES = [
    # id, points, vault, expected order, expected latest completed, expected age hours
    ("none", [], None, [], None, None),
    ("newest first", [point("old", 30), point("new", 2), point("mid", 10)], None, ["new", "mid", "old"], "new", 2),
    ("partial newest is skipped", [point("partial", 1, "PARTIAL"), point("ok", 5)], None, ["partial", "ok"], "ok", 5),
    ("none completed", [point("expired", 1, "EXPIRED")], None, ["expired"], None, None),
    ("vault narrows", [point("a", 1, vault="other"), point("b", 3)], "v1", ["b"], "b", 3),
]


@pytest.mark.parametrize("points,vault,order,latest,age", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_describe_recovery_points(points, vault, order, latest, age):
    client = FakeBackup(points)
    result = describe_recovery_points(client, ARN, vault)
    assert [p["RecoveryPointArn"].rsplit(":", 1)[1] for p in result["recovery_points"]] == order
    if latest is None:
        assert result["latest_completed"] is None and result["latest_completed_age_seconds"] is None
    else:
        assert result["latest_completed"]["RecoveryPointArn"].endswith(":" + latest)
        # The table's dates are relative to NOW, taken when the module was collected, maybe minutes ago.
        since_collection = (datetime.datetime.now(UTC) - NOW).total_seconds()
        assert abs(result["latest_completed_age_seconds"] - age * 3600 - since_collection) < 60
    # Dates come back as ISO 8601 strings in UTC.
    assert all(p["CreationDate"].endswith("+00:00") for p in result["recovery_points"])
    operation = client.calls[0][0]
    assert operation == ("list_recovery_points_by_backup_vault" if vault else "list_recovery_points_by_resource")
