"""playbooks/prometheus.yml checked with the real tools from Debian: promtool (config, rules, a unit test per alert),
amtool (the example Alertmanager configuration), and a real Prometheus discovering the emulator's instances through
the rendered ec2_sd_configs, its targets carrying the stack's labels.

Skipped when the tools are missing (tests/bed/system-deps.sh installs prometheus and prometheus-alertmanager)."""

import json
import re
import shutil
import subprocess
import time
import urllib.request

import pytest
import yaml

from tests.integration.harness import ROOT, VENV_BIN, free_port

pytestmark = pytest.mark.skipif(
    not (shutil.which("promtool") and shutil.which("prometheus") and shutil.which("amtool")),
    reason="prometheus and prometheus-alertmanager (Debian) are not installed: run tests/bed/system-deps.sh",
)

STACK = "promsd"
OTHER_STACK = "promother"
CW = {"job": "jenkins-ha-cloudwatch", "stack": STACK, "instance": "localhost:9106"}
JENKINS = {"job": "jenkins-ha-jenkins", "stack": STACK, "instance": "i-0c1", "component": "controller"}
AGENT = {"job": "jenkins-ha-node", "stack": STACK, "instance": "i-0a1", "component": "agent", "pool": "promsd-agent"}
CONTROLLER = {"job": "jenkins-ha-node", "stack": STACK, "instance": "i-0c1", "component": "controller"}
HOME = {**CONTROLLER, "path": "/var/lib/jenkins"}


def series(name, labels, values):
    text = ",".join('{0}="{1}"'.format(k, v) for k, v in sorted(labels.items()))
    return {"series": "%s{%s}" % (name, text), "values": values}


# One promtool unit test per alert: (alert, input series, eval time, expected alerts as (labels, summary) pairs,
# plus times at which nothing may fire yet). Labels are those of the alert minus alertname.
CASES = [
    (
        "JenkinsControllerDown",
        [series("default_jenkins_up", JENKINS, "1x5 0x30")],
        "20m",
        [({"severity": "page", "stack": STACK, "component": "controller"}, None)],
        ["10m"],
    ),
    (
        "JenkinsControllerFlapping",
        [
            series("up", {**CONTROLLER, "instance": "i-01"}, "1x20"),
            series("up", {**CONTROLLER, "instance": "i-02"}, "_x20 1x20"),
            series("up", {**CONTROLLER, "instance": "i-03"}, "_x40 1x20"),
        ],
        "50m",
        [
            (
                {"severity": "ticket", "stack": STACK, "component": "controller"},
                "Stack promsd had 3 controllers within 3 hours",
            )
        ],
        ["30m"],
    ),
    (
        "JenkinsBootFailed",
        [series("jenkins_ha_boot_failed", {**AGENT, "unit": "jenkins-ha-boot.service"}, "0 1x5")],
        "3m",
        [
            (
                {**AGENT, "unit": "jenkins-ha-boot.service", "severity": "ticket"},
                "The boot unit failed on agent i-0a1 of stack promsd",
            )
        ],
        ["0m"],
    ),
    (
        "NodeExporterDown",
        [series("up", AGENT, "1x3 0x20")],
        "15m",
        [({**AGENT, "severity": "ticket"}, "Node exporter on agent i-0a1 of stack promsd does not answer")],
        ["10m"],
    ),
    (
        "JenkinsHaFactsStale",
        [series("jenkins_ha_facts_timestamp_seconds", CONTROLLER, "0x20")],
        "15m",
        [({**CONTROLLER, "severity": "ticket"}, "Jenkins facts on i-0c1 of stack promsd are 15m 0s old")],
        ["8m"],
    ),
    (
        "JenkinsHomeNotMounted",
        [series("jenkins_ha_home_mounted", HOME, "1x3 0x10")],
        "10m",
        [({**HOME, "severity": "page"}, "JENKINS_HOME is not mounted on controller i-0c1 of stack promsd")],
        ["6m"],
    ),
    (
        "JenkinsHomeFilling",
        [
            # EFS: an 8 EiB file system, 200 GiB used: the size warning (100 GiB by default) fires.
            series("jenkins_ha_home_used_bytes", HOME, "214748364800x40"),
            series("jenkins_ha_home_size_bytes", HOME, "9223372036853727232x40"),
            series("jenkins_ha_home_avail_bytes", HOME, "9223372036853727232x40"),
        ],
        "35m",
        [({**HOME, "severity": "ticket"}, "JENKINS_HOME of stack promsd holds 200Gi")],
        ["20m"],
    ),
    (
        "EfsIoLimitNear",
        [series("aws_efs_percent_iolimit_average", {**CW, "file_system_id": "fs-1"}, "50x5 95x20")],
        "22m",
        [
            (
                {**CW, "file_system_id": "fs-1", "severity": "ticket"},
                "EFS fs-1 of stack promsd is at 95% of its I/O limit",
            )
        ],
        ["15m"],
    ),
    (
        "EfsThroughputLimitNear",
        [
            # 90 MiB/s metered over a 60 s period against 100 MiB/s permitted.
            series("aws_efs_metered_iobytes_sum", {**CW, "file_system_id": "fs-1"}, "5662310400x20"),
            series("aws_efs_permitted_throughput_average", {**CW, "file_system_id": "fs-1"}, "104857600x20"),
        ],
        "16m",
        [
            (
                {**CW, "file_system_id": "fs-1", "severity": "ticket"},
                "EFS fs-1 of stack promsd uses 90% of its permitted throughput",
            )
        ],
        ["10m"],
    ),
    (
        "JenkinsBackupOlderThanRpo",
        [
            series("up", CW, "1x1700"),
            # One completed job at the start, then none: the RPO (26 h) runs out after 1560 minutes.
            series(
                "aws_backup_number_of_backup_jobs_completed_sum",
                {**CW, "backup_vault_name": "promsd-jenkins-home", "resource_type": "EFS"},
                "1",
            ),
        ],
        "1600m",
        [
            (
                {"severity": "page", "stack": STACK},
                "No backup of JENKINS_HOME of stack promsd completed in the last 26 hours",
            )
        ],
        ["1000m"],
    ),
    (
        "CloudWatchExporterDown",
        [series("up", CW, "0x20")],
        "16m",
        [({**CW, "severity": "ticket"}, "The CloudWatch exporter localhost:9106 for stack promsd does not answer")],
        ["10m"],
    ),
    (
        "JenkinsAgentPoolSaturated",
        [
            series("default_jenkins_executors_queue_length", {**JENKINS, "label": "ec2-fleet"}, "3x20"),
            series("default_jenkins_executors_available", {**JENKINS, "label": "ec2-fleet"}, "0x20"),
            # Another Jenkins label (an agent's own name) is not a pool.
            series("default_jenkins_executors_queue_length", {**JENKINS, "label": "i-0a1"}, "3x20"),
            series("default_jenkins_executors_available", {**JENKINS, "label": "i-0a1"}, "0x20"),
        ],
        "16m",
        [
            (
                {**JENKINS, "label": "ec2-fleet", "severity": "ticket"},
                "Builds for label ec2-fleet of stack promsd wait with no executor free",
            )
        ],
        ["10m"],
    ),
    (
        "JenkinsAgentPoolAtMaximum",
        [
            series(
                "aws_autoscaling_group_desired_capacity_average",
                {**CW, "auto_scaling_group_name": "promsd-agent"},
                "6x40",
            ),
            series("aws_autoscaling_group_max_size_average", {**CW, "auto_scaling_group_name": "promsd-agent"}, "6x40"),
            # The controller's group is always at its maximum of 1.
            series(
                "aws_autoscaling_group_desired_capacity_average",
                {**CW, "auto_scaling_group_name": "promsd-controller"},
                "1x40",
            ),
            series(
                "aws_autoscaling_group_max_size_average", {**CW, "auto_scaling_group_name": "promsd-controller"}, "1x40"
            ),
        ],
        "35m",
        [
            (
                {**CW, "auto_scaling_group_name": "promsd-agent", "severity": "ticket"},
                "Agent pool promsd-agent of stack promsd has been at its maximum for 30 minutes",
            )
        ],
        ["20m"],
    ),
    (
        "JenkinsAgentPoolNotScaling",
        [
            series(
                "aws_autoscaling_group_in_service_instances_average",
                {**CW, "auto_scaling_group_name": "promsd-agent"},
                "2x30",
            ),
            series(
                "aws_autoscaling_group_desired_capacity_average",
                {**CW, "auto_scaling_group_name": "promsd-agent"},
                "4x30",
            ),
        ],
        "20m",
        [
            (
                {**CW, "auto_scaling_group_name": "promsd-agent", "severity": "ticket"},
                "Agent pool promsd-agent of stack promsd has fewer instances in service than desired",
            )
        ],
        ["10m"],
    ),
    (
        "JenkinsBuildQueueGrowing",
        [series("default_jenkins_executors_queue_length", {**JENKINS, "label": "ec2-fleet"}, "0+1x70")],
        "60m",
        [
            (
                {**JENKINS, "label": "ec2-fleet", "severity": "ticket"},
                "60 builds for label ec2-fleet of stack promsd wait, and more keep coming",
            )
        ],
        ["30m"],
    ),
]


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False, **kwargs)


def render(emulator, out):
    return run(
        [
            str(VENV_BIN / "ansible-playbook"),
            "-i",
            "inventory/demo",
            "playbooks/prometheus.yml",
            "-e",
            json.dumps(
                {
                    "jenkins_ha_stack_name": STACK,
                    "jenkins_ha_prometheus_dir": str(out),
                    "jenkins_ha_prometheus_ec2_endpoint": emulator.url,
                    # The stack's scrape account turns the Jenkins job on; a token file given: no SSM read.
                    "jenkins_ha_metrics_scrape_user": "prometheus",
                    "jenkins_ha_prometheus_jenkins_token_file": str(out / "jenkins.token"),
                }
            ),
        ],
        cwd=str(ROOT),
        env={**emulator.env(), "ANSIBLE_FORCE_COLOR": "0"},
    )


@pytest.fixture(scope="module")
def rendered(emulator, tmp_path_factory):
    out = tmp_path_factory.mktemp("prometheus")
    (out / "jenkins.token").write_text("not-a-real-token\n")
    proc = render(emulator, out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return out


def test_promtool_checks_config_and_rules(rendered):
    result = run(["promtool", "check", "config", str(rendered / "prometheus.yml")])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 15 rules found" in result.stdout


def test_the_exporter_reads_every_agent_pools_group(rendered):
    """The demo's two pools (default and spot) and the controller: each group's capacity metrics are exported."""
    config = yaml.safe_load((rendered / "cloudwatch-exporter.yml").read_text())
    groups = [
        metric["aws_dimension_select"]["AutoScalingGroupName"]
        for metric in config["metrics"]
        if metric["aws_namespace"] == "AWS/AutoScaling"
    ]
    expected = ["{0}-controller".format(STACK), "{0}-agent".format(STACK), "{0}-agent-spot".format(STACK)]
    assert groups and all(names == expected for names in groups), groups


def test_amtool_checks_the_example(rendered):
    result = run(["amtool", "check-config", str(rendered / "alertmanager.yml")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_case(rendered):
    rules = yaml.safe_load((rendered / "rules" / "jenkins-ha.yml").read_text())
    alerts = [r["alert"] for g in rules["groups"] for r in g["rules"]]
    assert sorted(alerts) == sorted(c[0] for c in CASES)


def test_promtool_unit_tests_per_alert(rendered, tmp_path):
    rules_file = rendered / "rules" / "jenkins-ha.yml"
    rules = yaml.safe_load(rules_file.read_text())
    annotations = {r["alert"]: r["annotations"] for g in rules["groups"] for r in g["rules"]}
    tests = []
    for alert, inputs, eval_time, expected, quiet_times in CASES:
        exp = []
        for labels, summary in expected:
            wanted = dict(annotations[alert])
            if summary is not None:
                wanted["summary"] = summary
            # A templated description is expanded by hand here: it must name the series' labels.
            wanted["description"] = re.sub(
                r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], wanted["description"]
            )
            assert "{{" not in wanted["description"], alert
            exp.append({"exp_labels": labels, "exp_annotations": wanted})
        checks = [{"eval_time": eval_time, "alertname": alert, "exp_alerts": exp}]
        checks += [{"eval_time": t, "alertname": alert, "exp_alerts": []} for t in quiet_times]
        tests.append({"name": alert, "interval": "1m", "input_series": inputs, "alert_rule_test": checks})
    test_file = tmp_path / "rules_test.yml"
    test_file.write_text(
        yaml.safe_dump({"rule_files": [str(rules_file)], "evaluation_interval": "1m", "tests": tests}, sort_keys=False)
    )
    result = run(["promtool", "test", "rules", str(test_file)])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_backup_alert_needs_a_working_exporter(rendered, tmp_path):
    """Without an answering CloudWatch exporter there is no evidence either way: CloudWatchExporterDown speaks."""
    rules_file = rendered / "rules" / "jenkins-ha.yml"
    test_file = tmp_path / "rules_test.yml"
    test_file.write_text(
        yaml.safe_dump(
            {
                "rule_files": [str(rules_file)],
                "evaluation_interval": "1m",
                "tests": [
                    {
                        "interval": "1m",
                        "input_series": [series("up", CW, "0x1700")],
                        "alert_rule_test": [
                            {"eval_time": "1600m", "alertname": "JenkinsBackupOlderThanRpo", "exp_alerts": []}
                        ],
                    }
                ],
            }
        )
    )
    result = run(["promtool", "test", "rules", str(test_file)])
    assert result.returncode == 0, result.stdout[-4000:]


def launch_stack(emulator, stack):
    """A controller group of 1 and an agent group of 2 in two AZs, tagged as site.yml tags them."""
    ec2 = emulator.client("ec2")
    asg = emulator.client("autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.%d.0/24" % i, AvailabilityZone=az)["Subnet"]["SubnetId"]
        for i, az in enumerate(["us-east-1a", "us-east-1b"])
    ]
    ec2.create_launch_template(
        LaunchTemplateName=stack + "-lt", LaunchTemplateData={"ImageId": "ami-1e749f67", "InstanceType": "t3.micro"}
    )
    for component, size in (("controller", 1), ("agent", 2)):
        asg.create_auto_scaling_group(
            AutoScalingGroupName="%s-%s" % (stack, component),
            LaunchTemplate={"LaunchTemplateName": stack + "-lt", "Version": "$Latest"},
            MinSize=size,
            MaxSize=size,
            DesiredCapacity=size,
            VPCZoneIdentifier=",".join(subnets),
            Tags=[
                {"Key": "jenkins-ha:stack", "Value": stack, "PropagateAtLaunch": True},
                {"Key": "jenkins-ha:component", "Value": component, "PropagateAtLaunch": True},
            ],
        )
    # Neither may become a target: a stopped instance of the stack (filtered in the API call) and a running one of
    # another component, such as a Packer build host (dropped by relabelling).
    for component, stop in (("agent", True), ("image", False)):
        extra = ec2.run_instances(
            ImageId="ami-1e749f67",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnets[0],
            TagSpecifications=[
                {
                    "ResourceType": "instance",
                    "Tags": [
                        {"Key": "jenkins-ha:stack", "Value": stack},
                        {"Key": "jenkins-ha:component", "Value": component},
                    ],
                }
            ],
        )["Instances"][0]["InstanceId"]
        if stop:
            ec2.stop_instances(InstanceIds=[extra])
    return {
        i["InstanceId"]: i
        for r in ec2.describe_instances(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": [stack]}])["Reservations"]
        for i in r["Instances"]
        if any(t["Key"] == "aws:autoscaling:groupName" for t in i["Tags"])
    }


def remove_stack(emulator, stack):
    asg = emulator.client("autoscaling")
    for component in ("controller", "agent"):
        asg.delete_auto_scaling_group(AutoScalingGroupName="%s-%s" % (stack, component), ForceDelete=True)


def test_prometheus_discovers_the_stack(emulator, rendered, tmp_path):
    instances = launch_stack(emulator, STACK)
    launch_stack(emulator, OTHER_STACK)
    port = free_port()
    env = {k: v for k, v in emulator.env().items() if not k.startswith("AWS_ENDPOINT")}
    proc = subprocess.Popen(
        [
            "prometheus",
            "--config.file=%s" % (rendered / "prometheus.yml"),
            "--storage.tsdb.path=%s" % (tmp_path / "data"),
            "--web.listen-address=127.0.0.1:%d" % port,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "prometheus.log", "w"),
    )
    try:
        targets = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                url = "http://127.0.0.1:%d/api/v1/targets?state=active" % port
                with urllib.request.urlopen(url, timeout=5) as response:
                    active = json.load(response)["data"]["activeTargets"]
                ec2_targets = [t for t in active if t["labels"]["job"] != "jenkins-ha-cloudwatch"]
                if len(ec2_targets) >= 4:
                    targets = ec2_targets
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert targets, "no EC2 targets discovered: " + (tmp_path / "prometheus.log").read_text()[-3000:]
    finally:
        proc.terminate()
        proc.wait(20)
        remove_stack(emulator, STACK)
        remove_stack(emulator, OTHER_STACK)

    got = sorted(
        (t["labels"]["job"], t["labels"]["instance"], t["scrapeUrl"], t["labels"].get("pool", "")) for t in targets
    )
    expected = []
    for instance_id, inst in instances.items():
        tags = {t["Key"]: t["Value"] for t in inst["Tags"]}
        component = tags["jenkins-ha:component"]
        ip = inst["PrivateIpAddress"]
        pool = tags["aws:autoscaling:groupName"] if component == "agent" else ""
        expected.append(("jenkins-ha-node", instance_id, "http://%s:9100/metrics" % ip, pool))
        if component == "controller":
            expected.append(("jenkins-ha-jenkins", instance_id, "http://%s:8080/prometheus/" % ip, ""))
    assert got == sorted(expected)
    for target in targets:
        labels = target["labels"]
        inst = instances[labels["instance"]]
        tags = {t["Key"]: t["Value"] for t in inst["Tags"]}
        assert labels["stack"] == STACK
        assert labels["component"] == tags["jenkins-ha:component"]
        assert labels["asg"] == tags["aws:autoscaling:groupName"] == "%s-%s" % (STACK, labels["component"])
        assert labels["availability_zone"] == inst["Placement"]["AvailabilityZone"]
        assert labels["instance_type"] == "t3.micro"
