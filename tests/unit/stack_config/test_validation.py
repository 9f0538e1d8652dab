"""roles/stack_config refuses, before any AWS call, admin SSH CIDRs that together reach a large part of the internet
(more than a /8, however split) and an ALB TLS policy that is not a TLS 1.2+ ELB security policy.

The role runs alone on localhost with the demo stack description (inventory/demo), no AWS needed: whole-role runs
show the rules wired with their messages (the reach of many sets is tabulated in tests/unit/filter/test_stack_cidrs.py,
against the filter the role uses)."""

from __future__ import annotations

import json
import os

import pytest

from tests.integration.harness import ROOT, run_playbook

DEMO = ROOT / "inventory" / "demo"


def _role_playbook(tmp_path, tasks):
    playbook = tmp_path / "stack_config.yml"
    play = {
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars_files": [str(ROOT / "playbooks" / "vars" / "contract.yml")],
        "roles": ["jenkins_ha.aws.stack_config"],
        "tasks": tasks,
    }
    playbook.write_text(json.dumps([play]))
    return playbook


def _run(playbook, *extra_vars):
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")
    return run_playbook(playbook, env, inventory=DEMO, extra_vars=list(extra_vars))


@pytest.mark.parametrize(
    "cidrs", [["0.0.0.0/0"], ["0.0.0.0/1", "128.0.0.0/1"], ["10.0.0.0/7"], ["10.0.0.0/9", "11.0.0.0/9", "12.0.0.0/9"]]
)
def test_admin_cidrs_wider_than_a_slash_8_are_refused(tmp_path, cidrs):
    result = _run(_role_playbook(tmp_path, []), {"jenkins_ha_admin_cidrs": cidrs})
    assert result.rc != 0
    assert "jenkins_ha_admin_cidrs together cover" in result.output, result.output[-3000:]


def test_a_tls_policy_admitting_tls_1_0_is_refused(tmp_path):
    result = _run(_role_playbook(tmp_path, []), {"jenkins_ha_alb_ssl_policy": "ELBSecurityPolicy-2016-08"})
    assert result.rc != 0
    assert "jenkins_ha_alb_ssl_policy" in result.output and "ELBSecurityPolicy-2016-08" in result.output


def test_the_demo_with_narrow_admin_cidrs_and_a_pq_policy_passes(tmp_path):
    result = _run(
        _role_playbook(tmp_path, []),
        {
            "jenkins_ha_admin_cidrs": ["10.0.0.0/8"],
            "jenkins_ha_alb_ssl_policy": "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        },
    )
    assert result.rc == 0, result.output[-3000:]


@pytest.mark.parametrize("region", ["us-east-1", "Ireland"])
def test_a_replication_region_that_is_the_stack_region_or_no_region_is_refused(tmp_path, region):
    result = _run(_role_playbook(tmp_path, []), {"jenkins_ha_efs_replication_region": region})
    assert result.rc != 0
    assert "jenkins_ha_efs_replication_region must be a region name" in result.output, result.output[-3000:]


def test_the_demo_replicating_to_a_second_region_passes(tmp_path):
    result = _run(_role_playbook(tmp_path, []), {"jenkins_ha_efs_replication_region": "us-west-2"})
    assert result.rc == 0, result.output[-3000:]
