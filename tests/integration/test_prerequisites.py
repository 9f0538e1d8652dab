"""A step run alone on a stack whose earlier steps never ran: outside check mode it fails, naming what is missing and
the playbook to run first, and creates nothing; in check mode (site.yml --check on a fresh stack) it skips with a note.
Before issue 20 item 10 both steps reported success with nothing created."""

import pytest

from tests.integration.harness import ROOT

DEMO = ROOT / "inventory" / "demo"
# A stack of its own: the session's emulator may hold other tests' stacks, none of them named this.
STACK = ["jenkins_ha_stack_name=bare"]
STEPS = {
    "launch_templates.yml": [
        "the stack key alias/jenkins-ha/bare (run playbooks/kms.yml first)",
        "the security groups bare-controller and bare-agent (run playbooks/network.yml first)",
    ],
    "asgs.yml": [
        "the private subnets of bare-vpc (run playbooks/network.yml first)",
        "the target group bare-controller (run playbooks/alb.yml first)",
        "the launch templates bare-controller and bare-agent and bare-agent-spot (run playbooks/launch_templates.yml first)",
    ],
}


def created(emulator):
    """Everything of the stack either step could create."""
    templates = emulator.client("ec2").describe_launch_templates()["LaunchTemplates"]
    groups = emulator.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    parameters = emulator.client("ssm").get_parameters_by_path(Path="/jenkins-ha/bare", Recursive=True)["Parameters"]
    return (
        [t["LaunchTemplateName"] for t in templates if t["LaunchTemplateName"].startswith("bare-")]
        + [g["AutoScalingGroupName"] for g in groups if g["AutoScalingGroupName"].startswith("bare-")]
        + [p["Name"] for p in parameters]
    )


@pytest.mark.parametrize("step", sorted(STEPS))
def test_a_missing_prerequisite_is_an_error_naming_the_step_to_run_first(emulator, playbook, step):
    result = playbook(ROOT / "playbooks" / step, inventory=DEMO, extra_vars=STACK)
    assert result.rc != 0, result.output[-3000:]
    output = " ".join(result.output.split())
    for missing in STEPS[step]:
        assert missing in output, result.output[-3000:]
    assert "Nothing was created." in output
    assert created(emulator) == []


@pytest.mark.parametrize("step", sorted(STEPS))
def test_check_mode_on_a_fresh_stack_skips_with_a_note(emulator, playbook, step):
    result = playbook(ROOT / "playbooks" / step, inventory=DEMO, extra_vars=STACK, check=True)
    assert result.rc == 0, result.output[-3000:]
    assert "Check mode:" in result.output and "skipped, missing " in result.output
    assert created(emulator) == []
