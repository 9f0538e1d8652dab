"""Agent reuse posture rule (rules/agent_reuse.py, issue 20 finding 7): the pools of the published jenkins/settings
document reuse agents only where the stack description asks for it, and a single-use pool has one executor. One row
per case; a bad document is flagged."""

from __future__ import annotations

import json

import pytest

from tests.integration.posture import Expectations, StackState
from tests.integration.posture.rules import agent_reuse_findings

WHERE = "/jenkins-ha/demo/jenkins/settings: "


def document(*pools):
    """A published settings document with these pools: (name, max_total_uses, executors)."""
    return json.dumps(
        {
            "format": 1,
            "agent_pools": [
                {"name": name, "max_total_uses": uses, "executors": executors} for name, uses, executors in pools
            ],
        }
    )


DEMO = Expectations(agent_pools=({"name": "default", "labels": "ec2-fleet"}, {"name": "spot"}))
TRUSTED = Expectations(agent_pools=({"name": "default", "max_total_uses": -1}, {"name": "spot"}))
LEGACY_REUSE = Expectations(agent_legacy=(("jenkins_ha_agent_max_total_uses", -1),))

# A description whose pools the pool rule refuses: this rule leaves it alone.
BROKEN = Expectations(agent_pools=({"name": "default"},), agent_legacy=(("jenkins_ha_agent_max_size", 3),))
REUSES = WHERE + "agent pool {0} reuses its agents"

# (id, published settings, expectations, expected finding starts)
CASES = [
    ("single-use-passes", document(("default", 1, 1), ("spot", 1, 1)), DEMO, []),
    ("no-document-nothing-to-judge", None, DEMO, []),
    ("document-without-pools-renders-the-roles-cloud", json.dumps({"format": 1}), DEMO, []),
    (
        "reuse-not-asked-for-an-older-document",
        document(("default", -1, 2), ("spot", 1, 1)),
        DEMO,
        [REUSES.format("default") + " between builds (max_total_uses -1) although its description"],
    ),
    (
        "limited-reuse-not-asked-for",
        document(("default", 5, 1), ("spot", 1, 1)),
        DEMO,
        [REUSES.format("default") + " between builds (max_total_uses 5)"],
    ),
    ("reuse-asked-for-trusted-builds", document(("default", -1, 2), ("spot", 1, 1)), TRUSTED, []),
    ("reuse-asked-for-without-a-pool-list", document(("default", -1, 2)), LEGACY_REUSE, []),
    ("legacy-stack-single-use-by-default", document(("default", -1, 2)), Expectations(), [REUSES.format("default")]),
    (
        "single-use-with-two-executors",
        document(("default", 1, 1), ("spot", 1, 2)),
        TRUSTED,
        [WHERE + "agent pool spot is single use with 2 executors: builds handed out together share an agent"],
    ),
    ("pool-the-description-does-not-have", document(("default", 1, 1), ("gpu", -1, 1)), DEMO, [REUSES.format("gpu")]),
    ("unreadable-document", "{not json", DEMO, [WHERE + "not JSON"]),
    ("an-invalid-description-is-left-to-the-pool-rule", document(("default", -1, 2)), BROKEN, []),
]


@pytest.mark.parametrize("settings, expect, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_agent_reuse(settings, expect, expected):
    findings = agent_reuse_findings(StackState(stack="demo", jenkins_settings=settings), expect)
    assert len(findings) == len(expected), findings
    for finding, start in zip(findings, expected):
        assert finding.startswith(start), finding


def test_collect_reads_the_published_document(monkeypatch):
    """collect() hands the rule the stack's jenkins/settings value (None without it), against moto in process."""
    import boto3
    from moto import mock_aws

    from tests.integration.posture import check_stack, collect

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        monkeypatch.setenv(name, value)
    with mock_aws():

        def client(service):
            return boto3.client(service, region_name="us-east-1")

        assert collect(client, "demo")[0].jenkins_settings is None
        published = document(("default", -1, 2))
        client("ssm").put_parameter(Name="/jenkins-ha/demo/jenkins/settings", Value=published, Type="String")
        assert collect(client, "demo")[0].jenkins_settings == published
        findings = [f for f in check_stack(client, "demo", Expectations()) if f.startswith(WHERE)]
        assert [f.split(" (", 1)[0] for f in findings] == [
            WHERE + "agent pool default reuses its agents between builds"
        ]
