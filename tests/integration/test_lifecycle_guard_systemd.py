"""The warm-pool guard under a real systemd (Debian 12's 252 in a podman systemd container): the rendered
jenkins-ha-boot.service and jenkins.service drop-in of roles/instance_boot, with the guard as their ExecCondition,
against an IMDSv2 stand-in on the host. Warmed:Stopped: neither the boot run nor Jenkins starts, and neither unit is
failed; InService: both run. (Rendered without the drop-in's ExecCondition, the same run starts Jenkins while the
boot run is skipped: systemd propagates only failures through Requires=, which is why both units ask.)
Not played: the reboot of a stopped warm instance into service (the unit is enabled, WantedBy=multi-user.target,
which systemd honours at every boot) and the real metadata service's timing.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
import uuid

import jinja2
import pytest

from tests.integration.harness import ROOT
from tests.unit.instance_boot.test_lifecycle_guard import GUARD, Imds

IMAGE = "localhost/jenkins-ha-debian12"
TEMPLATES = ROOT / "roles" / "instance_boot" / "templates"
VARIABLES = {
    "ansible_managed": "test",
    "instance_boot_required_by": ["jenkins.service"],
    "instance_boot_config_dir": "/etc/jenkins-ha",
    "__instance_boot_collections_dir": "/opt/jenkins-ha/collections",
    "__instance_boot_venv": "/opt/jenkins-ha/venv",
    "__instance_boot_guard": "/opt/jenkins-ha/bin/jenkins-ha-lifecycle-guard",
    "__instance_boot_unit": "jenkins-ha-boot.service",
}


def _podman(*args, check=True, stdin=None):
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check, input=stdin, timeout=120)


@pytest.fixture
def imds():
    handler = type("Handler", (Imds,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, "http://127.0.0.1:{0}".format(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture
def instance(imds):
    if not shutil.which("podman") or _podman("image", "exists", IMAGE, check=False).returncode != 0:
        pytest.skip("podman and the {0} image (tests/bed) are needed".format(IMAGE))
    _unused, endpoint = imds
    name = "jenkins-ha-guard-" + uuid.uuid4().hex[:8]
    # The host's network: the container reaches the IMDS stand-in on the host's loopback.
    _podman("run", "-d", "--rm", "--name", name, "--network", "host", IMAGE, "/sbin/init")
    try:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), keep_trailing_newline=True)
        files = {
            "/etc/systemd/system/jenkins-ha-boot.service": env.get_template("jenkins-ha-boot.service.j2").render(
                VARIABLES
            ),
            "/etc/systemd/system/jenkins.service.d/jenkins-ha-boot.conf": env.get_template(
                "requires-boot.conf.j2"
            ).render(VARIABLES, item="jenkins.service"),
            # Stand-ins: Jenkins sleeps, the boot playbook leaves a mark.
            "/etc/systemd/system/jenkins.service": "[Service]\nExecStart=/bin/sleep infinity\n",
            "/opt/jenkins-ha/venv/bin/ansible-playbook": "#!/bin/sh\ntouch /run/boot-ran\n",
            "/opt/jenkins-ha/bin/jenkins-ha-lifecycle-guard": GUARD.read_text(),
            "/etc/jenkins-ha/boot.env": "JENKINS_HA_STACK=guard\n",
        }
        # What the test changes on top of production: where the metadata service is (botocore's variable).
        for unit in ("jenkins-ha-boot.service", "jenkins.service"):
            files["/etc/systemd/system/{0}.d/imds.conf".format(unit)] = (
                "[Service]\nEnvironment=AWS_EC2_METADATA_SERVICE_ENDPOINT={0}\n".format(endpoint)
            )
        for path, content in files.items():
            _podman(
                "exec", "-i", name, "sh", "-c", 'mkdir -p "$(dirname {0})" && cat > {0}'.format(path), stdin=content
            )
        _podman("exec", name, "chmod", "0755", "/opt/jenkins-ha/venv/bin/ansible-playbook")
        _podman("exec", name, "ln", "-s", "/usr/bin/python3", "/opt/jenkins-ha/venv/bin/python")
        _podman("exec", name, "systemctl", "daemon-reload")
        yield name
    finally:
        _podman("rm", "-f", "-t", "0", name, check=False)


def _show(name, unit):
    out = _podman("exec", name, "systemctl", "show", unit, "-p", "ActiveState", "-p", "Result").stdout
    return dict(line.split("=", 1) for line in out.split())


def _boot_ran(name):
    return _podman("exec", name, "test", "-e", "/run/boot-ran", check=False).returncode == 0


def test_warm_instance_skips_boot_and_jenkins_then_runs_in_service(imds, instance):
    handler, _unused = imds
    handler.state = "Warmed:Stopped"
    _podman("exec", instance, "systemctl", "start", "jenkins.service", check=False)
    assert not _boot_ran(instance)
    boot = _show(instance, "jenkins-ha-boot.service")
    # Skipped, not failed (systemd 252 reports exec-condition or success depending on how the job was queued).
    assert boot["ActiveState"] == "inactive" and boot["Result"] in ("exec-condition", "success"), boot
    assert _show(instance, "jenkins.service")["ActiveState"] == "inactive"
    journal = _podman("exec", instance, "journalctl", "-u", "jenkins-ha-boot.service", "--no-pager").stdout
    assert "skip: target lifecycle state Warmed:Stopped" in journal

    handler.state = "InService"
    _podman("exec", instance, "systemctl", "start", "jenkins.service")
    assert _boot_ran(instance)
    assert _show(instance, "jenkins-ha-boot.service")["ActiveState"] == "active"
    assert _show(instance, "jenkins.service")["ActiveState"] == "active"
