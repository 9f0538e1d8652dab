"""AWS Backup patches: the name of a deleted backup plan can be reused."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator.compat import backup_plan_deleted_name

from .conftest import error_code

PLAN = {"BackupPlanName": "jenkins", "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "jenkins"}]}


def _deleted_plan(backup):
    backup.create_backup_vault(BackupVaultName="jenkins")
    plan_id = backup.create_backup_plan(BackupPlan=PLAN)["BackupPlanId"]
    backup.delete_backup_plan(BackupPlanId=plan_id)
    return plan_id


def test_stock_moto_refuses_the_name_of_a_deleted_plan(aws, compat_patch):
    compat_patch.stock(backup_plan_deleted_name)
    backup = aws("backup")
    _deleted_plan(backup)
    with pytest.raises(ClientError) as exists:
        backup.create_backup_plan(BackupPlan=PLAN)
    assert error_code(exists) == "AlreadyExistsException"


def test_name_of_a_deleted_plan_can_be_reused(aws, compat_patch):
    backup = aws("backup")
    deleted_id = _deleted_plan(backup)
    with compat_patch(backup_plan_deleted_name):
        plan_id = backup.create_backup_plan(BackupPlan=PLAN, BackupPlanTags={"a": "b"})["BackupPlanId"]
        assert plan_id != deleted_id
        live = backup.list_backup_plans()["BackupPlansList"]
        assert [(p["BackupPlanName"], p["BackupPlanId"]) for p in live] == [("jenkins", plan_id)]
        assert "DeletionDate" in backup.get_backup_plan(BackupPlanId=deleted_id)
        arn = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlanArn"]
        assert backup.list_tags(ResourceArn=arn)["Tags"] == {"a": "b"}
        # A live plan's name is still taken.
        with pytest.raises(ClientError) as exists:
            backup.create_backup_plan(BackupPlan=PLAN)
        assert error_code(exists) == "AlreadyExistsException"
