"""keypair_rotation.yml end to end: agents and a controller are emulated instances backed by containers with sshd,
found by the jenkins_ec2 inventory; SSM, KMS and the EC2 key pair are in the emulator; the Jenkins stand-in runs on
this host at the controller URL the stack's SSM parameter names and answers the JCasC reload.

At every stop (injected failures included) the key in the controller's JCasC secret file and the key SSM holds both
log in over SSH to every agent as the agent user: no moment in which Jenkins could not launch a build."""

import subprocess
import uuid

import pytest

from tests.integration.agents import AGENT_KEYS, AGENT_USER, AGENT_USER_SCRIPT, SSH_OPTIONS
from tests.integration.harness import ROOT
from tests.unit.fakes.conftest import CASC as STANDIN_CASC
from tests.unit.fakes.conftest import StandIn

PLAYBOOK = ROOT / "playbooks" / "housekeeping" / "keypair_rotation.yml"
SECRET_FILE = "/etc/jenkins-ha/secrets/JENKINS_AGENT_SSH_PRIVATE_KEY"
CONTROLLER_SCRIPT = "groupadd --system jenkins && install -d -m 0750 -g jenkins /etc/jenkins-ha/secrets"


def keypair(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "old", "-f", str(path)], check=True)
    return path.read_text(), " ".join(path.with_name(path.name + ".pub").read_text().split()[:2])


def public_of(private_key, scratch):
    scratch.write_text(private_key.strip() + "\n")
    scratch.chmod(0o600)
    out = subprocess.run(["ssh-keygen", "-y", "-f", str(scratch)], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split()[:2])


class Stack:
    """The stack's state as the tests read it: SSM, EC2 key pair, agents' authorized_keys, controller's secret."""

    def __init__(self, emulator, name, fleet, jenkins, scratch):
        self.ssm, self.ec2 = emulator.client("ssm"), emulator.client("ec2")
        self.name, self.fleet, self.jenkins, self.scratch = name, fleet, jenkins, scratch
        self.path = "/jenkins-ha/{0}/".format(name)

    def parameter(self, name):
        try:
            return self.ssm.get_parameter(Name=self.path + name, WithDecryption=True)["Parameter"]["Value"]
        except self.ssm.exceptions.ParameterNotFound:
            return None

    def ssm_key(self):
        return public_of(self.parameter("keys/ssh-private-key"), self.scratch / "ssm-key")

    def controller_key(self):
        (controller,) = self.fleet.of("controller")
        return public_of(controller.read(SECRET_FILE), self.scratch / "controller-key")

    def trusted(self):
        """{instance id: set of keys} from every agent's authorized_keys."""
        found = {}
        for agent in self.fleet.of("agent"):
            lines = agent.read(AGENT_KEYS).splitlines()
            found[agent.instance_id] = {" ".join(line.split()[:2]) for line in lines if line and line[0] != "#"}
        return found

    def fingerprint(self):
        pairs = self.ec2.describe_key_pairs(KeyNames=[self.name + "-jenkins"])["KeyPairs"]
        return pairs[0]["KeyFingerprint"]

    def reloads(self):
        import json
        import urllib.request

        with urllib.request.urlopen(self.jenkins.url + "/fake/state", timeout=10) as answer:
            return json.load(answer)["reloadCount"]

    def assert_logins(self):
        """The controller's key and SSM's key both log in to every agent as the agent user (what a build needs)."""
        (controller,) = self.fleet.of("controller")
        keys = {"controller": controller.read(SECRET_FILE), "ssm": self.parameter("keys/ssh-private-key")}
        for label, private_key in keys.items():
            key_file = self.scratch / ("login-" + label)
            key_file.write_text(private_key.strip() + "\n")
            key_file.chmod(0o600)
            for agent in self.fleet.of("agent"):
                login = subprocess.run(
                    ["ssh", "-i", str(key_file), "-o", "BatchMode=yes", *SSH_OPTIONS.split()]
                    + ["{0}@{1}".format(AGENT_USER, agent.address), "true"],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                assert login.returncode == 0, "{0} key cannot log in to {1}: {2}".format(
                    label, agent.instance_id, login.stderr
                )


@pytest.fixture
def stack(emulator, fleet, standin_war, tmp_path):  # noqa: F811 (fleet is the imported fixture)
    """A stack as playbooks/secrets.yml and the boot leave it: a key pair in SSM (stack KMS key) and EC2, agents
    trusting its public key, the controller holding its private key, and the Jenkins stand-in."""
    name = "kr-" + uuid.uuid4().hex[:8]
    ssm, kms, ec2 = emulator.client("ssm"), emulator.client("kms"), emulator.client("ec2")
    private_key, public_key = keypair(tmp_path / "old")
    key_arn = kms.create_key(Description=name)["KeyMetadata"]["Arn"]
    path = "/jenkins-ha/{0}/".format(name)
    ssm.put_parameter(Name=path + "keys/ssh-private-key", Value=private_key, Type="SecureString", KeyId=key_arn)
    ssm.put_parameter(Name=path + "keys/ssh-public-key", Value=public_key, Type="String")
    ec2.import_key_pair(KeyName=name + "-jenkins", PublicKeyMaterial=public_key.encode())

    jenkins = StandIn(standin_war, tmp_path)
    jenkins.casc.write_text(STANDIN_CASC)
    (jenkins.secrets / "JENKINS_ADMIN_PASSWORD").write_text("correct horse\n")
    jenkins.start()
    ssm.put_parameter(Name=path + "controller/url", Value=jenkins.url + "/", Type="String")
    ssm.put_parameter(Name=path + "controller/admin-username", Value="admin", Type="String")
    ssm.put_parameter(Name=path + "controller/admin-password", Value="correct horse", Type="SecureString")

    hosts = fleet(name)
    for agent in hosts.launch("agent", 2, prepare=AGENT_USER_SCRIPT):
        agent.sh("cat > {0} && chmod 0644 {0}".format(AGENT_KEYS), input=public_key + "\n")
    (controller,) = hosts.launch("controller", 1, prepare=CONTROLLER_SCRIPT)
    controller.sh("cat > {0} && chmod 0440 {0}".format(SECRET_FILE), input=private_key)
    yield Stack(emulator, name, hosts, jenkins, tmp_path), public_key
    jenkins.stop()


def stop_sshd(host):
    host.sh("kill $(cat /run/sshd.pid)")


def start_sshd(host):
    host.sh("/usr/sbin/sshd")


def test_keypair_rotation_end_to_end(playbook, stack):
    stack, old = stack
    run = dict(inventory=stack.fleet.inventory, extra_vars=[{"jenkins_ha_housekeeping_stack": stack.name}])
    force = dict(run, extra_vars=run["extra_vars"] + [{"jenkins_ha_housekeeping_key_rotate_now": True}])
    agents, (controller,) = stack.fleet.of("agent"), stack.fleet.of("controller")
    fingerprint = stack.fingerprint()
    stack.assert_logins()

    # One agent unreachable: stops before the switch; everyone still trusts the key SSM and Jenkins use.
    stop_sshd(agents[1])
    result = playbook(PLAYBOOK, **force)
    start_sshd(agents[1])
    assert result.rc != 0
    assert "were not updated" in result.output and agents[1].instance_id in result.output, result.output[-4000:]
    assert "PRIVATE KEY" not in result.output
    assert stack.ssm_key() == old and stack.controller_key() == old and stack.fingerprint() == fingerprint
    new = public_of(stack.parameter("keys/ssh-private-key-pending"), stack.scratch / "pending")
    assert stack.trusted() == {agents[0].instance_id: {old, new}, agents[1].instance_id: {old}}
    assert stack.parameter("keys/ssh-public-key").splitlines() == [old, new]
    assert stack.reloads() == 0
    stack.assert_logins()

    # Controller unreachable: SSM switched, Jenkins not yet; agents trust both. This run resumes (no force).
    stop_sshd(controller)
    result = playbook(PLAYBOOK, **run)
    start_sshd(controller)
    assert result.rc != 0
    assert "resume the interrupted rotation" in result.output, result.output[-4000:]
    # The only controller unreachable ends the run there (no host left in the play): no reload, no agent changes.
    assert result.recap[controller.instance_id]["unreachable"] == 1, result.output[-4000:]
    assert stack.ssm_key() == new and stack.controller_key() == old and stack.fingerprint() != fingerprint
    assert set(map(frozenset, stack.trusted().values())) == {frozenset([old, new])}
    assert stack.reloads() == 0
    stack.assert_logins()

    # Everything reachable: the rotation completes.
    result = playbook(PLAYBOOK, **run)
    assert result.rc == 0, result.output[-4000:]
    assert "Rotated the SSH key of stack " + stack.name in result.output
    assert "PRIVATE KEY" not in result.output
    assert stack.ssm_key() == new and stack.controller_key() == new
    assert set(map(frozenset, stack.trusted().values())) == {frozenset([new])}
    assert stack.parameter("keys/ssh-public-key") == new
    assert stack.parameter("keys/ssh-private-key-pending") is None
    assert stack.reloads() == 1
    stack.assert_logins()
    # The EC2 key pair keeps its name and now holds the new key: import the new key elsewhere to compare.
    probe = stack.name + "-probe"
    assert stack.ec2.import_key_pair(KeyName=probe, PublicKeyMaterial=new.encode())["KeyFingerprint"] == (
        stack.fingerprint()
    )
    stack.ec2.delete_key_pair(KeyName=probe)

    # A rerun changes nothing, anywhere; --check reports a forced rotation and changes nothing either.
    result = playbook(PLAYBOOK, **run)
    assert result.rc == 0, result.output[-4000:]
    assert "Nothing to do: the SSH key of stack {0} is 0 days old".format(stack.name) in result.output
    assert all(counts["changed"] == 0 for counts in result.recap.values()), result.output[-3000:]
    result = playbook(PLAYBOOK, check=True, **force)
    assert result.rc == 0, result.output[-4000:]
    assert "Would rotate the SSH key of stack {0}".format(stack.name) in result.output
    assert stack.ssm_key() == new and stack.parameter("keys/ssh-private-key-pending") is None
    assert set(map(frozenset, stack.trusted().values())) == {frozenset([new])}
    assert stack.controller_key() == new and stack.reloads() == 1
