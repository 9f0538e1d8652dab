"""The alert rules template's variants that the integration test (tests/integration/test_prometheus.py, default
settings through the playbook) does not render: no Jenkins scrape (the controller's liveness then comes from the
lock facts) and no agent label, and the agent pools' labels (issue 18). Rendered here with Jinja as the playbook does ([[ ]] delimiters), checked with
Debian's promtool."""

import shutil
import subprocess
from pathlib import Path

import jinja2
import pytest
import yaml

TEMPLATE = Path(__file__).resolve().parents[3] / "playbooks" / "templates" / "prometheus" / "rules.yml.j2"
pytestmark = pytest.mark.skipif(not shutil.which("promtool"), reason="promtool (Debian's prometheus) is not installed")

CONTEXT = {
    "ansible_managed": "Ansible managed",
    "jenkins_ha_stack_name": "demo",
    "jenkins_ha_agent_label": "ec2-fleet",
    "jenkins_ha_prometheus_jenkins_scrape": True,
    "jenkins_ha_prometheus_home_warning_bytes": 107374182400,
    "jenkins_ha_prometheus_backup_rpo_hours": 26,
    "jenkins_ha_prometheus_queue_threshold": 5,
    "__stack_config_names": {"backup_vault": "demo-jenkins-home", "asg_controller": "demo-controller"},
}


def render(tmp_path, **overrides):
    env = jinja2.Environment(
        variable_start_string="[[",
        variable_end_string="]]",
        trim_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["bool"] = bool
    path = tmp_path / "rules.yml"
    path.write_text(env.from_string(TEMPLATE.read_text()).render({**CONTEXT, **overrides}))
    return path


def promtool(*args):
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=60, check=False)


POOLS = [
    {"name": "default", "labels": "ec2-fleet"},
    {"name": "spot", "labels": "spot linux.x86"},
    {"name": "big", "labels": "linux.x86"},
]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"jenkins_ha_prometheus_jenkins_scrape": False},
        {"jenkins_ha_agent_label": ""},
        {"__stack_config_agent_pools": POOLS},
    ],
    ids=["default", "no-jenkins-scrape", "no-agent-label", "pools"],
)
def test_promtool_accepts_the_variant(tmp_path, overrides):
    result = promtool("check", "rules", str(render(tmp_path, **overrides)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 15 rules found" in result.stdout


def test_controller_down_from_the_lock_without_jenkins_scrape(tmp_path):
    rules = render(tmp_path, jenkins_ha_prometheus_jenkins_scrape=False)
    held = 'jenkins_ha_lock_held_here{job="jenkins-ha-node",stack="demo",component="controller",instance="i-1"}'
    down = yaml.safe_load(rules.read_text())["groups"][0]["rules"][0]
    assert down["alert"] == "JenkinsControllerDown" and "jenkins_ha_lock_held_here" in down["expr"]
    exp = {
        "exp_labels": {"severity": "page", "stack": "demo", "component": "controller"},
        "exp_annotations": down["annotations"],
    }
    tests = {
        "rule_files": [str(rules)],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [{"series": held, "values": "1x5 0x20"}],
                "alert_rule_test": [
                    {"eval_time": "12m", "alertname": "JenkinsControllerDown", "exp_alerts": []},
                    {"eval_time": "20m", "alertname": "JenkinsControllerDown", "exp_alerts": [exp]},
                ],
            },
            {
                # No controller at all (the group is replacing it): down too.
                "interval": "1m",
                "input_series": [],
                "alert_rule_test": [{"eval_time": "15m", "alertname": "JenkinsControllerDown", "exp_alerts": [exp]}],
            },
        ],
    }
    test_file = tmp_path / "test.yml"
    test_file.write_text(yaml.safe_dump(tests))
    result = promtool("test", "rules", str(test_file))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_pools_labels_and_only_those_are_watched(tmp_path):
    rules = render(tmp_path, __stack_config_agent_pools=POOLS)
    capacity = {r["alert"]: r for r in yaml.safe_load(rules.read_text())["groups"][2]["rules"]}
    assert 'label=~"ec2-fleet|spot|linux\\\\.x86"' in capacity["JenkinsAgentPoolSaturated"]["expr"]
    gauges = 'default_jenkins_executors_{0}{{job="jenkins-ha-jenkins",stack="demo",label="{1}"}}'

    def saturated(label):
        return [
            {"series": gauges.format("queue_length", label), "values": "3x20"},
            {"series": gauges.format("available", label), "values": "0x20"},
        ]

    def exp(label):
        return {
            "exp_labels": {"job": "jenkins-ha-jenkins", "stack": "demo", "label": label, "severity": "ticket"},
            "exp_annotations": {
                "summary": "Builds for label {0} of stack demo wait with no executor free".format(label),
                "description": capacity["JenkinsAgentPoolSaturated"]["annotations"]["description"],
            },
        }

    tests = {
        "rule_files": [str(rules)],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                # Both pools' labels alert; an agent's own name and a label that only looks like one (the dot is
                # literal) do not.
                "input_series": saturated("spot")
                + saturated("linux.x86")
                + saturated("i-0a1")
                + saturated("linuxax86"),
                "alert_rule_test": [
                    {
                        "eval_time": "16m",
                        "alertname": "JenkinsAgentPoolSaturated",
                        "exp_alerts": [exp("linux.x86"), exp("spot")],
                    }
                ],
            }
        ],
    }
    test_file = tmp_path / "test.yml"
    test_file.write_text(yaml.safe_dump(tests))
    result = promtool("test", "rules", str(test_file))
    assert result.returncode == 0, result.stdout + result.stderr
