"""AWS Backup: the name of a deleted backup plan can be used again.

moto keeps a deleted plan in its backend with a DeletionDate (GetBackupPlan and ListBackupPlans(IncludeDeleted)
still show it, as on AWS) but CreateBackupPlan compares the new name with every plan, deleted ones included, so a
plan deleted and created again (amazon.aws.backup_plan absent → present) fails with AlreadyExistsException.
"""

from __future__ import annotations

from ._util import Patcher

GAP = (
    "CreateBackupPlan with the name of a deleted plan answers AlreadyExistsException; AWS allows reusing the name "
    "of a deleted plan"
)
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def create_backup_plan(self, backup_plan, backup_plan_tags, creator_request_id):
    from moto.backup.exceptions import AlreadyExistsException
    from moto.backup.models import Plan

    live_names = {plan.backup_plan["BackupPlanName"] for plan in self.plans.values() if plan.deletion_date is None}
    if backup_plan["BackupPlanName"] in live_names:
        raise AlreadyExistsException(msg="Backup plan with the same plan document already exists")
    plan = Plan(backup_plan=backup_plan, creator_request_id=creator_request_id, backend=self)
    if backup_plan_tags:
        self.tag_resource(plan.backup_plan_arn, backup_plan_tags)
    self.plans[plan.backup_plan_id] = plan
    return plan


def apply():
    if _patcher.active:
        return
    from moto.backup.models import BackupBackend

    _patcher.setattr(BackupBackend, "create_backup_plan", create_backup_plan)
    _patcher.active = True


def remove():
    _patcher.restore()
