"""AWS Backup patches: missing-vault error, selections, backup/restore jobs and recovery points."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import backup_jobs, backup_selections, backup_vault_missing_error

from .conftest import error_code

ROLE = "arn:aws:iam::123456789012:role/backup"


def test_stock_moto_answers_resource_not_found_for_a_missing_vault(aws, compat_patch):
    compat_patch.stock(backup_vault_missing_error)
    with pytest.raises(ClientError) as missing:
        aws("backup").describe_backup_vault(BackupVaultName="absent")
    # amazon.aws.backup_vault only treats AccessDeniedException as "vault absent".
    assert error_code(missing) == "ResourceNotFoundException"


def test_missing_vault_answers_access_denied_as_aws_does(aws, compat_patch):
    backup = aws("backup")
    backup.create_backup_vault(BackupVaultName="present")
    with compat_patch(backup_vault_missing_error):
        with pytest.raises(ClientError) as missing:
            backup.describe_backup_vault(BackupVaultName="absent")
        assert error_code(missing) == "AccessDeniedException"
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert backup.describe_backup_vault(BackupVaultName="present")["BackupVaultName"] == "present"


def _plan(backup):
    backup.create_backup_vault(BackupVaultName="jenkins")
    return backup.create_backup_plan(
        BackupPlan={"BackupPlanName": "jenkins", "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "jenkins"}]}
    )["BackupPlanId"]


def test_stock_moto_lacks_backup_selections(aws, compat_patch):
    compat_patch.stock(backup_selections)
    backup = aws("backup")
    plan_id = _plan(backup)
    with pytest.raises((NotImplementedError, ClientError)):
        backup.list_backup_selections(BackupPlanId=plan_id)


def test_backup_selections_lifecycle(aws, compat_patch):
    backup = aws("backup")
    plan_id = _plan(backup)
    with compat_patch(backup_selections):
        created = backup.create_backup_selection(
            BackupPlanId=plan_id,
            BackupSelection={"SelectionName": "efs", "IamRoleArn": ROLE, "Resources": ["arn:aws:elasticfilesystem:*"]},
        )
        assert created["BackupPlanId"] == plan_id
        listed = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
        assert [(s["SelectionId"], s["SelectionName"], s["IamRoleArn"]) for s in listed] == [
            (created["SelectionId"], "efs", ROLE)
        ]
        got = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        assert got["BackupSelection"] == {
            "SelectionName": "efs",
            "IamRoleArn": ROLE,
            "Resources": ["arn:aws:elasticfilesystem:*"],
            "ListOfTags": [],
            "NotResources": [],
            # What AWS returns when no conditions were given; backup_selection's idempotence check expects it.
            "Conditions": {"StringEquals": [], "StringNotEquals": [], "StringLike": [], "StringNotLike": []},
        }
        with pytest.raises(ClientError) as in_use:
            backup.delete_backup_plan(BackupPlanId=plan_id)
        assert error_code(in_use) == "InvalidRequestException"
        backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        assert backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"] == []
        with pytest.raises(ClientError) as gone:
            backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        assert error_code(gone) == "ResourceNotFoundException"
        with pytest.raises(ClientError) as no_plan:
            backup.list_backup_selections(BackupPlanId="00000000-0000-0000-0000-000000000000")
        assert error_code(no_plan) == "ResourceNotFoundException"
        backup.delete_backup_plan(BackupPlanId=plan_id)


def _file_system(efs):
    return efs.create_file_system(
        CreationToken="jenkins-home", Encrypted=True, Tags=[{"Key": "Name", "Value": "jenkins-home"}]
    )


def test_stock_moto_lacks_backup_jobs_and_recovery_points(aws, compat_patch):
    compat_patch.stock(backup_jobs)
    backup, efs = aws("backup"), aws("efs")
    backup.create_backup_vault(BackupVaultName="jenkins")
    arn = _file_system(efs)["FileSystemArn"]
    with pytest.raises(ClientError):
        backup.start_backup_job(BackupVaultName="jenkins", ResourceArn=arn, IamRoleArn=ROLE)
    with pytest.raises(ClientError):
        backup.list_recovery_points_by_backup_vault(BackupVaultName="jenkins")


def test_backup_job_creates_a_completed_recovery_point(aws, compat_patch):
    backup, efs = aws("backup"), aws("efs")
    backup.create_backup_vault(BackupVaultName="jenkins")
    file_system = _file_system(efs)
    arn = file_system["FileSystemArn"]
    with compat_patch(backup_jobs):
        start = datetime.now(timezone.utc) - timedelta(seconds=1)
        job = backup.start_backup_job(
            BackupVaultName="jenkins", ResourceArn=arn, IamRoleArn=ROLE, Lifecycle={"DeleteAfterDays": 7}
        )
        assert job["RecoveryPointArn"].startswith("arn:aws:backup:us-east-1:123456789012:recovery-point:")

        described = backup.describe_backup_job(BackupJobId=job["BackupJobId"])
        assert described["State"] == "COMPLETED" and described["ResourceType"] == "EFS"
        assert described["RecoveryPointArn"] == job["RecoveryPointArn"] and described["ResourceArn"] == arn
        assert [j["BackupJobId"] for j in backup.list_backup_jobs(ByResourceArn=arn)["BackupJobs"]] == [
            job["BackupJobId"]
        ]
        assert backup.list_backup_jobs(ByState="FAILED")["BackupJobs"] == []

        points = backup.list_recovery_points_by_backup_vault(BackupVaultName="jenkins", ByResourceArn=arn)
        (point,) = points["RecoveryPoints"]
        assert point["Status"] == "COMPLETED" and point["ResourceType"] == "EFS"
        assert point["BackupVaultName"] == "jenkins" and point["BackupVaultArn"].endswith(":backup-vault:jenkins")
        assert point["CreationDate"] >= start and point["CompletionDate"] >= point["CreationDate"]
        assert point["CalculatedLifecycle"]["DeleteAt"] - point["CreationDate"] == timedelta(days=7)
        # RPO checks look for a recovery point newer than N hours.
        newer = backup.list_recovery_points_by_backup_vault(BackupVaultName="jenkins", ByCreatedAfter=start)
        assert len(newer["RecoveryPoints"]) == 1
        later = datetime.now(timezone.utc) + timedelta(hours=1)
        assert (
            backup.list_recovery_points_by_backup_vault(BackupVaultName="jenkins", ByCreatedAfter=later)[
                "RecoveryPoints"
            ]
            == []
        )

        by_resource = backup.list_recovery_points_by_resource(ResourceArn=arn)["RecoveryPoints"]
        assert [(p["RecoveryPointArn"], p["Status"], p["ResourceName"]) for p in by_resource] == [
            (job["RecoveryPointArn"], "COMPLETED", "jenkins-home")
        ]
        assert backup.describe_backup_vault(BackupVaultName="jenkins")["NumberOfRecoveryPoints"] == 1
        detail = backup.describe_recovery_point(BackupVaultName="jenkins", RecoveryPointArn=job["RecoveryPointArn"])
        assert detail["ResourceArn"] == arn and detail["IamRoleArn"] == ROLE

        with pytest.raises(ClientError) as missing_resource:
            backup.start_backup_job(BackupVaultName="jenkins", ResourceArn=arn + "0", IamRoleArn=ROLE)
        assert error_code(missing_resource) == "ResourceNotFoundException"
        with pytest.raises(ClientError) as missing_vault:
            backup.list_recovery_points_by_backup_vault(BackupVaultName="absent")
        assert error_code(missing_vault) == "AccessDeniedException"


def test_restore_creates_a_new_file_system_and_vault_keeps_points(aws, compat_patch):
    backup, efs = aws("backup"), aws("efs")
    backup.create_backup_vault(BackupVaultName="jenkins")
    file_system = _file_system(efs)
    with compat_patch(backup_jobs):
        job = backup.start_backup_job(
            BackupVaultName="jenkins", ResourceArn=file_system["FileSystemArn"], IamRoleArn=ROLE
        )
        # The point of a restore: the source is gone.
        efs.delete_file_system(FileSystemId=file_system["FileSystemId"])
        metadata = backup.get_recovery_point_restore_metadata(
            BackupVaultName="jenkins", RecoveryPointArn=job["RecoveryPointArn"]
        )["RestoreMetadata"]
        assert metadata["file-system-id"] == file_system["FileSystemId"] and metadata["newFileSystem"] == "true"
        restore_id = backup.start_restore_job(
            RecoveryPointArn=job["RecoveryPointArn"],
            IamRoleArn=ROLE,
            Metadata=metadata,
            CopySourceTagsToRestoredResource=True,
        )["RestoreJobId"]
        restore = backup.describe_restore_job(RestoreJobId=restore_id)
        assert restore["Status"] == "COMPLETED" and restore["ResourceType"] == "EFS"
        assert restore["SourceResourceArn"] == file_system["FileSystemArn"]
        new_id = restore["CreatedResourceArn"].rsplit("/", 1)[-1]
        assert new_id != file_system["FileSystemId"]
        restored = efs.describe_file_systems(FileSystemId=new_id)["FileSystems"][0]
        assert restored["Encrypted"] is True
        assert restored["Tags"] == [{"Key": "Name", "Value": "jenkins-home"}]
        assert [j["RestoreJobId"] for j in backup.list_restore_jobs()["RestoreJobs"]] == [restore_id]

        with pytest.raises(ClientError) as not_empty:
            backup.delete_backup_vault(BackupVaultName="jenkins")
        assert error_code(not_empty) == "InvalidRequestException"
        backup.delete_recovery_point(BackupVaultName="jenkins", RecoveryPointArn=job["RecoveryPointArn"])
        assert backup.list_recovery_points_by_backup_vault(BackupVaultName="jenkins")["RecoveryPoints"] == []
        backup.delete_backup_vault(BackupVaultName="jenkins")
