"""The warm-pool guard (roles/instance_boot/files/jenkins_ha_lifecycle_guard.py): its decision per target lifecycle
state, and the real IMDSv2 exchange against a local metadata stand-in that refuses what IMDSv2 refuses (a GET
without a token, a token request without its TTL header)."""

from __future__ import annotations

import http.server
import shutil
import importlib.util
import subprocess
import sys
import threading
from pathlib import Path

import jinja2
import pytest

ROOT = Path(__file__).resolve().parents[3]
GUARD = ROOT / "roles" / "instance_boot" / "files" / "jenkins_ha_lifecycle_guard.py"
_spec = importlib.util.spec_from_file_location("jenkins_ha_lifecycle_guard", GUARD)
guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(guard)

DECISIONS = [
    ("InService", 0),
    ("Standby", 0),
    ("Detached", 0),
    (None, 0),
    ("Warmed:Stopped", 1),
    ("Warmed:Running", 1),
    ("Warmed:Hibernated", 1),
    ("Warmed:Terminated", 1),
    ("Terminated", 1),
]


@pytest.mark.parametrize("state, code", DECISIONS)
def test_decision(state, code):
    decided, reason = guard.decide(state)
    assert decided == code
    assert (state or "no Auto Scaling") in reason


class Imds(http.server.BaseHTTPRequestHandler):
    """IMDSv2 as the instance sees it: PUT a token (TTL header required), GET with the token (else 401)."""

    state = "InService"
    failures = 0
    token = "token-123"

    def log_message(self, *args):
        pass

    def _send(self, code, body=""):
        self.send_response(code)
        self.end_headers()
        self.wfile.write(body.encode())

    def do_PUT(self):
        if self.path != guard.TOKEN_PATH or "X-aws-ec2-metadata-token-ttl-seconds" not in self.headers:
            return self._send(400)
        if type(self).failures:
            type(self).failures -= 1
            return self._send(503)
        return self._send(200, self.token)

    def do_GET(self):
        if self.headers.get("X-aws-ec2-metadata-token") != self.token:
            return self._send(401)
        if self.path != guard.STATE_PATH or self.state is None:
            return self._send(404)
        return self._send(200, self.state + "\n")


@pytest.fixture
def imds():
    handler = type("Handler", (Imds,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, "http://127.0.0.1:{0}".format(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("state, code", [("InService", 0), ("Warmed:Stopped", 1), (None, 0), ("Terminated", 1)])
def test_the_script_as_systemd_runs_it(imds, state, code):
    handler, endpoint = imds
    handler.state = state
    proc = subprocess.run(
        [sys.executable, str(GUARD)],
        env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert ("skip" if code else "run") in proc.stdout


def test_a_failing_metadata_service_is_asked_again(imds):
    handler, endpoint = imds
    handler.state, handler.failures = "Warmed:Stopped", 2
    assert guard.target_lifecycle_state(endpoint, attempts=3, pause=0) == "Warmed:Stopped"


def test_no_metadata_service_runs_the_unit():
    # A closed local port: connection refused at once, as in a container without IMDS.
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert guard.target_lifecycle_state("http://127.0.0.1:{0}".format(port), attempts=2, pause=0) is None
    assert guard.decide(None)[0] == guard.RUN


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_units_declare_the_guard_as_systemd_parses_it(tmp_path):
    """The rendered boot unit and drop-in, parsed by this host's systemd (Debian 12: 252): ExecCondition is a key it
    knows in both. What systemd then does with the exit code is systemd.service(5)'s contract, not run here."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(GUARD.parents[1] / "templates")), keep_trailing_newline=True
    )
    variables = {
        "ansible_managed": "test",
        "instance_boot_required_by": ["jenkins.service"],
        "instance_boot_config_dir": "/etc/jenkins-ha",
        "__instance_boot_collections_dir": "/opt/jenkins-ha/collections",
        "__instance_boot_venv": "/opt/jenkins-ha/venv",
        "__instance_boot_guard": "/opt/jenkins-ha/bin/jenkins-ha-lifecycle-guard",
        "__instance_boot_unit": "jenkins-ha-boot.service",
    }
    units = tmp_path / "etc" / "systemd" / "system"
    (units / "jenkins.service.d").mkdir(parents=True)
    (units / "jenkins-ha-boot.service").write_text(env.get_template("jenkins-ha-boot.service.j2").render(variables))
    (units / "jenkins.service").write_text("[Service]\nExecStart=/usr/bin/true\n")
    drop_in = env.get_template("requires-boot.conf.j2").render(variables, item="jenkins.service")
    (units / "jenkins.service.d" / "jenkins-ha-boot.conf").write_text(drop_in)
    for unit in ("jenkins-ha-boot.service", "jenkins.service"):
        proc = subprocess.run(
            ["systemd-analyze", "verify", "--root", str(tmp_path), "/etc/systemd/system/" + unit],
            capture_output=True,
            text=True,
            check=False,
        )
        problems = [line for line in (proc.stdout + proc.stderr).splitlines() if "Unknown" in line or "Invalid" in line]
        assert problems == [], proc.stdout + proc.stderr
    assert "ExecCondition=/opt/jenkins-ha/venv/bin/python /opt/jenkins-ha/bin/jenkins-ha-lifecycle-guard" in drop_in


def test_an_unexpected_error_runs_the_unit(monkeypatch, capsys):
    """Python exits 1 on an uncaught exception, which ExecCondition= reads as skip: the guard must not crash."""

    def broken(endpoint):
        raise ValueError("unexpected " + endpoint)

    monkeypatch.setattr(guard, "target_lifecycle_state", broken)
    assert guard.main() == guard.RUN
    assert "run: cannot read the target lifecycle state" in capsys.readouterr().out
