"""The single-writer lock on JENKINS_HOME (roles/jenkins_controller/files/jenkins_ha_lock.py)."""

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "roles" / "jenkins_controller" / "files" / "jenkins_ha_lock.py"
spec = importlib.util.spec_from_file_location("jenkins_ha_lock", SCRIPT)
lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock)


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture
def home(tmp_path):
    return tmp_path


def start_holder(home, owner="i-0aaa"):
    """A 'controller': the script takes the lock and execs a long sleep that inherits it."""
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "exec", "--home", str(home), "--owner", owner, "--", "sleep", "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert "took" in proc.stdout.readline()
    return proc


def wait_free(path, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not lock.is_held(path):
            return True
        time.sleep(0.1)
    return False


def test_free_home_can_be_checked_and_taken(home):
    result = run("check", "--home", str(home))
    assert result.returncode == 0, result.stdout
    assert run("status", "--home", str(home)).returncode == lock.EXIT_FREE


def test_second_controller_is_refused_while_the_first_runs(home):
    holder = start_holder(home)
    try:
        path = lock.lock_path(str(home))
        record = lock.read_record(path)
        # exec keeps the pid: the holder record names the process that runs Jenkins.
        assert record["pid"] == holder.pid and record["owner"] == "i-0aaa"
        for args in (("check",), ("exec", "--owner", "i-0bbb", "--", "true")):
            result = run(*args[:1], "--home", str(home), *args[1:])
            assert result.returncode == lock.EXIT_HELD
            assert "refusing to start a second controller" in result.stdout
            assert "i-0aaa" in result.stdout
        status = run("status", "--home", str(home))
        assert status.returncode == 0
        assert json.loads(status.stdout)["holder"]["owner"] == "i-0aaa"
        # The refused attempt did not overwrite the holder record.
        assert lock.read_record(path)["owner"] == "i-0aaa"
        assert lock.pid_holds(path, holder.pid)
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_released_when_the_holder_dies(home):
    holder = start_holder(home)
    holder.kill()
    holder.wait()
    assert wait_free(lock.lock_path(str(home)))
    second = start_holder(home, owner="i-0bbb")
    try:
        assert lock.read_record(lock.lock_path(str(home)))["owner"] == "i-0bbb"
    finally:
        second.kill()
        second.wait()


def test_break_needs_force_and_fences_the_old_holder(home):
    holder = start_holder(home)
    path = lock.lock_path(str(home))
    try:
        assert run("break", "--home", str(home)).returncode == 2
        assert lock.is_held(path)
        result = run("break", "--home", str(home), "--force")
        assert result.returncode == 0 and "i-0aaa" in result.stdout
        moved = list(home.glob(".jenkins-ha.lock.broken-*"))
        assert len(moved) == 1
        # A new controller can start now; the old one is detected as fenced off by its watchdog.
        new = start_holder(home, owner="i-0ccc")
        try:
            assert run("fence", "--home", str(home), "--pid", str(holder.pid)).returncode == lock.EXIT_FENCED
            assert run("fence", "--home", str(home), "--pid", str(new.pid)).returncode == 0
        finally:
            new.kill()
            new.wait()
    finally:
        holder.kill()
        holder.wait()


def test_fence_fails_for_a_dead_pid_or_missing_lock(home):
    assert lock.pid_holds(str(home / "missing"), 1) is False
    (home / ".jenkins-ha.lock").write_text("")
    assert run("fence", "--home", str(home), "--pid", "999999999").returncode == lock.EXIT_FENCED


def test_missing_home_and_missing_command(home):
    assert run("check", "--home", str(home / "not-mounted")).returncode == 1
    assert run("exec", "--home", str(home), "--").returncode == 2
    assert run("break", "--home", str(home), "--force").returncode == 0


@pytest.mark.parametrize(
    "record, expected",
    [
        (None, "no holder record"),
        ({"owner": "i-1", "hostname": "h", "pid": 7, "acquired_at": "t"}, "locked by i-1 (host h, pid 7, since t)"),
    ],
)
def test_describe_holder(record, expected):
    assert expected in lock.describe_holder("/x/.jenkins-ha.lock", record)


def test_unparsable_record_is_reported_not_fatal(home):
    path = home / ".jenkins-ha.lock"
    path.write_text("garbage")
    assert lock.read_record(str(path)) == {"unparsable": "garbage"}


def test_fence_ignores_a_process_that_is_still_starting(home):
    holder = start_holder(home)
    try:
        lock.break_lock(lock.lock_path(str(home)))
        args = ("fence", "--home", str(home), "--pid", str(holder.pid))
        assert run(*args, "--min-age", "3600").returncode == 0
        assert run(*args).returncode == lock.EXIT_FENCED
    finally:
        holder.kill()
        holder.wait()


def test_pid_holds_reads_proc_locks(home, tmp_path):
    path = home / ".jenkins-ha.lock"
    path.write_text("")
    st = path.stat()
    dev = "{0:02x}:{1:02x}:{2}".format(os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    table = tmp_path / "locks"
    table.write_text(
        "1: POSIX  ADVISORY  WRITE 4242 {0} 0 EOF\n"
        "1: -> POSIX  ADVISORY  WRITE 4343 {0} 0 EOF\n"
        "2: FLOCK  ADVISORY  WRITE 4444 {0} 0 EOF\n".format(dev)
    )
    own = os.getpid()
    assert lock.pid_holds(str(path), own, proc_locks=str(table)) is False
    table.write_text(table.read_text().replace("4242", str(own)))
    assert lock.pid_holds(str(path), own, proc_locks=str(table)) is True
    # Unreadable /proc/locks: fall back to the descriptors of the process.
    with open(path) as handle:
        assert handle and lock.pid_holds(str(path), own, proc_locks=str(tmp_path / "missing")) is True


def fake_proc(tmp_path, pid, stat_line, uptime):
    (tmp_path / str(pid)).mkdir(parents=True, exist_ok=True)
    (tmp_path / str(pid) / "stat").write_text(stat_line)
    (tmp_path / "uptime").write_text("{0} 12345.67\n".format(uptime))
    return str(tmp_path)


TICKS = os.sysconf("SC_CLK_TCK")
# proc(5) stat lines: pid (comm) state ppid ... with starttime as field 22.
STAT_TAIL = " S 1 1 1 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 30 0 {start} 1000 50 18446744073709551615"


@pytest.mark.parametrize(
    "comm, start_ticks, uptime, age",
    [
        ("java", 100 * TICKS, 1000.0, 900.0),
        # A command name with spaces and parentheses: fields are counted after the last ')'.
        ("java (x) y", 10 * TICKS, 70.5, 60.5),
        ("sleep", 500 * TICKS, 500.0, 0.0),
    ],
)
def test_process_age_is_the_time_since_the_process_started(tmp_path, comm, start_ticks, uptime, age):
    """The age comes from the start time in /proc/<pid>/stat (the directory's ctime is when it was first looked at,
    which made a controller running for hours look as young as the first fence run)."""
    proc = fake_proc(tmp_path, 4242, "4242 ({0})".format(comm) + STAT_TAIL.format(start=start_ticks), uptime)
    assert lock.process_age(4242, proc=proc) == pytest.approx(age, abs=0.01)


@pytest.mark.parametrize("stat_line", ["", "4242 (java", "4242 (java) S 1"])
def test_process_age_unknown_is_zero(tmp_path, stat_line):
    assert lock.process_age(4242, proc=fake_proc(tmp_path, 4242, stat_line, 100.0)) == 0.0
    assert lock.process_age(999999, proc=str(tmp_path)) == 0.0


def test_process_age_of_a_real_process():
    """This test's own process: started before the test, not older than the machine's uptime."""
    age = lock.process_age(os.getpid())
    with open("/proc/uptime", encoding="ascii") as handle:
        uptime = float(handle.read().split()[0])
    assert 0.0 < age <= uptime
