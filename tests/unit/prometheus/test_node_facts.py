"""Jenkins HA facts for node exporter's textfile collector (roles/node_exporter/files/jenkins_ha_node_facts.py).

The output is checked with the real tools: promtool's exposition-format lint and Debian's node exporter reading it
through its textfile collector (node_textfile_scrape_error must be 0 and every sample must come out)."""

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "roles" / "node_exporter" / "files" / "jenkins_ha_node_facts.py"
LOCK_SCRIPT = ROOT / "roles" / "jenkins_controller" / "files" / "jenkins_ha_lock.py"
spec = importlib.util.spec_from_file_location("jenkins_ha_node_facts", SCRIPT)
facts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(facts)


def systemctl(stdout, returncode=0):
    """A stand-in for subprocess.run answering `systemctl show` the way systemd 252 prints it."""

    def run(argv, **kwargs):
        assert argv[:3] == ["systemctl", "show", "--timestamp=unix"]
        assert kwargs["check"] is False and kwargs["timeout"]
        return SimpleNamespace(returncode=returncode, stdout=stdout, stderr="")

    return run


def samples(text):
    """{'name{labels}': value} of every sample line."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = value
    return out


BOOT_CASES = [
    (
        "succeeded",
        "LoadState=loaded\nActiveState=active\nResult=success\nExecMainExitTimestamp=@1765000000\n",
        {"success": "1", "failed": "0", "finished": "1765000000"},
    ),
    (
        "failed",
        "LoadState=loaded\nActiveState=failed\nResult=exit-code\nExecMainExitTimestamp=@1765000100\n",
        {"success": "0", "failed": "1", "finished": "1765000100"},
    ),
    (
        "still running",
        "LoadState=loaded\nActiveState=activating\nResult=success\nExecMainExitTimestamp=\n",
        {"success": "0", "failed": "0", "finished": None},
    ),
    ("unit not installed", "LoadState=not-found\nActiveState=inactive\nResult=success\n", None),
]


@pytest.mark.parametrize("name,stdout,expected", BOOT_CASES, ids=[c[0] for c in BOOT_CASES])
def test_boot_result(name, stdout, expected):
    metrics = facts.Metrics()
    facts.boot_facts(metrics, "jenkins-ha-boot.service", run=systemctl(stdout))
    got = samples(metrics.render())
    if expected is None:
        assert not got, name
        return
    label = '{unit="jenkins-ha-boot.service"}'
    assert got["jenkins_ha_boot_success" + label] == expected["success"]
    assert got["jenkins_ha_boot_failed" + label] == expected["failed"]
    assert got.get("jenkins_ha_boot_finished_timestamp_seconds" + label) == expected["finished"]


def test_systemctl_failure_reports_nothing():
    metrics = facts.Metrics()
    facts.boot_facts(metrics, "jenkins-ha-boot.service", run=systemctl("", returncode=1))
    assert metrics.render() == "\n"


@pytest.mark.parametrize(
    "value,expected",
    [("i-0abc", "i-0abc"), ('a"b', 'a\\"b'), ("a\\b", "a\\\\b"), ("a\nb", "a\\nb")],
)
def test_label_values_escaped(value, expected):
    assert facts.escape_label(value) == expected


def test_home_missing(tmp_path):
    args = SimpleNamespace(home=str(tmp_path / "absent"), boot_unit="")
    got = samples(facts.collect(args, now=lambda: 1765000000))
    assert got == {
        'jenkins_ha_home_present{path="%s"}' % (tmp_path / "absent"): "0",
        "jenkins_ha_facts_timestamp_seconds": "1765000000",
    }


def test_home_usage_from_statvfs(tmp_path):
    st = SimpleNamespace(f_blocks=1000, f_bfree=250, f_bavail=200, f_frsize=4096)
    metrics = facts.Metrics()
    facts.home_facts(metrics, str(tmp_path), statvfs=lambda path: st, ismount=lambda path: True)
    label = '{path="%s"}' % tmp_path
    got = samples(metrics.render())
    assert got["jenkins_ha_home_mounted" + label] == "1"
    assert got["jenkins_ha_home_size_bytes" + label] == str(1000 * 4096)
    assert got["jenkins_ha_home_used_bytes" + label] == str(750 * 4096)
    assert got["jenkins_ha_home_avail_bytes" + label] == str(200 * 4096)


@pytest.fixture
def holder(tmp_path):
    """A 'controller' on this host: the real lock script takes the lock and execs a sleep that keeps it."""
    proc = subprocess.Popen(
        [sys.executable, str(LOCK_SCRIPT), "exec", "--home", str(tmp_path), "--owner", "i-0aaa", "--", "sleep", "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert "took" in proc.stdout.readline()
    yield proc
    proc.kill()
    proc.wait()


def test_lock_held_here_and_holder(tmp_path, holder):
    args = SimpleNamespace(home=str(tmp_path), boot_unit="")
    got = samples(facts.collect(args))
    assert got["jenkins_ha_lock_held_here"] == "1"
    assert got['jenkins_ha_lock_holder_info{hostname="%s",owner="i-0aaa"}' % socket.gethostname()] == "1"
    # The probe never takes the lock: the holder still has it, and a second probe sees the same.
    assert holder.poll() is None
    assert samples(facts.collect(args))["jenkins_ha_lock_held_here"] == "1"


def test_lock_released_when_holder_dies(tmp_path, holder):
    holder.kill()
    holder.wait()
    got = samples(facts.collect(SimpleNamespace(home=str(tmp_path), boot_unit="")))
    assert got["jenkins_ha_lock_held_here"] == "0"


def test_lock_line_of_another_inode_is_not_ours(tmp_path):
    (tmp_path / facts.LOCK_NAME).write_text("{}")
    st = os.stat(tmp_path / facts.LOCK_NAME)
    locks = tmp_path / "locks"
    dev = "{0:02x}:{1:02x}".format(os.major(st.st_dev), os.minor(st.st_dev))
    locks.write_text(
        "1: POSIX  ADVISORY  WRITE 5423 {0}:{1} 0 EOF\n"
        "2: POSIX  ADVISORY  WRITE 5424 {0}:{2} 0 EOF\n"
        "2: -> POSIX  ADVISORY  WRITE 5425 {0}:{2} 0 EOF\n".format(dev, st.st_ino + 1, st.st_ino + 2)
    )
    assert facts.locks_on(st.st_dev, st.st_ino, str(locks)) is False
    locks.write_text("1: POSIX  ADVISORY  WRITE 5423 {0}:{1} 0 EOF\n".format(dev, st.st_ino))
    assert facts.locks_on(st.st_dev, st.st_ino, str(locks)) is True


def full_output(tmp_path, holder_dir):
    args = SimpleNamespace(home=str(holder_dir), boot_unit="jenkins-ha-boot.service")
    run = systemctl("LoadState=loaded\nActiveState=active\nResult=success\nExecMainExitTimestamp=@1765000000\n")
    return facts.collect(args, run=run)


def test_main_writes_atomically(tmp_path):
    out = tmp_path / "jenkins_ha.prom"
    assert facts.main(["--output", str(out), "--home", str(tmp_path)]) == 0
    assert oct(out.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert "jenkins_ha_home_present" in out.read_text()


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool (Debian's prometheus) is not installed")
def test_promtool_accepts_the_output(tmp_path, holder):
    text = full_output(tmp_path, tmp_path)
    result = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(
    not shutil.which("prometheus-node-exporter"), reason="prometheus-node-exporter (Debian) is not installed"
)
def test_node_exporter_reads_the_textfile(tmp_path, holder):
    textfiles = tmp_path / "textfile"
    textfiles.mkdir()
    text = full_output(tmp_path, tmp_path)
    (textfiles / "jenkins_ha.prom").write_text(text)
    port = free_port()
    proc = subprocess.Popen(
        [
            "prometheus-node-exporter",
            "--collector.disable-defaults",
            "--collector.textfile",
            "--collector.textfile.directory=%s" % textfiles,
            "--web.listen-address=127.0.0.1:%d" % port,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = None
        deadline = time.monotonic() + 15
        while body is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as response:
                    body = response.read().decode()
            except OSError:
                time.sleep(0.2)
        assert body is not None, "node exporter did not answer"
    finally:
        proc.kill()
        proc.wait()
    exported = samples(body)
    assert exported["node_textfile_scrape_error"] == "0"
    for key, value in samples(text).items():
        assert float(exported[key]) == float(value), key
