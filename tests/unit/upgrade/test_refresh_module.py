"""autoscaling_refresh for upgrade.yml on real AWS: a refresh whose new controller never becomes a healthy target is
returned (fail_on_timeout=false) and rolled back from InProgress; the active refresh is found with one
DescribeInstanceRefreshes of MaxRecords=1 (newest first), not the group's whole history."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._autoscaling import instance_refresh
from ansible_collections.jenkins_ha.aws.plugins.modules import autoscaling_refresh
from tests.emulator.compat import autoscaling_instance_refresh, autoscaling_instance_refresh_rollback
from tests.unit.modules.helpers import in_process_moto, run_module, seed_group


@pytest.fixture
def controller(monkeypatch):
    autoscaling_instance_refresh.apply()
    autoscaling_instance_refresh_rollback.apply()
    try:
        with in_process_moto(monkeypatch) as aws:
            images = seed_group(
                aws, "ctl", "10.6", images=2, target_group={"HealthCheckPath": "/login"}, HealthCheckType="ELB"
            ).images
            autoscaling_instance_refresh.set_failing_image(images[1])
            yield aws("autoscaling"), images
    finally:
        autoscaling_instance_refresh_rollback.remove()
        autoscaling_instance_refresh.remove()


HANDOVER = dict(
    name="ctl",
    launch_template_name="ctl",
    launch_template_version="2",
    min_healthy_percentage=0,
    max_healthy_percentage=100,
    bake_time=600,
    wait_until="replaced",
    wait_delay=0,
)


@pytest.mark.parametrize("fail_on_timeout", [True, False])
def test_a_refresh_that_never_gets_healthy_times_out(controller, capsys, fail_on_timeout):
    result = run_module(autoscaling_refresh.main, capsys, fail_on_timeout=fail_on_timeout, wait_timeout=0, **HANDOVER)
    assert result["timed_out"] is True and result["status"] == "InProgress", result
    assert bool(result.get("failed")) is fail_on_timeout


def test_a_refresh_stuck_on_health_is_rolled_back_from_in_progress(controller, capsys):
    autoscaling, images = controller
    started = run_module(autoscaling_refresh.main, capsys, fail_on_timeout=False, wait_timeout=0, **HANDOVER)
    # Following again (a rerun) reaches no further: the new target fails its health checks.
    followed = run_module(autoscaling_refresh.main, capsys, fail_on_timeout=False, wait_timeout=1, **HANDOVER)
    assert followed["changed"] is False and followed["status"] == "InProgress" and followed["timed_out"]
    assert "is unhealthy with Elastic Load Balancing" in followed["instance_refresh"]["status_reason"]
    rolled = run_module(autoscaling_refresh.main, capsys, name="ctl", state="rolled_back", wait_delay=0)
    assert rolled["changed"] and rolled["status"] == "RollbackSuccessful", rolled
    assert rolled["instance_refresh"]["instance_refresh_id"] == started["instance_refresh"]["instance_refresh_id"]
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["ctl"])["AutoScalingGroups"][0]
    assert group["LaunchTemplate"]["Version"] == "1"


@pytest.mark.parametrize(
    "newest, active",
    [
        ([], None),
        ([{"InstanceRefreshId": "r2", "Status": "Baking"}], "r2"),
        ([{"InstanceRefreshId": "r2", "Status": "RollbackInProgress"}], "r2"),
        ([{"InstanceRefreshId": "r2", "Status": "Successful"}], None),
    ],
)
def test_the_active_refresh_is_read_with_max_records_one(newest, active):
    calls = []

    class Client:
        def describe_instance_refreshes(self, **args):
            calls.append(args)
            return {"InstanceRefreshes": newest}

    found = instance_refresh.active_instance_refresh(Client(), "ctl")
    assert (found or {}).get("InstanceRefreshId") == active
    assert calls == [{"AutoScalingGroupName": "ctl", "MaxRecords": 1}]
