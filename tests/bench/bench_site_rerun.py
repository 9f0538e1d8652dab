#!/usr/bin/env python
"""Time a converged rerun of site.yml for the demo stack on a private emulator (issue 18: <= 15 s, quiet machine).

    python tests/bench/bench_site_rerun.py [--reruns 2]

Baseline in the same process: the first converge of the same stack. For each run it prints the wall time, the CPU
time of ansible-playbook and its module processes (independent of other load on the machine, unlike wall time),
the number of module runs (tasks and loop items that reached a module, from the profile), the changed count, and
the ratio against the converge. One more rerun with the profile_tasks callback then counts the module processes
and lists the slowest tasks (the timed runs go without it, as a user runs them). The machine's speed at the start
and the end (CPU seconds to import boto3) tells runs on a slow moment of a shared host from regressions.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.integration.harness import ROOT, Emulator, run_playbook  # noqa: E402

GOAL_SECONDS = 15
# A result line of a task or loop item that ran (skipped ones and set_fact/assert/include lines are not module runs,
# but cannot be told apart here: the count is an upper bound of module runs, good for comparing runs).
RESULT_LINE = re.compile(r"^(ok|changed): \[localhost\]", re.M)
PROFILE_LINE = re.compile(r"^(?P<task>.+?) -+ (?P<seconds>[\d.]+)s$", re.M)


def boto3_import_seconds():
    """A yardstick for this machine's speed at the moment (it varies by half on shared hosts)."""
    samples = []
    while len(samples) < 3:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", "import boto3"], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(samples)


def timed_run(site, env, inventory):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = run_playbook(site, env, inventory=inventory)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=2, help="converged reruns to time (the median is reported)")
    args = parser.parse_args()

    emulator = Emulator(ROOT / "tests" / "output" / "bench").start()
    try:
        emulator.client("route53").create_hosted_zone(Name="demo.jenkins-ha.example", CallerReference="bench")
        site = ROOT / "site.yml"
        inventory = ROOT / "inventory" / "demo"
        env = emulator.env()
        print("load average before: {0:.2f} {1:.2f} {2:.2f}".format(*os.getloadavg()))
        print(
            "machine speed (CPU seconds to import boto3, median of 3; higher is slower): {0:.2f}".format(
                boto3_import_seconds()
            )
        )
        first, converge_wall, converge_cpu = timed_run(site, env, inventory)
        if first.rc != 0:
            print(first.output[-3000:])
            return 1
        converge_results = len(RESULT_LINE.findall(first.output))
        print(
            "converge (baseline): {0:.1f} s wall, {1:.1f} s CPU, {2} task/item results, changed={3}".format(
                converge_wall, converge_cpu, converge_results, first.changed()
            )
        )
        walls, cpus = [], []
        for number in range(1, args.reruns + 1):
            rerun, wall, cpu = timed_run(site, env, inventory)
            if rerun.rc != 0:
                print(rerun.output[-3000:])
                return 1
            walls.append(wall)
            cpus.append(cpu)
            results = len(RESULT_LINE.findall(rerun.output))
            print(
                "converged rerun {0}: {1:.1f} s wall, {2:.1f} s CPU, {3} task/item results, changed={4} "
                "(wall {5:.2f}x, CPU {6:.2f}x the converge)".format(
                    number, wall, cpu, results, rerun.changed(), wall / converge_wall, cpu / converge_cpu
                )
            )
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(
            "converged rerun, median of {0}: {1:.1f} s wall (goal <= {2} s: {3}), {4:.1f} s CPU".format(
                len(walls), wall, GOAL_SECONDS, "met" if wall <= GOAL_SECONDS else "NOT met", cpu
            )
        )
        print("load average after: {0:.2f} {1:.2f} {2:.2f}".format(*os.getloadavg()))
        print(
            "machine speed (CPU seconds to import boto3, median of 3; higher is slower): {0:.2f}".format(
                boto3_import_seconds()
            )
        )
        with tempfile.TemporaryDirectory() as scratch:
            # Every module process of the profiled rerun starts through this interpreter, which counts it.
            counter, runs = Path(scratch) / "python", Path(scratch) / "module-runs"
            counter.write_text('#!/bin/sh\necho >> "{0}"\nexec "{1}" "$@"\n'.format(runs, sys.executable))
            counter.chmod(0o755)
            profiled = run_playbook(
                site,
                dict(
                    env, ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="15"
                ),
                inventory=inventory,
                extra_vars=["ansible_python_interpreter={0}".format(counter)],
            )
            module_runs = len(runs.read_text().splitlines()) if runs.exists() else 0
        print("module runs in a converged rerun: {0}".format(module_runs))
        print("slowest tasks of a profiled rerun:")
        for match in PROFILE_LINE.finditer(profiled.output.split("TASKS RECAP")[-1]):
            print("  {0:6.2f} s  {1}".format(float(match.group("seconds")), match.group("task")))
        return 0
    finally:
        emulator.stop()


if __name__ == "__main__":
    sys.exit(main())
