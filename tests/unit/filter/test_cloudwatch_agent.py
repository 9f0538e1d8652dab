"""cloudwatch_agent_config: one table of inputs and what the agent gets, and every output against the agent's schema.

The schema and the samples are the agent's own (tests/upstream/amazon-cloudwatch-agent, pinned tag and origin in its
README); the samples first show that this validator refuses what the agent's validator refuses.
"""

import json
import re
from pathlib import Path

import jsonschema
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.cloudwatch_agent import cloudwatch_agent_config

UPSTREAM = Path(__file__).resolve().parents[2] / "upstream" / "amazon-cloudwatch-agent"
SCHEMA = json.loads((UPSTREAM / "schema.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)

GROUP = "/jenkins-ha/demo/controller"
CONTROLLER = [
    {"name": "jenkins", "file_path": "/var/log/jenkins-ha/jenkins.log"},
    {"name": "boot", "file_path": "/var/log/jenkins-ha/boot.log"},
    {"name": "auth", "file_path": "/var/log/auth.log"},
    {"name": "syslog", "file_path": "/var/log/syslog"},
]


def errors(document):
    return sorted(error.message for error in VALIDATOR.iter_errors(document))


@pytest.mark.parametrize(
    "sample, valid",
    [
        ("validLogFiles", True),
        ("validLogFilesWithFilters", True),
        ("invalidLogFilesWithDuplicateEntry", False),
        ("invalidLogFilesWithFilters", False),
        ("invalidLogFilesWithMissingFilePath", False),
        ("invalidLogFilesWithNoFileConfigured", False),
    ],
)
def test_the_validator_agrees_with_the_agents_samples(sample, valid):
    document = json.loads((UPSTREAM / "samples" / (sample + ".json")).read_text())
    assert (errors(document) == []) is valid


@pytest.mark.parametrize(
    "streams, log_group, region, expected",
    [
        (
            CONTROLLER,
            GROUP,
            "eu-west-1",
            {
                "agent": {"region": "eu-west-1"},
                "logs": {
                    "logs_collected": {
                        "files": {
                            "collect_list": [
                                {
                                    "file_path": "/var/log/jenkins-ha/jenkins.log",
                                    "log_stream_name": "{instance_id}/jenkins",
                                    "log_group_name": GROUP,
                                },
                                {
                                    "file_path": "/var/log/jenkins-ha/boot.log",
                                    "log_stream_name": "{instance_id}/boot",
                                    "log_group_name": GROUP,
                                },
                                {
                                    "file_path": "/var/log/auth.log",
                                    "log_stream_name": "{instance_id}/auth",
                                    "log_group_name": GROUP,
                                },
                                {
                                    "file_path": "/var/log/syslog",
                                    "log_stream_name": "{instance_id}/syslog",
                                    "log_group_name": GROUP,
                                },
                            ]
                        }
                    }
                },
            },
        ),
        (
            [{"name": "boot", "file_path": "/var/log/jenkins-ha/boot.log"}],
            "/jenkins-ha/x-1/agent",
            "us-gov-west-1",
            {
                "agent": {"region": "us-gov-west-1"},
                "logs": {
                    "logs_collected": {
                        "files": {
                            "collect_list": [
                                {
                                    "file_path": "/var/log/jenkins-ha/boot.log",
                                    "log_stream_name": "{instance_id}/boot",
                                    "log_group_name": "/jenkins-ha/x-1/agent",
                                }
                            ]
                        }
                    }
                },
            },
        ),
    ],
)
def test_config(streams, log_group, region, expected):
    document = cloudwatch_agent_config(streams, log_group, region)
    assert document == expected
    assert errors(document) == []


@pytest.mark.parametrize(
    "streams, log_group, region, message",
    [
        (CONTROLLER, "", "eu-west-1", "run playbooks/logs.yml for the stack first"),
        (CONTROLLER, None, "eu-west-1", "is not a CloudWatch Logs group name"),
        (CONTROLLER, "/jenkins-ha/demo/contr*ller", "eu-west-1", "is not a CloudWatch Logs group name"),
        (CONTROLLER, "g" * 513, "eu-west-1", "is not a CloudWatch Logs group name"),
        (CONTROLLER, GROUP, "", "is not an AWS region name"),
        (CONTROLLER, GROUP, "Europe", "is not an AWS region name"),
        ([], GROUP, "eu-west-1", "non-empty list"),
        ({"name": "boot"}, GROUP, "eu-west-1", "non-empty list"),
        (["boot"], GROUP, "eu-west-1", "exactly {name, file_path}"),
        ([{"name": "boot"}], GROUP, "eu-west-1", "exactly {name, file_path}"),
        ([{"name": "boot", "file_path": "/b", "timezone": "UTC"}], GROUP, "eu-west-1", "exactly {name, file_path}"),
        ([{"name": "Boot", "file_path": "/b"}], GROUP, "eu-west-1", "stream name 'Boot'"),
        ([{"name": "a:b", "file_path": "/b"}], GROUP, "eu-west-1", "stream name 'a:b'"),
        ([{"name": "boot", "file_path": "var/log/b"}], GROUP, "eu-west-1", "absolute path"),
        ([{"name": "boot", "file_path": 3}], GROUP, "eu-west-1", "absolute path"),
        (CONTROLLER + [{"name": "boot", "file_path": "/other"}], GROUP, "eu-west-1", "stream 'boot' is listed twice"),
        (CONTROLLER + [{"name": "other", "file_path": "/var/log/syslog"}], GROUP, "eu-west-1", "listed twice"),
    ],
)
def test_refused(streams, log_group, region, message):
    with pytest.raises(AnsibleFilterError, match="^cloudwatch_agent_config: .*" + re.escape(message)):
        cloudwatch_agent_config(streams, log_group, region)


def test_the_schema_refuses_what_the_filter_refuses_too():
    """The filter's refusals the agent would also make (so a bypassed check still fails at the agent)."""
    good = cloudwatch_agent_config(CONTROLLER, GROUP, "eu-west-1")
    collect = good["logs"]["logs_collected"]["files"]["collect_list"]
    assert errors({"logs": {"logs_collected": {"files": {"collect_list": collect + collect[:1]}}}}) != []
    assert errors({"logs": {"logs_collected": {"files": {"collect_list": []}}}}) != []
    too_long = dict(collect[0], log_group_name="g" * 513)
    assert errors({"logs": {"logs_collected": {"files": {"collect_list": [too_long]}}}}) != []
