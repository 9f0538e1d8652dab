"""autoscaling_refresh against in-process moto with the emulator's refresh patches (stock moto has no refreshes),
plus the follow loop and the preference rules as tables."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import instance_refresh
from ansible_collections.jenkins_ha.aws.plugins.modules import autoscaling_refresh
from tests.emulator.compat import autoscaling_instance_refresh, autoscaling_instance_refresh_rollback
from tests.unit.modules.helpers import in_process_moto, run_module, seed_group


@pytest.fixture
def aws(monkeypatch):
    autoscaling_instance_refresh.apply()
    autoscaling_instance_refresh_rollback.apply()
    try:
        with in_process_moto(monkeypatch) as client:
            yield client
    finally:
        autoscaling_instance_refresh_rollback.remove()
        autoscaling_instance_refresh.remove()


@pytest.fixture
def group(aws):
    seeded = seed_group(
        aws, "agents", "10.5", images=2, MinSize=0, MaxSize=4, DesiredCapacity=2, NewInstancesProtectedFromScaleIn=True
    )
    return aws("autoscaling"), aws("ec2"), seeded.images


def _ids(autoscaling):
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["agents"])["AutoScalingGroups"][0]
    return sorted(i["InstanceId"] for i in group["Instances"]), group


FAST = dict(name="agents", wait_delay=0, launch_template_name="agents", launch_template_version="2")


def test_ignore_replaces_only_unprotected_instances_and_reports_the_history(group, capsys):
    autoscaling, _unused, _unused = group
    ids, _unused = _ids(autoscaling)
    autoscaling.set_instance_protection(AutoScalingGroupName="agents", InstanceIds=ids[:1], ProtectedFromScaleIn=False)
    result = run_module(
        autoscaling_refresh.main,
        capsys,
        min_healthy_percentage=100,
        max_healthy_percentage=200,
        scale_in_protected_instances="Ignore",
        **FAST,
    )
    assert result["changed"] and result["status"] == "Successful", result
    # The emulator moves one step per describe, so the first poll already sees InProgress.
    assert [step["status"] for step in result["history"]] == ["InProgress", "Successful"]
    assert result["instance_refresh"]["preferences"]["scale_in_protected_instances"] == "Ignore"
    after, described = _ids(autoscaling)
    assert ids[1] in after and ids[0] not in after and described["LaunchTemplate"]["Version"] == "2"


def test_check_mode_says_what_it_would_start_and_starts_nothing(group, capsys):
    autoscaling, _unused, _unused = group
    result = run_module(
        autoscaling_refresh.main,
        capsys,
        _ansible_check_mode=True,
        min_healthy_percentage=0,
        max_healthy_percentage=100,
        **FAST,
    )
    assert result["changed"] and result["status"] == "NotStarted"
    assert "Would start a refresh of agents to agents version 2" in result["msg"]
    assert autoscaling.describe_instance_refreshes(AutoScalingGroupName="agents")["InstanceRefreshes"] == []


def test_wait_on_protected_instances_times_out_as_a_failure_naming_them(group, capsys):
    autoscaling, _unused, _unused = group
    ids, _unused = _ids(autoscaling)
    result = run_module(autoscaling_refresh.main, capsys, wait_timeout=0, scale_in_protected_instances="Wait", **FAST)
    assert result["failed"] and ("still InProgress" in result["msg"] or "still Pending" in result["msg"])
    # A run toward another version is refused, naming the active refresh; the same target follows it instead.
    to_version_one = {key: "1" if key == "launch_template_version" else value for key, value in FAST.items()}
    other = run_module(autoscaling_refresh.main, capsys, **to_version_one)
    assert other["failed"] and "toward agents version 2, not the requested agents version 1" in other["msg"]
    again = run_module(autoscaling_refresh.main, capsys, wait_timeout=0, **FAST)
    assert (
        again["changed"] is False
        and again["instance_refresh"]["instance_refresh_id"] == result["instance_refresh"]["instance_refresh_id"]
    )
    assert ids[0] in again["instance_refresh"]["status_reason"]
    cancelled = run_module(autoscaling_refresh.main, capsys, name="agents", state="cancelled", wait_delay=0)
    assert cancelled["changed"] and cancelled["status"] == "Cancelled"
    nothing = run_module(autoscaling_refresh.main, capsys, name="agents", state="cancelled")
    assert nothing["changed"] is False and nothing["status"] is None


def test_rollback_while_baking_returns_to_the_previous_version(group, capsys):
    autoscaling, ec2, images = group
    baked = run_module(
        autoscaling_refresh.main,
        capsys,
        min_healthy_percentage=0,
        max_healthy_percentage=100,
        scale_in_protected_instances="Refresh",
        bake_time=3600,
        wait_until="replaced",
        **FAST,
    )
    assert baked["status"] == "Baking", baked
    rolled = run_module(autoscaling_refresh.main, capsys, name="agents", state="rolled_back", wait_delay=0)
    assert rolled["changed"] and rolled["status"] == "RollbackSuccessful", rolled
    ids, described = _ids(autoscaling)
    assert described["LaunchTemplate"]["Version"] == "1"
    running = ec2.describe_instances(InstanceIds=ids)["Reservations"]
    assert {i["ImageId"] for r in running for i in r["Instances"]} == {images[0]}


@pytest.mark.parametrize(
    "args, fragment",
    [
        (dict(max_healthy_percentage=150), "max_healthy_percentage needs min_healthy_percentage"),
        (dict(min_healthy_percentage=0, max_healthy_percentage=150), "must not exceed 100"),
        (dict(min_healthy_percentage=101), "min_healthy_percentage must be 0-100"),
        (dict(auto_rollback=True), "auto_rollback needs launch_template_version"),
        (
            dict(auto_rollback=True, launch_template_name="agents", launch_template_version="$Latest"),
            "numbered launch_template_version",
        ),
    ],
)
def test_refused_before_any_call(capsys, monkeypatch, args, fragment):
    with in_process_moto(monkeypatch):
        result = run_module(autoscaling_refresh.main, capsys, name="agents", **args)
    assert result["failed"] and fragment in result["msg"] and "before any call" in result["msg"]


@pytest.mark.parametrize(
    "statuses, until, timeout, expected, polls",
    [
        (
            ["Pending", "InProgress", "Successful"],
            instance_refresh.FINISHED,
            100,
            ["Pending", "InProgress", "Successful"],
            3,
        ),
        (["Pending", "Pending", "Baking", "Successful"], instance_refresh.REPLACED, 100, ["Pending", "Baking"], 3),
        (
            ["Pending", "InProgress", "InProgress", "InProgress"],
            instance_refresh.FINISHED,
            2,
            ["Pending", "InProgress"],
            2,
        ),
    ],
)
def test_follow_lists_each_status_once_and_stops_at_until_or_timeout(statuses, until, timeout, expected, polls):
    answers = iter(statuses)
    clock = iter(range(100))
    calls = []

    class Client:
        def describe_instance_refreshes(self, **args):
            calls.append(args)
            return {"InstanceRefreshes": [{"InstanceRefreshId": "r", "Status": next(answers)}]}

    refresh, history = instance_refresh.follow(
        Client(), "agents", "r", until, timeout, 0, sleep=lambda s: None, clock=lambda: next(clock)
    )
    assert [step["status"] for step in history] == expected and len(calls) == polls
    assert refresh["Status"] == expected[-1]


def test_scale_in_protection_of_new_and_running_instances_then_idempotent(group, capsys):
    from ansible_collections.jenkins_ha.aws.plugins.modules import autoscaling_scale_in_protection as protection

    autoscaling, _unused, _unused = group
    ids, _unused = _ids(autoscaling)
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="agents", NewInstancesProtectedFromScaleIn=False)
    autoscaling.set_instance_protection(AutoScalingGroupName="agents", InstanceIds=ids, ProtectedFromScaleIn=False)
    checked = run_module(
        protection.main, capsys, name="agents", new_instances_protected=True, protected=True, _ansible_check_mode=True
    )
    assert checked["changed"] and checked["changed_instances"] == ids
    assert not _ids(autoscaling)[1]["NewInstancesProtectedFromScaleIn"]
    done = run_module(protection.main, capsys, name="agents", new_instances_protected=True, protected=True)
    assert done["changed"] and done["diff"]["after"]["protected_instances"] == ids
    described = _ids(autoscaling)[1]
    assert described["NewInstancesProtectedFromScaleIn"] and all(
        i["ProtectedFromScaleIn"] for i in described["Instances"]
    )
    again = run_module(protection.main, capsys, name="agents", new_instances_protected=True, protected=True)
    assert again["changed"] is False

    one = run_module(
        protection.main, capsys, name="agents", protected=False, instance_ids=[ids[0], "i-0000000000000000f"]
    )
    assert one["changed_instances"] == [ids[0]] and one["not_in_group"] == ["i-0000000000000000f"]
    missing = run_module(protection.main, capsys, name="nope", protected=True)
    assert missing["failed"] and "run playbooks/asgs.yml first" in missing["msg"]
