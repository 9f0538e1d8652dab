"""Interrupt ansible-playbook at a chosen task boundary, as a closed laptop or a CI job timeout does (test-only).

The run is a subprocess; its stdout is read line by line and every task header (`TASK [...]`, `RUNNING HANDLER
[...]`) is counted. When header number `at_task` (1-based) shows up, the run is interrupted, optionally after a
`delay` in seconds so that the interruption lands inside that task (between its AWS calls) rather than before it.

Modes:

- `kill` (default): SIGKILL of the whole process tree at once. ansible-playbook's workers call setsid(), so killing
  the playbook's process group alone would leave them (and the module they run) going; the tree is found through
  /proc, frozen with SIGSTOP until no new child appears, then SIGKILLed: nothing runs one more call.
- `term` / `int`: SIGTERM / SIGINT to ansible-playbook's process group (a `kill <pid>` or a Ctrl-C), which
  ansible handles by stopping its workers; whatever is still alive after `grace` seconds is killed as above.

Every run is bounded by `deadline` seconds (then killed the same way) so a hung run never blocks the suite.
The choice of the task is seeded (`choose`), and `Interruption.describe()` prints the seed, the task the run was
interrupted at and the wall time, so a failing run can be replayed.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

TASK_HEADER = re.compile(r"^(?:TASK|RUNNING HANDLER) \[(?P<name>.*)\] \**\s*$")
MODES = {"kill": signal.SIGKILL, "term": signal.SIGTERM, "int": signal.SIGINT}


def _default_interrupt_signals():
    """Give the run SIGINT/SIGTERM as a terminal would: a run started from a background job (`make test &`, a
    non-interactive shell's `&`) inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler, so
    "int" would interrupt nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def task_names(output):
    """Names of the task headers in ansible-playbook output (default callback), in order."""
    return [m.group("name") for m in (TASK_HEADER.match(line) for line in output.splitlines()) if m]


def count_tasks(output):
    return len(task_names(output))


def choose(rng, low, high, max_delay=0.0):
    """(task number in [low, high], delay in [0, max_delay)) drawn from `rng`; low/high are 1-based, inclusive."""
    if not 1 <= low <= high:
        raise ValueError("need 1 <= low <= high, got {0}..{1}".format(low, high))
    at_task = rng.randint(low, high)
    delay = round(rng.uniform(0, max_delay), 3) if max_delay > 0 else 0.0
    return at_task, delay


def seeded(seed, *salt):
    """A random.Random of its own for `seed` and a salt (e.g. the round), independent of draws made elsewhere."""
    return random.Random("{0}/{1}".format(seed, "/".join(str(s) for s in salt)))


@dataclass
class Interruption:
    """The result of one interrupted (or completed) run."""

    cmd: list
    at_task: int
    delay: float
    mode: str
    seed: object = None
    interrupted: bool = False
    timed_out: bool = False
    task: str = ""  # the header that triggered the interruption
    last_task: str = ""  # the last header seen before the run died
    tasks_seen: int = 0
    rc: int = None
    wall: float = 0.0
    output: str = ""
    killed_pids: list = field(default_factory=list)

    def describe(self):
        if self.timed_out:
            what = "hit the deadline after {0} task(s), last [{1}]".format(self.tasks_seen, self.last_task)
        elif self.interrupted:
            what = "{0} at task {1} [{2}] +{3:.3f}s (last header [{4}])".format(
                self.mode, self.at_task, self.task, self.delay, self.last_task
            )
        else:
            what = "ran to the end ({0} tasks < {1}), rc {2}".format(self.tasks_seen, self.at_task, self.rc)
        return "seed {0}: {1}; wall {2:.1f}s".format(self.seed, what, self.wall)


def _children():
    """{ppid: [pid, ...]} of every process visible in /proc."""
    tree = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/{0}/stat".format(entry), "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
        fields = data[data.rfind(b")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def descendants(pid):
    """pid and every process below it, parents first."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop(0)
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
        return True
    except ProcessLookupError:
        return False


def kill_tree(pid):
    """Freeze pid and all its descendants (until no new one appears), then SIGKILL them all; returns the pids."""
    frozen = []
    for _attempt in range(20):
        new = [p for p in descendants(pid) if p not in frozen]
        if not new:
            break
        for proc in new:
            if _signal(proc, signal.SIGSTOP):
                frozen.append(proc)
        if not any(p in frozen for p in new):
            break
    for proc in frozen:
        _signal(proc, signal.SIGKILL)
    return frozen


def run_interrupted(
    cmd,
    env=None,
    cwd=None,
    at_task=1,
    delay=0.0,
    mode="kill",
    grace=30.0,
    deadline=600.0,
    seed=None,
    echo=None,
    at_name=None,
    after=None,
):
    """Run `cmd` (an ansible-playbook command line) and interrupt it at task header `at_task` (+ `delay` s), or,
    with `at_name` (a regular expression), at the first header whose task name it finds. With `after` (a regular
    expression), `at_task` counts from the first header it finds (that header is 1), e.g. to aim at the tasks that
    delete something rather than at a playbook's checks.

    Returns an Interruption; `interrupted` is False when the run ended before reaching that task. `echo(line)` sees
    every output line as it comes (e.g. to log it)."""
    if mode not in MODES:
        raise ValueError("mode must be one of {0}".format(sorted(MODES)))
    env = dict(os.environ if env is None else env)
    env["PYTHONUNBUFFERED"] = "1"
    result = Interruption(cmd=list(cmd), at_task=at_task, delay=delay, mode=mode, seed=seed)
    pattern = re.compile(at_name) if at_name else None
    start_at = re.compile(after) if after else None
    counted = [0]
    lines = []
    fire = threading.Event()
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
        preexec_fn=_default_interrupt_signals,
    )

    def read():
        for line in proc.stdout:
            lines.append(line)
            if echo:
                echo(line)
            match = TASK_HEADER.match(line.rstrip("\n"))
            if match:
                result.tasks_seen += 1
                result.last_task = match.group("name")
                if fire.is_set():
                    continue
                if counted[0] or not start_at or start_at.search(result.last_task):
                    counted[0] += 1
                if pattern.search(result.last_task) if pattern else counted[0] == at_task:
                    result.task = match.group("name")
                    result.at_task = result.tasks_seen  # from the start of the run
                    fire.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    end = start + deadline
    while proc.poll() is None and not fire.is_set() and time.monotonic() < end:
        fire.wait(0.05)
    if fire.is_set() and proc.poll() is None:
        if delay > 0:
            time.sleep(delay)
        if proc.poll() is None:
            result.interrupted = True
            if mode == "kill":
                result.killed_pids = kill_tree(proc.pid)
            else:
                try:
                    os.killpg(proc.pid, MODES[mode])
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(min(grace, max(0.0, end - time.monotonic())))
                except subprocess.TimeoutExpired:
                    pass
                # Workers that outlive the grace (they are in sessions of their own) go the hard way.
                if proc.poll() is None:
                    result.killed_pids = kill_tree(proc.pid)
    try:
        proc.wait(max(0.0, end - time.monotonic()))
    except subprocess.TimeoutExpired:
        result.timed_out = True
        result.killed_pids = kill_tree(proc.pid)
        proc.wait()
    reader.join(10)
    result.rc = proc.returncode
    result.wall = time.monotonic() - start
    result.output = "".join(lines)
    return result
