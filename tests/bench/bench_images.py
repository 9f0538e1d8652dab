#!/usr/bin/env python
"""Benchmark of playbooks/images.yml: a full Packer build vs a run with unchanged inputs (the skip path).

Real Packer against a private emulator, SSH to a local build host container (as tests/integration/test_images.py),
the AMI ids recorded in SSM as a user's run does. Both image roles by default (what images.yml runs), or one:

    python tests/bench/bench_images.py [--role all|controller|agent] [--skip-runs 3]

For the build and the median skip run it prints the wall time and the CPU time of ansible-playbook and its
children (module processes, Packer; independent of other load on the machine, unlike wall time), and the ratios.
The timed runs go without a profiling callback, as a user runs them; one more skip run with profile_tasks lists the
tasks by time, and one with -vvv counts the module processes (-vvv itself slows the run, so it is not timed). Goal: skip path <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.integration import test_images as images  # noqa: E402
from tests.integration.harness import ROOT, Emulator, run_playbook  # noqa: E402

GOAL_SECONDS = 10.0
PROFILE_LINE = re.compile(r"^(?P<task>.+?) -+ (?P<seconds>[\d.]+)s$", re.M)
# With -vvv every module run names its module file once: one line per module process.
MODULE_RUN = re.compile(r"Using module file \S+/(?P<module>\w+)\.py", re.M)


def run(env, tmp, roles, roles_dir, variables, force, profile=False, verbose=False):
    extra = {
        "jenkins_ha_stack_name": "bench",
        "jenkins_ha_region": "us-east-1",
        "jenkins_ha_images_roles": list(roles),
        "jenkins_ha_images_commit": "bench",
        "jenkins_ha_images_force": force,
        "jenkins_ha_images_log_dir": str(tmp / "logs"),
        "jenkins_ha_images_role_paths": {r: [str(roles_dir / ("jenkins_" + r))] for r in roles},
        "jenkins_ha_images_packer_variables": variables,
        "jenkins_ha_images_bake_vars": images.role_bake_vars() if "bake_playbook" not in variables else {},
    }
    extra_file = tmp / "bench-vars.json"
    extra_file.write_text(json.dumps(extra))
    args = ["-c", "local"]
    if profile:
        env = dict(env, ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks")
    if verbose:
        args.append("-vvv")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = run_playbook(
        images.PLAYBOOK,
        env,
        inventory="localhost,",
        extra_vars=["@" + str(images.EMULATOR_VARS), "@" + str(extra_file)],
        args=args,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.rc != 0:
        raise SystemExit("images.yml failed:\n" + result.output[-4000:])
    actions = sorted({m.group(2) for m in images.SUMMARY.finditer(result.output)})
    return actions, wall, cpu, result.output


def print_profile(profiled, verbose):
    modules = [m.group("module") for m in MODULE_RUN.finditer(verbose)]
    print(
        "  skip run with -vvv: {0} module processes ({1})".format(
            len(modules), ", ".join("{0} x{1}".format(n, modules.count(n)) for n in sorted(set(modules)))
        )
    )
    print("  skip run with profile_tasks:")
    for match in PROFILE_LINE.finditer(profiled.split("TASKS RECAP")[-1]):
        print("    {0:6.2f} s  {1}".format(float(match.group("seconds")), match.group("task")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", choices=("all",) + tuple(images.ROLES), default="all")
    parser.add_argument("--skip-runs", type=int, default=3, help="skip runs to time (the median is reported)")
    args = parser.parse_args(argv)
    roles = images.ROLES if args.role == "all" else (args.role,)

    missing = images._tool_missing()
    if missing:
        raise SystemExit("cannot benchmark: " + missing)
    mode = os.environ.get("JENKINS_HA_IMAGES_BAKE", "minimal")

    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmpdir:
        tmp = Path(tmpdir)
        emulator = Emulator(tmp / "emulator").start()
        try:
            with images.started_build_host(tmp) as host:
                base_variables = images.register_base_images(emulator.client("ec2"))
                roles_dir, bake_variables = images.write_bake_inputs(tmp, mode, ROOT)
                env = emulator.env()
                env.update(
                    JENKINS_HA_BUILD_HOST_PORT=str(host.port),
                    JENKINS_HA_BUILD_HOST_KEY=str(host.key),
                    JENKINS_HA_BUILD_HOST_USER="admin",
                )
                variables = dict(base_variables, **bake_variables)
                print("load average before: {0:.2f} {1:.2f} {2:.2f}".format(*os.getloadavg()))
                build = run(env, tmp, roles, roles_dir, variables, force=True)
                skips = [run(env, tmp, roles, roles_dir, variables, force=False) for _unused in range(args.skip_runs)]
                profiled = run(env, tmp, roles, roles_dir, variables, force=False, profile=True)
                verbose = run(env, tmp, roles, roles_dir, variables, force=False, verbose=True)
        finally:
            emulator.stop()

    assert build[0] == ["build"] and all(s[0] == ["reuse"] for s in skips + [profiled, verbose]), (
        build[0],
        skips,
        profiled[0],
    )
    skip_wall = statistics.median(s[1] for s in skips)
    skip_cpu = statistics.median(s[2] for s in skips)
    print(
        "images.yml, roles {0}, bake with the {1} roles, AMI ids recorded in SSM".format(
            ", ".join(roles), "real" if mode == "roles" else "stand-in"
        )
    )
    print("  full build      : {0:6.1f} s wall, {1:6.1f} s CPU".format(build[1], build[2]))
    print(
        "  unchanged inputs: {0:6.1f} s wall, {1:6.1f} s CPU (median of {2}: wall {3}, CPU {4})".format(
            skip_wall,
            skip_cpu,
            len(skips),
            " ".join("{0:.1f}".format(s[1]) for s in skips),
            " ".join("{0:.1f}".format(s[2]) for s in skips),
        )
    )
    print("  ratio build/skip: wall {0:.1f}x, CPU {1:.1f}x".format(build[1] / skip_wall, build[2] / skip_cpu))
    print("  skip path {0} the {1:.0f} s goal".format("meets" if skip_wall <= GOAL_SECONDS else "misses", GOAL_SECONDS))
    print_profile(profiled[3], verbose[3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
