"""playbooks/prometheus.yml's Jenkins job (issue 19): it scrapes as the stack's scrape account
(jenkins_ha_metrics_scrape_user, Overall/Read + Metrics/View on the controller) with the account's password from its
SSM SecureString written to a file only its owner reads, named in prometheus.yml relative to it (never inline), at the
path the controller role serves (jenkins_controller_metrics_path); Debian's promtool accepts the result. Without a
scrape account there is no Jenkins job and no password file.

Skipped when promtool is missing (tests/bed/system-deps.sh installs prometheus)."""

import json
import shutil
import stat
import subprocess

import pytest
import yaml

from tests.integration.harness import ROOT, VENV_BIN

pytestmark = pytest.mark.skipif(not shutil.which("promtool"), reason="promtool (Debian's prometheus) is not installed")

STACK = "promauth"
PASSWORD = "scrape-password-from-ssm-0123"
PARAMETER = "/jenkins-ha/{0}/metrics/scrape-password".format(STACK)


def _render(emulator, out, **extra):
    variables = {
        "jenkins_ha_stack_name": STACK,
        "jenkins_ha_prometheus_dir": str(out),
        "jenkins_ha_prometheus_ec2_endpoint": emulator.url,
    }
    variables.update(extra)
    return subprocess.run(
        [
            str(VENV_BIN / "ansible-playbook"),
            "-i",
            "inventory/demo",
            "playbooks/prometheus.yml",
            "-e",
            json.dumps(variables),
        ],
        cwd=str(ROOT),
        env={**emulator.env(), "ANSIBLE_FORCE_COLOR": "0"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _jobs(out):
    return {job["job_name"]: job for job in yaml.safe_load((out / "prometheus.yml").read_text())["scrape_configs"]}


def _promtool(out):
    return subprocess.run(
        ["promtool", "check", "config", str(out / "prometheus.yml")], capture_output=True, text=True, check=False
    )


def test_the_jenkins_job_scrapes_as_the_scrape_account_with_its_password_from_ssm(emulator, tmp_path):
    emulator.client("ssm").put_parameter(Name=PARAMETER, Value=PASSWORD, Type="SecureString", Overwrite=True)
    out = tmp_path / "with-account"
    proc = _render(emulator, out, jenkins_ha_metrics_scrape_user="prometheus")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert PASSWORD not in proc.stdout + proc.stderr, "the password was logged"

    jenkins = _jobs(out)["jenkins-ha-jenkins"]
    password_file = "jenkins-{0}.password".format(STACK)
    assert jenkins["basic_auth"] == {"username": "prometheus", "password_file": password_file}
    assert jenkins["metrics_path"] == "/prometheus/"
    assert jenkins["ec2_sd_configs"][0]["port"] == 8080
    assert PASSWORD not in (out / "prometheus.yml").read_text()
    written = out / password_file
    assert written.read_text() == PASSWORD
    assert stat.S_IMODE(written.stat().st_mode) == 0o600

    result = _promtool(out)
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_a_scrape_account_there_is_no_jenkins_job(emulator, tmp_path):
    out = tmp_path / "without-account"
    proc = _render(emulator, out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "jenkins-ha-jenkins" not in _jobs(out)
    assert not list(out.glob("*.password"))
    result = _promtool(out)
    assert result.returncode == 0, result.stdout + result.stderr
