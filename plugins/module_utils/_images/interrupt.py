# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SIGTERM/SIGINT to packer_build reach Packer as SIGINT, so Packer's own cleanup runs.

Packer handles SIGINT and SIGTERM alike: the first one cancels the build and every step's Cleanup runs (temporary
instance terminated, key pair and security group deleted); later ones are swallowed (command/signal.go
handleTermInterrupt: signal.Notify on a channel read once). So forwarding to a Packer that already got the terminal's
SIGINT is harmless. SIGKILL cannot be caught: nothing runs, and the next packer_build removes the leftovers
(leftovers.py).

Packer is started by module_utils/packer.py with the module as its parent; the handler finds it as a child process
of the module (Linux /proc). Elsewhere nothing is forwarded (the handler only records the signal).
"""

import os
import signal

FORWARDED = (signal.SIGTERM, signal.SIGINT)


def child_pids(parent, proc="/proc"):
    """Pids whose parent is `parent` (field 4 of /proc/<pid>/stat), [] without /proc."""
    pids = []
    try:
        entries = os.listdir(proc)
    except OSError:
        return pids
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(os.path.join(proc, entry, "stat"), encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(parent):
            pids.append(int(entry))
    return sorted(pids)


class InterruptForwarder:
    """Context manager: while active, SIGTERM/SIGINT are recorded and sent on to the module's children as SIGINT."""

    def __init__(self, proc="/proc", kill=os.kill):
        self.received = None
        self._proc = proc
        self._kill = kill
        self._previous = {}

    def handle(self, signum, frame=None):
        if self.received is None:
            self.received = signal.Signals(signum).name
        for pid in child_pids(os.getpid(), self._proc):
            try:
                self._kill(pid, signal.SIGINT)
            except ProcessLookupError:
                pass

    def __enter__(self):
        for signum in FORWARDED:
            self._previous[signum] = signal.signal(signum, self.handle)
        return self

    def __exit__(self, *exc):
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        return False
