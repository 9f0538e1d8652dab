"""Emulated EC2 instances backed by real systems: one podman container per instance.

Each container runs sshd; its instance is launched in the test's emulator with the stack's tags plus test-only tags
naming the container and its address. The jenkins_ec2 inventory written next to them maps each host to its
container with `compose: {ansible_host: tags[...]}` and reaches it over SSH as root with a test key, as
production reaches agents over SSH (connection="podman" uses containers.podman.podman instead, without sshd: same
hosts, about ten times slower per task under load). So the housekeeping playbooks find hosts exactly as in
production, by the inventory plugin, and their tasks really run on a system.
"""

import contextlib
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

IMAGE = "localhost/jenkins-ha-debian12"
CONTAINER_TAG = "jenkins-ha-test:container"
ADDRESS_TAG = "jenkins-ha-test:address"
SSH_OPTIONS = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
AGENT_USER, AGENT_HOME = "jenkins", "/var/lib/jenkins-agent"
# Where sshd reads the agent user's keys (root-owned, outside the home builds can write: roles/jenkins_agent).
AGENT_KEYS = "/etc/ssh/authorized_keys/" + AGENT_USER


def podman(*args, check=True, input=None):
    return subprocess.run(
        ["podman", *args], check=check, capture_output=True, text=True, input=input, timeout=120
    ).stdout


def ensure_image():
    if not shutil.which("podman"):
        pytest.skip("podman is needed for container-backed hosts")
    if subprocess.run(["podman", "image", "exists", IMAGE], check=False).returncode != 0:
        from tests.integration.harness import ROOT

        subprocess.run([str(ROOT / "tests" / "containers" / "build-image.sh"), "bookworm"], check=True)


class Host:
    """One emulated instance and the container standing in for it."""

    def __init__(self, instance_id, container, component):
        self.instance_id, self.container, self.component = instance_id, container, component

    def sh(self, script, check=True, input=None):
        return podman("exec", "-i", self.container, "sh", "-c", script, check=check, input=input)

    def python(self, code):
        return podman("exec", "-i", self.container, "python3", "-", input=code)

    def read(self, path):
        return podman("exec", self.container, "cat", path)

    @property
    def address(self):
        return podman("inspect", "-f", "{{.NetworkSettings.IPAddress}}", self.container).strip()


class Fleet:
    """Instances of one stack in the emulator, their containers and a jenkins_ec2 inventory file listing them."""

    def __init__(self, emulator, stack, inventory_dir, connection="ssh"):
        self.emulator, self.stack, self.connection = emulator, stack, connection
        self.inventory = inventory_dir / "{0}.jenkins_ec2.yml".format(stack)
        self.root_key = inventory_dir / "{0}-root-key".format(stack)
        self.hosts = []
        if connection == "ssh":
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.root_key)], check=True, timeout=60
            )

    def launch(self, component, count, prepare=""):
        """Launch count instances of a component, each with a running container; prepare is run in each."""
        ec2 = self.emulator.client("ec2")
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        added = []
        for _index in range(count):
            container = "jha-{0}-{1}".format(component, uuid.uuid4().hex[:8])
            # A plain long sleep as PID 1: no systemd boot to wait for; python3 and sshd are in the image.
            podman("run", "-d", "--name", container, "--hostname", container, IMAGE, "sleep", "infinity")
            host = Host(None, container, component)
            self.hosts.append(host)
            setup = [prepare] if prepare else []
            if self.connection == "ssh":
                setup.insert(0, SSHD_SCRIPT)
            if setup:
                public_key = Path(str(self.root_key) + ".pub").read_text() if self.connection == "ssh" else None
                host.sh(" && ".join(setup), input=public_key)
            tags = {
                "jenkins-ha:stack": self.stack,
                "jenkins-ha:component": component,
                CONTAINER_TAG: container,
                ADDRESS_TAG: host.address,
            }
            spec = [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
            instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=spec)
            host.instance_id = instance["Instances"][0]["InstanceId"]
            added.append(host)
        self.write_inventory()
        return added

    def write_inventory(self):
        if self.connection == "ssh":
            compose = {
                "ansible_host": "tags['{0}']".format(ADDRESS_TAG),
                "ansible_user": "'root'",
                "ansible_ssh_private_key_file": "'{0}'".format(self.root_key),
                "ansible_ssh_common_args": "'{0}'".format(SSH_OPTIONS),
            }
        else:
            compose = {
                "ansible_host": "tags['{0}']".format(CONTAINER_TAG),
                "ansible_connection": "'containers.podman.podman'",
            }
        compose["ansible_python_interpreter"] = "'/usr/bin/python3'"
        config = {
            "plugin": "jenkins_ha.aws.jenkins_ec2",
            "regions": ["us-east-1"],
            "stacks": [self.stack],
            "autoscaling": False,
            "compose": compose,
        }
        self.inventory.write_text(json.dumps(config, indent=2))

    def of(self, component):
        return [host for host in self.hosts if host.component == component]

    def remove(self):
        for host in self.hosts:
            podman("rm", "-f", "-t", "0", host.container, check=False)
        launched = [host.instance_id for host in self.hosts if host.instance_id]
        if launched:
            self.emulator.client("ec2").terminate_instances(InstanceIds=launched)


# sshd for root with the fleet's key read from stdin (host keys come with the image's openssh-server).
SSHD_SCRIPT = (
    "mkdir -p /run/sshd /root/.ssh && chmod 0700 /root/.ssh && cat > /root/.ssh/authorized_keys && /usr/sbin/sshd"
)

# The agent user as roles/jenkins_agent's bake phase creates it (home, .ssh, sshd reading the agent's keys from the
# root-owned AGENT_KEYS), without the packages. sshd already runs (SSHD_SCRIPT): restarted to read the drop-in.
AGENT_USER_SCRIPT = (
    "useradd --system --create-home --home-dir {home} --shell /bin/bash {user} && "
    "install -d -m 0700 -o {user} -g {user} {home}/.ssh && install -d -m 0755 {keys_dir} && "
    "printf 'Match User {user}\\n    AuthorizedKeysFile {keys_dir}/%%u\\n' > /etc/ssh/sshd_config.d/50-jenkins-agent.conf"
    " && if [ -e /run/sshd.pid ]; then kill $(cat /run/sshd.pid); while [ -e /run/sshd.pid ]; do sleep 0.1; done;"
    " /usr/sbin/sshd; fi"
).format(user=AGENT_USER, home=AGENT_HOME, keys_dir=AGENT_KEYS.rsplit("/", 1)[0])


@contextlib.contextmanager
def fleets(emulator, tmp_path):
    """Yields make(stack, connection="ssh") -> Fleet; every container and instance is removed on exit.
    The `fleet` fixture in conftest.py wraps it."""
    ensure_image()
    made = []

    def make(stack, connection="ssh"):
        made.append(Fleet(emulator, stack, tmp_path, connection))
        return made[-1]

    try:
        yield make
    finally:
        for one in made:
            one.remove()
