"""The controller's settings watcher (roles/instance_boot/templates/jenkins-ha-casc-watch.py.j2) decides to re-render
and reload when the settings document or a directory secret (LDAP bind password, OIDC client secret) has a new
version, and only then; it reads the three versions with one GetParameters call per tick, without decrypting the
secrets, and records what it applied only when the boot playbook succeeded. The rendered script runs here against
in-process moto (its GetParameters answers a missing name in InvalidParameters, as SSM documents) with every SSM
call it makes recorded, and a stub playbook."""

import importlib.util
import types
from pathlib import Path

import jinja2
import pytest

from tests.unit.modules.helpers import in_process_moto

TEMPLATE = Path(__file__).resolve().parents[3] / "roles" / "instance_boot" / "templates" / "jenkins-ha-casc-watch.py.j2"
STACK = "demo"
REGION = "eu-west-1"
NAMES = {
    "jenkins_settings": "/jenkins-ha/demo/jenkins/settings",
    "ldap_manager_password": "/jenkins-ha/demo/jenkins/ldap-manager-password",
    "oidc_client_secret": "/jenkins-ha/demo/jenkins/oidc-client-secret",
}


@pytest.fixture
def ssm(monkeypatch):
    """In-process moto's SSM; .calls lists (operation, parameters) of every call the watcher makes."""
    with in_process_moto(monkeypatch, REGION) as aws:
        yield aws("ssm")


def publish(ssm, versions):
    """Bring each watched parameter to the given version (absent: deleted); versions only grow, as in SSM."""
    for key, name in NAMES.items():
        try:
            current = ssm.get_parameter(Name=name)["Parameter"]["Version"]
        except ssm.exceptions.ParameterNotFound:
            current = 0
        if key not in versions:
            if current:
                ssm.delete_parameter(Name=name)
            continue
        kind = "String" if key == "jenkins_settings" else "SecureString"
        while current < versions[key]:
            ssm.put_parameter(Name=name, Value="v{0}".format(current + 1), Type=kind, Overwrite=True)
            current += 1


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


def tick(watcher, ssm, versions):
    publish(ssm, versions)
    calls = []

    def record(model, params, **kwargs):
        calls.append((model.name, params))

    ssm.meta.events.register("before-parameter-build.ssm", record)
    watcher.boto3 = types.SimpleNamespace(client=lambda service, region_name: ssm)
    try:
        rc = watcher.main()
    finally:
        ssm.meta.events.unregister("before-parameter-build.ssm", record)
    return rc, calls


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
def test_the_watcher_reloads_when_the_settings_or_a_directory_secret_change(watcher, ssm, published, reloads):
    assert tick(watcher, ssm, APPLIED)[0] == 0 and len(watcher.runs) == 1  # first tick on this instance: applies
    rc, calls = tick(watcher, ssm, published)
    assert rc == 0
    assert len(watcher.runs) == (2 if reloads else 1)
    assert watcher.runs[-1][-1] == "jenkins_ha.aws.boot"
    # One call per tick reads every watched parameter, none decrypted.
    assert [(operation, sorted(params["Names"]), params["WithDecryption"]) for operation, params in calls] == [
        ("GetParameters", sorted(NAMES.values()), False)
    ]


def test_the_recorded_state_names_each_version(watcher, ssm):
    """The line an instance wrote before this change must read the same, or every controller would reload once."""
    publish(ssm, APPLIED)
    assert watcher.published_state(ssm, STACK) == "jenkins_settings=3 ldap_manager_password=1 oidc_client_secret=none"


def test_a_failed_apply_is_retried_on_the_next_tick(watcher, ssm):
    watcher.returncode = 2
    assert tick(watcher, ssm, APPLIED)[0] == 2
    assert tick(watcher, ssm, APPLIED)[0] == 2
    assert len(watcher.runs) == 2  # nothing recorded: tried again
    watcher.returncode = 0
    assert tick(watcher, ssm, APPLIED)[0] == 0
    assert tick(watcher, ssm, APPLIED)[0] == 0
    assert len(watcher.runs) == 3


def test_an_agent_watches_nothing(watcher, ssm, monkeypatch):
    monkeypatch.setenv("JENKINS_HA_COMPONENT", "agent")
    rc, calls = tick(watcher, ssm, APPLIED)
    assert rc == 0 and watcher.runs == [] and calls == []
