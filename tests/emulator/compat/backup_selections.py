"""AWS Backup selections: CreateBackupSelection, GetBackupSelection, ListBackupSelections, DeleteBackupSelection.

Not implemented in moto (amazon.aws.backup_selection fails). Stored per backup plan on the Backup backend. As on
AWS, GetBackupSelection returns Conditions with its four (possibly empty) lists, which backup_selection's
idempotence check expects. DeleteBackupPlan refuses a plan that still has selections, as AWS does.
"""

from __future__ import annotations

import uuid

from ._util import Patcher, json_response, now, rest_params

GAP = "Create/Get/List/DeleteBackupSelection are not implemented (NotImplementedError, HTTP 500 in server mode)"
MOTO_VERSION = "5.2.5"

EMPTY_CONDITIONS = {"StringEquals": [], "StringNotEquals": [], "StringLike": [], "StringNotLike": []}

_patcher = Patcher()


def _selections(backend, plan_id):
    from moto.backup.exceptions import ResourceNotFoundException

    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise ResourceNotFoundException(f"Failed reading Backup plan with provided version; plan id {plan_id}")
    if not hasattr(backend, "_compat_selections"):
        backend._compat_selections = {}
    return backend._compat_selections.setdefault(plan_id, {})


def _selection(backend, plan_id, selection_id):
    from moto.backup.exceptions import ResourceNotFoundException

    selection = _selections(backend, plan_id).get(selection_id)
    if selection is None:
        raise ResourceNotFoundException(f"Selection {selection_id} not found for plan {plan_id}")
    return selection


def create_backup_selection(self):
    from moto.backup.exceptions import InvalidParameterValueException

    params = rest_params(self, "backup", "CreateBackupSelection")
    selections = _selections(self.backup_backend, params["BackupPlanId"])
    requested = params.get("BackupSelection") or {}
    if not requested.get("SelectionName") or not requested.get("IamRoleArn"):
        raise InvalidParameterValueException("SelectionName and IamRoleArn are required")
    selection = {
        "SelectionId": str(uuid.uuid4()),
        "BackupPlanId": params["BackupPlanId"],
        "CreationDate": now(),
        "BackupSelection": {
            "SelectionName": requested["SelectionName"],
            "IamRoleArn": requested["IamRoleArn"],
            "Resources": requested.get("Resources", []),
            "ListOfTags": requested.get("ListOfTags", []),
            "NotResources": requested.get("NotResources", []),
            "Conditions": dict(EMPTY_CONDITIONS, **(requested.get("Conditions") or {})),
        },
    }
    if params.get("CreatorRequestId"):
        selection["CreatorRequestId"] = params["CreatorRequestId"]
    selections[selection["SelectionId"]] = selection
    return json_response({key: selection[key] for key in ("SelectionId", "BackupPlanId", "CreationDate")})


def get_backup_selection(self):
    params = rest_params(self, "backup", "GetBackupSelection")
    return json_response(_selection(self.backup_backend, params["BackupPlanId"], params["SelectionId"]))


def list_backup_selections(self):
    params = rest_params(self, "backup", "ListBackupSelections")
    members = [
        {
            "SelectionId": selection["SelectionId"],
            "SelectionName": selection["BackupSelection"]["SelectionName"],
            "BackupPlanId": selection["BackupPlanId"],
            "CreationDate": selection["CreationDate"],
            "IamRoleArn": selection["BackupSelection"]["IamRoleArn"],
            **({"CreatorRequestId": selection["CreatorRequestId"]} if "CreatorRequestId" in selection else {}),
        }
        for selection in _selections(self.backup_backend, params["BackupPlanId"]).values()
    ]
    start = int(params.get("NextToken") or 0)
    size = params.get("MaxResults") or 1000
    result = {"BackupSelectionsList": members[start : start + size]}
    if start + size < len(members):
        result["NextToken"] = str(start + size)
    return json_response(result)


def delete_backup_selection(self):
    params = rest_params(self, "backup", "DeleteBackupSelection")
    _selection(self.backup_backend, params["BackupPlanId"], params["SelectionId"])
    del _selections(self.backup_backend, params["BackupPlanId"])[params["SelectionId"]]
    return json_response({})


def _wrap_delete_backup_plan(original):
    def delete_backup_plan(self):
        from moto.backup.exceptions import InvalidRequestException

        plan_id = rest_params(self, "backup", "DeleteBackupPlan").get("BackupPlanId")
        if getattr(self.backup_backend, "_compat_selections", {}).get(plan_id):
            raise InvalidRequestException(
                "Related backup plan selections must be deleted prior to backup plan deletion"
            )
        return original(self)

    return delete_backup_plan


def apply():
    if _patcher.active:
        return
    from moto.backup.responses import BackupResponse

    for func in (create_backup_selection, get_backup_selection, list_backup_selections, delete_backup_selection):
        _patcher.setattr(BackupResponse, func.__name__, func)
    _patcher.setattr(BackupResponse, "delete_backup_plan", _wrap_delete_backup_plan(BackupResponse.delete_backup_plan))
    _patcher.active = True


def remove():
    _patcher.restore()
