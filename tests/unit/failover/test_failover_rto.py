"""failover_rto: one table of (settings, kill, unclean, estimates) -> terms and totals, and one of refused inputs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.failover_rto import FilterModule, failover_rto
from ansible_collections.jenkins_ha.aws.plugins.module_utils._failover.model import ESTIMATES, timeline

ROOT = Path(__file__).resolve().parents[3]
STACK = {"health_check_interval": 15, "healthy_threshold": 2, "unhealthy_threshold": 4, "deregistration_delay": 30}
TUNED = {"health_check_interval": 10, "healthy_threshold": 2, "unhealthy_threshold": 3, "deregistration_delay": 30}
ORDER = ["detection", "asg_reaction", "instance_start", "boot_unit", "lock_wait", "jenkins_start", "healthy_target"]

# (settings, kill, unclean, estimates) -> the terms in ORDER and the total, worked out by hand.
TIMELINES = [
    pytest.param(STACK, "unhealthy", False, {}, [60, 10, 60, 30, 0, 20, 15], 195, id="stack-hung-jenkins"),
    pytest.param({}, "unhealthy", False, {}, [60, 10, 60, 30, 220, 20, 150], 550, id="aws-defaults-drain-300s"),
    pytest.param(dict(STACK, warm_pool=True), "unhealthy", False, {}, [60, 10, 25, 30, 0, 20, 15], 160, id="warm"),
    pytest.param(STACK, "terminate", False, {}, [15, 10, 60, 30, 0, 20, 15], 150, id="stack-terminated"),
    pytest.param(STACK, "unhealthy", True, {}, [60, 10, 60, 30, 0, 20, 15], 195, id="unclean-lease-inside-boot"),
    pytest.param(
        dict(STACK, warm_pool=True), "terminate", True, {}, [15, 10, 25, 30, 10, 20, 30], 140, id="unclean-warm-waits"
    ),
    pytest.param(STACK, "unhealthy", False, {"jenkins_start": 90}, [60, 10, 60, 30, 0, 90, 30], 280, id="large-home"),
    pytest.param(dict(TUNED, warm_pool=True), "unhealthy", False, {}, [30, 10, 25, 30, 0, 20, 20], 135, id="tuned"),
    pytest.param(
        dict(STACK, deregistration_delay=300), "unhealthy", False, {}, [60, 10, 60, 30, 220, 20, 30], 430, id="drain"
    ),
]


@pytest.mark.parametrize("settings, kill, unclean, estimates, terms, total", TIMELINES)
def test_timeline(settings, kill, unclean, estimates, terms, total):
    column = timeline(settings, kill, unclean, estimates)
    assert column["terms"] == list(zip(ORDER, terms))
    assert column["total"] == total == sum(terms)


def test_three_columns_and_the_interface_shape():
    result = FilterModule().filters()["failover_rto"](STACK)
    assert result["modelled"] == {"aws_defaults": 550, "stack": 195, "warm_pool": 160}
    assert [term["name"] for term in result["model_terms"]] == ORDER
    assert [term["seconds"] for term in result["model_terms"]] == [60, 10, 60, 30, 0, 20, 15]
    assert [term["aws_defaults"] for term in result["model_terms"]] == [60, 10, 60, 30, 220, 20, 150]
    assert [term["warm_pool"] for term in result["model_terms"]] == [60, 10, 25, 30, 0, 20, 15]
    for term in result["model_terms"]:
        assert term["source"], term["name"]
    sources = {term["name"]: term["source"] for term in result["model_terms"]}
    assert "target-group-health-checks.html" in sources["detection"]
    assert "deregistration-delay" in sources["lock_wait"]
    assert "CloudBees" in sources["jenkins_start"]


def test_sources_follow_the_kill():
    sources = {
        term["name"]: term["source"] for term in failover_rto(STACK, kill="terminate", unclean=True)["model_terms"]
    }
    assert "ec2_state_detection" in sources["detection"]
    assert "EFS_NFS_LEASE_SECONDS" in sources["lock_wait"]


def test_lease_estimate_is_the_fence_constant():
    spec = importlib.util.spec_from_file_location("efs_fence", ROOT / "roles/efs_mount/files/efs_fence.py")
    fence = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fence)
    assert ESTIMATES["lease_seconds"] == fence.EFS_NFS_LEASE_SECONDS


REFUSED = [
    pytest.param(STACK, {"kill": "reboot"}, "kill must be one of unhealthy, terminate", id="kill"),
    pytest.param(
        dict(STACK, health_check_interval=4), {}, "health_check_interval must be a number >= 5", id="interval"
    ),
    pytest.param(dict(STACK, healthy_threshold=1), {}, "healthy_threshold must be a number >= 2", id="healthy"),
    pytest.param(dict(STACK, unhealthy_threshold=True), {}, "unhealthy_threshold must be a number", id="bool-number"),
    pytest.param(dict(STACK, deregistration_delay="30"), {}, "deregistration_delay must be a number", id="string"),
    pytest.param(dict(STACK, warm_pool="yes"), {}, "warm_pool must be a boolean", id="warm-pool"),
    pytest.param(dict(STACK, grace=900), {}, "unknown stack settings grace", id="unknown-setting"),
    pytest.param(STACK, {"estimates": {"boot": 3}}, "unknown estimates boot", id="unknown-estimate"),
    pytest.param(STACK, {"estimates": {"boot_unit": -1}}, "boot_unit must be a number >= 0", id="negative"),
    pytest.param(STACK, {"estimates": [1]}, "estimates must be a dict", id="estimates-list"),
    pytest.param(STACK, {"unclean": "no"}, "unclean must be a boolean", id="unclean"),
    pytest.param([STACK], {}, "expects a dict of stack settings, got list", id="not-a-dict"),
]


@pytest.mark.parametrize("settings, options, message", REFUSED)
def test_refused(settings, options, message):
    with pytest.raises(AnsibleFilterError, match=message):
        failover_rto(settings, **options)
