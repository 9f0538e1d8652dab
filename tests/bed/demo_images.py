"""The demo's image step: playbooks/images.yml with real Packer against the emulator (run by `make demo`).

    AWS_ENDPOINT_URL=http://127.0.0.1:4566 ... python tests/bed/demo_images.py [--bake auto|roles|stand-in] [--force]
        [--bake-var NAME=YAML ...]
    python tests/bed/demo_images.py --remove-build-hosts

For each image role (controller, agent) it keeps a long-lived build host container, jenkins-ha-demo-buildhost-<role>
(sshd on a loopback port recorded in .emulator/<name>.json, key .emulator/<name>.key), running the release of BASE
(images.yml's default base, Debian 13: the one that ships the Java 21 Jenkins needs), registers the Debian base AMIs
in the emulator, then runs `ansible-playbook -i inventory/demo playbooks/images.yml` for that role. The packer_build
module rebuilds only when the image's inputs changed: a rerun with unchanged inputs reuses both AMIs without Packer.
One build host per role, so one image's bake never sees the other's; unlike Packer's fresh instance on AWS, a rebuild
re-applies the role on the build host of the previous bake (`--remove-build-hosts` starts them afresh).

`--bake-var NAME=YAML` sets one role variable of the bake on top of tests/bed/demo-bake-vars.yml (`make demo-upgrade`
changes one input this way): the bake variables are an input of both images, so both are rebuilt.

Bake content: the real roles (jenkins_controller, jenkins_agent) when they can bake offline here (the controller from
the Jenkins stand-in and a fake update center staged on the build host, see tests/bed/demo-bake-vars.yml), else a
stand-in bake that only writes a marker file; the output says which and why.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import yaml

ROOT = Path(__file__).resolve().parents[2]
# Run as a script (`python tests/bed/demo_images.py`): the repository root makes `tests.bed` importable.
sys.path.insert(0, str(ROOT))
from tests.bed import buildhost

STATE_DIR = ROOT / ".emulator"
BUILD_HOST_PREFIX = "jenkins-ha-demo-buildhost-"
PLAYBOOK = ROOT / "playbooks" / "images.yml"
EMULATOR_VARS = ROOT / "tests" / "integration" / "files" / "images-emulator.yml"
BAKE_VARS = ROOT / "tests" / "bed" / "demo-bake-vars.yml"
FAKE_JENKINS = ROOT / "tests" / "fakes" / "jenkins"
FAKE_UPDATE_CENTER = ROOT / "molecule" / "jenkins_controller" / "files" / "make_fake_update_center.py"
SCHEMAS = ROOT / "plugins" / "module_utils" / "jcasc" / "schemas"
SUMMARY = re.compile(r"(controller|agent): (build|reuse) (ami-[0-9a-f]+)")
# The base the demo bakes on, images.yml's default; the build hosts run its release.
BASE = "debian13"


def say(message):
    print("demo images: " + message, flush=True)


def real_roles_unavailable():
    """Why the real roles cannot bake offline here, or None."""
    for role in buildhost.ROLES:
        if not (ROOT / "roles" / ("jenkins_" + role) / "tasks" / "main.yml").is_file():
            return "roles/jenkins_{0} is missing".format(role)
    if not (FAKE_JENKINS / "build.sh").is_file() or not FAKE_UPDATE_CENTER.is_file():
        return "the offline sources (tests/fakes/jenkins, {0}) are missing".format(FAKE_UPDATE_CENTER.relative_to(ROOT))
    for tool in ("javac", "jar"):
        if not shutil.which(tool):
            return "{0} is not installed (a JDK builds the Jenkins stand-in)".format(tool)
    return None


def stand_in_war():
    """The Jenkins stand-in jar, built into .emulator/ when missing or older than its sources."""
    war = STATE_DIR / "demo-bake" / "jenkins.war"
    sources = [p for p in (FAKE_JENKINS / "src").rglob("*") if p.is_file()]
    if not war.is_file() or any(p.stat().st_mtime > war.stat().st_mtime for p in sources):
        say("building the Jenkins stand-in (tests/fakes/jenkins/build.sh)")
        subprocess.run([str(FAKE_JENKINS / "build.sh"), str(war.parent)], check=True, stdout=subprocess.DEVNULL)
    return war


def fake_update_center_archive(base_url):
    """A tar of the fake update center, written here with the collection's JCasC schemas (as molecule's prepare
    does): each pinned plugin then requires the dependencies and core its pom names, so the image's manifest holds
    the plugin set a real resolution gives and configure.yml's pre-flight judges the demo image as a real one."""
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [sys.executable, str(FAKE_UPDATE_CENTER), scratch, base_url, str(SCHEMAS)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return subprocess.run(["tar", "-C", scratch, "-c", "."], check=True, capture_output=True).stdout


def stage_offline_sources(host, bake_vars):
    """Put the stand-in jenkins.war and the fake update center where the bake variables say, on the build host."""
    war_path = bake_vars["jenkins_controller_war_path"]
    update_center = bake_vars["jenkins_controller_update_center_dir"]
    commands = [
        ["mkdir", "-p", os.path.dirname(war_path), update_center],
        ["sh", "-c", 'cat > "$1"', "sh", war_path],
        ["tar", "-C", update_center, "-x"],
    ]
    inputs = [b"", stand_in_war().read_bytes(), fake_update_center_archive("file://" + update_center)]
    for command, data in zip(commands, inputs):
        proc = subprocess.run(
            ["podman", "exec", "-i", host.name, *command], input=data, capture_output=True, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError("staging on {0} failed: {1}".format(host.name, proc.stderr.decode(errors="replace")))


def bake_inputs(mode):
    """(jenkins_ha_images_role_paths, extra packer variables, jenkins_ha_images_bake_vars) for the bake mode."""
    if mode == "roles":
        # images.yml's baked roles, plus the offline sources: a changed stand-in or update center rebuilds too.
        baked = {
            "controller": ["jenkins_controller", "efs_mount", "node_exporter", "cloudwatch_agent", "instance_boot"],
            "agent": ["jenkins_agent", "node_exporter", "cloudwatch_agent", "instance_boot"],
        }
        role_paths = {role: [str(ROOT / "roles" / name) for name in names] for role, names in baked.items()}
        role_paths["controller"] += [str(FAKE_JENKINS / "src"), str(FAKE_UPDATE_CENTER.parent)]
        return role_paths, {}, yaml.safe_load(BAKE_VARS.read_text())
    roles_dir, variables = buildhost.write_bake_inputs(STATE_DIR / "demo-stand-in", "minimal", ROOT)
    return {r: [str(roles_dir / ("jenkins_" + r))] for r in buildhost.ROLES}, variables, {}


def bake_var(text):
    """argparse type of --bake-var: NAME=YAML -> (name, value)."""
    name, sep, value = text.partition("=")
    if not sep or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise argparse.ArgumentTypeError("expected NAME=YAML (a role variable), got {0!r}".format(text))
    try:
        return name, yaml.safe_load(value)
    except yaml.YAMLError as e:
        raise argparse.ArgumentTypeError("{0}: the value is not YAML: {1}".format(name, e)) from e


def run_images(role, host, base_variables, role_paths, packer_variables, bake_vars, force):
    extra = {
        "jenkins_ha_images_base": BASE,
        "jenkins_ha_images_roles": [role],
        "jenkins_ha_images_role_paths": {role: role_paths[role]},
        "jenkins_ha_images_packer_variables": dict(base_variables, **packer_variables),
        "jenkins_ha_images_bake_vars": bake_vars,
        "jenkins_ha_images_force": force,
    }
    extra_file = STATE_DIR / "demo-images-{0}.json".format(role)
    extra_file.write_text(json.dumps(extra, indent=2, sort_keys=True) + "\n")
    env = dict(os.environ, **host.env())
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(ROOT / ".collections"))
    env.setdefault("ANSIBLE_CONFIG", str(ROOT / "ansible.cfg"))
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        str(ROOT / "inventory" / "demo"),
        str(PLAYBOOK),
        "-e",
        "@" + str(EMULATOR_VARS),
        "-e",
        "@" + str(extra_file),
    ]
    say(
        "ansible-playbook -i inventory/demo playbooks/images.yml -e @{0} -e @{1}".format(
            EMULATOR_VARS.relative_to(ROOT), extra_file.relative_to(ROOT)
        )
    )
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    summary = None
    for line in proc.stdout:
        sys.stdout.write(line)
        match = SUMMARY.search(line)
        if match and match.group(1) == role:
            summary = match.group(2, 3)
    sys.stdout.flush()
    if proc.wait() != 0:
        raise SystemExit(
            "demo images: playbooks/images.yml failed for the {0} image (rc {1})".format(role, proc.returncode)
        )
    if summary is None:
        raise SystemExit("demo images: playbooks/images.yml printed no summary line for the {0} image".format(role))
    return summary


def remove_build_hosts():
    for role in buildhost.ROLES:
        name = BUILD_HOST_PREFIX + role
        buildhost.remove_container(name)
        (STATE_DIR / (name + ".json")).unlink(missing_ok=True)
        say("removed build host {0}".format(name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--bake", choices=["auto", "roles", "stand-in"], default="auto")
    parser.add_argument("--force", action="store_true", help="build even when an image with the same inputs exists")
    parser.add_argument("--remove-build-hosts", action="store_true", help="remove the build host containers and exit")
    parser.add_argument(
        "--bake-var",
        type=bake_var,
        action="append",
        default=[],
        metavar="NAME=YAML",
        help="a role variable for the bake, over tests/bed/demo-bake-vars.yml (repeatable)",
    )
    args = parser.parse_args()
    STATE_DIR.mkdir(exist_ok=True)
    if args.remove_build_hosts:
        remove_build_hosts()
        return
    if not os.environ.get("AWS_ENDPOINT_URL"):
        raise SystemExit("demo images: AWS_ENDPOINT_URL is not set: the demo builds images in the emulator only")

    subprocess.run(
        [str(ROOT / "tests" / "containers" / "build-image.sh"), buildhost.BUILD_HOST_SUITES[BASE]], check=True
    )
    missing = buildhost.missing_tool(BASE)
    if missing:
        raise SystemExit("demo images: cannot build images: " + missing)

    unavailable = real_roles_unavailable() if args.bake != "stand-in" else "--bake stand-in was asked for"
    if args.bake == "roles" and unavailable:
        raise SystemExit("demo images: --bake roles, but " + unavailable)
    mode = "stand-in" if unavailable else "roles"
    if mode == "roles":
        say(
            "baking the REAL roles jenkins_ha.aws.jenkins_controller and jenkins_agent (bake phase); the controller "
            "installs the Jenkins stand-in jar and plugins from a fake update center (no Jenkins downloads here), "
            "the agent its Debian packages (openjdk-21) through apt; base " + BASE
        )
    else:
        say("baking a STAND-IN (a minimal play that writes a marker file), not the real roles: " + unavailable)

    base_variables = buildhost.register_base_images(boto3.client("ec2"))
    say("Debian base AMIs registered in the emulator ({0})".format(os.environ["AWS_ENDPOINT_URL"]))
    role_paths, packer_variables, bake_vars = bake_inputs(mode)
    for name, value in args.bake_var:
        say("bake variable {0}={1} (was {2})".format(name, json.dumps(value), json.dumps(bake_vars.get(name))))
        if mode != "roles":
            say("the stand-in bake applies no role: {0} changes the images' inputs, not what they hold".format(name))
        bake_vars[name] = value

    results = {}
    for role in buildhost.ROLES:
        started = time.monotonic()
        host = buildhost.reused_or_started_build_host(
            BUILD_HOST_PREFIX + role, STATE_DIR, image=buildhost.BUILD_HOST_IMAGES[BASE], log=say
        )
        if mode == "roles" and role == "controller":
            stage_offline_sources(host, bake_vars)
        results[role] = run_images(role, host, base_variables, role_paths, packer_variables, bake_vars, args.force)
        say("{0}: {1} {2} ({3:.0f} s)".format(role, *results[role], time.monotonic() - started))

    reused = [r for r in buildhost.ROLES if results[r][0] == "reuse"]
    say(
        "{0} bake; {1}".format(
            "real-roles" if mode == "roles" else "stand-in",
            ", ".join("{0} {1} {2}".format(r, *results[r]) for r in buildhost.ROLES),
        )
    )
    if len(reused) == len(buildhost.ROLES):
        say("inputs unchanged: Packer skipped, both AMIs reused")
    say("AMI ids recorded in SSM /jenkins-ha/<stack>/ami/<role>, where site.yml reads them")


if __name__ == "__main__":
    main()
