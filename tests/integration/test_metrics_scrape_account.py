"""The metrics scrape account end to end on the emulator (issue 19): configure.yml publishes its name in the
jenkins/settings document and, with the local realm, generates its password once as a SecureString under the stack
key (0 changed on a rerun, the password never in the -vvv --diff output); a directory account needs its password given;
stack_config refuses the admin as the scrape account; prometheus.yml then writes that password into the Jenkins job's
password file (never into prometheus.yml) and Debian's promtool accepts the configuration."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import uuid

import pytest
import yaml

from tests.integration.harness import ROOT
from tests.integration.leaks import leaks
from tests.integration.test_jenkins_settings import LDAP, parameters, stack_key, vault_file

DEMO = ROOT / "inventory" / "demo"
CONFIGURE = ROOT / "playbooks" / "configure.yml"
PROMETHEUS = ROOT / "playbooks" / "prometheus.yml"


def _password(emulator, name):
    ssm = emulator.client("ssm")
    found = ssm.get_parameter(Name="/jenkins-ha/{0}/metrics/scrape-password".format(name), WithDecryption=True)
    return found["Parameter"]


def test_the_local_realms_scrape_account_gets_a_password_once_and_prometheus_uses_it(emulator, playbook, tmp_path):
    name = "ms-" + uuid.uuid4().hex[:6]
    key_arn = stack_key(emulator, name)
    stack = {"jenkins_ha_stack_name": name, "jenkins_ha_metrics_scrape_user": "prometheus"}

    first = playbook(CONFIGURE, inventory=DEMO, extra_vars=[stack], diff=True, args=["-vvv"])
    assert first.rc == 0, first.output[-4000:]
    assert json.loads(parameters(emulator, name)["jenkins/settings"]["Value"])["metrics_scrape_user"] == "prometheus"
    secret = _password(emulator, name)
    assert secret["Type"] == "SecureString" and len(secret["Value"]) == 32
    described = emulator.client("ssm").describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": [secret["Name"]]}]
    )["Parameters"][0]
    assert described["KeyId"] in (key_arn, key_arn.split("/")[-1], "alias/jenkins-ha/" + name)

    rerun = playbook(CONFIGURE, inventory=DEMO, extra_vars=[stack], diff=True, args=["-vvv"])
    assert rerun.rc == 0 and rerun.changed() == 0, rerun.output[-4000:]
    assert _password(emulator, name)["Value"] == secret["Value"], "generated once"

    out = tmp_path / "prometheus"
    rendered = playbook(
        PROMETHEUS,
        inventory=DEMO,
        extra_vars=[dict(stack, jenkins_ha_prometheus_dir=str(out), jenkins_ha_prometheus_ec2_endpoint=emulator.url)],
        args=["-vvv"],
    )
    assert rendered.rc == 0, rendered.output[-4000:]
    assert leaks(first.output + rerun.output + rendered.output, {"scrape password": secret["Value"]}) == []
    jobs = {job["job_name"]: job for job in yaml.safe_load((out / "prometheus.yml").read_text())["scrape_configs"]}
    password_file = "jenkins-{0}.password".format(name)
    assert jobs["jenkins-ha-jenkins"]["basic_auth"] == {"username": "prometheus", "password_file": password_file}
    assert (out / password_file).read_text() == secret["Value"]
    assert stat.S_IMODE((out / password_file).stat().st_mode) == 0o600
    assert secret["Value"] not in (out / "prometheus.yml").read_text()
    if shutil.which("promtool"):
        check = subprocess.run(
            ["promtool", "check", "config", str(out / "prometheus.yml")], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_a_directory_scrape_account_needs_its_password_given(emulator, playbook, tmp_path):
    name = "md-" + uuid.uuid4().hex[:6]
    stack_key(emulator, name)
    stack = {
        "jenkins_ha_stack_name": name,
        "jenkins_ha_security_realm": "ldap",
        "jenkins_ha_ldap": LDAP,
        "jenkins_ha_authorization": {"admin_groups": ["jenkins-admins"]},
        "jenkins_ha_metrics_scrape_user": "svc-prometheus",
    }
    bind = vault_file(tmp_path, {"jenkins_ha_ldap_manager_password": "ldap-bind-secret-1234"})
    refused = playbook(CONFIGURE, inventory=DEMO, extra_vars=[stack, bind])
    assert refused.rc != 0
    assert "set its password or API token once in jenkins_ha_metrics_scrape_password" in " ".join(
        refused.output.split()
    ), refused.output[-3000:]
    assert "jenkins/settings" not in parameters(emulator, name)

    (tmp_path / "scrape").mkdir()
    given = vault_file(tmp_path / "scrape", {"jenkins_ha_metrics_scrape_password": "directory-token-0123456789"})
    stored = playbook(CONFIGURE, inventory=DEMO, extra_vars=[stack, bind, given])
    assert stored.rc == 0, stored.output[-4000:]
    assert _password(emulator, name)["Value"] == "directory-token-0123456789"


@pytest.mark.parametrize(
    "extra,message",
    [
        (
            {"jenkins_ha_metrics_scrape_user": "admin"},
            "jenkins_ha_metrics_scrape_user 'admin' must be an account of its own",
        ),
        ({"jenkins_ha_metrics_scrape_user": "has space"}, "jenkins_ha_metrics_scrape_user must be an account name"),
        ({"jenkins_ha_metrics_scrape_password": "short"}, "jenkins_ha_metrics_scrape_password needs"),
    ],
    ids=["the-admin", "not-a-name", "password-without-account"],
)
def test_stack_config_refuses_a_bad_scrape_account(emulator, playbook, extra, message):
    name = "mr-" + uuid.uuid4().hex[:6]
    result = playbook(CONFIGURE, inventory=DEMO, extra_vars=[dict(extra, jenkins_ha_stack_name=name)])
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
