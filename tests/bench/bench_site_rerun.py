#!/usr/bin/env python
"""Time a converged rerun of site.yml for the demo stack on a private emulator (goal: <= 60 s).

python tests/bench/bench_site_rerun.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.integration.harness import ROOT, Emulator, run_playbook  # noqa: E402

GOAL_SECONDS = 60


def main():
    emulator = Emulator(ROOT / "tests" / "output" / "bench").start()
    try:
        emulator.client("route53").create_hosted_zone(Name="demo.jenkins-ha.example", CallerReference="bench")
        site = ROOT / "site.yml"
        inventory = ROOT / "inventory" / "demo"
        started = time.monotonic()
        first = run_playbook(site, emulator.env(), inventory=inventory)
        converge = time.monotonic() - started
        if first.rc != 0:
            print(first.output[-3000:])
            return 1
        started = time.monotonic()
        rerun = run_playbook(site, emulator.env(), inventory=inventory)
        seconds = time.monotonic() - started
        print("converge: {0:.1f} s".format(converge))
        print("converged rerun: {0:.1f} s (goal <= {1} s), changed={2}".format(seconds, GOAL_SECONDS, rerun.changed()))
        return 0 if rerun.rc == 0 else 1
    finally:
        emulator.stop()


if __name__ == "__main__":
    sys.exit(main())
