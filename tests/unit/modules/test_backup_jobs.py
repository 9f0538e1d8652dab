"""backup_job and backup_restore_job against in-process moto with the emulator's backup patches (stock moto has no
backup or restore jobs), plus the wait loop and request shaping as tables."""

import uuid

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._backup_jobs import wait_for
from ansible_collections.jenkins_ha.aws.plugins.modules import backup_job, backup_restore_job
from tests.emulator.compat import backup_jobs, backup_restore_failure
from tests.unit.modules.helpers import in_process_moto, run_module

ROLE = "arn:aws:iam::123456789012:role/demo-backup"


@pytest.fixture
def aws(monkeypatch):
    backup_jobs.apply()
    backup_restore_failure.apply()
    try:
        with in_process_moto(monkeypatch) as client:
            yield client
    finally:
        backup_restore_failure.remove()
        backup_jobs.remove()


@pytest.fixture
def file_system(aws):
    fs = aws("efs").create_file_system(CreationToken=str(uuid.uuid4()), Encrypted=True)
    aws("backup").create_backup_vault(BackupVaultName="demo-jenkins-home")
    return fs


def test_backup_then_restore_into_a_new_file_system(aws, file_system, capsys):
    backup = run_module(
        backup_job.main,
        capsys,
        resource_arn=file_system["FileSystemArn"],
        backup_vault_name="demo-jenkins-home",
        iam_role_arn=ROLE,
        delete_after_days=7,
        recovery_point_tags={"jenkins-ha:drill": "restore"},
    )
    assert backup["changed"] and backup["backup_job"]["state"] == "COMPLETED"
    point = backup["backup_job"]["recovery_point_arn"]
    assert backup["backup_job"]["creation_date"].endswith("+00:00")
    restore = run_module(
        backup_restore_job.main,
        capsys,
        recovery_point_arn=point,
        iam_role_arn=ROLE,
        metadata={"newFileSystem": True, "Encrypted": True, "CreationToken": "drill-1"},
    )
    job = restore["restore_job"]
    assert restore["changed"] and job["status"] == "COMPLETED"
    (created,) = aws("efs").describe_file_systems(CreationToken="drill-1")["FileSystems"]
    assert job["created_resource_arn"] == created["FileSystemArn"] and created["Encrypted"]


@pytest.mark.parametrize("fail_on_job_failure, failed", [(True, True), (False, False)])
def test_failed_restore_fails_the_module_or_is_returned(aws, file_system, capsys, fail_on_job_failure, failed):
    point = aws("backup").start_backup_job(
        BackupVaultName="demo-jenkins-home", ResourceArn=file_system["FileSystemArn"], IamRoleArn=ROLE
    )["RecoveryPointArn"]
    backup_restore_failure.fail_next_restores(1, "KMS key disabled")
    result = run_module(
        backup_restore_job.main,
        capsys,
        recovery_point_arn=point,
        iam_role_arn=ROLE,
        fail_on_job_failure=fail_on_job_failure,
    )
    assert result["restore_job"]["status"] == "FAILED"
    assert result.get("failed", False) is failed
    assert result["changed"]
    if failed:
        assert "ended FAILED: KMS key disabled" in result["msg"]


def test_check_mode_calls_nothing(aws, file_system, capsys):
    for main, args in (
        (
            backup_job.main,
            dict(resource_arn=file_system["FileSystemArn"], backup_vault_name="demo-jenkins-home", iam_role_arn=ROLE),
        ),
        (
            backup_restore_job.main,
            dict(recovery_point_arn="arn:aws:backup:us-east-1:123456789012:recovery-point:x", iam_role_arn=ROLE),
        ),
    ):
        result = run_module(main, capsys, _ansible_check_mode=True, **args)
        assert result["changed"] and result.get("backup_job", result.get("restore_job")) == {}
    assert aws("backup").list_backup_jobs()["BackupJobs"] == []
    assert aws("backup").list_restore_jobs()["RestoreJobs"] == []


@pytest.mark.parametrize(
    "module, args, fragment",
    [
        (backup_job, dict(resource_arn="fs-1", backup_vault_name="v1", iam_role_arn=ROLE), "resource_arn"),
        (
            backup_job,
            dict(
                resource_arn="arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
                backup_vault_name="v1",
                iam_role_arn="role",
            ),
            "iam_role_arn",
        ),
        (
            backup_job,
            dict(
                resource_arn="arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
                backup_vault_name="v1",
                iam_role_arn=ROLE,
                delete_after_days=0,
            ),
            "delete_after_days",
        ),
        (backup_restore_job, dict(recovery_point_arn="rp-1", iam_role_arn=ROLE), "recovery_point_arn"),
    ],
)
def test_bad_options_are_refused_before_any_call(aws, capsys, module, args, fragment):
    result = run_module(module.main, capsys, **args)
    assert result["failed"] and fragment in result["msg"] and not result.get("changed")


@pytest.mark.parametrize(
    "states, timeout, expected, timed_out, sleeps",
    [
        (["COMPLETED"], 10, "COMPLETED", False, 0),
        (["RUNNING", "RUNNING", "FAILED"], 10, "FAILED", False, 2),
        (["RUNNING"] * 5, 2, "RUNNING", True, 2),
    ],
)
def test_wait_for_stops_at_a_terminal_state_or_the_timeout(states, timeout, expected, timed_out, sleeps):
    answers, clock, slept = iter(states), [0.0], []

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += seconds

    job, late = wait_for(
        lambda: {"Status": next(answers), "ResponseMetadata": {}},
        "Status",
        ("COMPLETED", "FAILED"),
        timeout,
        1,
        sleep=sleep,
        clock=lambda: clock[0],
    )
    assert (job, late, len(slept)) == ({"Status": expected}, timed_out, sleeps)


@pytest.mark.parametrize(
    "metadata, expected",
    [
        (
            {"newFileSystem": True, "Encrypted": False, "CreationToken": "t"},
            {"newFileSystem": "true", "Encrypted": "false", "CreationToken": "t"},
        ),
        ({}, {}),
    ],
)
def test_metadata_is_strings(metadata, expected):
    assert backup_restore_job.metadata_of(metadata) == expected


class Failed(Exception):
    pass


class FakeModule:
    def __init__(self, wait, wait_timeout=0):
        self.params = {"wait": wait, "wait_timeout": wait_timeout, "wait_delay": 0}

    def client(self, service):
        return service

    def fail_json(self, **kwargs):
        raise Failed(kwargs)


@pytest.mark.parametrize(
    "kind, states, wait, fail_on_job_failure, verdict",
    [
        ("backup", ["RUNNING"], True, True, "Backup job j-1 still RUNNING after 0 s"),
        ("restore", ["PENDING"], True, True, "Restore job j-1 still PENDING after 0 s"),
        ("restore", ["FAILED"], True, True, "Restore job j-1 ended FAILED: boom"),
        ("restore", ["FAILED"], True, False, None),
        ("backup", ["ABORTED"], True, True, "Backup job j-1 ended ABORTED: boom"),
        ("backup", ["CREATED"], False, True, None),
        ("backup", ["COMPLETED"], True, True, None),
    ],
)
def test_run_job_verdicts(monkeypatch, kind, states, wait, fail_on_job_failure, verdict):
    from ansible_collections.jenkins_ha.aws.plugins.module_utils import _backup_jobs

    job = _backup_jobs.JOBS[kind]
    described = {job["id_key"]: "j-1", job["state_key"]: states[0], "StatusMessage": "boom"}
    monkeypatch.setitem(job, "start", lambda client, **request: {job["id_key"]: "j-1"})
    monkeypatch.setitem(job, "describe", lambda client, job_id: dict(described))
    module = FakeModule(wait)
    if verdict is None:
        result = _backup_jobs.run_job(module, kind, {}, fail_on_job_failure)
        assert result[job["state_key"].lower()] == states[0]
        return
    with pytest.raises(Failed) as failed:
        _backup_jobs.run_job(module, kind, {}, fail_on_job_failure)
    assert failed.value.args[0]["msg"] == verdict
    assert failed.value.args[0]["changed"] is True and kind + "_job" in failed.value.args[0]
