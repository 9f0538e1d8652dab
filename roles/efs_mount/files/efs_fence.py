# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Self-fencing of the single writer of a shared EFS directory (JENKINS_HOME), beside its NFS lock.

An fcntl lock on NFSv4.1 lives under the client's lease: a controller cut off from EFS for longer than the lease
loses its lock on the server while its Jenkins keeps running, so a newcomer can take the lock. Two rules close that
window:

    heartbeat --file F --unit U   the holder's watchdog: every INTERVAL s write and fsync a beat to F in a child
                                  process; when a beat does not reach the server within STALL_TIMEOUT s (a hung
                                  hard mount), stop and SIGKILL U. INTERVAL + STALL_TIMEOUT < the lease, so the old
                                  holder is dead before its lease (and lock) can expire. The parent never touches
                                  the file system itself, so a hung mount cannot hang the watchdog.
    wait --file F                 the newcomer (ExecStartPre): when the last holder released cleanly, go at once;
                                  else wait until the last beat is EFS_NFS_LEASE_SECONDS old (server timestamps),
                                  refusing (exit 75) if a beat arrives meanwhile (the holder is alive).
    release --file F              ExecStopPost of U: mark the heartbeat released (a clean stop), in a child with a
                                  timeout; a stalled or dead holder never gets here, so its successor waits.

Only the Python 3 standard library. The watchdog and release touch F only in a child process with a timeout.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

# Lease of the NFSv4.1 state (opens, locks) EFS keeps for a client that stops renewing it. 90 s is the lease time
# NFSv4 servers conventionally grant (Linux nfsd's default; RFC 8881 leaves the figure to the server) and the figure
# this collection's failover model uses. The EFS user guide publishes no lease figure (searched: mount settings,
# NFSv4 support, troubleshooting), so treat it as an assumption to check on a real stack: the client reads the
# server's lease_time attribute (FATTR4_LEASE_TIME) when it mounts.
EFS_NFS_LEASE_SECONDS = 90
# The watchdog's cadence: a beat every INTERVAL s, declared stalled after STALL_TIMEOUT s; together well under the
# lease, so a partitioned holder has stopped Jenkins before the server can hand its lock to another instance.
INTERVAL_SECONDS = 10
STALL_TIMEOUT_SECONDS = 30
HEARTBEAT_NAME = ".jenkins-ha.heartbeat"
EXIT_HELD = 75  # EX_TEMPFAIL: the previous holder still beats; systemd retries the start later
EXIT_FENCED = 4
INSTANCE_ID_FILES = ("/var/lib/cloud/data/instance-id",)


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


def write_record(path, record):
    """Write the record and push it to the server (fsync): this is what blocks when the mount hangs."""
    data = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_state(path):
    """(record or None, server mtime of the file or None); close-to-open: open() revalidates the attributes."""
    try:
        with open(path, encoding="utf-8") as handle:
            mtime = os.fstat(handle.fileno()).st_mtime
            text = handle.read().strip()
    except FileNotFoundError:
        return None, None
    try:
        return json.loads(text), mtime
    except ValueError:
        return {"unparsable": text[:200]}, mtime


def server_now(directory):
    """The file server's clock, as the mtime of a probe file it just wrote (the heartbeat's mtime is server time)."""
    probe = os.path.join(directory, ".jenkins-ha.clock-{0}".format(os.getpid()))
    try:
        write_record(probe, {})
        return os.stat(probe).st_mtime
    finally:
        try:
            os.unlink(probe)
        except OSError:
            pass


def in_child(function, timeout, *args):
    """Run function(*args) in a child process; True when it returned within timeout, False when it failed or hung.

    A process blocked on a hard NFS mount sleeps uninterruptibly but killably (TASK_KILLABLE): the child is
    SIGKILLed and not waited for, so the caller never blocks on the file system.
    """
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            function(*args)
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return False


def beat_record(owner, beat, state="running"):
    return {"owner": owner, "hostname": socket.gethostname(), "pid": os.getpid(), "beat": beat, "state": state}


def fence(unit, log=print):
    """Stop the unit now: a stop job first (so Restart= does not bring it back), then SIGKILL without waiting for
    TimeoutStopSec (its main process may be blocked on the hung mount; SIGKILL still reaches it).

    The stop job also stops this watchdog (BindsTo=) with SIGTERM, at once: ignored here, or the SIGKILL that must
    follow would never be sent and a Jenkins that ignores SIGTERM on a hung mount would run on past the lease."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    log("efs-fence: heartbeat stalled; stopping {0} so that it never writes after its lease expires".format(unit))
    subprocess.run(["systemctl", "stop", "--no-block", unit], check=False)
    subprocess.run(["systemctl", "kill", "--signal=SIGKILL", unit], check=False)


def heartbeat(path, unit, owner, interval=INTERVAL_SECONDS, timeout=STALL_TIMEOUT_SECONDS, beats=None):
    """Beat until stopped (or `beats` times); returns EXIT_FENCED once it has fenced the unit."""
    if interval + timeout >= EFS_NFS_LEASE_SECONDS:
        raise ValueError(
            "interval + stall timeout ({0} s) must stay under the NFS lease ({1} s)".format(
                interval + timeout, EFS_NFS_LEASE_SECONDS
            )
        )
    beat = 0
    while beats is None or beat < beats:
        beat += 1
        started = time.monotonic()
        if not in_child(write_record, timeout, path, beat_record(owner, beat)):
            fence(unit)
            return EXIT_FENCED
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    return 0


def wait(path, owner, lease=None, poll=2.0, log=print):
    """Return 0 when the home may be taken, EXIT_HELD when its previous holder is still beating."""
    lease = EFS_NFS_LEASE_SECONDS if lease is None else lease
    record, mtime = read_state(path)
    if record is None or record.get("state") == "released" or record.get("owner") == owner:
        return 0
    age = max(0.0, server_now(os.path.dirname(path)) - mtime)
    remaining = lease - age
    if remaining <= 0:
        return 0
    log(
        "efs-fence: {0} (host {1}) did not release {2}; its last beat is {3:.0f} s old: waiting {4:.0f} s more, "
        "the NFS lease ({5} s), so that it has fenced itself".format(
            record.get("owner", "?"), record.get("hostname", "?"), path, age, remaining, lease
        ),
        flush=True,
    )
    deadline = time.monotonic() + remaining
    while time.monotonic() < deadline:
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        current = read_state(path)[0]
        if current != record:
            log("efs-fence: {0} still beats; refusing to start a second writer".format(record.get("owner", "?")))
            return EXIT_HELD
    return 0


def _mark_released(path, owner):
    record = read_state(path)[0]
    # Another instance beats there now: not ours to release.
    if record is None or record.get("owner") in (None, owner):
        write_record(path, beat_record(owner, 0, state="released"))


def release(path, owner, timeout=STALL_TIMEOUT_SECONDS):
    return 0 if in_child(_mark_released, timeout, path, owner) else 1


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="efs-fence", description=__doc__.split("\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("heartbeat", "wait", "release"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--file", required=True, help="the heartbeat file, in the shared directory")
        cmd.add_argument("--owner", default=None, help="holder id (default: EC2 instance id or host name)")
        if name != "wait":
            cmd.add_argument(
                "--stall-timeout", type=float, default=STALL_TIMEOUT_SECONDS, help="seconds a write may take"
            )
        if name == "heartbeat":
            cmd.add_argument("--unit", required=True, help="the systemd unit to stop when a beat stalls")
            cmd.add_argument("--interval", type=float, default=INTERVAL_SECONDS, help="seconds between beats")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    owner = args.owner or default_owner()
    if args.command == "heartbeat":
        try:
            return heartbeat(args.file, args.unit, owner, interval=args.interval, timeout=args.stall_timeout)
        except ValueError as e:
            print("efs-fence: {0}".format(e))
            return 2
    if args.command == "wait":
        return wait(args.file, owner)
    return release(args.file, owner, timeout=args.stall_timeout)


if __name__ == "__main__":
    sys.exit(main())
