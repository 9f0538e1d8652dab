# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Jenkins HA facts for node exporter's textfile collector, written by a systemd timer.

    jenkins_ha_node_facts.py --output DIR/jenkins_ha.prom [--home /var/lib/jenkins] [--boot-unit U]

Writes, atomically (temporary file + rename, as the textfile collector requires):
  - JENKINS_HOME: present, mounted (a separate file system, i.e. EFS), size/used/available bytes (statvfs);
  - the single-writer lock (roles/jenkins_controller's jenkins_ha_lock.py): whether a process on THIS host holds
    it, read from /proc/locks without touching the lock (a probe that took the lock, even for a moment, could make
    a starting controller believe another one holds it), and the holder record the lock file carries;
  - the boot unit's result (systemctl show) and when it last finished.
Only the Python 3 standard library: it runs with the system python on the image.
"""

import argparse
import json
import os
import subprocess
import sys
import time

LOCK_NAME = ".jenkins-ha.lock"
SYSTEMCTL_TIMEOUT = 10


def escape_label(value):
    """A label value as the exposition format wants it: backslash, double quote and newline escaped."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def sample(name, value, labels=None):
    text = name
    if labels:
        text += "{" + ",".join('{0}="{1}"'.format(k, escape_label(v)) for k, v in sorted(labels.items())) + "}"
    if isinstance(value, bool):
        value = int(value)
    return "{0} {1}".format(text, value)


class Metrics:
    """Families in the order they were first declared, each with HELP/TYPE once (promtool check metrics)."""

    def __init__(self):
        self.families = {}

    def add(self, name, help_text, value, labels=None):
        family = self.families.setdefault(name, {"help": help_text, "samples": []})
        family["samples"].append(sample(name, value, labels))

    def render(self):
        lines = []
        for name, family in self.families.items():
            lines.append("# HELP {0} {1}".format(name, family["help"]))
            lines.append("# TYPE {0} gauge".format(name))
            lines.extend(family["samples"])
        return "\n".join(lines) + "\n"


def home_facts(metrics, home, statvfs=os.statvfs, ismount=os.path.ismount):
    present = os.path.isdir(home)
    labels = {"path": home}
    metrics.add("jenkins_ha_home_present", "1 when the JENKINS_HOME directory exists.", present, labels)
    if not present:
        return
    metrics.add(
        "jenkins_ha_home_mounted",
        "1 when JENKINS_HOME is a mount point of its own (the stack's EFS file system).",
        ismount(home),
        labels,
    )
    st = statvfs(home)
    size = st.f_blocks * st.f_frsize
    metrics.add("jenkins_ha_home_size_bytes", "Size of the file system holding JENKINS_HOME.", size, labels)
    metrics.add(
        "jenkins_ha_home_used_bytes",
        "Bytes used on the file system holding JENKINS_HOME.",
        (st.f_blocks - st.f_bfree) * st.f_frsize,
        labels,
    )
    metrics.add(
        "jenkins_ha_home_avail_bytes",
        "Bytes available to unprivileged users on the file system holding JENKINS_HOME.",
        st.f_bavail * st.f_frsize,
        labels,
    )


def locks_on(dev, ino, proc_locks):
    """Whether /proc/locks lists a granted POSIX lock on (dev, ino) (locks of this host's processes only)."""
    wanted = "{0:02x}:{1:02x}:{2}".format(os.major(dev), os.minor(dev), ino)
    with open(proc_locks, encoding="ascii") as handle:
        for line in handle:
            fields = line.split()
            # "1: POSIX  ADVISORY  WRITE 5423 00:58:1689577 0 EOF"; blocked waiters carry a "->" marker.
            if len(fields) < 6 or fields[1] != "POSIX" or "->" in fields:
                continue
            if fields[5] == wanted:
                return True
    return False


def read_record(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.loads(handle.read().strip() or "null")
    except (OSError, ValueError):
        return None


def lock_facts(metrics, home, proc_locks="/proc/locks"):
    path = os.path.join(home, LOCK_NAME)
    try:
        st = os.stat(path)
    except OSError:
        metrics.add("jenkins_ha_lock_held_here", "1 when a process on this host holds the JENKINS_HOME lock.", 0)
        return
    try:
        held = locks_on(st.st_dev, st.st_ino, proc_locks)
    except OSError:
        return
    metrics.add("jenkins_ha_lock_held_here", "1 when a process on this host holds the JENKINS_HOME lock.", held)
    record = read_record(path)
    if isinstance(record, dict) and record.get("owner"):
        metrics.add(
            "jenkins_ha_lock_holder_info",
            "The last holder record written into the JENKINS_HOME lock file (instance id, host name).",
            1,
            {"owner": record.get("owner", ""), "hostname": record.get("hostname", "")},
        )


def systemctl_show(unit, run=subprocess.run):
    """Properties of a unit, timestamps in seconds since the epoch (systemd 251+: --timestamp=unix)."""
    result = run(
        [
            "systemctl",
            "show",
            "--timestamp=unix",
            "--property=LoadState,ActiveState,Result,ExecMainExitTimestamp",
            unit,
        ],
        capture_output=True,
        text=True,
        timeout=SYSTEMCTL_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        return None
    props = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            props[key] = value
    return props


def boot_facts(metrics, unit, run=subprocess.run):
    props = systemctl_show(unit, run)
    if not props or props.get("LoadState") != "loaded":
        return
    labels = {"unit": unit}
    # A oneshot with RemainAfterExit: active + success once the boot play has configured the instance.
    ok = props.get("ActiveState") == "active" and props.get("Result") == "success"
    failed = props.get("ActiveState") == "failed" or props.get("Result") not in ("success", "")
    metrics.add("jenkins_ha_boot_success", "1 when the boot unit finished successfully.", ok, labels)
    metrics.add("jenkins_ha_boot_failed", "1 when the boot unit failed.", failed, labels)
    stamp = props.get("ExecMainExitTimestamp", "").lstrip("@")
    if stamp.isdigit():
        metrics.add(
            "jenkins_ha_boot_finished_timestamp_seconds",
            "When the boot unit's run last finished (seconds since the epoch).",
            int(stamp),
            labels,
        )


def collect(args, now=time.time, run=subprocess.run, proc_locks="/proc/locks"):
    metrics = Metrics()
    if args.home:
        home_facts(metrics, args.home)
        if os.path.isdir(args.home):
            lock_facts(metrics, args.home, proc_locks)
    if args.boot_unit:
        boot_facts(metrics, args.boot_unit, run)
    metrics.add("jenkins_ha_facts_timestamp_seconds", "When these facts were collected.", int(now()))
    return metrics.render()


def write_atomically(path, text):
    tmp = "{0}.{1}.tmp".format(path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Write Jenkins HA facts for node exporter's textfile collector")
    parser.add_argument("--output", required=True, help="the .prom file to write (in the textfile directory)")
    parser.add_argument("--home", default="", help="JENKINS_HOME (controllers); empty: no home or lock facts")
    parser.add_argument("--boot-unit", default="", help="the boot unit whose result to report; empty: none")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    write_atomically(args.output, collect(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
