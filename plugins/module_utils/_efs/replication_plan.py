# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What efs_replication compares and sends (pure; no AWS calls).

A replication has one destination and cannot be changed in place (botocore 1.44.5 efs service-2.json: no
UpdateReplicationConfiguration; "A file system can be part of only one replication configuration"), so a
configuration that differs from the one asked for is a conflict to report, never something to replace.
"""

# The destination attributes a configuration is compared on, in the order conflicts are reported.
COMPARED = ("region", "file_system_id", "kms_key_arn")


def replication_view(replication, destination_kms_key_arn=None):
    """The snake_case summary of a DescribeReplicationConfigurations entry the module returns and diffs."""
    if not replication:
        return {}
    destination = replication["Destinations"][0]
    return dict(
        source_file_system_id=replication["SourceFileSystemId"],
        source_file_system_arn=replication.get("SourceFileSystemArn"),
        source_file_system_region=replication.get("SourceFileSystemRegion"),
        creation_time=_iso(replication.get("CreationTime")),
        destination_region=destination["Region"],
        destination_file_system_id=destination["FileSystemId"],
        destination_kms_key_arn=destination_kms_key_arn,
        status=destination["Status"],
        status_message=destination.get("StatusMessage"),
        last_replicated_timestamp=_iso(destination.get("LastReplicatedTimestamp")),
    )


def _iso(moment):
    return moment.isoformat() if hasattr(moment, "isoformat") else moment


def desired_view(source_file_system_id, region, file_system_id=None, kms_key_arn=None):
    """What the module asks for, in replication_view's keys (None: not asked, anything goes)."""
    return dict(
        source_file_system_id=source_file_system_id,
        destination_region=region,
        destination_file_system_id=file_system_id,
        destination_kms_key_arn=kms_key_arn,
    )


def conflicts(current, desired):
    """The destination attributes in which an existing replication differs from the one asked for:
    [(attribute, current, asked)]. Attributes not asked for (None) are not compared."""
    found = []
    for attribute in COMPARED:
        key = "destination_" + attribute
        if desired.get(key) is not None and current.get(key) != desired[key]:
            found.append((attribute, current.get(key), desired[key]))
    return found


def destination_to_create(desired):
    """The DestinationToCreate of CreateReplicationConfiguration: an existing file system, or a new one encrypted
    with the given key (the account's aws/elasticfilesystem key in the destination region when none is given)."""
    destination = dict(Region=desired["destination_region"])
    if desired.get("destination_file_system_id"):
        destination["FileSystemId"] = desired["destination_file_system_id"]
    elif desired.get("destination_kms_key_arn"):
        destination["KmsKeyId"] = desired["destination_kms_key_arn"]
    return destination


def describe_conflicts(source_file_system_id, found):
    """The message for a replication that is not the one asked for."""
    details = ", ".join("{0}: {1!r} (asked {2!r})".format(*conflict) for conflict in found)
    return (
        "File system {0} already replicates with a different destination ({1}). EFS allows one replication per file "
        "system and none can be changed: delete it (state=absent) and create the new one, which starts a full copy"
        ".".format(source_file_system_id, details)
    )
