"""AWS Backup on-demand backups, recovery points and restores.

moto has none of StartBackupJob, DescribeBackupJob, ListBackupJobs, ListRecoveryPointsByBackupVault,
ListRecoveryPointsByResource, DescribeRecoveryPoint, DeleteRecoveryPoint, GetRecoveryPointRestoreMetadata,
StartRestoreJob, DescribeRestoreJob, ListRestoreJobs (404 "Not yet implemented"). Our destroy playbook refuses to
delete EFS without a fresh recovery point and backup_check.yml measures RPO, so they are modelled on real AWS:

- a backup job completes at once: State COMPLETED, PercentDone 100, CreationDate/CompletionDate now, and a
  COMPLETED recovery point (arn:…:backup:…:recovery-point:<uuid>) in the vault for the resource ARN, ResourceType
  from the ARN's service (EFS, EBS, EC2, RDS, DynamoDB, S3);
- the resource must exist for EFS (the one type this collection backs up); its tags and settings are kept with
  the recovery point, so a restore works after the file system is gone;
- a restore of an EFS recovery point creates a new file system in moto's EFS backend (or restores in place with
  Metadata newFileSystem=false) and completes at once with CreatedResourceArn; other types are refused;
- DeleteBackupVault refuses a vault that still holds recovery points, and listing the recovery points of a missing
  vault answers AccessDeniedException, both as AWS does.
Not modelled: lifecycle expiry, cold storage, copy jobs, backup plans running on their schedule.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from urllib.parse import unquote

from ._util import Patcher, json_response, now, rest_params
from .backup_vault_missing_error import access_denied

GAP = "Backup jobs, recovery points and restore jobs are not implemented (404 Not yet implemented)"
MOTO_VERSION = "5.2.5"

# (method, path regex on the decoded path, operation). Server mode decodes %2F in resource ARNs before routing,
# so these are matched here rather than by moto's router, which expects one path segment per ARN.
ROUTES = (
    ("PUT", r"^/backup-jobs/?$", "StartBackupJob"),
    ("GET", r"^/backup-jobs/?$", "ListBackupJobs"),
    ("GET", r"^/backup-jobs/(?P<backupJobId>[^/]+)$", "DescribeBackupJob"),
    ("PUT", r"^/restore-jobs/?$", "StartRestoreJob"),
    ("GET", r"^/restore-jobs/?$", "ListRestoreJobs"),
    ("GET", r"^/restore-jobs/(?P<restoreJobId>[^/]+)$", "DescribeRestoreJob"),
    ("GET", r"^/resources/(?P<resourceArn>.+)/recovery-points/?$", "ListRecoveryPointsByResource"),
    ("GET", r"^/backup-vaults/(?P<backupVaultName>[^/]+)/recovery-points/?$", "ListRecoveryPointsByBackupVault"),
    (
        "GET",
        r"^/backup-vaults/(?P<backupVaultName>[^/]+)/recovery-points/(?P<recoveryPointArn>.+)/restore-metadata$",
        "GetRecoveryPointRestoreMetadata",
    ),
    (
        "GET",
        r"^/backup-vaults/(?P<backupVaultName>[^/]+)/recovery-points/(?P<recoveryPointArn>.+)$",
        "DescribeRecoveryPoint",
    ),
    (
        "DELETE",
        r"^/backup-vaults/(?P<backupVaultName>[^/]+)/recovery-points/(?P<recoveryPointArn>.+)$",
        "DeleteRecoveryPoint",
    ),
)
# Flask strips a trailing "/?" from these patterns and then no longer matches the trailing slash botocore sends
# for the list operations, hence explicit "/$" variants.
URL_PATHS = (
    "{0}/backup-jobs$",
    "{0}/backup-jobs/$",
    "{0}/backup-jobs/(?P<backup_job_id>[^/]+)$",
    "{0}/restore-jobs$",
    "{0}/restore-jobs/$",
    "{0}/restore-jobs/(?P<restore_job_id>[^/]+)$",
    "{0}/resources/(?P<resource_arn>.+)/recovery-points/$",
    "{0}/backup-vaults/(?P<vault_name>[^/]+)/recovery-points/$",
    "{0}/backup-vaults/(?P<vault_name>[^/]+)/recovery-points/(?P<recovery_point_arn>.+)$",
)
RESOURCE_TYPES = {"elasticfilesystem": "EFS", "rds": "RDS", "dynamodb": "DynamoDB", "s3": "S3"}

_patcher = Patcher()


# --- state kept on the Backup backend (reset with it) ---------------------------------------------------------


def _store(backend, name):
    key = "_compat_" + name
    if not hasattr(backend, key):
        setattr(backend, key, {})
    return getattr(backend, key)


def _vault(backend, name, missing=None):
    from moto.backup.exceptions import ResourceNotFoundException

    vault = backend.vaults.get(name)
    if vault is None:
        raise missing or ResourceNotFoundException(f"Backup vault {name} does not exist")
    return vault


def _recovery_point(backend, vault_name, arn):
    from moto.backup.exceptions import ResourceNotFoundException

    _vault(backend, vault_name)
    point = _store(backend, "recovery_points").get(arn)
    if point is None or point["BackupVaultName"] != vault_name:
        raise ResourceNotFoundException(f"Recovery point {arn} not found in vault {vault_name}")
    return point


def _resource_type(arn):
    service, resource = arn.split(":")[2], arn.split(":", 5)[-1]
    if service == "ec2":
        return "EBS" if resource.startswith("volume/") else "EC2"
    return RESOURCE_TYPES.get(service, service.upper())


def _efs_source(backend, arn):
    """Settings and tags of the EFS file system behind an ARN, as a recovery point needs them for a restore."""
    from moto.backup.exceptions import ResourceNotFoundException
    from moto.efs.models import efs_backends

    region = arn.split(":")[3]
    efs = efs_backends[backend.account_id][region]
    file_system = efs.file_systems_by_id.get(arn.rsplit("/", 1)[-1])
    if file_system is None or file_system.file_system_arn != arn:
        raise ResourceNotFoundException(f"Resource {arn} not found")
    tags = efs.list_tags_for_resource(file_system.file_system_id)
    return {
        "ResourceName": next((tag["Value"] for tag in tags if tag["Key"] == "Name"), ""),
        "Tags": tags,
        "Settings": {
            "PerformanceMode": file_system.performance_mode,
            "Encrypted": file_system.encrypted,
            "KmsKeyId": file_system.kms_key_id,
            "ThroughputMode": file_system.throughput_mode,
            "ProvisionedThroughputInMibps": file_system.provisioned_throughput_in_mibps,
        },
        "SizeInBytes": file_system.size_in_bytes["Value"],
    }


def _page(items, params, key, default_size=1000):
    start = int(params.get("NextToken") or 0)
    size = params.get("MaxResults") or default_size
    result = {key: items[start : start + size]}
    if start + size < len(items):
        result["NextToken"] = str(start + size)
    return result


def _between(moment, after, before):
    return (after is None or moment >= after) and (before is None or moment <= before)


# --- backup jobs and recovery points ----------------------------------------------------------------------------


def start_backup_job(self):
    from moto.backup.exceptions import InvalidParameterValueException

    params = rest_params(self, "backup", "StartBackupJob")
    backend = self.backup_backend
    vault = _vault(backend, params.get("BackupVaultName"))
    resource_arn = params.get("ResourceArn") or ""
    if not resource_arn.startswith("arn:") or not params.get("IamRoleArn"):
        raise InvalidParameterValueException("ResourceArn and IamRoleArn must be valid ARNs")
    jobs = _store(backend, "backup_jobs")
    token = params.get("IdempotencyToken")
    for job in jobs.values():
        if token and job.get("_token") == token:
            return json_response({key: job[key] for key in ("BackupJobId", "RecoveryPointArn", "CreationDate")})

    resource_type = _resource_type(resource_arn)
    source = _efs_source(backend, resource_arn) if resource_type == "EFS" else {"Tags": [], "Settings": {}}
    created = now()
    point_arn = (
        f"arn:{backend.partition}:backup:{backend.region_name}:{backend.account_id}:recovery-point:{uuid.uuid4()}"
    )
    point = {
        "RecoveryPointArn": point_arn,
        "BackupVaultName": vault.backup_vault_name,
        "BackupVaultArn": vault.backup_vault_arn,
        "ResourceArn": resource_arn,
        "ResourceType": resource_type,
        "ResourceName": source.get("ResourceName", ""),
        "IamRoleArn": params["IamRoleArn"],
        "Status": "COMPLETED",
        "CreationDate": created,
        "InitiationDate": created,
        "CompletionDate": created,
        "BackupSizeInBytes": source.get("SizeInBytes", 0),
        "IsEncrypted": True,
        "StorageClass": "WARM",
        "VaultType": "BACKUP_VAULT",
        "_source": source,
    }
    if vault.encryption_key_arn:
        point["EncryptionKeyArn"] = vault.encryption_key_arn
    lifecycle = params.get("Lifecycle")
    if lifecycle:
        point["Lifecycle"] = lifecycle
        if lifecycle.get("DeleteAfterDays"):
            point["CalculatedLifecycle"] = {"DeleteAt": created + timedelta(days=lifecycle["DeleteAfterDays"])}
    _store(backend, "recovery_points")[point_arn] = point
    vault.num_of_recovery_points += 1
    if params.get("RecoveryPointTags"):
        backend.tag_resource(point_arn, params["RecoveryPointTags"])

    job = {
        "BackupJobId": str(uuid.uuid4()).upper(),
        "AccountId": backend.account_id,
        "BackupVaultName": vault.backup_vault_name,
        "BackupVaultArn": vault.backup_vault_arn,
        "RecoveryPointArn": point_arn,
        "ResourceArn": resource_arn,
        "ResourceType": resource_type,
        "CreationDate": created,
        "CompletionDate": created,
        "State": "COMPLETED",
        "PercentDone": "100.0",
        "BackupSizeInBytes": point["BackupSizeInBytes"],
        "IamRoleArn": params["IamRoleArn"],
        "StartBy": created + timedelta(minutes=params.get("StartWindowMinutes") or 480),
        "BackupType": "",
        "_token": token,
    }
    jobs[job["BackupJobId"]] = job
    return json_response({"BackupJobId": job["BackupJobId"], "RecoveryPointArn": point_arn, "CreationDate": created})


def _public(record):
    return {key: value for key, value in record.items() if not key.startswith("_")}


def describe_backup_job(self):
    from moto.backup.exceptions import ResourceNotFoundException

    params = rest_params(self, "backup", "DescribeBackupJob")
    job = _store(self.backup_backend, "backup_jobs").get(params.get("BackupJobId"))
    if job is None:
        raise ResourceNotFoundException(f"Backup job {params.get('BackupJobId')} not found")
    return json_response(_public(job))


def list_backup_jobs(self):
    params = rest_params(self, "backup", "ListBackupJobs")
    jobs = [
        _public(job)
        for job in sorted(_store(self.backup_backend, "backup_jobs").values(), key=lambda j: j["CreationDate"])[::-1]
        if params.get("ByResourceArn") in (None, job["ResourceArn"])
        and params.get("ByState") in (None, job["State"])
        and params.get("ByBackupVaultName") in (None, job["BackupVaultName"])
        and params.get("ByResourceType") in (None, job["ResourceType"])
        and _between(job["CreationDate"], params.get("ByCreatedAfter"), params.get("ByCreatedBefore"))
        and _between(job["CompletionDate"], params.get("ByCompleteAfter"), params.get("ByCompleteBefore"))
    ]
    return json_response(_page(jobs, params, "BackupJobs"))


def list_recovery_points_by_backup_vault(self):
    params = rest_params(self, "backup", "ListRecoveryPointsByBackupVault")
    vault = _vault(self.backup_backend, params.get("BackupVaultName"), missing=access_denied())
    points = [
        _public(point)
        for point in _newest_first(self.backup_backend)
        if point["BackupVaultName"] == vault.backup_vault_name
        and params.get("ByResourceArn") in (None, point["ResourceArn"])
        and params.get("ByResourceType") in (None, point["ResourceType"])
        # On-demand recovery points belong to no plan.
        and params.get("ByBackupPlanId") is None
        and _between(point["CreationDate"], params.get("ByCreatedAfter"), params.get("ByCreatedBefore"))
    ]
    return json_response(_page(points, params, "RecoveryPoints"))


def _newest_first(backend):
    return sorted(_store(backend, "recovery_points").values(), key=lambda p: p["CreationDate"], reverse=True)


def list_recovery_points_by_resource(self):
    params = rest_params(self, "backup", "ListRecoveryPointsByResource")
    points = [
        {
            "RecoveryPointArn": point["RecoveryPointArn"],
            "CreationDate": point["CreationDate"],
            "Status": point["Status"],
            "BackupSizeBytes": point["BackupSizeInBytes"],
            "BackupVaultName": point["BackupVaultName"],
            "ResourceName": point["ResourceName"],
            "VaultType": point["VaultType"],
            **({"EncryptionKeyArn": point["EncryptionKeyArn"]} if "EncryptionKeyArn" in point else {}),
        }
        for point in _newest_first(self.backup_backend)
        if point["ResourceArn"] == params.get("ResourceArn")
    ]
    return json_response(_page(points, params, "RecoveryPoints"))


def describe_recovery_point(self):
    params = rest_params(self, "backup", "DescribeRecoveryPoint")
    point = _recovery_point(self.backup_backend, params.get("BackupVaultName"), params.get("RecoveryPointArn"))
    return json_response(_public(point))


def delete_recovery_point(self):
    params = rest_params(self, "backup", "DeleteRecoveryPoint")
    backend = self.backup_backend
    point = _recovery_point(backend, params.get("BackupVaultName"), params.get("RecoveryPointArn"))
    del _store(backend, "recovery_points")[point["RecoveryPointArn"]]
    backend.vaults[point["BackupVaultName"]].num_of_recovery_points -= 1
    return json_response({})


def get_recovery_point_restore_metadata(self):
    params = rest_params(self, "backup", "GetRecoveryPointRestoreMetadata")
    point = _recovery_point(self.backup_backend, params.get("BackupVaultName"), params.get("RecoveryPointArn"))
    metadata = {}
    if point["ResourceType"] == "EFS":
        settings = point["_source"]["Settings"]
        metadata = {
            "file-system-id": point["ResourceArn"].rsplit("/", 1)[-1],
            "Encrypted": str(bool(settings["Encrypted"])).lower(),
            "PerformanceMode": settings["PerformanceMode"],
            "newFileSystem": "true",
            "CreationToken": str(uuid.uuid4()),
        }
        if settings.get("KmsKeyId"):
            metadata["KmsKeyId"] = settings["KmsKeyId"]
    return json_response(
        {
            "BackupVaultArn": point["BackupVaultArn"],
            "RecoveryPointArn": point["RecoveryPointArn"],
            "ResourceType": point["ResourceType"],
            "RestoreMetadata": metadata,
        }
    )


# --- restores ---------------------------------------------------------------------------------------------------


def _restore_efs(backend, point, metadata, copy_tags):
    from moto.efs.models import efs_backends

    region = point["ResourceArn"].split(":")[3]
    efs = efs_backends[backend.account_id][region]
    source_id = point["ResourceArn"].rsplit("/", 1)[-1]
    if str(metadata.get("newFileSystem", "true")).lower() == "false" and source_id in efs.file_systems_by_id:
        return point["ResourceArn"]
    settings = point["_source"]["Settings"]
    encrypted = str(metadata.get("Encrypted", settings["Encrypted"])).lower() == "true"
    tags = point["_source"]["Tags"] if copy_tags else []
    file_system = efs.create_file_system(
        creation_token=metadata.get("CreationToken") or str(uuid.uuid4()),
        performance_mode=metadata.get("PerformanceMode") or settings["PerformanceMode"],
        encrypted=encrypted,
        kms_key_id=(metadata.get("KmsKeyId") or settings["KmsKeyId"]) if encrypted else None,
        throughput_mode=settings["ThroughputMode"],
        provisioned_throughput_in_mibps=settings["ProvisionedThroughputInMibps"],
        availability_zone_name=None,
        backup=False,
        tags=[dict(tag) for tag in tags],
    )
    return file_system.file_system_arn


def start_restore_job(self):
    from moto.backup.exceptions import InvalidRequestException, ResourceNotFoundException

    params = rest_params(self, "backup", "StartRestoreJob")
    backend = self.backup_backend
    point = _store(backend, "recovery_points").get(params.get("RecoveryPointArn"))
    if point is None:
        raise ResourceNotFoundException(f"Recovery point {params.get('RecoveryPointArn')} not found")
    jobs = _store(backend, "restore_jobs")
    token = params.get("IdempotencyToken")
    for job in jobs.values():
        if token and job.get("_token") == token:
            return json_response({"RestoreJobId": job["RestoreJobId"]})
    if point["ResourceType"] != "EFS":
        raise InvalidRequestException("The emulator restores EFS recovery points only")
    created = now()
    created_arn = _restore_efs(
        backend, point, params.get("Metadata") or {}, params.get("CopySourceTagsToRestoredResource", False)
    )
    point["LastRestoreTime"] = created
    job = {
        "RestoreJobId": str(uuid.uuid4()).upper(),
        "AccountId": backend.account_id,
        "RecoveryPointArn": point["RecoveryPointArn"],
        "SourceResourceArn": point["ResourceArn"],
        "BackupVaultArn": point["BackupVaultArn"],
        "CreationDate": created,
        "CompletionDate": created,
        "Status": "COMPLETED",
        "PercentDone": "100.00%",
        "BackupSizeInBytes": point["BackupSizeInBytes"],
        "IamRoleArn": params.get("IamRoleArn"),
        "ExpectedCompletionTimeMinutes": 0,
        "CreatedResourceArn": created_arn,
        "ResourceType": point["ResourceType"],
        "RecoveryPointCreationDate": point["CreationDate"],
        "_token": token,
    }
    jobs[job["RestoreJobId"]] = job
    return json_response({"RestoreJobId": job["RestoreJobId"]})


def describe_restore_job(self):
    from moto.backup.exceptions import ResourceNotFoundException

    params = rest_params(self, "backup", "DescribeRestoreJob")
    job = _store(self.backup_backend, "restore_jobs").get(params.get("RestoreJobId"))
    if job is None:
        raise ResourceNotFoundException(f"Restore job {params.get('RestoreJobId')} not found")
    return json_response(_public(job))


def list_restore_jobs(self):
    params = rest_params(self, "backup", "ListRestoreJobs")
    jobs = [
        _public(job)
        for job in sorted(_store(self.backup_backend, "restore_jobs").values(), key=lambda j: j["CreationDate"])[::-1]
        if params.get("ByStatus") in (None, job["Status"])
        and params.get("ByResourceType") in (None, job["ResourceType"])
        and _between(job["CreationDate"], params.get("ByCreatedAfter"), params.get("ByCreatedBefore"))
    ]
    return json_response(_page(jobs, params, "RestoreJobs"))


# --- wiring -----------------------------------------------------------------------------------------------------

HANDLERS = (
    start_backup_job,
    describe_backup_job,
    list_backup_jobs,
    list_recovery_points_by_backup_vault,
    list_recovery_points_by_resource,
    describe_recovery_point,
    delete_recovery_point,
    get_recovery_point_restore_metadata,
    start_restore_job,
    describe_restore_job,
    list_restore_jobs,
)


def _wrap_get_action(original):
    def _get_action(self):
        path = unquote(self.parsed_url.path)
        for method, pattern, operation in ROUTES:
            match = re.match(pattern, path)
            if match and self.method == method:
                self.uri_match = match.groupdict()
                return operation
        return original(self)

    return _get_action


def _wrap_delete_backup_vault(original):
    def delete_backup_vault(self):
        from moto.backup.exceptions import InvalidRequestException

        vault = self.backup_backend.vaults.get(unquote(self.path.rstrip("/").split("/")[-1]))
        if vault is not None and vault.num_of_recovery_points:
            raise InvalidRequestException(
                f"Backup vault cannot be deleted (contains {vault.num_of_recovery_points} recovery points)"
            )
        return original(self)

    return delete_backup_vault


def apply():
    if _patcher.active:
        return
    from moto.backup import urls
    from moto.backup.models import Vault
    from moto.backup.responses import BackupResponse

    for func in HANDLERS:
        _patcher.setattr(BackupResponse, func.__name__, func)
    _patcher.setattr(BackupResponse, "_get_action", _wrap_get_action(BackupResponse._get_action))
    _patcher.setattr(
        BackupResponse, "delete_backup_vault", _wrap_delete_backup_vault(BackupResponse.delete_backup_vault)
    )
    # DescribeBackupVault serialises the Vault by attribute name; moto keeps the count as num_of_recovery_points.
    _patcher.setattr(Vault, "number_of_recovery_points", property(lambda vault: vault.num_of_recovery_points))
    for path in URL_PATHS:
        _patcher.setitem(urls.url_paths, path, urls.response.dispatch)
    _patcher.active = True


def remove():
    _patcher.restore()
