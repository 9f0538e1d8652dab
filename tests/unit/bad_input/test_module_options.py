"""Bad options for every module in plugins/modules: an unknown option, a missing required one, a wrong type, a value
outside its choices, a malformed AWS id or ARN. Each is refused with a message naming the option, changed=false, and
no AWS call is made (every call would be refused, see conftest.denied, and none may be attempted)."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.modules import ami_retention
from ansible_collections.jenkins_ha.aws.plugins.modules import ami_share
from ansible_collections.jenkins_ha.aws.plugins.modules import backup_recovery_point_info
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_access_point
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system_policy
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_replication
from ansible_collections.jenkins_ha.aws.plugins.modules import image_build_leftovers
from ansible_collections.jenkins_ha.aws.plugins.modules import jenkins_casc_reload
from ansible_collections.jenkins_ha.aws.plugins.modules import jenkins_node
from ansible_collections.jenkins_ha.aws.plugins.modules import jenkins_node_info
from ansible_collections.jenkins_ha.aws.plugins.modules import jenkins_plugins
from ansible_collections.jenkins_ha.aws.plugins.modules import packer_build
from ansible_collections.jenkins_ha.aws.plugins.modules import sns_topic_encryption
from ansible_collections.jenkins_ha.aws.plugins.modules import vpc_flow_log

from .helpers import run_module

FS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
ROLE_ARN = "arn:aws:iam::123456789012:role/flow-logs"
POLICY = {"Version": "2012-10-17", "Statement": []}
JENKINS = "http://127.0.0.1:9/"

# Each module with arguments it accepts; the cases below change one thing.
VALID = {
    "ami_retention": (ami_retention.main, dict(stack="demo", roles=["controller"])),
    "ami_share": (ami_share.main, dict(image_id="ami-0123456789abcdef0", accounts=["123456789012"])),
    "backup_recovery_point_info": (backup_recovery_point_info.main, dict(resource_arn=FS_ARN)),
    "efs_access_point": (efs_access_point.main, dict(file_system_id="fs-0123456789abcdef0", name="jenkins-home")),
    "efs_file_system": (efs_file_system.main, dict(name="demo-jenkins-home")),
    "efs_file_system_policy": (
        efs_file_system_policy.main,
        dict(file_system_id="fs-0123456789abcdef0", policy=POLICY),
    ),
    "efs_replication": (
        efs_replication.main,
        dict(source_file_system_id="fs-0123456789abcdef0", destination_region="eu-west-1"),
    ),
    "image_build_leftovers": (image_build_leftovers.main, dict(stack="demo")),
    "jenkins_casc_reload": (jenkins_casc_reload.main, dict(url=JENKINS, method="password", username="a", password="b")),
    "jenkins_node": (jenkins_node.main, dict(url=JENKINS, names=["agent-1"])),
    "jenkins_node_info": (jenkins_node_info.main, dict(url=JENKINS)),
    "jenkins_plugins": (
        jenkins_plugins.main,
        dict(plugins=[{"name": "git"}], dest="/nonexistent/plugins", update_center_url=JENKINS + "uc.json"),
    ),
    "packer_build": (
        packer_build.main,
        dict(template="/nonexistent/t.pkr.hcl", role="controller", base="ami-0123456789abcdef0"),
    ),
    "sns_topic_encryption": (sns_topic_encryption.main, dict(topic="demo-alarms", kms_key_id="alias/demo")),
    "vpc_flow_log": (
        vpc_flow_log.main,
        dict(resource_ids=["vpc-0123456789abcdef0"], log_group_name="flow", deliver_logs_permission_arn=ROLE_ARN),
    ),
}

REQUIRED = {
    "ami_share": "image_id",
    "efs_access_point": "file_system_id",
    "efs_file_system": "name",
    "efs_file_system_policy": "file_system_id",
    "efs_replication": "source_file_system_id",
    "image_build_leftovers": "stack",
    "jenkins_casc_reload": "url",
    "jenkins_node": "url",
    "jenkins_node_info": "url",
    "jenkins_plugins": "plugins",
    "packer_build": "template",
    "sns_topic_encryption": "topic",
    "vpc_flow_log": "resource_ids",
}

# (module, changed options, words the message must contain)
CASES = [(name, {"colour": "blue"}, ["Unsupported parameters", "colour"]) for name in sorted(VALID)]
CASES += [(name, {option: None}, ["missing required arguments", option]) for name, option in sorted(REQUIRED.items())]
CASES += [
    # Wrong types
    ("ami_retention", {"keep": "three"}, ["keep", "int"]),
    ("ami_retention", {"roles": {"a": 1}}, ["roles", "list"]),
    ("ami_share", {"purge": "maybe"}, ["purge", "bool"]),
    ("ami_share", {"accounts": {"id": 1}}, ["accounts", "list"]),
    ("efs_access_point", {"posix_user": {"uid": "root", "gid": 1000}}, ["uid", "int"]),
    ("efs_file_system", {"provisioned_throughput_in_mibps": "fast"}, ["provisioned_throughput_in_mibps", "float"]),
    ("efs_file_system", {"mount_targets": [{"subnet": "subnet-1"}]}, ["subnet"]),
    ("efs_file_system_policy", {"policy": "{not json"}, ["policy"]),
    ("efs_replication", {"wait_timeout": "long"}, ["wait_timeout", "int"]),
    ("image_build_leftovers", {"roles": "agent,controller,x"}, ["roles", "x"]),
    ("jenkins_casc_reload", {"timeout": "soon"}, ["timeout", "int"]),
    ("jenkins_node", {"offline_longer_than_minutes": "long"}, ["offline_longer_than_minutes", "int"]),
    ("jenkins_node_info", {"validate_certs": "perhaps"}, ["validate_certs", "bool"]),
    ("jenkins_plugins", {"plugins": [{"version": "1.0"}]}, ["name"]),
    ("packer_build", {"variables": ["a"]}, ["variables", "dict"]),
    ("sns_topic_encryption", {"topic": ["a", "b"]}, ["topic"]),
    ("vpc_flow_log", {"max_aggregation_interval": "minute"}, ["max_aggregation_interval", "int"]),
    # Values outside their choices
    ("efs_file_system", {"throughput_mode": "turbo"}, ["throughput_mode", "turbo"]),
    ("efs_file_system", {"state": "gone"}, ["state", "gone"]),
    ("jenkins_casc_reload", {"method": "magic"}, ["method", "magic"]),
    ("efs_replication", {"state": "paused"}, ["state", "paused"]),
    # A replication to a new file system with a key cannot also name an existing one
    (
        "efs_replication",
        {"destination_file_system_id": "fs-01234567", "destination_kms_key_id": "alias/dr"},
        ["mutually"],
    ),
    ("efs_replication", {"destination_region": None}, ["destination_region"]),
    ("jenkins_node", {"state": "present"}, ["state", "present"]),
    ("image_build_leftovers", {"roles": ["builder"]}, ["roles", "builder"]),
    ("image_build_leftovers", {"running_builds": "kill"}, ["running_builds", "kill"]),
    ("image_build_leftovers", {"stack": ""}, ["stack", "empty"]),
    ("image_build_leftovers", {"roles": []}, ["roles", "empty"]),
    ("packer_build", {"role": "builder"}, ["role", "builder"]),
    ("vpc_flow_log", {"max_aggregation_interval": 300}, ["max_aggregation_interval", "300"]),
    ("vpc_flow_log", {"resource_type": "Instance"}, ["resource_type", "Instance"]),
    # Malformed ids and ARNs: refused with the expected shape, before AWS sees them
    ("ami_share", {"image_id": "ubuntu-22.04"}, ["image_id", "ubuntu-22.04", "ami-"]),
    ("ami_share", {"image_id": "ami-xyz"}, ["image_id", "ami-xyz"]),
    ("ami_share", {"accounts": ["12345"]}, ["12345", "12 digits"]),
    ("ami_share", {"organization_arns": ["o-abc"]}, ["o-abc", "organization ARN"]),
    ("ami_share", {"copy_tags_role_arn": "tagger"}, ["copy_tags_role_arn", "tagger"]),
    ("backup_recovery_point_info", {"resource_arn": "fs-0123456789abcdef0"}, ["resource_arn", "ARN"]),
    ("backup_recovery_point_info", {"backup_vault_name": "my vault!"}, ["backup_vault_name", "my vault!"]),
    ("sns_topic_encryption", {"topic": ["a", "b"]}, ["topic", "['a', 'b']"]),
    ("sns_topic_encryption", {"topic": "arn:aws:sqs:us-east-1:123456789012:q"}, ["topic", "arn:aws:sqs"]),
    ("sns_topic_encryption", {"kms_key_id": "my key"}, ["kms_key_id", "my key"]),
    ("vpc_flow_log", {"resource_ids": ["subnet-0123456789abcdef0"]}, ["resource_ids", "subnet-", "VPC id"]),
    ("vpc_flow_log", {"resource_ids": ["vpc_1"]}, ["resource_ids", "vpc_1"]),
    (
        "vpc_flow_log",
        {"resource_type": "Subnet", "resource_ids": ["vpc-0123456789abcdef0"]},
        ["resource_ids", "vpc-0123456789abcdef0", "subnet id"],
    ),
    ("vpc_flow_log", {"deliver_logs_permission_arn": "flow-logs"}, ["deliver_logs_permission_arn", "flow-logs"]),
    (
        "vpc_flow_log",
        {"log_group_name": None, "log_destination_type": "s3", "log_destination": "my-bucket"},
        ["log_destination", "my-bucket", "ARN"],
    ),
    ("packer_build", {"kms_key_id": "my key"}, ["kms_key_id", "my key"]),
    ("efs_replication", {"source_file_system_id": "jenkins-home"}, ["source_file_system_id", "jenkins-home", "fs-"]),
    ("efs_replication", {"destination_region": "Ireland"}, ["destination_region", "Ireland", "region"]),
    ("efs_replication", {"destination_kms_key_id": "dr key"}, ["destination_kms_key_id", "dr key"]),
    ("jenkins_node", {"url": "jenkins.example.com"}, ["url", "jenkins.example.com", "http"]),
    ("jenkins_node_info", {"url": "ftp://jenkins/"}, ["url", "ftp://jenkins/", "http"]),
    ("jenkins_node", {"password_parameter": "admin password"}, ["password_parameter", "admin password"]),
]


@pytest.mark.parametrize(
    "name, changes, words",
    CASES,
    ids=["{0}: {1}".format(c[0], ", ".join("{0}={1!r}".format(k, v) for k, v in c[1].items())) for c in CASES],
)
def test_bad_options_are_refused_before_any_call(denied, capsys, name, changes, words):
    main, args = VALID[name]
    args = {k: v for k, v in dict(args, **changes).items() if v is not None}
    result = run_module(main, capsys, args)
    assert result.get("failed"), result
    assert result.get("changed", False) is False
    for word in words:
        assert word in result["msg"], result["msg"]
    assert denied == []
