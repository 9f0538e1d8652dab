"""The end-state check of `make demo-upgrade` (tests/bed/demo_upgrade.py end_state) on a seeded in-process moto with
the emulator's instance refresh: it fails a stack still on its old images, passes once every group's instances run
the recorded image on a version that carries it (the controller's refresh still Baking, as upgrade.yml leaves it),
and fails a controller group of two."""

import pytest

from tests.bed.demo_upgrade import REPORT_TASK, changed_tasks, end_state
from tests.emulator.compat import autoscaling_instance_refresh
from tests.unit.modules.helpers import in_process_moto, seed_group

STACK = "demo"


def tags(component, pool=None):
    pairs = {
        "jenkins-ha:stack": STACK,
        "jenkins-ha:component": component,
        **({"jenkins-ha:pool": pool} if pool else {}),
    }
    return [{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in pairs.items()]


@pytest.fixture
def stack(monkeypatch):
    autoscaling_instance_refresh.apply()
    try:
        with in_process_moto(monkeypatch) as aws:
            old, new = seed_group(aws, f"{STACK}-controller", "10.7", images=2, Tags=tags("controller")).images
            seed_group(
                aws, f"{STACK}-agent", "10.8", images=2, Tags=tags("agent", "default"), MaxSize=4, DesiredCapacity=2
            )
            # Another stack's group: not checked.
            seed_group(aws, "other-agent", "10.9", Tags=[{"Key": "jenkins-ha:stack", "Value": "other"}])
            for role in ("controller", "agent"):
                aws("ssm").put_parameter(Name=f"/jenkins-ha/{STACK}/ami/{role}", Value=new, Type="String")
            yield aws, old, new
    finally:
        autoscaling_instance_refresh.remove()


def check(aws):
    return end_state(aws("autoscaling"), aws("ec2"), aws("ssm"), STACK)


def refresh(aws, name, **preferences):
    autoscaling = aws("autoscaling")
    autoscaling.start_instance_refresh(
        AutoScalingGroupName=name,
        DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateName": name, "Version": "2"}},
        Preferences={"MinHealthyPercentage": 0, "MaxHealthyPercentage": 100, **preferences},
    )
    for dummy in range(10):
        [latest] = autoscaling.describe_instance_refreshes(AutoScalingGroupName=name)["InstanceRefreshes"]
        if latest["Status"] in ("Baking", "Successful"):
            return latest["Status"]
    raise AssertionError(latest)


def test_old_images_fail_the_rolled_stack_passes_a_second_controller_fails(stack):
    aws, old, new = stack
    lines, ok = check(aws)
    assert not ok and len(lines) == 2, lines
    assert (
        lines[0].startswith(f"FAIL {STACK}-controller:")
        and f"version 1 has image {old}, not the recorded {new}" in lines[0]
    )
    assert lines[1].startswith(f"FAIL {STACK}-agent (pool default):") and lines[1].count(f" runs {old}") == 2

    assert refresh(aws, f"{STACK}-controller", BakeTime=600) == "Baking"
    assert refresh(aws, f"{STACK}-agent") == "Successful"
    lines, ok = check(aws)
    assert ok, lines
    assert (
        f"version 2 (refresh Baking: the group takes it when the refresh succeeds) image {new}; 1 instance(s)"
        in lines[0]
    )
    assert f"version 2 (the group's) image {new}; 2 instance(s), each on {new}" in lines[1]

    # One moto setup for both (it is the slow part): a second controller fails the check.
    aws("autoscaling").update_auto_scaling_group(
        AutoScalingGroupName=f"{STACK}-controller", MaxSize=2, DesiredCapacity=2
    )
    lines, ok = check(aws)
    assert not ok and "2 instances, not exactly one" in lines[0], lines


OUTPUT = """\
TASK [Say what would be replaced and why] **************************************
ok: [localhost] =>
TASK [Quiet down Jenkins and wait for its running builds] **********************
changed: [localhost]
TASK [Write the JSON report] ***************************************************
changed: [localhost]
TASK [Loop] ********************************************************************
changed: [localhost] => (item=a)
changed: [localhost] => (item=b)
"""


def test_changed_tasks_names_each_changed_task_once_in_order():
    assert changed_tasks(OUTPUT) == ["Quiet down Jenkins and wait for its running builds", REPORT_TASK, "Loop"]
    assert changed_tasks("TASK [Read] ***\nok: [localhost]\n") == []
