"""Helpers for integration tests: a private emulator per test session and an ansible-playbook runner."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "tests" / "emulator" / "launcher.py"
VENV_BIN = Path(sys.executable).parent

RECAP = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+"
    r"failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)\s+rescued=(?P<rescued>\d+)\s+ignored=(?P<ignored>\d+)",
    re.M,
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    """A moto server with the compatibility layer, on a free port, for one test session."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.url = "http://127.0.0.1:{0}".format(self.port)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / "emulator-{0}.log".format(self.port)
        self._proc = None

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self._proc = subprocess.Popen(
            [sys.executable, str(LAUNCHER), "--port", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=str(ROOT),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError("emulator exited early: " + self.log_path.read_text()[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/moto-api/", timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("emulator did not answer on " + self.url)

    def stop(self):
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()

    def env(self):
        """Environment for boto3, the AWS modules and our plugins: endpoint + dummy credentials."""
        env = dict(os.environ)
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            env.pop(key, None)
        env.update(
            AWS_ENDPOINT_URL=self.url,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_REGION="us-east-1",
        )
        return env

    def client(self, service, region="us-east-1"):
        import boto3

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@dataclass
class PlaybookResult:
    rc: int
    output: str
    recap: dict = field(default_factory=dict)

    def changed(self, host="localhost"):
        return self.recap[host]["changed"]

    def failed(self, host="localhost"):
        return self.recap[host]["failed"]


def run_playbook(playbook, env, inventory=None, extra_vars=None, check=False, diff=False, tags=None, args=()):
    """Run ansible-playbook from the repository root; returns rc, full output and the parsed PLAY RECAP."""
    cmd = [str(VENV_BIN / "ansible-playbook"), str(playbook)]
    if inventory:
        cmd += ["-i", str(inventory)]
    for item in extra_vars or ():
        cmd += ["-e", item if isinstance(item, str) else __import__("json").dumps(item)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if tags:
        cmd += ["--tags", tags]
    cmd += list(args)
    env = dict(env)
    env.setdefault("ANSIBLE_FORCE_COLOR", "0")
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(
        cmd, cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False
    )
    recap = {}
    for match in RECAP.finditer(proc.stdout):
        recap[match.group("host")] = {k: int(v) for k, v in match.groupdict().items() if k != "host"}
    return PlaybookResult(proc.returncode, proc.stdout, recap)
