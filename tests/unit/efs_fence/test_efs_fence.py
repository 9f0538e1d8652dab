"""Self-fencing of the EFS single writer (roles/efs_mount/files/efs_fence.py).

The stalled mount is a FIFO without a reader: opening it for writing blocks, as a write to a hard NFS mount whose
server is unreachable does. It proves that the watchdog's own process never blocks on the file system and stops
the unit within the stall timeout, and that release gives up instead of hanging. It cannot prove what only a real
NFS client and EFS show: that fsync blocks when the server is cut off, that SIGKILL reaches a process sleeping on
the hard mount, and when EFS expires the lease and hands the lock to another client (EFS_NFS_LEASE_SECONDS).
"""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "roles" / "efs_mount" / "files" / "efs_fence.py"
spec = importlib.util.spec_from_file_location("efs_fence", SCRIPT)
fence = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fence)


@pytest.fixture(autouse=True)
def sigterm_restored():
    """fence() ignores SIGTERM for good, as the watchdog must; run in this pytest worker it would leave SIGTERM
    ignored for every process the worker starts later (a stand-in Jenkins then survives its fixture's terminate)."""
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)
    assert signal.getsignal(signal.SIGTERM) == previous


@pytest.fixture
def systemctl(tmp_path, monkeypatch):
    """A systemctl on PATH that records its arguments (one call per line) instead of acting."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "systemctl.calls"
    bin_dir.mkdir()
    (bin_dir / "systemctl").write_text('#!/bin/sh\necho "$*" >> {0}\n'.format(calls))
    (bin_dir / "systemctl").chmod(0o755)
    monkeypatch.setenv("PATH", "{0}{1}{2}".format(bin_dir, os.pathsep, os.environ["PATH"]))
    return lambda: calls.read_text().splitlines() if calls.exists() else []


@pytest.fixture
def stalled(tmp_path):
    path = tmp_path / "stalled"
    os.mkfifo(path)
    return path


def record(path):
    return json.loads(Path(path).read_text())


def test_the_lease_constant_bounds_the_watchdog():
    assert fence.INTERVAL_SECONDS + fence.STALL_TIMEOUT_SECONDS < fence.EFS_NFS_LEASE_SECONDS
    with pytest.raises(ValueError, match="must stay under the NFS lease"):
        fence.heartbeat("/nonexistent", "jenkins.service", "i-1", interval=60, timeout=30, beats=1)


def test_heartbeat_beats_and_leaves_the_unit_alone(tmp_path, systemctl):
    path = tmp_path / ".jenkins-ha.heartbeat"
    assert fence.heartbeat(str(path), "jenkins.service", "i-1", interval=0.05, timeout=5, beats=3) == 0
    assert record(path)["beat"] == 3 and record(path)["state"] == "running" and record(path)["owner"] == "i-1"
    assert systemctl() == []


def test_a_stalled_beat_stops_then_kills_the_unit_within_the_timeout(stalled, systemctl):
    started = time.monotonic()
    assert (
        fence.heartbeat(str(stalled), "jenkins.service", "i-1", interval=0.05, timeout=1, beats=5) == fence.EXIT_FENCED
    )
    assert time.monotonic() - started < 3
    # A stop job first, so Restart= does not bring Jenkins back, then SIGKILL without TimeoutStopSec's wait.
    assert systemctl() == ["stop --no-block jenkins.service", "kill --signal=SIGKILL jenkins.service"]


def test_the_command_line_watchdog_fences_on_a_stalled_mount(stalled, systemctl, tmp_path):
    # As systemd does through BindsTo=, the stop job of the unit sends SIGTERM to the watchdog at once: the SIGKILL
    # of the unit must still follow.
    fake = tmp_path / "bin" / "systemctl"
    fake.write_text(fake.read_text() + 'case "$1" in stop) kill -TERM "$PPID" ;; esac\n')
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "heartbeat",
            "--file",
            str(stalled),
            "--unit",
            "jenkins.service",
            "--owner",
            "i-1",
            "--interval",
            "0.1",
            "--stall-timeout",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        env=os.environ.copy(),
    )
    assert proc.returncode == fence.EXIT_FENCED, proc.stdout + proc.stderr
    assert "heartbeat stalled; stopping jenkins.service" in proc.stdout
    assert systemctl() == ["stop --no-block jenkins.service", "kill --signal=SIGKILL jenkins.service"]


def test_the_command_line_refuses_a_cadence_over_the_lease(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "heartbeat",
            "--file",
            str(tmp_path / "h"),
            "--unit",
            "j.service",
            "--interval",
            "45",
            "--stall-timeout",
            "45",
        ],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert proc.returncode == 2 and "must stay under the NFS lease (90 s)" in proc.stdout


def test_release_marks_a_clean_stop_and_gives_up_on_a_stalled_mount(tmp_path, stalled):
    path = tmp_path / ".jenkins-ha.heartbeat"
    fence.write_record(str(path), fence.beat_record("i-1", 7))
    assert fence.release(str(path), "i-1", timeout=5) == 0
    assert record(path)["state"] == "released"
    started = time.monotonic()
    assert fence.release(str(stalled), "i-1", timeout=1) == 1
    assert time.monotonic() - started < 3


def test_release_leaves_another_holders_heartbeat(tmp_path):
    path = tmp_path / ".jenkins-ha.heartbeat"
    fence.write_record(str(path), fence.beat_record("i-2", 3))
    assert fence.release(str(path), "i-1", timeout=5) == 0
    assert record(path)["owner"] == "i-2" and record(path)["state"] == "running"


def quiet(*_args, **_kwargs):
    return None


@pytest.mark.parametrize(
    "previous",
    [
        pytest.param(None, id="first-start"),
        pytest.param({"owner": "i-2", "state": "released", "beat": 0}, id="clean-release"),
        pytest.param({"owner": "i-1", "state": "running", "beat": 9}, id="own-earlier-run"),
    ],
)
def test_the_newcomer_goes_at_once(tmp_path, previous):
    path = tmp_path / ".jenkins-ha.heartbeat"
    if previous:
        fence.write_record(str(path), previous)
    started = time.monotonic()
    assert fence.wait(str(path), "i-1", lease=30, log=quiet) == 0
    assert time.monotonic() - started < 1


def test_the_newcomer_does_not_wait_for_a_beat_older_than_the_lease(tmp_path):
    path = tmp_path / ".jenkins-ha.heartbeat"
    fence.write_record(str(path), fence.beat_record("i-2", 4))
    old = time.time() - 31
    os.utime(path, (old, old))
    started = time.monotonic()
    assert fence.wait(str(path), "i-1", lease=30, log=quiet) == 0
    assert time.monotonic() - started < 1


def test_the_newcomer_waits_out_the_lease_after_an_unclean_stop(tmp_path):
    path = tmp_path / ".jenkins-ha.heartbeat"
    fence.write_record(str(path), fence.beat_record("i-2", 4))
    messages = []
    started = time.monotonic()
    assert fence.wait(str(path), "i-1", lease=1.5, poll=0.1, log=lambda m, **_: messages.append(m)) == 0
    assert 1.0 <= time.monotonic() - started < 3
    assert "did not release" in messages[0] and "the NFS lease (1.5 s)" in messages[0]


def test_the_newcomer_refuses_while_the_holder_still_beats(tmp_path):
    path = tmp_path / ".jenkins-ha.heartbeat"
    fence.write_record(str(path), fence.beat_record("i-2", 4))
    beater = threading.Timer(0.3, fence.write_record, (str(path), fence.beat_record("i-2", 5)))
    beater.start()
    try:
        assert fence.wait(str(path), "i-1", lease=5, poll=0.1, log=quiet) == fence.EXIT_HELD
    finally:
        beater.cancel()
