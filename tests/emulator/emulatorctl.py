#!/usr/bin/env python
"""Start, stop or query the background emulator (moto server + compatibility layer).

    python tests/emulator/emulatorctl.py start [--port 4566]   # idempotent: reuses a running emulator
    python tests/emulator/emulatorctl.py stop  [--port 4566]   # idempotent: fine when none runs
    python tests/emulator/emulatorctl.py status [--port 4566]

State (pid file, log) lives in .emulator/ at the repository root.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".emulator"
LAUNCHER = Path(__file__).resolve().parent / "launcher.py"


def url(host, port):
    return "http://{0}:{1}".format(host, port)


def answers(host, port, timeout=1.0):
    """True when a moto server answers on host:port.

    Asks for moto's dashboard page (/moto-api/, a few KB): /moto-api/data.json serialises every resource of every
    backend, megabytes and seconds once a stack and its images exist, and a status check then timed out.
    """
    try:
        with urllib.request.urlopen(url(host, port) + "/moto-api/", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def pid_file(port):
    return STATE / "emulator-{0}.pid".format(port)


def log_file(port):
    return STATE / "emulator-{0}.log".format(port)


def read_pid(port):
    try:
        pid = int(pid_file(port).read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def start(host, port, timeout):
    if answers(host, port):
        print("emulator already running at {0}".format(url(host, port)))
        return 0
    STATE.mkdir(exist_ok=True)
    log = open(log_file(port), "ab")
    proc = subprocess.Popen(
        [sys.executable, str(LAUNCHER), "--host", host, "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        cwd=str(ROOT),
    )
    pid_file(port).write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.stderr.write("emulator exited early (rc {0}); see {1}\n".format(proc.returncode, log_file(port)))
            sys.stderr.write(log_file(port).read_text()[-3000:])
            return 1
        if answers(host, port):
            print("emulator running at {0} (pid {1}, log {2})".format(url(host, port), proc.pid, log_file(port)))
            return 0
        time.sleep(0.2)
    sys.stderr.write("emulator did not answer within {0}s; see {1}\n".format(timeout, log_file(port)))
    return 1


def stop(host, port, timeout):
    pid = read_pid(port)
    if pid is None:
        print("emulator not running on port {0}".format(port))
        pid_file(port).unlink(missing_ok=True)
        return 0
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and read_pid(port) is not None:
        time.sleep(0.1)
    if read_pid(port) is not None:
        os.killpg(pid, signal.SIGKILL)
    pid_file(port).unlink(missing_ok=True)
    print("emulator on port {0} stopped".format(port))
    return 0


def status(host, port, timeout):
    if answers(host, port):
        print("running at {0}".format(url(host, port)))
        return 0
    print("not running on port {0}".format(port))
    return 3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("EMULATOR_PORT", "4566")))
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    return {"start": start, "stop": stop, "status": status}[args.action](args.host, args.port, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
