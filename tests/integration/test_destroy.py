"""destroy.yml: refuses without confirmation, refuses to delete JENKINS_HOME without a recent recovery point, and
removes the stack once a backup job has produced one (the compatibility layer models StartBackupJob)."""

from tests.integration.harness import ROOT

SITE = ROOT / "site.yml"
DESTROY = ROOT / "playbooks" / "destroy.yml"
DEMO = ROOT / "inventory" / "demo"
STACK = [
    "jenkins_ha_stack_name=gone",
    {
        "jenkins_ha_vpc_cidr": "10.60.0.0/16",
        "jenkins_ha_public_subnet_cidrs": ["10.60.0.0/24", "10.60.1.0/24"],
        "jenkins_ha_private_subnet_cidrs": ["10.60.16.0/20", "10.60.32.0/20"],
        "jenkins_ha_dns_zone": "",
        "jenkins_ha_dns_private_zone": "",
        "jenkins_ha_alarm_sns_topic": False,
    },
]


def file_systems(emulator):
    return [
        fs for fs in emulator.client("efs").describe_file_systems()["FileSystems"] if fs["Name"] == "gone-jenkins-home"
    ]


def test_destroy_guards_jenkins_home(emulator, playbook):
    assert playbook(SITE, inventory=DEMO, extra_vars=STACK).rc == 0

    unconfirmed = playbook(DESTROY, inventory=DEMO, extra_vars=STACK)
    assert unconfirmed.rc != 0 and "jenkins_ha_destroy_confirm=gone" in unconfirmed.output

    confirmed = STACK + ["jenkins_ha_destroy_confirm=gone"]
    refused = playbook(DESTROY, inventory=DEMO, extra_vars=confirmed)
    assert refused.rc != 0 and "No recovery point" in refused.output
    assert len(file_systems(emulator)) == 1

    (fs,) = file_systems(emulator)
    emulator.client("backup").start_backup_job(
        BackupVaultName="gone-jenkins-home",
        ResourceArn=fs["FileSystemArn"],
        IamRoleArn="arn:aws:iam::123456789012:role/gone-backup",
    )
    done = playbook(DESTROY, inventory=DEMO, extra_vars=confirmed)
    assert done.rc == 0, done.output[-3000:]
    assert file_systems(emulator) == []
    ec2 = emulator.client("ec2")
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": ["gone"]}])["Vpcs"] == []


def test_destroy_with_the_explicit_flag_skips_the_recovery_point_check(emulator, playbook):
    stack = [
        STACK[0].replace("gone", "flag"),
        dict(
            STACK[1],
            jenkins_ha_vpc_cidr="10.70.0.0/16",
            jenkins_ha_public_subnet_cidrs=["10.70.0.0/24", "10.70.1.0/24"],
            jenkins_ha_private_subnet_cidrs=["10.70.16.0/20", "10.70.32.0/20"],
        ),
    ]
    assert playbook(SITE, inventory=DEMO, extra_vars=stack, tags="network,kms,iam,logs,storage").rc == 0
    result = playbook(
        DESTROY,
        inventory=DEMO,
        extra_vars=stack + ["jenkins_ha_destroy_confirm=flag", "jenkins_ha_destroy_skip_recovery_point_check=true"],
    )
    assert result.rc == 0, result.output[-3000:]
    names = {fs["Name"] for fs in emulator.client("efs").describe_file_systems()["FileSystems"]}
    assert "flag-jenkins-home" not in names
