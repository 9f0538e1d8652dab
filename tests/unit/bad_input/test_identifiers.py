"""The identifier shapes the modules check before any call: real identifiers of each kind pass (the forms AWS
documents, and what the emulator hands out), near misses are refused with the option and value named."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import malformed, malformed_url

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
GOOD = [
    ("ami_id", "ami-1e749f67"),
    ("ami_id", "ami-0123456789abcdef0"),
    ("vpc_id", "vpc-0a1b2c3d4e5f67890"),
    ("subnet_id", "subnet-12345678"),
    ("eni_id", "eni-0123456789abcdef0"),
    ("efs_file_system_id", "fs-0123456789abcdef0"),
    ("efs_file_system_id", "fs-1e749f67"),
    ("region", "eu-west-1"),
    ("region", "us-gov-west-1"),
    ("region", "ap-southeast-2"),
    ("arn", "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123"),
    ("arn", "arn:aws-cn:s3:::bucket/prefix"),
    ("arn", "arn:aws-us-gov:firehose:us-gov-west-1:123456789012:deliverystream/flow"),
    ("iam_role_arn", "arn:aws:iam::123456789012:role/service-role/demo-flow-logs"),
    ("kms_key", KEY),
    ("kms_key", "mrk-1234abcd12ab34cd56ef1234567890ab"),
    ("kms_key", "alias/jenkins-ha/demo"),
    ("kms_key", "arn:aws:kms:eu-west-1:123456789012:key/" + KEY),
    ("kms_key", "arn:aws:kms:eu-west-1:123456789012:alias/jenkins-ha/demo"),
    ("sns_topic", "demo-alarms"),
    ("sns_topic", "orders.fifo"),
    ("sns_topic", "arn:aws:sns:us-east-1:123456789012:demo-alarms"),
    ("backup_vault_name", "demo-jenkins-home"),
    ("ssm_parameter", "/jenkins-ha/demo/controller/admin-password"),
    ("ssm_parameter", "admin_password.v2"),
    ("ssm_parameter", "arn:aws:ssm:us-east-1:123456789012:parameter/jenkins-ha/demo/x"),
]
BAD = [
    ("ami_id", "ami-1e749f6"),
    ("ami_id", "ami-1E749F67"),
    ("ami_id", "image-1e749f67"),
    ("vpc_id", "subnet-12345678"),
    ("subnet_id", "subnet-123456789"),
    ("eni_id", "eni-"),
    ("efs_file_system_id", "fsap-0123456789abcdef0"),
    ("efs_file_system_id", "jenkins-home"),
    ("region", "eu-west"),
    ("region", "Frankfurt"),
    ("arn", "fs-0123456789abcdef0"),
    ("arn", "arn:aws:s3"),
    ("iam_role_arn", "arn:aws:iam::123456789012:user/bob"),
    ("iam_role_arn", "demo-flow-logs"),
    ("kms_key", "my key"),
    ("kms_key", "jenkins-ha/demo"),
    ("kms_key", "arn:aws:kms:eu-west-1:123456789012:key/jenkins"),
    ("sns_topic", "demo alarms"),
    ("sns_topic", "arn:aws:sqs:us-east-1:123456789012:q"),
    ("sns_topic", "x" * 257),
    ("backup_vault_name", "a"),
    ("backup_vault_name", "my vault!"),
    ("ssm_parameter", "admin password"),
]


@pytest.mark.parametrize("kind, value", GOOD)
def test_real_identifiers_pass(kind, value):
    assert malformed("opt", kind, value) == []
    assert malformed("opt", kind, [value, value]) == []


@pytest.mark.parametrize("kind, value", BAD)
def test_near_misses_are_named(kind, value):
    (problem,) = malformed("opt", kind, [value])
    assert problem.startswith("opt: {0!r} is not ".format(value))


def test_unset_is_not_checked():
    assert malformed("opt", "ami_id", None) == [] and malformed("opt", "kms_key", "") == []


@pytest.mark.parametrize(
    "url, ok",
    [
        ("http://127.0.0.1:8080/", True),
        ("https://jenkins.example.com", True),
        ("jenkins.example.com", False),
        ("ftp://jenkins/", False),
        ("https://", False),
    ],
)
def test_jenkins_urls(url, ok):
    assert (malformed_url("url", url) is None) == ok
