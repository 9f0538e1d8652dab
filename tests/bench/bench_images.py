#!/usr/bin/env python
"""Benchmark of playbooks/images.yml: a full Packer build vs a run with unchanged inputs (the skip path).

Real Packer against a private emulator, SSH to a local build host container (as tests/integration/test_images.py).
One image role (agent by default) keeps the numbers about one image:

    python tests/bench/bench_images.py [--role agent] [--skip-runs 3]

Prints the wall time of the whole playbook and of the packer_build task alone (profile_tasks) for the build and
for the median skip run, and the ratio. Goal: skip path <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.integration import test_images as images  # noqa: E402
from tests.integration.harness import Emulator, run_playbook  # noqa: E402

TASK_TIME = re.compile(r"^Build or reuse the images -+ (?P<seconds>[\d.]+)s$", re.M)
GOAL_SECONDS = 10.0


def run(env, tmp, role, roles_dir, variables, force):
    extra = {
        "jenkins_ha_stack_name": "bench",
        "jenkins_ha_region": "us-east-1",
        "jenkins_ha_images_roles": [role],
        "jenkins_ha_images_commit": "bench",
        "jenkins_ha_images_force": force,
        "jenkins_ha_images_record_ssm": False,
        "jenkins_ha_images_log_dir": str(tmp / "logs"),
        "jenkins_ha_images_role_paths": {role: [str(roles_dir / ("jenkins_" + role))]},
        "jenkins_ha_images_packer_variables": variables,
        "jenkins_ha_images_bake_vars": images.role_bake_vars() if "bake_playbook" not in variables else {},
    }
    extra_file = tmp / "bench-vars.json"
    extra_file.write_text(json.dumps(extra))
    env = dict(env, ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks")
    started = time.monotonic()
    result = run_playbook(
        images.PLAYBOOK,
        env,
        inventory="localhost,",
        extra_vars=["@" + str(images.EMULATOR_VARS), "@" + str(extra_file)],
        args=["-c", "local"],
    )
    wall = time.monotonic() - started
    if result.rc != 0:
        raise SystemExit("images.yml failed:\n" + result.output[-4000:])
    action = images.SUMMARY.search(result.output).group(2)
    task = TASK_TIME.search(result.output)
    return action, wall, float(task.group("seconds")) if task else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", choices=images.ROLES, default="agent")
    parser.add_argument("--skip-runs", type=int, default=3)
    args = parser.parse_args(argv)

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
                roles_dir, bake_variables = images.write_bake_inputs(tmp, mode)
                env = emulator.env()
                env.update(
                    JENKINS_HA_BUILD_HOST_PORT=str(host.port),
                    JENKINS_HA_BUILD_HOST_KEY=str(host.key),
                    JENKINS_HA_BUILD_HOST_USER="admin",
                )
                variables = dict(base_variables, **bake_variables)
                build = run(env, tmp, args.role, roles_dir, variables, force=True)
                skips = [
                    run(env, tmp, args.role, roles_dir, variables, force=False) for _unused in range(args.skip_runs)
                ]
        finally:
            emulator.stop()

    assert build[0] == "build" and all(s[0] == "reuse" for s in skips), (build, skips)
    skip_wall = statistics.median(s[1] for s in skips)
    skip_task = statistics.median(s[2] for s in skips)
    print("images.yml, role {0}, bake with the {1} roles".format(args.role, "real" if mode == "roles" else "stand-in"))
    print("  full build      : playbook {0:6.1f} s, packer_build task {1:6.1f} s".format(build[1], build[2]))
    print(
        "  unchanged inputs: playbook {0:6.1f} s, packer_build task {1:6.1f} s (median of {2})".format(
            skip_wall, skip_task, len(skips)
        )
    )
    print("  ratio build/skip: playbook {0:.1f}x, task {1:.1f}x".format(build[1] / skip_wall, build[2] / skip_task))
    verdict = "meets" if skip_wall <= GOAL_SECONDS else "misses"
    print("  skip path {0} the {1:.0f} s goal".format(verdict, GOAL_SECONDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
