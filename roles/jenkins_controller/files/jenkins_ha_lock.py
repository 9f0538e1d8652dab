# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Single-writer guard for a JENKINS_HOME shared over NFS (EFS): at most one controller runs on it.

The lock is a POSIX record lock (fcntl) on $JENKINS_HOME/.jenkins-ha.lock. NFSv4.1 (EFS) implements these
locks on the server: they are released when the holding process exits, and when the holding *client* dies or
loses the network, once its NFS lease expires. So a lock is never left behind by a dead controller; it can only be
held by a controller whose NFS client is still alive.

    check  --home H                 refuse early (ExecStartPre) when another process holds the lock
    exec   --home H -- CMD ARGS...  take the lock and exec CMD (Jenkins) with the locked descriptor inherited:
                                    record locks survive exec, so Jenkins itself holds the lock for its lifetime
    status --home H                 print the holder record; exit 0 when held, 3 when free
    fence  --home H --unit U|--pid P  exit 4 when the service's main process no longer holds the current lock file
                                    (an operator broke it for another controller); --stop then stops the unit
    break  --home H --force         move a lock file aside so a new controller can start (operator runbook)

The lock file also carries a JSON record (owner, hostname, pid, time) for humans; the kernel/NFS lock, not the
record, decides who holds it. The script needs nothing but the Python 3 standard library.
"""

import argparse
import datetime
import errno
import fcntl
import json
import os
import socket
import subprocess
import sys

LOCK_NAME = ".jenkins-ha.lock"
EXIT_HELD = 75  # EX_TEMPFAIL: another controller holds the home; systemd may retry later
EXIT_FREE = 3
EXIT_FENCED = 4
INSTANCE_ID_FILES = ("/var/lib/cloud/data/instance-id",)


class LockHeld(Exception):
    """Another process (on this host or another NFS client) holds the lock."""

    def __init__(self, path, record):
        self.path = path
        self.record = record
        super().__init__(describe_holder(path, record))


def lock_path(home, lock_file=None):
    return lock_file or os.path.join(home, LOCK_NAME)


def default_owner():
    """The EC2 instance id when cloud-init recorded one, else the host name."""
    for path in INSTANCE_ID_FILES:
        try:
            with open(path, encoding="utf-8") as handle:
                value = handle.read().strip()
            if value:
                return value
        except OSError:
            pass
    return socket.gethostname()


def read_record(path):
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read().strip()
    except OSError:
        return None
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"unparsable": text[:200]}


def describe_holder(path, record):
    if not record:
        return "{0} is locked by another process (no holder record written yet)".format(path)
    return "{0} is locked by {1} (host {2}, pid {3}, since {4})".format(
        path,
        record.get("owner", "?"),
        record.get("hostname", "?"),
        record.get("pid", "?"),
        record.get("acquired_at", "?"),
    )


def try_lock(path):
    """Open (create) the lock file and take the lock without waiting; returns the descriptor."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        os.close(fd)
        if e.errno in (errno.EACCES, errno.EAGAIN):
            raise LockHeld(path, read_record(path))
        raise
    return fd


def write_record(fd, owner, pid):
    record = {
        "owner": owner,
        "hostname": socket.gethostname(),
        "pid": pid,
        "acquired_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    data = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    os.fsync(fd)
    return record


def check(path):
    """Probe: take and release the lock. Raises LockHeld when someone holds it."""
    fd = try_lock(path)
    os.close(fd)


def acquire(path, owner):
    """Take the lock for this process (which is about to exec Jenkins) and write the holder record."""
    fd = try_lock(path)
    write_record(fd, owner, os.getpid())
    return fd


def is_held(path):
    if not os.path.exists(path):
        return False
    try:
        check(path)
    except LockHeld:
        return True
    return False


def _locks_held_by(pid, proc_locks="/proc/locks"):
    """(major, minor, inode) of every POSIX lock `pid` holds, from /proc/locks (readable without ptrace rights)."""
    held = set()
    with open(proc_locks, encoding="ascii") as handle:
        for line in handle:
            fields = line.split()
            # "1: POSIX  ADVISORY  WRITE 5423 00:58:1689577 0 EOF"; blocked waiters carry a "->" marker.
            if len(fields) < 6 or fields[1] != "POSIX" or "->" in fields:
                continue
            if fields[4] != str(pid):
                continue
            major, minor, inode = fields[5].split(":")
            held.add((int(major, 16), int(minor, 16), int(inode)))
    return held


def pid_holds(path, pid, proc_locks="/proc/locks"):
    """Whether process `pid` holds a lock on the current lock file (same inode): True, False, or None (unknown).

    Used to detect that an operator broke the lock for another controller. /proc/locks answers without ptrace
    rights (containers, hardened hosts); the process' open descriptors are the fallback.
    """
    try:
        current = os.stat(path)
    except OSError:
        return False
    if not os.path.exists("/proc/{0}".format(pid)):
        return False
    try:
        held = _locks_held_by(pid, proc_locks)
        return (os.major(current.st_dev), os.minor(current.st_dev), current.st_ino) in held
    except (OSError, ValueError):
        pass
    fd_dir = "/proc/{0}/fd".format(pid)
    try:
        entries = os.listdir(fd_dir)
    except OSError:
        return None
    for entry in entries:
        try:
            st = os.stat(os.path.join(fd_dir, entry))
        except OSError:
            return None
        if (st.st_dev, st.st_ino) == (current.st_dev, current.st_ino):
            return True
    return False


def unit_main_pid(unit):
    """MainPID of a systemd unit, 0 when it is not running."""
    out = subprocess.run(
        ["systemctl", "show", "--property=MainPID", "--value", unit], capture_output=True, text=True, check=False
    )
    try:
        return int(out.stdout.strip() or 0)
    except ValueError:
        return 0


def process_age(pid, proc="/proc"):
    """Seconds since process `pid` started, from its start time in /proc/<pid>/stat (clock ticks after boot) and
    /proc/uptime; 0.0 when unknown (the caller then treats the process as still starting). Not the ctime of
    /proc/<pid>: that is when the kernel first instantiated the directory's inode, i.e. when somebody first looked."""
    try:
        with open("{0}/{1}/stat".format(proc, pid), encoding="ascii", errors="replace") as handle:
            stat = handle.read()
        with open("{0}/uptime".format(proc), encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        # proc(5): field 22 is starttime; the command name (field 2) may hold spaces and parentheses, so count the
        # fields after its closing parenthesis (field 3 is the first of them).
        started = int(stat[stat.rindex(")") + 1 :].split()[22 - 3]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - started)


def break_lock(path, now=None):
    """Move the lock file aside; returns the new name. The old holder keeps a lock on the moved file only."""
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    target = "{0}.broken-{1}".format(path, stamp)
    os.rename(path, target)
    return target


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="jenkins-ha-lock", description=__doc__.split("\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "exec", "status", "fence", "break"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--home", required=True, help="JENKINS_HOME (the shared file system)")
        cmd.add_argument("--lock-file", help="default: <home>/" + LOCK_NAME)
        if name == "exec":
            cmd.add_argument("--owner", default=None, help="holder id (default: EC2 instance id or host name)")
            cmd.add_argument("argv", nargs=argparse.REMAINDER, help="-- command to exec while holding the lock")
        if name == "fence":
            target = cmd.add_mutually_exclusive_group(required=True)
            target.add_argument("--pid", type=int, help="the process that should hold the lock")
            target.add_argument("--unit", help="the systemd unit whose main process should hold the lock")
            cmd.add_argument("--stop", action="store_true", help="stop --unit when it no longer holds the lock")
            cmd.add_argument(
                "--min-age", type=float, default=0, help="ignore a process younger than this (still starting)"
            )
        if name == "break":
            cmd.add_argument("--force", action="store_true", help="required: you fenced the old holder")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    path = lock_path(args.home, args.lock_file)
    if not os.path.isdir(args.home):
        print("jenkins-ha-lock: JENKINS_HOME {0} does not exist (is the file system mounted?)".format(args.home))
        return 1
    try:
        if args.command == "check":
            check(path)
            print("jenkins-ha-lock: {0} is free".format(path))
            return 0
        if args.command == "exec":
            command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
            if not command:
                print("jenkins-ha-lock: exec needs a command after --")
                return 2
            fd = acquire(path, args.owner or default_owner())
            os.set_inheritable(fd, True)
            print("jenkins-ha-lock: took {0}; starting {1}".format(path, os.path.basename(command[0])), flush=True)
            os.execvp(command[0], command)
        if args.command == "status":
            held = is_held(path)
            record = read_record(path)
            print(json.dumps({"lock_file": path, "held": held, "holder": record}, sort_keys=True))
            return 0 if held else EXIT_FREE
        if args.command == "fence":
            pid = args.pid if args.pid is not None else unit_main_pid(args.unit)
            if pid <= 0 or process_age(pid) < args.min_age:
                return 0
            holds = pid_holds(path, pid)
            if holds is None:
                # Never stop a controller on a guess.
                print("jenkins-ha-lock: cannot tell whether pid {0} holds {1}; leaving it running".format(pid, path))
                return 0
            if holds:
                return 0
            print("jenkins-ha-lock: pid {0} no longer holds {1}: the lock was broken or moved".format(pid, path))
            if args.unit and args.stop:
                print(
                    "jenkins-ha-lock: stopping {0} so that two controllers never write the same home".format(args.unit)
                )
                subprocess.run(["systemctl", "stop", "--no-block", args.unit], check=False)
            return EXIT_FENCED
        if args.command == "break":
            if not args.force:
                print("jenkins-ha-lock: refusing without --force; stop or terminate the old holder first")
                return 2
            if not os.path.exists(path):
                print("jenkins-ha-lock: {0} does not exist, nothing to break".format(path))
                return 0
            record = read_record(path)
            target = break_lock(path)
            print("jenkins-ha-lock: moved {0} ({1}) to {2}".format(path, describe_holder(path, record), target))
            return 0
    except LockHeld as e:
        print("jenkins-ha-lock: refusing to start a second controller: {0}".format(e))
        return EXIT_HELD
    return 2


if __name__ == "__main__":
    sys.exit(main())
