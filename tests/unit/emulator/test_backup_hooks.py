"""Test hook backup_recovery_point_age: old recovery points for RPO/age tests, in-process and through the launcher."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.emulator import testhooks
from tests.emulator.compat import backup_jobs, backup_recovery_point_age
from tests.emulator.compat.backup_recovery_point_age import PATH, HookError, backdate_recovery_point

ROLE = "arn:aws:iam::123456789012:role/backup"
UNKNOWN_POINT = "arn:aws:backup:us-east-1:123456789012:recovery-point:" + str(uuid.UUID(int=0))


def _days_ago(days):
    # Whole seconds: rest-json carries epoch seconds, so equality after a round trip stays exact.
    return (datetime.now(timezone.utc) - timedelta(days=days)).replace(microsecond=0)


def _backed_up_file_system(efs, backup, vault="jenkins", lifecycle=None):
    file_system = efs.create_file_system(
        CreationToken=str(uuid.uuid4()), Encrypted=True, Tags=[{"Key": "Name", "Value": "jenkins-home"}]
    )
    backup.create_backup_vault(BackupVaultName=vault)
    job = backup.start_backup_job(
        BackupVaultName=vault,
        ResourceArn=file_system["FileSystemArn"],
        IamRoleArn=ROLE,
        **({"Lifecycle": lifecycle} if lifecycle else {}),
    )
    return file_system["FileSystemArn"], job


def _assert_point_dated(backup, vault, resource_arn, job, created, completed):
    point_arn = job["RecoveryPointArn"]
    (listed,) = backup.list_recovery_points_by_resource(ResourceArn=resource_arn)["RecoveryPoints"]
    assert (listed["RecoveryPointArn"], listed["CreationDate"]) == (point_arn, created)
    detail = backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=point_arn)
    assert (detail["CreationDate"], detail["CompletionDate"]) == (created, completed)
    backup_job = backup.describe_backup_job(BackupJobId=job["BackupJobId"])
    assert (backup_job["CreationDate"], backup_job["CompletionDate"]) == (created, completed)
    # What backup_check.yml / destroy.yml ask: is there a point newer than N hours? Not any more.
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    assert (
        backup.list_recovery_points_by_backup_vault(BackupVaultName=vault, ByCreatedAfter=an_hour_ago)["RecoveryPoints"]
        == []
    )


@pytest.fixture
def moto_api(compat_patch):
    """moto's /moto-api/ Flask app as server mode builds it, served in-process; yields a patch-aware factory."""
    from moto.moto_server.werkzeug_app import create_backend_app

    # Built per call: server mode reads the route table when it builds the app, i.e. after the layer is applied.
    return lambda: create_backend_app("moto_api").test_client()


def test_stock_moto_has_no_recovery_point_age_hook(aws, compat_patch, moto_api):
    compat_patch.stock(backup_recovery_point_age)
    answer = moto_api().post(PATH, json={"recovery_point_arn": UNKNOWN_POINT, "creation_date": "2026-01-01T00:00Z"})
    assert answer.status_code == 404


def test_backdated_point_reports_the_old_date_in_process(aws, compat_patch):
    backup, efs = aws("backup"), aws("efs")
    with compat_patch(backup_jobs), compat_patch(backup_recovery_point_age):
        resource_arn, job = _backed_up_file_system(efs, backup, lifecycle={"DeleteAfterDays": 35})
        created, completed = _days_ago(3), _days_ago(3) + timedelta(minutes=20)

        answer = backdate_recovery_point(job["RecoveryPointArn"], created, completed.isoformat())

        assert answer == {
            "recovery_point_arn": job["RecoveryPointArn"],
            "creation_date": created.isoformat(),
            "completion_date": completed.isoformat(),
            "backup_job_ids": [job["BackupJobId"]],
        }
        _assert_point_dated(backup, "jenkins", resource_arn, job, created, completed)
        detail = backup.describe_recovery_point(BackupVaultName="jenkins", RecoveryPointArn=job["RecoveryPointArn"])
        assert detail["CalculatedLifecycle"]["DeleteAt"] == created + timedelta(days=35)
        assert backup.list_backup_jobs(ByCreatedAfter=created + timedelta(seconds=1))["BackupJobs"] == []

        # A fresh backup is newest again: list order follows the dates, not the order of creation.
        fresh = backup.start_backup_job(BackupVaultName="jenkins", ResourceArn=resource_arn, IamRoleArn=ROLE)
        listed = backup.list_recovery_points_by_resource(ResourceArn=resource_arn)["RecoveryPoints"]
        assert [point["RecoveryPointArn"] for point in listed] == [fresh["RecoveryPointArn"], job["RecoveryPointArn"]]


def test_restore_jobs_report_the_backdated_point_date(aws, compat_patch):
    backup, efs = aws("backup"), aws("efs")
    with compat_patch(backup_jobs), compat_patch(backup_recovery_point_age):
        _unused, job = _backed_up_file_system(efs, backup)
        restore_id = backup.start_restore_job(RecoveryPointArn=job["RecoveryPointArn"], IamRoleArn=ROLE, Metadata={})[
            "RestoreJobId"
        ]
        created = _days_ago(1)
        backdate_recovery_point(job["RecoveryPointArn"], created.isoformat().replace("+00:00", "Z"))
        assert backup.describe_restore_job(RestoreJobId=restore_id)["RecoveryPointCreationDate"] == created


@pytest.mark.parametrize(
    "arn, creation_date, completion_date, status, code",
    [
        ("not-an-arn", "2026-01-01T00:00:00Z", None, 400, "InvalidArn"),
        ("arn:aws:backup:us-east-1:123456789012:backup-vault:jenkins", "2026-01-01T00:00:00Z", None, 400, "InvalidArn"),
        (UNKNOWN_POINT, "2026-01-01T00:00:00Z", None, 404, "ResourceNotFound"),
        (None, "2026-01-01", None, 400, "ValidationError"),  # no time zone
        (None, "yesterday", None, 400, "ValidationError"),
        (None, "2999-01-01T00:00:00Z", None, 400, "ValidationError"),  # future
        (None, "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", 400, "ValidationError"),  # completes before it starts
    ],
)
def test_backdating_refuses_what_cannot_be_dated(aws, compat_patch, arn, creation_date, completion_date, status, code):
    backup, efs = aws("backup"), aws("efs")
    with compat_patch(backup_jobs), compat_patch(backup_recovery_point_age):
        resource_arn, job = _backed_up_file_system(efs, backup)
        with pytest.raises(HookError) as refused:
            backdate_recovery_point(arn or job["RecoveryPointArn"], creation_date, completion_date)
        assert (refused.value.status, refused.value.code) == (status, code)
        # A refused call changes nothing.
        (point,) = backup.list_recovery_points_by_resource(ResourceArn=resource_arn)["RecoveryPoints"]
        assert point["CreationDate"] > datetime.now(timezone.utc) - timedelta(hours=1)


def test_hook_route_answers_json_in_process(aws, compat_patch, moto_api):
    backup, efs = aws("backup"), aws("efs")
    with compat_patch(backup_jobs), compat_patch(backup_recovery_point_age):
        resource_arn, job = _backed_up_file_system(efs, backup)
        client = moto_api()
        created = _days_ago(2)

        answer = client.post(
            PATH, json={"recovery_point_arn": job["RecoveryPointArn"], "creation_date": created.isoformat()}
        )
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
        assert answer.get_json()["backup_job_ids"] == [job["BackupJobId"]]
        _assert_point_dated(backup, "jenkins", resource_arn, job, created, created)

        refusals = [
            (client.get(PATH), 405, "MethodNotAllowed"),
            (client.post(PATH, data="{not json", content_type="application/json"), 400, "ValidationError"),
            (client.post(PATH, json=["a list"]), 400, "ValidationError"),
            (client.post(PATH, json={"recovery_point_arn": job["RecoveryPointArn"]}), 400, "ValidationError"),
            (client.post(PATH, json={"creation_date": "2026-01-01T00:00:00Z"}), 400, "ValidationError"),
            (
                client.post(PATH, json={"recovery_point_arn": "x", "creation_date": "2026-01-01T00:00:00Z"}),
                400,
                "InvalidArn",
            ),
            (
                client.post(PATH, json={"recovery_point_arn": UNKNOWN_POINT, "creation_date": "2026-01-01T00:00:00Z"}),
                404,
                "ResourceNotFound",
            ),
            (
                client.post(
                    PATH,
                    json={
                        "recovery_point_arn": job["RecoveryPointArn"],
                        "creation_date": created.isoformat(),
                        "age": 1,
                    },
                ),
                400,
                "ValidationError",
            ),
        ]
        for answer, status, code in refusals:
            body = json.loads(answer.data)
            assert (answer.status_code, body["error"]) == (status, code), body
            assert body["message"]


# --- server mode: the real launcher and the HTTP client in tests/emulator/testhooks.py ----------------------------


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    from tests.integration.harness import Emulator

    server = Emulator(tmp_path_factory.mktemp("emulator")).start()
    yield server
    server.stop()


def test_launcher_backdates_a_recovery_point_over_http(emulator):
    backup, efs = emulator.client("backup"), emulator.client("efs")
    resource_arn, job = _backed_up_file_system(efs, backup, vault="launcher-hooks")
    created = _days_ago(10)

    answer = testhooks.backdate_recovery_point(emulator.url, job["RecoveryPointArn"], created)

    assert answer["backup_job_ids"] == [job["BackupJobId"]]
    _assert_point_dated(backup, "launcher-hooks", resource_arn, job, created, created)

    with pytest.raises(HookError) as malformed:
        testhooks.backdate_recovery_point(emulator.url, resource_arn, created)
    assert (malformed.value.status, malformed.value.code) == (400, "InvalidArn")
    assert resource_arn in malformed.value.message
    with pytest.raises(HookError) as unknown:
        testhooks.backdate_recovery_point(emulator.url, UNKNOWN_POINT, created)
    assert (unknown.value.status, unknown.value.code) == (404, "ResourceNotFound")
    with pytest.raises(ValueError):
        testhooks.backdate_recovery_point(emulator.url, job["RecoveryPointArn"], created.replace(tzinfo=None))
