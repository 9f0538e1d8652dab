"""tests/faults/interrupt.py: task headers are counted as ansible-playbook prints them, the choice of the task is
seeded and bounded, and a run is interrupted at the chosen header with its whole process tree (also the children
that left its session, as ansible's workers do), within its deadline. The "playbook" is a small Python script."""

from __future__ import annotations

import os
import random
import signal
import sys
import textwrap
import time

import pytest

from tests.faults.interrupt import choose, count_tasks, descendants, run_interrupted, seeded, task_names

OUTPUT = """
PLAY [Network] *****************************************************************

TASK [jenkins_ha.aws.stack_config : Validate the stack description and derive its facts] ***
ok: [localhost]

TASK [Create the VPC] **********************************************************
changed: [localhost]

TASK [Route the public subnets through the internet gateway and the private ones through the NAT gateway(s)] ***
changed: [localhost] => (item=TASK [not a header])

RUNNING HANDLER [Reload] *******************************************************
ok: [localhost]

PLAY RECAP *********************************************************************
localhost                  : ok=4    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
"""


def test_task_headers_are_counted_in_order():
    assert task_names(OUTPUT) == [
        "jenkins_ha.aws.stack_config : Validate the stack description and derive its facts",
        "Create the VPC",
        "Route the public subnets through the internet gateway and the private ones through the NAT gateway(s)",
        "Reload",
    ]
    assert count_tasks(OUTPUT) == 4
    assert count_tasks("") == 0


def test_choice_is_seeded_and_within_bounds():
    draws = [choose(seeded(7, "site", 0), 10, 133, 1.5) for _draw in range(3)]
    assert draws[0] == draws[1] == draws[2]
    assert draws[0] != choose(seeded(8, "site", 0), 10, 133, 1.5)
    rng = random.Random(1)
    for _draw in range(500):
        at_task, delay = choose(rng, 10, 12, 0.5)
        assert 10 <= at_task <= 12 and 0 <= delay < 0.5
    assert {choose(rng, 10, 12)[0] for _draw in range(200)} == {10, 11, 12}
    assert choose(rng, 5, 5) == (5, 0.0)


def test_salts_give_independent_streams():
    assert seeded(7, "site", 0).random() != seeded(7, "site", 1).random()
    assert seeded(7, "destroy").random() == seeded(7, "destroy").random()


@pytest.mark.parametrize("low, high", [(0, 3), (4, 3)])
def test_bad_bounds_are_refused(low, high):
    with pytest.raises(ValueError):
        choose(random.Random(0), low, high)


# A playbook stand-in: prints a task header every 0.2 s; at task 2 it starts a grandchild in a session of its own
# (as ansible's workers call setsid) that writes its pid and would write a marker if it outlived the interruption.
SCRIPT = textwrap.dedent("""
    import os, subprocess, sys, time
    tmp = sys.argv[1]
    for n in range(1, int(sys.argv[2]) + 1):
        print("TASK [step %d] ***" % n, flush=True)
        if n == 2:
            subprocess.Popen(
                [sys.executable, "-c",
                 "import os, sys, time; open(sys.argv[1] + '/worker', 'w').write(str(os.getpid())); time.sleep(3); "
                 "open(sys.argv[1] + '/survived', 'w').write('yes')",
                 tmp],
                start_new_session=True,
            )
        time.sleep(0.2)
    print("PLAY RECAP ***", flush=True)
    """)


@pytest.fixture
def playbook(tmp_path):
    script = tmp_path / "play.py"
    script.write_text(SCRIPT)

    def cmd(tasks=6):
        return [sys.executable, str(script), str(tmp_path), str(tasks)]

    return cmd


def alive(pid):
    try:
        with open("/proc/{0}/stat".format(pid)) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def dies(pid, within=10.0):
    """SIGKILL is delivered asynchronously: a stopped process that was just sent it may still show as stopped (T) for
    a moment on a loaded machine (seen in CI). Poll until it is gone or a zombie; a survivor fails after `within`."""
    end = time.monotonic() + within
    while alive(pid):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def test_kill_at_a_task_takes_the_whole_tree(playbook, tmp_path):
    result = run_interrupted(playbook(), at_task=4, seed=7, deadline=30)
    assert result.interrupted and not result.timed_out
    assert (result.task, result.last_task, result.at_task) == ("step 4", "step 4", 4)
    assert result.rc == -9 and "PLAY RECAP" not in result.output
    worker = int((tmp_path / "worker").read_text())
    assert worker in result.killed_pids and dies(worker)
    assert "seed 7: kill at task 4 [step 4]" in result.describe()


def test_delay_and_name_and_after(playbook):
    late = run_interrupted(playbook(), at_task=2, delay=0.5, deadline=30)
    assert late.interrupted and late.task == "step 2" and late.last_task in ("step 4", "step 5")
    by_name = run_interrupted(playbook(), at_name=r"^step 3$", deadline=30)
    assert by_name.interrupted and by_name.at_task == 3
    counted_from = run_interrupted(playbook(), at_task=2, after=r"^step 3$", deadline=30)
    assert counted_from.interrupted and counted_from.task == "step 4"


def test_a_run_that_ends_first_is_not_interrupted(playbook):
    result = run_interrupted(playbook(3), at_task=5, deadline=30)
    assert not result.interrupted and result.rc == 0 and result.tasks_seen == 3
    assert "ran to the end" in result.describe()


@pytest.mark.parametrize("mode", ["term", "int"])
def test_signal_modes_end_the_run(playbook, mode):
    result = run_interrupted(playbook(), at_task=3, mode=mode, grace=5, deadline=30)
    assert result.interrupted and result.rc != 0 and result.task == "step 3"


def test_int_interrupts_even_when_started_from_a_background_job(playbook):
    # A shell's `cmd &` (make test run in the background, CI wrappers) starts us with SIGINT ignored; the run must
    # still get Ctrl-C's default, or "int" would let it run to the end.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        result = run_interrupted(playbook(), at_task=3, mode="int", grace=5, deadline=30)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert result.interrupted and result.rc != 0 and "PLAY RECAP" not in result.output


def test_deadline_bounds_a_hung_run(playbook):
    result = run_interrupted(playbook(50), at_task=100, deadline=1.0)
    assert result.timed_out and not result.interrupted and result.wall < 5
    assert "hit the deadline" in result.describe()


def test_descendants_start_with_the_process_itself():
    assert descendants(os.getpid())[0] == os.getpid()
