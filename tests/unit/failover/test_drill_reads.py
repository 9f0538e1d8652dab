"""The drills read what they need once (review of issue 17). The failover drill's module takes the target group's
name and reads its settings and ARN in one DescribeTargetGroups (plus its attributes); playbooks/failover_drill.yml
no longer describes it in a task of its own first, and a missing group stops the module before anything is killed,
naming what to run first (in-process moto, every ELBv2 call recorded). The restore drill lists the recovery points
in one task."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.jenkins_ha.aws.plugins.modules.controller_failover_drill import NotSettled, read_settings
from tests.integration.harness import ROOT
from tests.unit.modules.helpers import in_process_moto, seed_group


@pytest.fixture
def clients(monkeypatch):
    with in_process_moto(monkeypatch) as aws:
        arn = seed_group(
            aws,
            "drill-controller",
            "10.78",
            template_data={"InstanceType": "t3.medium"},
            target_group={"HealthCheckIntervalSeconds": 15, "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 4},
            LaunchTemplate={"LaunchTemplateName": "drill-controller", "Version": "$Latest"},
        ).target_group_arn
        autoscaling, elbv2 = aws("autoscaling"), aws("elbv2")
        calls = []
        elbv2.meta.events.register("before-parameter-build", lambda model, **kw: calls.append(model.name))
        yield autoscaling, elbv2, arn, calls


def test_the_target_group_is_described_once_by_name(clients):
    autoscaling, elbv2, arn, calls = clients
    group, settings, found = read_settings(autoscaling, elbv2, "drill-controller", target_group_name="drill-controller")
    assert found == arn and group["AutoScalingGroupName"] == "drill-controller"
    assert settings["health_check_interval"] == 15 and settings["unhealthy_threshold"] == 4
    assert calls == ["DescribeTargetGroups", "DescribeTargetGroupAttributes"]


def test_a_missing_target_group_stops_the_drill_naming_what_to_run(clients):
    autoscaling, elbv2, _arn, _calls = clients
    with pytest.raises(NotSettled, match="target group nope-controller not found: run playbooks/alb.yml"):
        read_settings(autoscaling, elbv2, "drill-controller", target_group_name="nope-controller")


def test_the_playbook_leaves_the_target_group_to_the_module():
    tasks = yaml.safe_load((ROOT / "playbooks" / "failover_drill.yml").read_text())[0]["tasks"]
    readers = [
        task["name"]
        for task in tasks
        if {"community.aws.elb_target_group_info", "jenkins_ha.aws.controller_failover_drill"} & set(task)
    ]
    assert readers == ["Kill the controller and follow its replacement"]


def test_the_restore_drill_lists_the_recovery_points_once():
    """One listing task (repeated only by its own until with =wait), whose latest_completed the drill weighs; the
    wait used to list once more afterwards."""
    plays = yaml.safe_load((ROOT / "playbooks" / "restore_drill.yml").read_text())

    def tasks(items):
        for task in items:
            yield task
            for key in ("block", "rescue", "always"):
                yield from tasks(task.get(key, []))

    listings = [
        task
        for play in plays
        for task in tasks(play.get("tasks", []))
        if "jenkins_ha.aws.backup_recovery_point_info" in task
    ]
    assert [task["register"] for task in listings] == ["__drill_points"]
    assert "latest_completed" in listings[0]["until"]
