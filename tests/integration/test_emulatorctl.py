"""`make emulator` / `make emulator-stop` semantics: start and stop are both safe to call twice."""

import subprocess
import sys

from tests.integration.harness import ROOT, free_port

CTL = [sys.executable, str(ROOT / "tests" / "emulator" / "emulatorctl.py")]


def ctl(action, port):
    return subprocess.run(CTL + [action, "--port", str(port)], capture_output=True, text=True, check=False)


def test_start_twice_reuses_and_stop_twice_is_harmless():
    port = free_port()
    try:
        first = ctl("start", port)
        assert first.returncode == 0, first.stderr
        assert "emulator running at http://127.0.0.1:{0}".format(port) in first.stdout

        second = ctl("start", port)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout

        assert ctl("status", port).returncode == 0
    finally:
        stopped = ctl("stop", port)
    assert stopped.returncode == 0
    assert "stopped" in stopped.stdout
    again = ctl("stop", port)
    assert again.returncode == 0
    assert "not running" in again.stdout
    assert ctl("status", port).returncode == 3


def test_launcher_reports_the_compatibility_layer():
    port = free_port()
    try:
        assert ctl("start", port).returncode == 0
        log = (ROOT / ".emulator" / "emulator-{0}.log".format(port)).read_text()
        assert "compatibility patch(es)" in log
    finally:
        ctl("stop", port)
