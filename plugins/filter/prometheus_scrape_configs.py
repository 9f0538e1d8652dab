# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter that builds the scrape configurations of a stack's Prometheus: EC2 service discovery filtered to the
stack's tags, relabelled to stack/component/pool/asg/availability_zone/instance labels.

Kept in Python (not Jinja) so the relabelling rules are unit-tested in one table (tests/unit/prometheus/) and the
rendered prometheus.yml is checked by the real promtool and discovered against the emulator
(tests/integration/test_prometheus.py).
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

# Prometheus' EC2 discovery exposes tag <key> as __meta_ec2_tag_<key> with every character outside [a-zA-Z0-9_]
# replaced by "_" (discovery/aws/ec2.go: strutil.SanitizeLabelName).
_INVALID_LABEL_CHARS = re.compile(r"[^a-zA-Z0-9_]")
# The tag EC2 Auto Scaling puts on every instance it launches.
ASG_TAG = "aws:autoscaling:groupName"
STACK = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
COMPONENTS = ("controller", "agent")


def ec2_tag_label(tag_key):
    """The meta label under which Prometheus' EC2 discovery exposes the tag `tag_key`."""
    return "__meta_ec2_tag_" + _INVALID_LABEL_CHARS.sub("_", tag_key)


def _relabel(tags, pool_tag):
    """Relabel rules shared by the node and Jenkins jobs: stack, component, asg, pool, availability_zone, instance."""
    rules = [
        {"source_labels": [ec2_tag_label(tags["stack"])], "target_label": "stack"},
        {"source_labels": [ec2_tag_label(tags["component"])], "target_label": "component"},
        {"source_labels": [ec2_tag_label(ASG_TAG)], "target_label": "asg"},
        # An agent's pool is its Auto Scaling group, unless the pool tag names it.
        {
            "source_labels": [ec2_tag_label(tags["component"]), ec2_tag_label(ASG_TAG)],
            "regex": "agent;(.+)",
            "target_label": "pool",
        },
    ]
    if pool_tag:
        rules.append({"source_labels": [ec2_tag_label(pool_tag)], "regex": "(.+)", "target_label": "pool"})
    rules += [
        {"source_labels": ["__meta_ec2_availability_zone"], "target_label": "availability_zone"},
        # The instance id, not the address: an address is reused by the next instance, an id never is.
        {"source_labels": ["__meta_ec2_instance_id"], "target_label": "instance"},
        {"source_labels": ["__meta_ec2_instance_type"], "target_label": "instance_type"},
    ]
    return rules


def _ec2_sd(stack, region, tags, port, endpoint, role_arn, refresh_interval):
    sd = {
        "region": region,
        "port": port,
        "refresh_interval": refresh_interval,
        # Filtered in the EC2 API call: the stack's running instances only, not the whole account.
        "filters": [
            {"name": "tag:" + tags["stack"], "values": [stack]},
            {"name": "instance-state-name", "values": ["running"]},
        ],
    }
    if endpoint:
        sd["endpoint"] = endpoint
    if role_arn:
        sd["role_arn"] = role_arn
    return sd


def _keep(tags, components):
    return {
        "source_labels": [ec2_tag_label(tags["component"])],
        "regex": "|".join(components),
        "action": "keep",
    }


def prometheus_scrape_configs(
    stack,
    region,
    tags,
    node_exporter_port=9100,
    jenkins=True,
    jenkins_port=8080,
    jenkins_metrics_path="/prometheus/",
    jenkins_username="prometheus",
    jenkins_password_file="",
    cloudwatch_exporter_targets=None,
    endpoint="",
    role_arn="",
    refresh_interval="60s",
    pool_tag="",
):
    """The scrape_configs list of prometheus.yml for one stack (see prometheus_scrape_configs.yml)."""
    if not isinstance(stack, str) or not STACK.match(stack):
        raise AnsibleFilterError("prometheus_scrape_configs: stack must be a lowercase stack name, got %r" % (stack,))
    if not isinstance(region, str) or not REGION.match(region):
        raise AnsibleFilterError("prometheus_scrape_configs: region must be an AWS region, got %r" % (region,))
    if not isinstance(tags, dict) or not tags.get("stack") or not tags.get("component"):
        raise AnsibleFilterError(
            "prometheus_scrape_configs: tags must give the stack and component tag keys (playbooks/vars/contract.yml)"
        )
    for name, port in (("node_exporter_port", node_exporter_port), ("jenkins_port", jenkins_port)):
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise AnsibleFilterError("prometheus_scrape_configs: %s must be a TCP port, got %r" % (name, port))
    if jenkins and not (jenkins_username and jenkins_password_file):
        raise AnsibleFilterError(
            "prometheus_scrape_configs: the Jenkins metrics endpoint is scraped with authentication: give "
            "jenkins_username (an account with Metrics/View) and jenkins_password_file (a file holding its password "
            "or API token), or jenkins=false"
        )
    if not jenkins_metrics_path.startswith("/"):
        raise AnsibleFilterError("prometheus_scrape_configs: jenkins_metrics_path must start with /")

    configs = [
        {
            "job_name": "jenkins-ha-node",
            "ec2_sd_configs": [_ec2_sd(stack, region, tags, node_exporter_port, endpoint, role_arn, refresh_interval)],
            "relabel_configs": [_keep(tags, COMPONENTS)] + _relabel(tags, pool_tag),
        }
    ]
    if jenkins:
        configs.append(
            {
                "job_name": "jenkins-ha-jenkins",
                "metrics_path": jenkins_metrics_path,
                # The plugin's endpoint with "Enable authentication" needs Metrics/View: the stack's scrape account
                # and its password or API token, from a file (never inline in prometheus.yml).
                "basic_auth": {"username": jenkins_username, "password_file": jenkins_password_file},
                "ec2_sd_configs": [_ec2_sd(stack, region, tags, jenkins_port, endpoint, role_arn, refresh_interval)],
                "relabel_configs": [_keep(tags, ["controller"])] + _relabel(tags, pool_tag),
            }
        )
    if cloudwatch_exporter_targets:
        configs.append(
            {
                "job_name": "jenkins-ha-cloudwatch",
                # CloudWatch publishes most AWS/EFS and AWS/AutoScaling metrics once a minute.
                "scrape_interval": "60s",
                "scrape_timeout": "50s",
                "static_configs": [{"targets": list(cloudwatch_exporter_targets), "labels": {"stack": stack}}],
            }
        )
    return configs


class FilterModule:
    def filters(self):
        return {"prometheus_scrape_configs": prometheus_scrape_configs}
