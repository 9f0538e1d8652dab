"""`make demo-upgrade`: the day-2 roll-out (playbooks/upgrade.yml) on the demo stack that `make demo` left running.

    AWS_ENDPOINT_URL=http://127.0.0.1:4566 ... python tests/bed/demo_upgrade.py [--no-rebake]

1. Checks that the emulator answers and that the demo stack exists (else: run `make demo`).
2. Rebakes the demo images through tests/bed/demo_images.py with ONE changed input, CHANGE below: the agents get one
   more Debian package (jenkins_agent_packages, "packages builds need besides git"), the kind of change an agent image
   is rebaked for. The bake variables are one input of both images (images.yml hashes them whole), so the packer_build
   module builds a new controller AMI and a new agent AMI and records them under /jenkins-ha/<stack>/ami/<role>.
   The same input on the next run: both images are reused (unless the collection's own files changed meanwhile:
   every file of the collection is an image input too). `--no-rebake` skips the bake.
3. playbooks/launch_templates.yml: a launch template version with the recorded image for each group (site.yml's step;
   asgs.yml keeps every existing group on the version it has, so nothing is replaced yet).
4. Starts what upgrade.yml talks to and the demo's emulated controller lacks (it has no host): the Jenkins stand-in
   (tests/fakes/jenkins, the jar the demo image carries) on a loopback port, with the stack's admin user and the
   password recorded in SSM, and one EC2 Fleet cloud per agent group of the stack, so that quiet-down, the agents'
   drain and /login are answered as by a controller. It is NOT the stack's controller: that one is an emulated
   instance whose image nothing runs; the stand-in answers for it (jenkins_ha_upgrade_jenkins_url).
5. Runs `ansible-playbook -i inventory/demo playbooks/upgrade.yml` with a JSON report under tests/output/demo-upgrade/,
   prints the timeline and the report.
6. Checks the end state and prints it: every instance of every group of the stack runs the image recorded in SSM for
   its role, and the launch template version the group launches (or, while a refresh of it is active or baking, the
   version that refresh gives the group when it succeeds, as AWS describes it) carries that image; the controller's
   group has exactly one instance. The emulator (moto) reports every instance of a group on the template's default
   version whatever it was launched with, so the instance's own image is what is checked, not that field.

Exit status non-zero when a step or the end state fails. Stops the stand-in it started; leaves the emulator running.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import boto3
import yaml

ROOT = Path(__file__).resolve().parents[2]
# Run as a script: the repository root makes `tests` importable, .collections the collection's filters.
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / ".collections"))
# pylint: disable=wrong-import-position
from tests.bed import demo_images
from tests.integration.test_standin_fleet import FLEET_CLOUD
from tests.unit.fakes.conftest import REAL_SCHEMAS, StandIn, StandInWar, build_standin_war, java_for, role_core_version
from tests.unit.fakes.standin_helpers import VALID, write_plugin

INVENTORY = ROOT / "inventory" / "demo"
OUTPUT = ROOT / "tests" / "output" / "demo-upgrade"
STATE_DIR = ROOT / ".emulator" / "demo-upgrade"
# The one input the demo changes: a real upgrade input of the agent image (a package the builds need).
CHANGE = ("jenkins_agent_packages", ["jq"])
# The demo's stand-in answers at once: poll every 2 s instead of 15; a new controller has 300 s (not 900) to be
# healthy, which also makes its refresh bake 600 s (upgrade.yml: the health timeout + 300 s).
UPGRADE_OPTIONS = {"jenkins_ha_upgrade_poll_interval": 2, "jenkins_ha_upgrade_health_timeout": 300}
ACTIVE = ("Pending", "InProgress", "Baking")
RECAP = re.compile(r"^localhost\s*:\s*ok=\d+\s+changed=(\d+)\s.*failed=(\d+)", re.M)
# The task of upgrade.yml that writes the JSON report this script asks for: a change on this machine, not the stack.
REPORT_TASK = "Write the JSON report"

TAG_STACK, TAG_COMPONENT, TAG_POOL = "jenkins-ha:stack", "jenkins-ha:component", "jenkins-ha:pool"


def say(message):
    print("demo upgrade: " + message, flush=True)


def stack_vars():
    return yaml.safe_load((INVENTORY / "group_vars" / "all.yml").read_text())


def emulator_answers():
    """The emulator's own status check (tests/emulator/emulatorctl.py) at AWS_ENDPOINT_URL's port."""
    endpoint = urllib.parse.urlparse(os.environ["AWS_ENDPOINT_URL"])
    command = [sys.executable, str(ROOT / "tests" / "emulator" / "emulatorctl.py"), "status"]
    command += ["--port", str(endpoint.port or 80)]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def stack_groups(autoscaling, stack):
    """The stack's Auto Scaling groups (its stack tag), each with its component and pool tags."""
    groups = []
    for page in autoscaling.get_paginator("describe_auto_scaling_groups").paginate():
        for group in page["AutoScalingGroups"]:
            tags = {t["Key"]: t["Value"] for t in group.get("Tags", [])}
            if tags.get(TAG_STACK) == stack:
                groups.append(dict(group, component=tags.get(TAG_COMPONENT), pool=tags.get(TAG_POOL)))
    return sorted(groups, key=lambda g: (g["component"] != "controller", g["AutoScalingGroupName"]))


def recorded_images(ssm, stack):
    """role -> the AMI id recorded under /jenkins-ha/<stack>/ami/<role> (images.yml)."""
    path = "/jenkins-ha/{0}/ami/".format(stack)
    records = {}
    for page in ssm.get_paginator("get_parameters_by_path").paginate(Path=path):
        for parameter in page["Parameters"]:
            role = parameter["Name"][len(path) :]
            if role in ("controller", "agent"):
                records[role] = parameter["Value"]
    return records


def template_of(spec_holder):
    """The launch template specification a group (or a refresh's DesiredConfiguration) launches from."""
    policy = spec_holder.get("MixedInstancesPolicy")
    if policy:
        return policy["LaunchTemplate"]["LaunchTemplateSpecification"]
    return spec_holder.get("LaunchTemplate")


def version_image(ec2, spec):
    """(version number, image id) of a launch template specification; $Latest/$Default resolved as EC2 does."""
    key = {"LaunchTemplateId": spec["LaunchTemplateId"]} if spec.get("LaunchTemplateId") else {}
    key = key or {"LaunchTemplateName": spec["LaunchTemplateName"]}
    [version] = ec2.describe_launch_template_versions(Versions=[str(spec.get("Version") or "$Default")], **key)[
        "LaunchTemplateVersions"
    ]
    return version["VersionNumber"], version["LaunchTemplateData"].get("ImageId")


def end_state(autoscaling, ec2, ssm, stack):
    """(lines to print, ok): every group's instances and launch template version against the recorded images."""
    records = recorded_images(ssm, stack)
    groups = stack_groups(autoscaling, stack)
    lines, ok = [], bool(groups)
    if not groups:
        lines.append("no Auto Scaling group is tagged {0}={1}: run `make demo`".format(TAG_STACK, stack))
    for group in groups:
        name, role = group["AutoScalingGroupName"], group["component"]
        recorded = records.get(role)
        problems = [] if recorded else ["no image recorded under /jenkins-ha/{0}/ami/{1}".format(stack, role)]
        refreshes = autoscaling.describe_instance_refreshes(AutoScalingGroupName=name, MaxRecords=1)
        latest = (refreshes["InstanceRefreshes"] or [None])[0]
        if latest and latest["Status"] in ACTIVE and latest.get("DesiredConfiguration"):
            spec = template_of(latest["DesiredConfiguration"])
            how = "refresh {0}: the group takes it when the refresh succeeds".format(latest["Status"])
        else:
            spec, how = template_of(group), "the group's"
        number, image = version_image(ec2, spec)
        if image != recorded:
            problems.append("version {0} has image {1}, not the recorded {2}".format(number, image, recorded))
        ids = [i["InstanceId"] for i in group["Instances"]]
        running = {}
        if ids:
            for reservation in ec2.describe_instances(InstanceIds=ids)["Reservations"]:
                running.update({i["InstanceId"]: i["ImageId"] for i in reservation["Instances"]})
        for instance in group["Instances"]:
            if running.get(instance["InstanceId"]) != recorded:
                problems.append(
                    "{0} ({1}) runs {2}".format(
                        instance["InstanceId"], instance["LifecycleState"], running.get(instance["InstanceId"])
                    )
                )
        if role == "controller" and len(ids) != 1:
            problems.append("{0} instances, not exactly one".format(len(ids)))
        pool = " (pool {0})".format(group["pool"]) if group.get("pool") else ""
        lines.append(
            "{0} {1}{2}: launch template {3} version {4} ({5}) image {6}; {7} instance(s){8}{9}".format(
                "OK  " if not problems else "FAIL",
                name,
                pool,
                spec.get("LaunchTemplateName") or spec.get("LaunchTemplateId"),
                number,
                how,
                image,
                len(ids),
                ", each on " + str(recorded) if ids and not problems else "",
                "" if not problems else ": " + "; ".join(problems),
            )
        )
        ok = ok and not problems
    return lines, ok


def rebake():
    """demo_images.py with the one changed input; (images before, after)."""
    name, value = CHANGE
    say(
        "the changed input: {0}={1} (tests/bed/demo-bake-vars.yml has none: one more Debian package on the "
        "agents). The bake variables are an input of both images, so both are rebuilt.".format(name, json.dumps(value))
    )
    command = [sys.executable, str(ROOT / "tests" / "bed" / "demo_images.py")]
    command += ["--bake-var", "{0}={1}".format(name, json.dumps(value))]
    say(" ".join(["python"] + [str(Path(c).relative_to(ROOT)) if c.startswith(str(ROOT)) else c for c in command[1:]]))
    subprocess.run(command, cwd=ROOT, check=True)


def playbook(path, *extra, log=None):
    """ansible-playbook -i inventory/demo <path> with extra vars (JSON), streamed; (rc, output)."""
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(INVENTORY), str(path)]
    for variables in extra:
        command += ["-e", json.dumps(variables, sort_keys=True)]
    say(shlex.join(["ansible-playbook", "-i", "inventory/demo", str(Path(path).relative_to(ROOT))] + command[4:]))
    env = dict(os.environ)
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(ROOT / ".collections"))
    env.setdefault("ANSIBLE_CONFIG", str(ROOT / "ansible.cfg"))
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    for line in proc.stdout:
        sys.stdout.write(line)
        output.append(line)
    text = "".join(output)
    if log:
        log.write_text(text)
    return proc.wait(), text


def standin_war():
    """The Jenkins stand-in: the jar the demo image carries (the role's core) when a Java here runs that core, else
    the newest pinned core that runs here, as tests/integration/conftest.py's standin_war fixture chooses."""
    core = role_core_version()
    if java_for(core, REAL_SCHEMAS):
        return StandInWar(demo_images.stand_in_war(), core, REAL_SCHEMAS)
    cores = sorted(
        (p.stem for p in (REAL_SCHEMAS / "core").glob("*.json")), key=lambda v: [int(x) for x in v.split(".")]
    )
    older = next((c for c in reversed(cores) if java_for(c, REAL_SCHEMAS)), None)
    if older is None:
        raise SystemExit("demo upgrade: no Java here runs a core the stand-in can be built for")

    class Scratch:  # build_standin_war's tmp_path_factory: only mktemp is called
        @staticmethod
        def mktemp(name):
            STATE_DIR.mkdir(parents=True, exist_ok=True)
            return Path(tempfile.mkdtemp(prefix=name, dir=STATE_DIR))

    say("Java here does not run core {0}: the stand-in is built as core {1}".format(core, older))
    return build_standin_war(Scratch(), core=older)


def start_standin(groups, username, password):
    """The stand-in with the stack's admin and one EC2 Fleet cloud per agent group (the emulator's AWS variables)."""
    agents = [g for g in groups if g["component"] == "agent"]
    clouds = [
        FLEET_CLOUD.format(group=g["AutoScalingGroupName"], cloud=g.get("pool") or g["AutoScalingGroupName"])
        .replace("minSize: 0", "minSize: {0}".format(g["MinSize"]))
        .replace("maxSize: 4", "maxSize: {0}".format(g["MaxSize"]))
        for g in agents
    ]
    # The role's JCasC output as the stand-in tests use it, plus the clouds.
    document = VALID
    if clouds:
        document = document.replace(
            "unclassified:\n", clouds[0] + "".join(c.replace("  clouds:\n", "") for c in clouds[1:]) + "unclassified:\n"
        )
    document = document.replace("- id: admin\n", "- id: {0}\n".format(json.dumps(username)), 1)
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    standin = StandIn(standin_war(), Path(tempfile.mkdtemp(prefix="standin-", dir=STATE_DIR)))
    standin.casc.write_text(document)
    (standin.secrets / "JENKINS_ADMIN_PASSWORD").write_text(password + "\n")
    plugins = standin.home / "plugins"
    plugins.mkdir()
    for name, pin in json.loads((REAL_SCHEMAS / "pins.json").read_text())["plugins"].items():
        write_plugin(plugins / (name + ".jpi"), Short_Name=name, Plugin_Version=pin["version"])
    standin.start()
    say(
        "Jenkins stand-in (tests/fakes/jenkins, pid {0}) at {1} answers for the demo's controller, which has no host: "
        "admin {2} with the password recorded in SSM, EC2 Fleet clouds over {3}; log {4}".format(
            standin.proc.pid,
            standin.url,
            username,
            ", ".join(g["AutoScalingGroupName"] for g in agents) or "no agent group",
            standin.log.relative_to(ROOT),
        )
    )
    return standin


def fleet_agents(standin, groups, username, password):
    """One agent per agent group with none, launched by the stand-in's EC2 Fleet plugin on the group's current version
    (as a queued build makes the plugin do; the demo's pools start empty), then the plugin's update, so that every
    agent is a Jenkins node upgrade.yml drains. Returns node name -> offline."""
    auth = {"Authorization": "Basic " + base64.b64encode("{0}:{1}".format(username, password).encode()).decode()}

    def post(path):
        request = urllib.request.Request(standin.url + path, data=b"", method="POST", headers=auth)
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    for group in groups:
        if group["component"] == "agent" and not group["Instances"]:
            cloud = group.get("pool") or group["AutoScalingGroupName"]
            post("/fake/fleet/provision?cloud={0}&count=1".format(urllib.parse.quote(cloud)))
            say(
                "the stand-in's EC2 Fleet cloud {0} provisions one agent in {1}".format(
                    cloud, group["AutoScalingGroupName"]
                )
            )
    # The first update raises the groups' capacity, the second finds the new instances (the plugin's own order).
    post("/fake/fleet/update")
    post("/fake/fleet/update")
    request = urllib.request.Request(standin.url + "/computer/api/json", headers=auth)
    with urllib.request.urlopen(request, timeout=30) as answer:
        computers = json.loads(answer.read())["computer"][1:]
    nodes = {c["displayName"]: c["offline"] for c in computers}
    say("Jenkins nodes: " + (", ".join(sorted(nodes)) or "none"))
    return nodes


def changed_tasks(output):
    """The names of the tasks a playbook's default output shows as changed, in order, each once."""
    names, task = [], None
    for line in output.splitlines():
        started = re.match(r"^TASK \[(.*)\] \*+$", line)
        if started:
            task = started.group(1)
        elif line.startswith("changed:") and task and task not in names:
            names.append(task)
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--no-rebake", action="store_true", help="skip the bake: roll what SSM records now")
    args = parser.parse_args()
    if not os.environ.get("AWS_ENDPOINT_URL"):
        raise SystemExit("demo upgrade: AWS_ENDPOINT_URL is not set: the demo upgrades the emulator's stack only")
    if not emulator_answers():
        raise SystemExit(
            "demo upgrade: the emulator is not running at {0}: run `make demo`".format(os.environ["AWS_ENDPOINT_URL"])
        )
    stack = stack_vars()["jenkins_ha_stack_name"]
    autoscaling, ec2, ssm = boto3.client("autoscaling"), boto3.client("ec2"), boto3.client("ssm")
    before = recorded_images(ssm, stack)
    controller = [g for g in stack_groups(autoscaling, stack) if g["component"] == "controller"]
    if set(before) != {"controller", "agent"} or not controller:
        raise SystemExit(
            "demo upgrade: the demo stack {0} is not on the emulator (no recorded images or no controller group): "
            "run `make demo`".format(stack)
        )

    OUTPUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    if args.no_rebake:
        say("--no-rebake: the images recorded now are rolled")
    else:
        rebake()
    after = recorded_images(ssm, stack)
    for role in ("controller", "agent"):
        say(
            "{0} image: {1} -> {2}{3}".format(
                role, before[role], after[role], "" if after[role] != before[role] else " (unchanged)"
            )
        )

    rc, dummy = playbook(ROOT / "playbooks" / "launch_templates.yml", {"jenkins_ha_ami_ids": {}})
    if rc != 0:
        raise SystemExit("demo upgrade: playbooks/launch_templates.yml failed (rc {0})".format(rc))

    parameters = {
        p["Name"].rsplit("/", 1)[1]: p["Value"]
        for p in ssm.get_parameters(
            Names=["/jenkins-ha/{0}/controller/{1}".format(stack, n) for n in ("admin-username", "admin-password")],
            WithDecryption=True,
        )["Parameters"]
    }
    if set(parameters) != {"admin-username", "admin-password"}:
        raise SystemExit("demo upgrade: the stack's admin records are missing in SSM: run `make demo`")
    username, password = parameters["admin-username"], parameters["admin-password"]
    standin = start_standin(stack_groups(autoscaling, stack), username, password)
    report = OUTPUT / "upgrade-{0}.json".format(stamp)
    try:
        fleet_agents(standin, stack_groups(autoscaling, stack), username, password)
        rc, output = playbook(
            ROOT / "playbooks" / "upgrade.yml",
            {"jenkins_ha_ami_ids": {}},
            dict(UPGRADE_OPTIONS, jenkins_ha_upgrade_jenkins_url=standin.url, jenkins_ha_upgrade_report=str(report)),
            log=OUTPUT / "upgrade-{0}.log".format(stamp),
        )
    finally:
        standin.stop()
        say("stopped the Jenkins stand-in")

    from ansible_collections.jenkins_ha.aws.plugins.filter.upgrade_plan import (  # pylint: disable=import-outside-toplevel
        upgrade_timeline,
    )

    recap = RECAP.search(output)
    changed = changed_tasks(output)
    print()
    say(
        "upgrade.yml exited {0}; {1}; changed tasks: {2}".format(
            rc,
            "changed={0} failed={1}".format(*recap.groups()) if recap else "no recap",
            ", ".join(changed) or "none",
        )
    )
    if report.is_file():
        data = json.loads(report.read_text())
        say("timeline:")
        print("\n".join("  " + line for line in upgrade_timeline(data)))
        say("report {0}:".format(report.relative_to(ROOT)))
        print(json.dumps(data, indent=2))
    else:
        say("no report was written ({0})".format(report.relative_to(ROOT)))
    if rc == 0 and not [task for task in changed if task != REPORT_TASK]:
        say(
            "upgrade.yml had nothing to do: 0 changed on the stack and in Jenkins{0}".format(
                " (its one change: writing the new report file)" if changed else ""
            )
        )

    lines, ok = end_state(autoscaling, ec2, ssm, stack)
    say("end state:")
    print("\n".join("  " + line for line in lines))
    if rc != 0 or not ok:
        raise SystemExit("demo upgrade: FAILED ({0})".format("upgrade.yml rc {0}".format(rc) if rc else "end state"))
    say("every instance of every group runs the launch template version with its recorded image; one controller")


if __name__ == "__main__":
    main()
