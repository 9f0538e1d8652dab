"""The Packer build host and base AMIs for playbooks/images.yml on the emulator (shared by the tests and the demo).

Packer's amazon-ebs builder launches and registers in the emulator, but the emulated instance does not exist: SSH
goes to a build host container instead (one image per base: localhost/jenkins-ha-debian12 or -debian13 from
tests/containers/build-image.sh bookworm|trixie, so the bake play runs on the base's release; systemd as PID 1, sshd
published on a loopback port, user admin with a generated key and passwordless sudo, as on Debian's AMIs). The base
AMIs are registered in the emulator with Debian's names.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

# The build host stands for the instance Packer launches from the base AMI: same Debian release as the base.
BUILD_HOST_IMAGES = {"debian12": "localhost/jenkins-ha-debian12", "debian13": "localhost/jenkins-ha-debian13"}
BUILD_HOST_SUITES = {"debian12": "bookworm", "debian13": "trixie"}
BUILD_HOST_IMAGE = BUILD_HOST_IMAGES["debian12"]
BUILD_IMAGE_SCRIPT = Path(__file__).resolve().parents[1] / "containers" / "build-image.sh"
BUILD_HOST_USER = "admin"
ROLES = ("controller", "agent")
LOCAL_CA_DIR = "/usr/local/share/ca-certificates"

# Run as root in the container: the user, its sudo rule and the public key read from stdin (rewritten each time, so
# a regenerated key replaces the old one).
_AUTHORIZE = (
    "id admin >/dev/null 2>&1 || useradd -m -s /bin/bash admin; install -d -m 0700 -o admin -g admin "
    "/home/admin/.ssh; echo 'admin ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/admin; chmod 0440 "
    "/etc/sudoers.d/admin; cat > /home/admin/.ssh/authorized_keys; chown admin: /home/admin/.ssh/authorized_keys"
)

MINIMAL_BAKE = """\
- name: Minimal bake (stand-in for the roles)
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: Apply the stand-in role
      ansible.builtin.include_role:
        name: "{{ jenkins_ha_test_roles_dir }}/jenkins_{{ jenkins_ha_bake_role }}"
"""

MINIMAL_ROLE_TASKS = """\
- name: Create the marker directory
  ansible.builtin.file:
    path: /var/lib/jenkins-ha-bake
    state: directory
    mode: "0755"
- name: Record that this role baked
  ansible.builtin.copy:
    dest: "/var/lib/jenkins-ha-bake/{{ jenkins_ha_bake_role }}"
    content: "{{ stand_in_revision }}\\n"
    mode: "0644"
"""


@dataclass
class BuildHost:
    name: str
    port: int
    key: Path

    def exec(self, *cmd):
        return subprocess.run(["podman", "exec", self.name, *cmd], capture_output=True, text=True, check=False)

    def env(self):
        """The environment tests/integration/files/images-emulator.yml reads."""
        return {
            "JENKINS_HA_BUILD_HOST_PORT": str(self.port),
            "JENKINS_HA_BUILD_HOST_KEY": str(self.key),
            "JENKINS_HA_BUILD_HOST_USER": BUILD_HOST_USER,
        }


def missing_tool(base="debian12"):
    """Why a build on `base` cannot run here (a tool or the base's build host image is missing), or None."""
    for tool in ("packer", "podman", "ssh-keygen", "ssh"):
        if not shutil.which(tool):
            return "{0} not installed".format(tool)
    if subprocess.run(["podman", "image", "exists", BUILD_HOST_IMAGES[base]], check=False).returncode != 0:
        return "{0} missing: run tests/containers/build-image.sh {1}".format(
            BUILD_HOST_IMAGES[base], BUILD_HOST_SUITES[base]
        )
    return None


def build_host_image(base):
    """The build host image for `base`, built by tests/containers/build-image.sh when missing (a no-op otherwise)."""
    subprocess.run([str(BUILD_IMAGE_SCRIPT), BUILD_HOST_SUITES[base]], check=True, capture_output=True)
    return BUILD_HOST_IMAGES[base]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def ensure_key(key):
    """An ed25519 key pair at `key` (created if missing), private part readable by the owner only."""
    key = Path(key)
    if not key.is_file() or not key.with_name(key.name + ".pub").is_file():
        key.unlink(missing_ok=True)
        key.with_name(key.name + ".pub").unlink(missing_ok=True)
        key.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "jenkins-ha-build-host", "-f", str(key)], check=True
        )
    key.chmod(0o600)
    return key


def run_container(name, port, image=BUILD_HOST_IMAGE):
    """Start the build host container (systemd as PID 1) with sshd published on 127.0.0.1:<port>."""
    subprocess.run(
        ["podman", "run", "-d", "--rm", "--name", name, "-p", "127.0.0.1:{0}:22".format(port), image, "/sbin/init"],
        check=True,
        capture_output=True,
    )


def remove_container(name):
    subprocess.run(["podman", "rm", "-f", "-t", "0", name], capture_output=True, check=False)


def authorize_and_wait(host, timeout=60):
    """Authorise the host's key for admin (with sudo) and wait until `ssh admin@127.0.0.1 sudo true` works."""
    public_key = host.key.with_name(host.key.name + ".pub").read_text()
    deadline = time.monotonic() + timeout
    while True:
        proc = subprocess.run(
            ["podman", "exec", "-i", host.name, "bash", "-c", _AUTHORIZE],
            input=public_key,
            capture_output=True,
            text=True,
            check=False,
        )
        ssh = subprocess.run(
            [
                "ssh",
                "-i",
                str(host.key),
                "-p",
                str(host.port),
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "ConnectTimeout=3",
                "{0}@127.0.0.1".format(BUILD_HOST_USER),
                "sudo",
                "true",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0 and ssh.returncode == 0:
            trust_local_cas(host)
            return host
        if time.monotonic() > deadline:
            raise RuntimeError("build host not reachable over SSH: {0} {1}".format(proc.stderr, ssh.stderr))
        time.sleep(1)


def trust_local_cas(host):
    """Trust this machine's local CAs (e.g. the test bed's egress proxy CA) in the build host, as molecule's
    prepare does: a bake that downloads over HTTPS (instance_boot's pip install) must get through the same proxy."""
    local = sorted(Path(LOCAL_CA_DIR).glob("*.crt"))
    if not local:
        return
    for certificate in local:
        subprocess.run(["podman", "cp", str(certificate), host.name + ":" + LOCAL_CA_DIR + "/"], check=True)
    subprocess.run(["podman", "exec", host.name, "update-ca-certificates"], capture_output=True, check=True)


@contextlib.contextmanager
def started_build_host(tmp, base="debian12"):
    """A throw-away build host running `base`'s release: free loopback port, key generated in `tmp`, container
    removed on exit."""
    key = ensure_key(Path(tmp) / "id_ed25519")
    port = free_port()
    name = "jh-images-test-{0}".format(port)
    run_container(name, port, BUILD_HOST_IMAGES[base])
    try:
        yield authorize_and_wait(BuildHost(name, port, key))
    finally:
        remove_container(name)


def _inspect(name, template):
    proc = subprocess.run(
        ["podman", "container", "inspect", "-f", template, name], capture_output=True, text=True, check=False
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def published_port(name):
    proc = subprocess.run(["podman", "port", name, "22/tcp"], capture_output=True, text=True, check=False)
    if proc.returncode != 0 or ":" not in proc.stdout:
        return None
    return int(proc.stdout.strip().splitlines()[0].rsplit(":", 1)[1])


def reused_or_started_build_host(name, state_dir, image=BUILD_HOST_IMAGE, log=print):
    """A long-lived build host named `name`: reused while it runs the current image, else (re)started.

    Its key is `<state_dir>/<name>.key` (0600) and its port is recorded in `<state_dir>/<name>.json`; a new
    container takes the recorded port again when it is free, so the build host keeps its address across restarts.
    """
    state_dir = Path(state_dir)
    state_file = state_dir / (name + ".json")
    key = ensure_key(state_dir / (name + ".key"))
    image_id = subprocess.run(
        ["podman", "image", "inspect", "-f", "{{.Id}}", image], capture_output=True, text=True, check=True
    ).stdout.strip()
    running = _inspect(name, "{{.State.Running}}") == "true"
    port = published_port(name) if running else None
    if running and port and _inspect(name, "{{.Image}}") == image_id:
        log("build host: reusing container {0} (sshd on 127.0.0.1:{1})".format(name, port))
    else:
        if running:
            log("build host: {0} runs an older {1}, replacing it".format(name, image))
        remove_container(name)
        recorded = json.loads(state_file.read_text()).get("port") if state_file.is_file() else None
        port = recorded if recorded and port_is_free(recorded) else free_port()
        run_container(name, port, image)
        log("build host: started container {0} (sshd on 127.0.0.1:{1})".format(name, port))
    host = authorize_and_wait(BuildHost(name, port, key))
    state_file.write_text(json.dumps({"name": name, "port": port, "key": str(key), "image": image}) + "\n")
    return host


def register_base_images(ec2):
    """Debian-named base AMIs in the emulator (idempotent); returns the packer variables that select the base."""
    images = {}
    for version in ("12", "13"):
        name = "debian-{0}-amd64-20250101-2000".format(version)
        found = ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [name]}])["Images"]
        if not found:
            image_id = ec2.register_image(
                Name=name,
                Architecture="x86_64",
                RootDeviceName="/dev/xvda",
                VirtualizationType="hvm",
                BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp3"}}],
            )["ImageId"]
            found = ec2.describe_images(ImageIds=[image_id])["Images"]
        images[version] = found[0]
    account = images["12"]["OwnerId"]
    if all(i.get("RootDeviceType") == "ebs" for i in images.values()):
        return {"source_ami_owners": [account]}
    # amazon-ebs refuses a source AMI whose root device type is not `ebs`, and stock moto registers every image as
    # `standard`. Until the compatibility layer fixes RegisterImage, bake from the EBS-backed AMI moto ships.
    warnings.warn(
        "emulator registers AMIs with RootDeviceType=standard: baking from moto's shipped ami-1e749f67 instead of "
        "the registered Debian base AMIs"
    )
    return {
        "source_ami_owners": ["099720109477"],
        "source_ami_name_patterns": {
            "debian12": "ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-%s-server-20170727",
            "debian13": "ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-%s-server-20170727",
        },
    }


def write_bake_inputs(directory, mode, root):
    """Role directories to hash and the packer variables of the bake.

    mode `roles`: copies of the real roles under `root`/roles, baked by the template's own bake.yml (no extra packer
    variables). Otherwise stand-in roles that only write /var/lib/jenkins-ha-bake/<role> (content: the
    `stand_in_revision` default, "one") and a minimal bake play that applies them.
    """
    directory = Path(directory)
    roles_dir = directory / "roles"
    for role in ROLES:
        target = roles_dir / ("jenkins_" + role)
        if mode == "roles":
            shutil.copytree(
                Path(root) / "roles" / ("jenkins_" + role), target, ignore=shutil.ignore_patterns("molecule")
            )
        else:
            (target / "tasks").mkdir(parents=True, exist_ok=True)
            (target / "defaults").mkdir(exist_ok=True)
            (target / "tasks" / "main.yml").write_text(MINIMAL_ROLE_TASKS)
            (target / "defaults" / "main.yml").write_text("stand_in_revision: one\n")
    if mode != "minimal":
        return roles_dir, {}
    bake = directory / "bake.yml"
    bake.write_text(MINIMAL_BAKE)
    return roles_dir, {"bake_playbook": str(bake), "bake_vars": {"jenkins_ha_test_roles_dir": str(roles_dir)}}
