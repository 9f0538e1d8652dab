"""prometheus_scrape_configs: the scrape jobs and relabelling of a stack's Prometheus, one table of cases."""

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.prometheus_scrape_configs import (
    FilterModule,
    ec2_tag_label,
    prometheus_scrape_configs,
)

TAGS = {"stack": "jenkins-ha:stack", "component": "jenkins-ha:component", "managed_by": "managed-by"}
TOKEN = "/etc/prometheus/jenkins-demo.token"


def relabel(config, meta):
    """Apply a job's relabel_configs to the meta labels of one discovered target, as Prometheus does for the rules
    used here (replace with the default regex (.*) and $1, replace with a regex, keep). None when dropped."""
    labels = dict(meta)
    for rule in config["relabel_configs"]:
        value = ";".join(labels.get(name, "") for name in rule["source_labels"])
        match = re.fullmatch(rule.get("regex", "(.*)"), value)
        if rule.get("action") == "keep":
            if not match:
                return None
            continue
        if not match:
            continue
        result = match.expand(rule.get("replacement", "$1").replace("$1", r"\1"))
        if result:
            labels[rule["target_label"]] = result
        else:
            labels.pop(rule["target_label"], None)
    return {k: v for k, v in labels.items() if not k.startswith("__")}


META = {
    "__meta_ec2_availability_zone": "us-east-1a",
    "__meta_ec2_instance_id": "i-0123",
    "__meta_ec2_instance_type": "t3.large",
    "__meta_ec2_tag_jenkins_ha_stack": "demo",
}

RELABEL_CASES = [
    pytest.param(
        {"__meta_ec2_tag_jenkins_ha_component": "agent", "__meta_ec2_tag_aws_autoscaling_groupName": "demo-agent"},
        "jenkins-ha-node",
        {"component": "agent", "asg": "demo-agent", "pool": "demo-agent"},
        id="agent-pool-is-its-asg",
    ),
    pytest.param(
        {
            "__meta_ec2_tag_jenkins_ha_component": "agent",
            "__meta_ec2_tag_aws_autoscaling_groupName": "demo-agent-big",
            "__meta_ec2_tag_jenkins_ha_pool": "big",
        },
        "jenkins-ha-node",
        {"component": "agent", "asg": "demo-agent-big", "pool": "big"},
        id="pool-tag-wins",
    ),
    pytest.param(
        {
            "__meta_ec2_tag_jenkins_ha_component": "controller",
            "__meta_ec2_tag_aws_autoscaling_groupName": "demo-controller",
        },
        "jenkins-ha-node",
        {"component": "controller", "asg": "demo-controller"},
        id="controller-has-no-pool",
    ),
    pytest.param(
        {
            "__meta_ec2_tag_jenkins_ha_component": "controller",
            "__meta_ec2_tag_aws_autoscaling_groupName": "demo-controller",
        },
        "jenkins-ha-jenkins",
        {"component": "controller", "asg": "demo-controller"},
        id="jenkins-job-on-controller",
    ),
    pytest.param(
        {"__meta_ec2_tag_jenkins_ha_component": "agent", "__meta_ec2_tag_aws_autoscaling_groupName": "demo-agent"},
        "jenkins-ha-jenkins",
        None,
        id="jenkins-job-drops-agents",
    ),
    pytest.param({"__meta_ec2_tag_jenkins_ha_component": "image"}, "jenkins-ha-node", None, id="packer-host-dropped"),
    pytest.param({}, "jenkins-ha-node", None, id="untagged-dropped"),
]


@pytest.mark.parametrize("meta,job,expected", RELABEL_CASES)
def test_relabelling(meta, job, expected):
    configs = prometheus_scrape_configs(
        "demo", "us-east-1", TAGS, jenkins_password_file=TOKEN, pool_tag="jenkins-ha:pool"
    )
    config = next(c for c in configs if c["job_name"] == job)
    got = relabel(config, {**META, **meta})
    if expected is None:
        assert got is None
        return
    assert got == {
        "stack": "demo",
        "availability_zone": "us-east-1a",
        "instance": "i-0123",
        "instance_type": "t3.large",
        **expected,
    }


@pytest.mark.parametrize(
    "key,label",
    [
        ("jenkins-ha:stack", "__meta_ec2_tag_jenkins_ha_stack"),
        ("aws:autoscaling:groupName", "__meta_ec2_tag_aws_autoscaling_groupName"),
        ("managed-by", "__meta_ec2_tag_managed_by"),
    ],
)
def test_tag_label(key, label):
    assert ec2_tag_label(key) == label


def test_discovery_filtered_in_the_api_call():
    configs = prometheus_scrape_configs(
        "demo", "eu-west-1", TAGS, jenkins_password_file=TOKEN, endpoint="http://127.0.0.1:1", role_arn="arn:x"
    )
    for config in configs:
        (sd,) = config["ec2_sd_configs"]
        assert sd["region"] == "eu-west-1"
        assert sd["endpoint"] == "http://127.0.0.1:1" and sd["role_arn"] == "arn:x"
        assert sd["filters"] == [
            {"name": "tag:jenkins-ha:stack", "values": ["demo"]},
            {"name": "instance-state-name", "values": ["running"]},
        ]
    assert [c["ec2_sd_configs"][0]["port"] for c in configs] == [9100, 8080]


JOB_CASES = [
    pytest.param({"jenkins_password_file": TOKEN}, ["jenkins-ha-node", "jenkins-ha-jenkins"], id="default"),
    pytest.param({"jenkins": False}, ["jenkins-ha-node"], id="no-jenkins"),
    pytest.param(
        {"jenkins": False, "cloudwatch_exporter_targets": ["cw:9106"]},
        ["jenkins-ha-node", "jenkins-ha-cloudwatch"],
        id="cloudwatch",
    ),
]


@pytest.mark.parametrize("kwargs,jobs", JOB_CASES)
def test_jobs(kwargs, jobs):
    configs = prometheus_scrape_configs("demo", "us-east-1", TAGS, **kwargs)
    assert [c["job_name"] for c in configs] == jobs
    for config in configs:
        assert "endpoint" not in config.get("ec2_sd_configs", [{}])[0]


def test_jenkins_scrape_authenticated():
    jenkins = prometheus_scrape_configs("demo", "us-east-1", TAGS, jenkins_password_file=TOKEN)[1]
    assert jenkins["basic_auth"] == {"username": "prometheus", "password_file": TOKEN}
    assert jenkins["metrics_path"] == "/prometheus/"


def test_cloudwatch_targets_carry_the_stack():
    configs = prometheus_scrape_configs("demo", "us-east-1", TAGS, jenkins=False, cloudwatch_exporter_targets=["a:1"])
    assert configs[1]["static_configs"] == [{"targets": ["a:1"], "labels": {"stack": "demo"}}]


ERROR_CASES = [
    pytest.param(("Demo", "us-east-1", TAGS), {}, "stack must be", id="stack-case"),
    pytest.param(("demo", "us-east", TAGS), {}, "region", id="region"),
    pytest.param(("demo", "us-east-1", {"stack": "x"}), {}, "tag keys", id="tags"),
    pytest.param(("demo", "us-east-1", TAGS), {"jenkins": False, "node_exporter_port": 0}, "TCP port", id="port"),
    pytest.param(("demo", "us-east-1", TAGS), {"jenkins": False, "node_exporter_port": True}, "TCP port", id="bool"),
    pytest.param(("demo", "us-east-1", TAGS), {}, "jenkins_password_file", id="unauthenticated-jenkins"),
    pytest.param(
        ("demo", "us-east-1", TAGS),
        {"jenkins_password_file": TOKEN, "jenkins_username": ""},
        "jenkins_username",
        id="no-scrape-account",
    ),
    pytest.param(
        ("demo", "us-east-1", TAGS),
        {"jenkins_password_file": TOKEN, "jenkins_metrics_path": "prometheus"},
        "must start with /",
        id="path",
    ),
]


@pytest.mark.parametrize("args,kwargs,message", ERROR_CASES)
def test_errors(args, kwargs, message):
    with pytest.raises(AnsibleFilterError, match=message):
        prometheus_scrape_configs(*args, **kwargs)


def test_filter_registered():
    assert FilterModule().filters()["prometheus_scrape_configs"] is prometheus_scrape_configs
