"""EFS replication: CreateReplicationConfiguration, DescribeReplicationConfigurations, DeleteReplicationConfiguration.

jenkins_ha.aws.efs_replication (playbooks/storage.yml with jenkins_ha_efs_replication_region) replicates JENKINS_HOME
to a second region; stock moto 5.2.5 has none of the three operations. Modelled after the API reference (botocore
1.44.5 data/efs/2015-02-01/service-2.json, the operations' and shapes' documentation):
- Create: the source must exist in the caller's region; one destination, given by Region and either a new file
  system (created in that region's backend, encrypted, with KmsKeyId or the account's aws/elasticfilesystem key) or
  an existing FileSystemId of that region. A file system already part of a replication is refused. The destination's
  FileSystemProtection.ReplicationOverwriteProtection becomes REPLICATING (read-only while replicated). The answer
  is the configuration with the destination ENABLING.
- Describe: by FileSystemId (source or destination, from either region), or every configuration of the region. A
  file system without one answers 404 ReplicationNotFound. ENABLING becomes ENABLED at the first describe after
  the create, and from then on every describe reports a completed sync at that moment (LastReplicatedTimestamp).
- Delete (by the source's id, from either region): removes the configuration on both sides at once (the default
  DeletionMode ALL_CONFIGURATIONS); the destination is kept, writable, its overwrite protection ENABLED again.
- DeleteFileSystem of a file system in a replication is refused ("You cannot delete a file system that is part of an
  EFS replication configuration", DeleteFileSystem's documentation), as BadRequest.
Not modelled (the emulator cannot prove them): data transfer and the real lag (LastReplicatedTimestamp is always
"now"), the minutes of ENABLING and DELETING, PAUSED/ERROR, the overwrite-protection check on an existing destination
(UpdateFileSystemProtection is not served), cross-account destinations and RoleArn, One Zone (AvailabilityZoneName),
pagination, and the error codes AWS gives for a second replication, an unknown KMS key or a refused DeleteFileSystem
(not documented; BadRequest here).
"""

from __future__ import annotations

import uuid

from ._util import Patcher, json_response, now, rest_params

GAP = (
    "EFS Create/Describe/DeleteReplicationConfiguration are not implemented (HTTP 500 in server mode); a replicated"
    " file system can be deleted"
)
MOTO_VERSION = "5.2.5"

# The attribute each file system of a replication holds (source and destination share one record). Its leading
# underscore keeps it out of moto's FileSystem.info_json, which lists every public attribute.
RECORD = "_jenkins_ha_replication"

# Server mode routes only the paths urls.py lists; these are the operations' requestUri in botocore's model (the
# literal replication-configurations wins over file-systems/<file_system_id> in werkzeug's routing).
URL_PATHS = (
    "/2015-02-01/file-systems/<source_file_system_id>/replication-configuration",
    "/2015-02-01/file-systems/replication-configurations",
)

_patcher = Patcher()


def _errors():
    from moto.efs.exceptions import BadRequest, EFSError, FileSystemNotFound

    class ReplicationNotFound(EFSError):
        code = 404

        def __init__(self, file_system_id):
            super().__init__(
                "ReplicationNotFound",
                "File system {0} does not have a replication configuration.".format(file_system_id),
            )

    return BadRequest, FileSystemNotFound, ReplicationNotFound


def _backend(account_id, region):
    from moto.efs.models import efs_backends

    return efs_backends[account_id][region]


def _file_system(backend, file_system_id):
    _unused, not_found, _unused2 = _errors()
    # An id or an ARN (…:file-system/fs-…), as the API accepts for an existing destination.
    found = backend.file_systems_by_id.get(file_system_id.rsplit("/", 1)[-1])
    if found is None:
        raise not_found(file_system_id)
    return found


def _set_protection(file_system, value):
    # A public attribute: moto's info_json reports it as FileSystemProtection, as DescribeFileSystems does on AWS.
    file_system.file_system_protection = {"ReplicationOverwriteProtection": value}


def _destination_file_system(self, source, destination):
    bad_request, _unused, _unused2 = _errors()
    backend = _backend(self.current_account, destination["Region"])
    if destination.get("FileSystemId"):
        return _file_system(backend, destination["FileSystemId"])
    kms_key_id = destination.get("KmsKeyId")
    if kms_key_id:
        from .efs_default_kms_key import key_arn

        kms_key_id = key_arn(self.current_account, destination["Region"], kms_key_id)
        if kms_key_id is None:
            raise bad_request(
                "KMS key {0} does not exist in {1}".format(destination["KmsKeyId"], destination["Region"])
            )
    return backend.create_file_system(
        creation_token="replication-{0}".format(uuid.uuid4()),
        performance_mode=source.performance_mode,
        encrypted=True,
        kms_key_id=kms_key_id,
        throughput_mode=None,
        provisioned_throughput_in_mibps=None,
        availability_zone_name=None,
        backup=False,
        tags=[],
    )


def create_replication_configuration(self):
    bad_request, _unused, _unused2 = _errors()
    params = rest_params(self, "efs", "CreateReplicationConfiguration")
    source = _file_system(self.efs_backend, params["SourceFileSystemId"])
    destinations = params.get("Destinations") or []
    if len(destinations) != 1 or not destinations[0].get("Region"):
        raise bad_request("Give exactly one destination, with its Region")
    if getattr(source, RECORD, None):
        raise bad_request(
            "File system {0} is already part of a replication configuration".format(source.file_system_id)
        )
    destination = _destination_file_system(self, source, destinations[0])
    if getattr(destination, RECORD, None) or destination is source:
        raise bad_request("File system {0} cannot be this replication's destination".format(destination.file_system_id))
    record = {
        "SourceFileSystemId": source.file_system_id,
        "SourceFileSystemRegion": self.region,
        "SourceFileSystemArn": source.file_system_arn,
        "OriginalSourceFileSystemArn": source.file_system_arn,
        "SourceFileSystemOwnerId": self.current_account,
        "CreationTime": now(),
        "Destinations": [
            {
                "Status": "ENABLING",
                "FileSystemId": destination.file_system_id,
                "Region": destinations[0]["Region"],
                "OwnerId": self.current_account,
            }
        ],
    }
    setattr(source, RECORD, record)
    setattr(destination, RECORD, record)
    _set_protection(destination, "REPLICATING")
    return json_response(record)


def _advance(record):
    """ENABLING → ENABLED at the first describe; an enabled replication has just synced."""
    destination = record["Destinations"][0]
    if destination["Status"] == "ENABLING":
        destination["Status"] = "ENABLED"
    else:
        destination["LastReplicatedTimestamp"] = now()
    return record


def describe_replication_configurations(self):
    _unused, _unused2, replication_not_found = _errors()
    params = rest_params(self, "efs", "DescribeReplicationConfigurations")
    if params.get("FileSystemId"):
        record = getattr(_file_system(self.efs_backend, params["FileSystemId"]), RECORD, None)
        if record is None:
            raise replication_not_found(params["FileSystemId"])
        records = [record]
    else:
        records = []
        for file_system in self.efs_backend.file_systems_by_id.values():
            record = getattr(file_system, RECORD, None)
            if record is not None and all(record is not seen for seen in records):
                records.append(record)
    return json_response({"Replications": [_advance(record) for record in records]})


def delete_replication_configuration(self):
    _unused, not_found, replication_not_found = _errors()
    params = rest_params(self, "efs", "DeleteReplicationConfiguration")
    source_id = params["SourceFileSystemId"]
    records = [
        getattr(fs, RECORD)
        for fs in self.efs_backend.file_systems_by_id.values()
        if getattr(fs, RECORD, None) and getattr(fs, RECORD)["SourceFileSystemId"] == source_id
    ]
    if not records:
        if source_id in self.efs_backend.file_systems_by_id:
            raise replication_not_found(source_id)
        raise not_found(source_id)
    record = records[0]
    source = _backend(self.current_account, record["SourceFileSystemRegion"]).file_systems_by_id[source_id]
    destination = _backend(self.current_account, record["Destinations"][0]["Region"]).file_systems_by_id[
        record["Destinations"][0]["FileSystemId"]
    ]
    for file_system in (source, destination):
        delattr(file_system, RECORD)
    _set_protection(destination, "ENABLED")
    return json_response({}, status=204)


def _wrap_delete_file_system(original):
    def delete_file_system(self, file_system_id):
        bad_request, _unused, _unused2 = _errors()
        file_system = self.file_systems_by_id.get(file_system_id)
        if file_system is not None and getattr(file_system, RECORD, None):
            raise bad_request(
                "You cannot delete a file system that is part of an EFS replication configuration. You need to delete"
                " the replication configuration first."
            )
        return original(self, file_system_id)

    delete_file_system.__doc__ = original.__doc__
    return delete_file_system


def apply():
    if _patcher.active:
        return
    from moto.efs import urls
    from moto.efs.models import EFSBackend
    from moto.efs.responses import EFSResponse

    for path in URL_PATHS:
        _patcher.setitem(urls.url_paths, path, urls.response.dispatch)
    _patcher.setattr(EFSResponse, "create_replication_configuration", create_replication_configuration)
    _patcher.setattr(EFSResponse, "describe_replication_configurations", describe_replication_configurations)
    _patcher.setattr(EFSResponse, "delete_replication_configuration", delete_replication_configuration)
    _patcher.setattr(EFSBackend, "delete_file_system", _wrap_delete_file_system(EFSBackend.delete_file_system))
    _patcher.active = True


def remove():
    _patcher.restore()
