"""storage.yml with jenkins_ha_efs_replication_region against the emulator: JENKINS_HOME replicated to a new file
system in the second region, encrypted with the stack's key there (a key an interrupted run left without its alias
adopted); a rerun and a check-mode rerun change nothing; a
replication to another region is refused and leaves the existing one; monitoring.yml alarms on the replica's lag;
destroy.yml deletes the replication and keeps the replica, writable, with its key.

The emulator's replication is the compatibility layer's model (tests/emulator/compat/efs_replication.py): it proves the
calls, their order and the stack's bookkeeping, not data transfer, lag or the minutes AWS takes to enable and delete.
"""

from tests.integration.harness import ROOT
from tests.integration.test_efs_storage import seed_prerequisites

STORAGE = ROOT / "playbooks" / "storage.yml"
MONITORING = ROOT / "playbooks" / "monitoring.yml"
DESTROY = ROOT / "playbooks" / "destroy.yml"
DEMO = ROOT / "inventory" / "demo"
STACK = "efsrepl"
DR_REGION = "us-west-2"


# The network seed_prerequisites makes, so that destroy.yml finds (by CIDR) and deletes it.
NETWORK = {
    "jenkins_ha_vpc_cidr": "10.82.0.0/16",
    "jenkins_ha_public_subnet_cidrs": ["10.82.0.0/24", "10.82.1.0/24"],
    "jenkins_ha_private_subnet_cidrs": ["10.82.16.0/24", "10.82.17.0/24"],
}


def stack_vars(region=DR_REGION, **more):
    settings = {"jenkins_ha_efs_replication_region": region, "jenkins_ha_alarm_sns_topic": False}
    return ["jenkins_ha_stack_name=" + STACK, dict(NETWORK, **settings, **more)]


def source_file_system(emulator):
    (fs,) = [
        f for f in emulator.client("efs").describe_file_systems()["FileSystems"] if f["Name"] == STACK + "-jenkins-home"
    ]
    return fs


def replica_key_arn(emulator, region=DR_REGION):
    kms = emulator.client("kms", region)
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/jenkins-ha/{0}-dr".format(STACK)]
    return kms.describe_key(KeyId=aliases[0]["TargetKeyId"])["KeyMetadata"]["Arn"] if aliases else None


def test_replication_set_up_rerun_refused_move_alarm_and_destroy(emulator, playbook):
    seed_prerequisites(emulator, STACK)
    dr_efs = emulator.client("efs", DR_REGION)

    # Check mode on the fresh stack: nothing anywhere, in either region.
    checked = playbook(STORAGE, inventory=DEMO, extra_vars=stack_vars(), check=True)
    assert checked.rc == 0, checked.output[-3000:]
    assert dr_efs.describe_file_systems()["FileSystems"] == [] and replica_key_arn(emulator) is None

    # A run that died between CreateKey and CreateAlias left the replica key without its alias: it is adopted.
    orphan = emulator.client("kms", DR_REGION).create_key(
        Description="jenkins_ha {0}: EFS replica of JENKINS_HOME".format(STACK),
        Tags=[{"TagKey": "jenkins-ha:stack", "TagValue": STACK}, {"TagKey": "jenkins-ha:component", "TagValue": "kms"}],
    )["KeyMetadata"]["Arn"]

    first = playbook(STORAGE, inventory=DEMO, extra_vars=stack_vars())
    assert first.rc == 0, first.output[-3000:]
    source = source_file_system(emulator)["FileSystemId"]
    (replication,) = emulator.client("efs").describe_replication_configurations(FileSystemId=source)["Replications"]
    (destination,) = replication["Destinations"]
    assert destination["Region"] == DR_REGION and destination["Status"] == "ENABLED"
    (replica,) = dr_efs.describe_file_systems()["FileSystems"]
    assert replica["FileSystemId"] == destination["FileSystemId"]
    key = replica_key_arn(emulator)
    assert key == orphan and replica["KmsKeyId"] == key
    assert len(emulator.client("kms", DR_REGION).list_keys()["Keys"]) == 1
    assert replica["FileSystemProtection"]["ReplicationOverwriteProtection"] == "REPLICATING"

    again = playbook(STORAGE, inventory=DEMO, extra_vars=stack_vars())
    assert again.rc == 0 and again.changed() == 0, again.output[-3000:]
    checked = playbook(STORAGE, inventory=DEMO, extra_vars=stack_vars(), check=True)
    assert checked.rc == 0 and checked.changed() == 0, checked.output[-3000:]

    # Another region: refused, naming the replication that exists, which stays.
    moved = playbook(STORAGE, inventory=DEMO, extra_vars=stack_vars("eu-west-1"))
    assert moved.rc != 0
    assert "already replicates with a different destination" in moved.output and "'us-west-2'" in moved.output
    assert (
        emulator.client("efs").describe_replication_configurations(FileSystemId=source)["Replications"][0][
            "Destinations"
        ][0]["FileSystemId"]
        == replica["FileSystemId"]
    )
    assert emulator.client("efs", "eu-west-1").describe_file_systems()["FileSystems"] == []
    assert replica_key_arn(emulator, "eu-west-1") is None

    # The lag alarm, on both dimensions EFS publishes TimeSinceLastSync with.
    monitored = playbook(
        MONITORING, inventory=DEMO, extra_vars=stack_vars(jenkins_ha_efs_replication_max_lag_minutes=30)
    )
    assert monitored.rc == 0, monitored.output[-3000:]
    (alarm,) = emulator.client("cloudwatch").describe_alarms(AlarmNames=[STACK + "-efs-replication-lag"])[
        "MetricAlarms"
    ]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Threshold"]) == ("AWS/EFS", "TimeSinceLastSync", 1800.0)
    assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
        "FileSystemId": source,
        "DestinationFileSystemId": replica["FileSystemId"],
    }

    destroyed = playbook(
        DESTROY,
        inventory=DEMO,
        extra_vars=stack_vars(jenkins_ha_destroy_confirm=STACK, jenkins_ha_destroy_skip_recovery_point_check=True),
    )
    assert destroyed.rc == 0, destroyed.output[-3000:]
    assert "Kept the replica {0}".format(replica["FileSystemId"]) in destroyed.output
    assert [f["Name"] for f in emulator.client("efs").describe_file_systems()["FileSystems"]].count(
        STACK + "-jenkins-home"
    ) == 0
    (kept,) = dr_efs.describe_file_systems()["FileSystems"]
    assert kept["FileSystemId"] == replica["FileSystemId"]
    assert kept["FileSystemProtection"]["ReplicationOverwriteProtection"] == "ENABLED"
    assert replica_key_arn(emulator) == key
    assert not emulator.client("cloudwatch").describe_alarms(AlarmNames=[STACK + "-efs-replication-lag"])[
        "MetricAlarms"
    ]
