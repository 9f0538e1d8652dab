"""Real AWS throttles, fails, loses replies, and runs get interrupted (a laptop closes, a CI job times out): site.yml
converges through faults, and site.yml and destroy.yml resume where they died.

Faults: the reference stack is built through tests/faults/proxy.py, which injects AWS's real failure modes on a seeded
schedule (throttling, 5xx, dropped connections, latency and lost responses: applied by the emulator, never answered).
The stack has no duplicate resource and a clean rerun reports 0 changed and leaves it as it is.
Seed: JENKINS_HA_FAULT_SEED (printed, with every fault injected, to replay a failure).

Interruptions: site.yml is killed (SIGKILL of the whole process tree, tests/faults/interrupt.py) at a seeded random
task in a second emulator, rerun and interrupted again later in the run, then rerun to the end: the stack is the
reference's (same normalised inventory, tests/faults/inventory.py: nothing duplicated, nothing missing), its SSH key
pair is whole, and a further rerun reports 0 changed. destroy.yml is then killed mid-way through its deletions of the
same stack and rerun: nothing of the stack is left but what destroy keeps on purpose (the backup vault and the KMS
key). Seed: JENKINS_HA_INTERRUPT_SEED (printed with every interruption: task, delay, signal, wall time, to replay a
failure). Rounds of site.yml interruptions: JENKINS_HA_INTERRUPT_ROUNDS (default 1; each adds ~2 min).

One file, so that one converge serves as both the faults test and the interruptions' reference (a file runs on one
pytest worker with its own emulators)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from tests.faults.interrupt import choose, run_interrupted, seeded, task_names
from tests.faults.inventory import SINGLETONS, collect, duplicates
from tests.faults.proxy import FaultPlan, FaultProxy
from tests.integration.harness import ROOT, VENV_BIN, Emulator, run_playbook

SITE = ROOT / "site.yml"
DESTROY = ROOT / "playbooks" / "destroy.yml"
DEMO = ROOT / "inventory" / "demo"
SEED = int(os.environ.get("JENKINS_HA_INTERRUPT_SEED", "20261206"))
FAULT_SEED = int(os.environ.get("JENKINS_HA_FAULT_SEED", "20261204"))
# One fault in ~25 requests, a few hundred at most: every kind shows up many times in one converge (~2,500
# requests), and no single request is failed more than twice in a row (botocore and AWSRetry then get through).
FAULT_RATE = float(os.environ.get("JENKINS_HA_FAULT_RATE", "0.04"))
# Both stacks have the demo's public zone, so that their DNS records are compared too.
ZONE = "demo.jenkins-ha.example"
ROUNDS = int(os.environ.get("JENKINS_HA_INTERRUPT_ROUNDS", "1"))
# The interruption lands up to this long after its task's header, i.e. before or inside the task.
MAX_DELAY = 1.5
# No single run may take longer (a converge takes ~75 s on a quiet 2-core machine).
DEADLINE = 420.0
# What destroy.yml keeps on purpose (it holds and decrypts the recovery points).
KEPT = {"backup_vault", "kms_key", "kms_alias"}
CONFIRM = ["jenkins_ha_destroy_confirm=demo"]


def command(playbook, extra_vars=()):
    cmd = [str(VENV_BIN / "ansible-playbook"), str(playbook), "-i", str(DEMO)]
    for item in extra_vars:
        cmd += ["-e", item]
    return cmd


def environment(emulator):
    env = dict(emulator.env(), ANSIBLE_FORCE_COLOR="0")
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    return env


def interrupt(emulator, playbook, at_task, delay, mode="kill", extra_vars=(), args=(), **kwargs):
    result = run_interrupted(
        command(playbook, extra_vars) + list(args),
        env=environment(emulator),
        cwd=str(ROOT),
        at_task=at_task,
        delay=delay,
        mode=mode,
        deadline=DEADLINE,
        seed=SEED,
        **kwargs,
    )
    print("{0}: {1}".format(playbook.name, result.describe()))
    assert not result.timed_out, result.output[-3000:]
    return result


def timed(label, func, *args, **kwargs):
    start = time.monotonic()
    result = func(*args, **kwargs)
    print("{0}: rc {1}, {2}, wall {3:.1f}s".format(label, result.rc, result.recap, time.monotonic() - start))
    return result


def key_pair_is_whole(emulator, stack="demo"):
    """The private key in SSM, the public key in SSM and the EC2 key pair are one key."""
    from cryptography.hazmat.primitives import serialization

    ssm = emulator.client("ssm")
    prefix = "/jenkins-ha/{0}/keys/".format(stack)
    private = ssm.get_parameter(Name=prefix + "ssh-private-key", WithDecryption=True)["Parameter"]["Value"]
    public = ssm.get_parameter(Name=prefix + "ssh-public-key")["Parameter"]["Value"]
    derived = (
        serialization.load_ssh_private_key(private.encode(), password=None)
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    assert public.split()[:2] == derived.split()[:2], "the published public key is not the stored private key's"
    pairs = emulator.client("ec2").describe_key_pairs(KeyNames=[stack + "-jenkins"], IncludePublicKey=True)
    imported = pairs["KeyPairs"][0].get("PublicKey")
    if imported:
        assert imported.split()[:2] == derived.split()[:2], "the EC2 key pair is not the stored key"


def normalised(emulator, inventory):
    """The inventory with subnet ids (mount targets are named after theirs) replaced by the subnets' names, which
    do not depend on the emulator that built them."""
    names = {
        s["SubnetId"]: {t["Key"]: t["Value"] for t in s.get("Tags", [])}.get("Name", s["CidrBlock"])
        for s in emulator.client("ec2").describe_subnets()["Subnets"]
    }
    ids = re.compile(r"subnet-[0-9a-f]+")
    return {
        kind: sorted(ids.sub(lambda m: names.get(m.group(0), m.group(0)), name) for name in found)
        for kind, found in inventory.items()
    }


def with_zone(emulator):
    emulator.client("route53").create_hosted_zone(Name=ZONE, CallerReference="test-interruption")
    return emulator


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A stack built through the fault proxy without interruption, in an emulator of its own: (emulator, inventory,
    task names of a run, the converge's result, the proxy's summary)."""
    emulator = with_zone(Emulator(ROOT / "tests" / "output" / "emulator").start())
    log = tmp_path_factory.mktemp("faults") / "faults.jsonl"
    plan = FaultPlan(seed=FAULT_SEED, rate=FAULT_RATE, max_faults=300, max_consecutive=2)
    proxy = FaultProxy(emulator.url, plan, log_path=log).start()
    try:
        print("fault proxy seed {0} (JENKINS_HA_FAULT_SEED), rate {1}, log {2}".format(FAULT_SEED, FAULT_RATE, log))
        print("interruption seed {0} (JENKINS_HA_INTERRUPT_SEED), {1} round(s)".format(SEED, ROUNDS))
        env = dict(emulator.env(), AWS_ENDPOINT_URL=proxy.url)
        result = timed("reference converge through faults", run_playbook, SITE, env, inventory=DEMO)
        summary = proxy.plan.summary()
        print("faults injected:", json.dumps(summary, sort_keys=True))
        assert result.rc == 0, "fault seed {0}: {1}".format(FAULT_SEED, result.output[-4000:])
        inventory = normalised(emulator, collect(emulator.client, "demo"))
        yield emulator, inventory, task_names(result.output), result, summary
    finally:
        proxy.stop()
        emulator.stop()


@pytest.fixture(scope="module")
def interrupted():
    """The emulator of the stack whose runs get interrupted."""
    emulator = with_zone(Emulator(ROOT / "tests" / "output" / "emulator").start())
    yield emulator
    emulator.stop()


def test_site_converges_through_faults_without_duplicates(reference):
    emulator, inventory, _tasks, _result, summary = reference
    assert summary["faults"] > 20 and len(summary["by_kind"]) == 5, summary
    assert duplicates(inventory) == {}, "fault seed {0}".format(FAULT_SEED)
    assert {kind: len(inventory.get(kind, [])) for kind in SINGLETONS} == {kind: 1 for kind in SINGLETONS}

    rerun = run_playbook(SITE, emulator.env(), inventory=DEMO)
    assert rerun.rc == 0, rerun.output[-3000:]
    assert rerun.changed() == 0, "fault seed {0}: a clean rerun changed something:\n{1}".format(
        FAULT_SEED, rerun.output
    )
    assert normalised(emulator, collect(emulator.client, "demo")) == inventory


def test_site_resumes_after_interruptions_to_the_same_single_stack(reference, interrupted):
    expected, tasks = reference[1:3]
    total = len(tasks)
    # The first play's input validation creates nothing: aim at the tasks after it.
    first = next(i for i, name in enumerate(tasks, 1) if not name.startswith("jenkins_ha.aws.stack_config"))
    for round_ in range(ROUNDS):
        rng = seeded(SEED, "site", round_)
        at_task, delay = choose(rng, first, total - 1, MAX_DELAY)
        killed = interrupt(interrupted, SITE, at_task, delay, mode="kill")
        assert killed.interrupted and killed.rc != 0, killed.describe()
        # The rerun is interrupted again, later in the run (it may finish first: that is a resume too).
        at_task, delay = choose(rng, min(at_task + 1, total - 1), total - 1, MAX_DELAY)
        again = interrupt(interrupted, SITE, at_task, delay, mode=rng.choice(["kill", "term", "int"]))
        assert again.rc != 0 if again.interrupted else again.rc == 0, again.output[-3000:]

        resumed = timed("resume", run_playbook, SITE, interrupted.env(), inventory=DEMO)
        assert resumed.rc == 0, "seed {0}: {1}".format(SEED, resumed.output[-4000:])
        rerun = timed("rerun", run_playbook, SITE, interrupted.env(), inventory=DEMO)
        assert rerun.rc == 0, rerun.output[-3000:]
        assert rerun.changed() == 0, "seed {0}: the rerun after the resume changed something:\n{1}".format(
            SEED, rerun.output
        )

        inventory = normalised(interrupted, collect(interrupted.client, "demo"))
        assert duplicates(inventory) == {}, "seed {0}".format(SEED)
        assert {kind: len(inventory.get(kind, [])) for kind in SINGLETONS} == {kind: 1 for kind in SINGLETONS}
        missing = {kind: sorted(set(names) - set(inventory.get(kind, []))) for kind, names in expected.items()}
        extra = {kind: sorted(set(names) - set(expected.get(kind, []))) for kind, names in inventory.items()}
        lost_or_extra = {
            "lost": {k: v for k, v in missing.items() if v},
            "extra": {k: v for k, v in extra.items() if v},
        }
        assert lost_or_extra == {"lost": {}, "extra": {}}, "seed {0}".format(SEED)
        assert inventory == expected, "seed {0}".format(SEED)
        key_pair_is_whole(interrupted)


def test_a_run_killed_between_the_two_key_writes_publishes_the_key_on_resume(reference):
    """Regression: the private key's SSM parameter marks the pair as generated; it used to be written first, so a run
    killed before the public key was written never published it (nor imported the EC2 key pair), silently."""
    emulator = reference[0]
    stack = ["jenkins_ha_stack_name=keys"]
    killed = interrupt(
        emulator, SITE, 0, 0.0, extra_vars=stack, args=["--tags", "kms,secrets"], at_name="^Store the private key"
    )
    assert killed.interrupted, killed.output[-3000:]
    resumed = run_playbook(SITE, emulator.env(), inventory=DEMO, extra_vars=stack, tags="kms,secrets")
    assert resumed.rc == 0, resumed.output[-3000:]
    key_pair_is_whole(emulator, "keys")


def test_a_key_left_without_its_alias_is_adopted_not_duplicated(reference):
    """Regression: amazon.aws.kms_key creates the key, then its alias (the stack finds its key by alias); a run killed
    between the two calls left a key without alias, and the next run created a second one. The state such a kill
    leaves is built here directly (the window is a few requests wide, too narrow to hit by task boundary)."""
    emulator = reference[0]
    kms = emulator.client("kms")
    tags = {"jenkins-ha:stack": "orphan", "jenkins-ha:component": "kms", "managed-by": "jenkins_ha.aws"}
    orphan = kms.create_key(
        Description="jenkins_ha orphan: EFS, EBS, SSM SecureString, backups, logs",
        Tags=[{"TagKey": k, "TagValue": v} for k, v in tags.items()],
    )["KeyMetadata"]["KeyId"]
    stack = ["jenkins_ha_stack_name=orphan"]
    for attempt in range(2):
        result = run_playbook(SITE, emulator.env(), inventory=DEMO, extra_vars=stack, tags="kms")
        assert result.rc == 0, result.output[-3000:]
        assert attempt == 0 or result.changed() == 0, result.output
    keys = [
        k["KeyId"]
        for k in kms.list_keys()["Keys"]
        if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
        and {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=k["KeyId"])["Tags"]}.get(
            "jenkins-ha:stack"
        )
        == "orphan"
    ]
    assert keys == [orphan]
    assert kms.describe_key(KeyId="alias/jenkins-ha/orphan")["KeyMetadata"]["KeyId"] == orphan
    assert kms.get_key_rotation_status(KeyId=orphan)["KeyRotationEnabled"]


def listed_tasks(playbook, extra_vars=()):
    listed = subprocess.run(
        command(playbook, extra_vars) + ["--list-tasks"],
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=True,
    ).stdout
    return [m.group(1) for m in re.finditer(r"^ {6}(\S.*?)\tTAGS:", listed, re.M)]


def test_destroy_resumes_after_interruption(interrupted):
    ec2, efs = interrupted.client("ec2"), interrupted.client("efs")
    (home,) = [f for f in efs.describe_file_systems()["FileSystems"] if f["Name"] == "demo-jenkins-home"]
    interrupted.client("backup").start_backup_job(
        BackupVaultName="demo-jenkins-home",
        ResourceArn=home["FileSystemArn"],
        IamRoleArn="arn:aws:iam::123456789012:role/demo-backup",
    )
    deletions = listed_tasks(DESTROY, CONFIRM)
    deletions = deletions[deletions.index("Delete the alarms") :]
    rng = seeded(SEED, "destroy")
    at_task, delay = choose(rng, 1, len(deletions), MAX_DELAY)
    killed = interrupt(interrupted, DESTROY, at_task, delay, extra_vars=CONFIRM, after="^Delete the alarms$")
    assert killed.interrupted and killed.rc != 0, killed.describe()

    resumed = timed("destroy resume", run_playbook, DESTROY, interrupted.env(), inventory=DEMO, extra_vars=CONFIRM)
    assert resumed.rc == 0, "seed {0}: {1}".format(SEED, resumed.output[-4000:])
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:jenkins-ha:stack", "Values": ["demo"]}])["Vpcs"] == []
    assert [f for f in efs.describe_file_systems()["FileSystems"] if f["Name"] == "demo-jenkins-home"] == []
    left = {kind: names for kind, names in collect(interrupted.client, "demo").items() if names and kind not in KEPT}
    # The public zone is the user's (created by `with_zone`, as a user does): destroy removes the stack's records from
    # it (no dns_record left) and keeps the zone.
    assert left.pop("hosted_zone", None) == [ZONE + "."], "seed {0}: {1}".format(SEED, left)
    assert left == {}, "seed {0}: left behind".format(SEED)
