"""site.yml converges through AWS's real failure modes: throttling, 5xx, dropped connections, latency and lost
responses (applied by the emulator, never answered), injected by tests/faults/proxy.py on a seeded schedule.
The stack it builds has no duplicate resource, and a clean rerun reports 0 changed, so it is the stack a run
without faults builds. Seed: JENKINS_HA_FAULT_SEED (printed, with every fault injected, to replay a failure)."""

import json
import os

import pytest

from tests.faults.inventory import SINGLETONS, collect, duplicates
from tests.faults.proxy import FaultPlan, FaultProxy
from tests.integration.harness import ROOT, Emulator, run_playbook

SITE = ROOT / "site.yml"
DEMO = ROOT / "inventory" / "demo"
SEED = int(os.environ.get("JENKINS_HA_FAULT_SEED", "20261204"))
# One fault in ~25 requests, a few hundred at most: every kind shows up many times in one converge (~2,500
# requests), and no single request is failed more than twice in a row (botocore and AWSRetry then get through).
RATE = float(os.environ.get("JENKINS_HA_FAULT_RATE", "0.04"))


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """A private emulator, and a fault proxy in front of it."""
    emulator = Emulator(ROOT / "tests" / "output" / "emulator").start()
    log = tmp_path_factory.mktemp("faults") / "faults.jsonl"
    plan = FaultPlan(seed=SEED, rate=RATE, max_faults=300, max_consecutive=2)
    proxy = FaultProxy(emulator.url, plan, log_path=log).start()
    print("fault proxy seed {0}, rate {1}, log {2}".format(SEED, RATE, log))
    yield emulator, proxy
    proxy.stop()
    emulator.stop()


def test_site_converges_through_faults_without_duplicates(faulty):
    emulator, proxy = faulty
    emulator.client("route53").create_hosted_zone(Name="demo.jenkins-ha.example", CallerReference="test-faults")
    env = dict(emulator.env(), AWS_ENDPOINT_URL=proxy.url)
    result = run_playbook(SITE, env, inventory=DEMO)
    summary = proxy.plan.summary()
    print("faults injected:", json.dumps(summary, sort_keys=True))
    assert result.rc == 0, "seed {0}: {1}".format(SEED, result.output[-4000:])
    assert summary["faults"] > 20 and len(summary["by_kind"]) == 5, summary

    inventory = collect(emulator.client, "demo")
    assert duplicates(inventory) == {}, "seed {0}".format(SEED)
    assert {kind: len(inventory.get(kind, [])) for kind in SINGLETONS} == {kind: 1 for kind in SINGLETONS}

    rerun = run_playbook(SITE, emulator.env(), inventory=DEMO)
    assert rerun.rc == 0, rerun.output[-3000:]
    assert rerun.changed() == 0, "seed {0}: a clean rerun changed something:\n{1}".format(SEED, rerun.output)
    assert collect(emulator.client, "demo") == inventory
