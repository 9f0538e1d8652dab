"""The controller's settings watcher (roles/instance_boot/templates/jenkins-ha-casc-watch.py.j2) decides to re-render
and reload when the settings document or a directory secret (LDAP bind password, OIDC client secret) has a new
version, and only then; it reads the secrets' versions without decrypting them, and records what it applied only
when the boot playbook succeeded. The rendered script runs here against a stub SSM client and a stub playbook."""

import importlib.util
import types
from pathlib import Path

import jinja2
import pytest
from botocore.exceptions import ClientError

TEMPLATE = Path(__file__).resolve().parents[3] / "roles" / "instance_boot" / "templates" / "jenkins-ha-casc-watch.py.j2"
STACK = "demo"
NAMES = {
    "jenkins_settings": "/jenkins-ha/demo/jenkins/settings",
    "ldap_manager_password": "/jenkins-ha/demo/jenkins/ldap-manager-password",
    "oidc_client_secret": "/jenkins-ha/demo/jenkins/oidc-client-secret",
}


class StubSSM:
    def __init__(self, versions):
        self.versions = versions  # contract key -> version (absent: the parameter does not exist)
        self.calls = []

    def get_parameter(self, Name, WithDecryption=None):  # noqa: N803 - boto3's argument names
        self.calls.append((Name, WithDecryption))
        for key, name in NAMES.items():
            if name == Name and key in self.versions:
                return {"Parameter": {"Name": Name, "Version": self.versions[key], "Value": "AQICAH-ciphertext"}}
        raise ClientError({"Error": {"Code": "ParameterNotFound", "Message": Name}}, "GetParameter")


@pytest.fixture
def watcher(tmp_path, monkeypatch):
    """The rendered watcher as a module, with its state file in tmp_path and the boot playbook stubbed."""
    source = jinja2.Template(TEMPLATE.read_text()).render(
        ansible_managed="managed",
        instance_boot_prefix=str(tmp_path),
        instance_boot_watch_state_file=str(tmp_path / "state" / "casc-watch.version"),
    )
    script = tmp_path / "casc_watch.py"
    script.write_text(source)
    spec = importlib.util.spec_from_file_location("casc_watch", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("JENKINS_HA_COMPONENT", "controller")
    monkeypatch.setenv("JENKINS_HA_REGION", "eu-west-1")
    monkeypatch.setenv("JENKINS_HA_STACK", STACK)
    module.runs = []
    module.returncode = 0

    def run(argv, check):
        module.runs.append(argv)
        return types.SimpleNamespace(returncode=module.returncode)

    module.subprocess = types.SimpleNamespace(run=run)
    return module


def tick(watcher, versions):
    ssm = StubSSM(versions)
    watcher.boto3 = types.SimpleNamespace(client=lambda service, region_name: ssm)
    rc = watcher.main()
    return rc, ssm


APPLIED = {"jenkins_settings": 3, "ldap_manager_password": 1}
# published versions after the last applied state APPLIED -> whether the watcher re-renders and reloads
DECISIONS = [
    pytest.param(APPLIED, False, id="nothing-new"),
    pytest.param(dict(APPLIED, jenkins_settings=4), True, id="settings-changed"),
    pytest.param(dict(APPLIED, ldap_manager_password=2), True, id="ldap-bind-password-rotated"),
    pytest.param(dict(APPLIED, oidc_client_secret=1), True, id="oidc-client-secret-stored"),
    pytest.param({"jenkins_settings": 3}, True, id="ldap-secret-deleted"),
]


@pytest.mark.parametrize("published, reloads", DECISIONS)
def test_the_watcher_reloads_when_the_settings_or_a_directory_secret_change(watcher, published, reloads):
    assert tick(watcher, APPLIED)[0] == 0 and len(watcher.runs) == 1  # first tick on this instance: applies
    rc, ssm = tick(watcher, published)
    assert rc == 0
    assert len(watcher.runs) == (2 if reloads else 1)
    assert watcher.runs[-1][-1] == "jenkins_ha.aws.boot"
    # Every watched parameter is read, none decrypted.
    assert sorted(name for name, dummy in ssm.calls) == sorted(NAMES.values())
    assert all(decrypt is False for dummy, decrypt in ssm.calls)


def test_a_failed_apply_is_retried_on_the_next_tick(watcher):
    watcher.returncode = 2
    assert tick(watcher, APPLIED)[0] == 2
    assert tick(watcher, APPLIED)[0] == 2
    assert len(watcher.runs) == 2  # nothing recorded: tried again
    watcher.returncode = 0
    assert tick(watcher, APPLIED)[0] == 0
    assert tick(watcher, APPLIED)[0] == 0
    assert len(watcher.runs) == 3


def test_an_agent_watches_nothing(watcher, monkeypatch):
    monkeypatch.setenv("JENKINS_HA_COMPONENT", "agent")
    rc, ssm = tick(watcher, APPLIED)
    assert rc == 0 and watcher.runs == [] and ssm.calls == []
