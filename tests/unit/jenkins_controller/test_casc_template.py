"""Render roles/jenkins_controller/templates/jenkins.yaml.j2 from several variable sets; every key path must be
one the plugins accept (casc_allowed_keys.ALLOWED), and the values must say what the variables asked for."""

from pathlib import Path

import jinja2
import pytest
import yaml
from ansible.plugins.filter.core import FilterModule

from .casc_allowed_keys import ALLOWED_WITH_PARENTS, SYMBOL_VALUES

ROLE = Path(__file__).resolve().parents[3] / "roles" / "jenkins_controller"


def role_vars(**overrides):
    variables = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    variables.update(yaml.safe_load((ROLE / "vars" / "main.yml").read_text()))
    variables.update(
        jenkins_controller_url="https://jenkins.example.com/",
        jenkins_controller_fleet_asg_name="demo-agents-asg",
        jenkins_controller_fleet_region="eu-west-1",
    )
    variables.update(overrides)
    return variables


def render(**overrides):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROLE / "templates")), undefined=jinja2.StrictUndefined)
    env.filters.update(FilterModule().filters())
    text = env.get_template("jenkins.yaml.j2").render(**role_vars(**overrides))
    return text, yaml.safe_load(text)


def key_paths(node, prefix=""):
    """(path, scalar or None) for every mapping key, lists as []."""
    if isinstance(node, dict):
        for key, value in node.items():
            path = "{0}.{1}".format(prefix, key) if prefix else key
            yield path, None if isinstance(value, (dict, list)) else value
            yield from key_paths(value, path)
    elif isinstance(node, list):
        for item in node:
            if not isinstance(item, (dict, list)):
                yield prefix + "[]", item
            yield from key_paths(item, prefix + "[]")


VARIABLE_SETS = {
    "defaults-local-admin": {},
    "ldap": dict(
        jenkins_controller_security_realm="ldap",
        jenkins_controller_ldap=dict(
            server="ldaps://ldap.example.com",
            root_dn="dc=example,dc=com",
            user_search_base="ou=people",
            user_search="uid={0}",
            group_search_base="ou=groups",
            manager_dn="cn=jenkins,dc=example,dc=com",
            manager_password="not rendered",
        ),
        jenkins_controller_admin_email="ci@example.com",
    ),
    "oidc-no-fleet": dict(
        jenkins_controller_security_realm="oidc",
        jenkins_controller_oidc=dict(
            client_id="jenkins", client_secret="x", well_known_url="https://idp/.well-known/openid-configuration"
        ),
        jenkins_controller_fleet_enabled=False,
    ),
    "known-hosts-jvm-options": dict(
        jenkins_controller_fleet_host_key_verification="known_hosts",
        jenkins_controller_fleet_jvm_options="-Xmx1g",
        jenkins_controller_agent_port=50000,
    ),
    "non-verifying": dict(jenkins_controller_fleet_host_key_verification="non_verifying"),
}


@pytest.mark.parametrize("name", sorted(VARIABLE_SETS))
def test_every_key_is_accepted_by_the_plugins(name):
    dummy, casc = render(**VARIABLE_SETS[name])
    unknown = []
    for path, value in key_paths(casc):
        if path not in ALLOWED_WITH_PARENTS:
            unknown.append(path)
        elif path in SYMBOL_VALUES and value is not None and value not in SYMBOL_VALUES[path]:
            unknown.append("{0}={1}".format(path, value))
    assert not unknown, "keys no plugin accepts: {0}".format(unknown)


def test_defaults_render_the_stack_settings():
    text, casc = render()
    jenkins = casc["jenkins"]
    assert jenkins["numExecutors"] == 0
    assert jenkins["crumbIssuer"] == {"standard": {"excludeClientIPFromCrumb": False}}
    assert jenkins["authorizationStrategy"] == {"loggedInUsersCanDoAnything": {"allowAnonymousRead": False}}
    assert jenkins["securityRealm"]["local"] == {
        "allowsSignup": False,
        "users": [{"id": "admin", "password": "${JENKINS_ADMIN_PASSWORD}"}],
    }
    assert jenkins["slaveAgentPort"] == -1 and jenkins["agentProtocols"] == ["JNLP4-connect"]
    fleet = jenkins["clouds"][0]["eC2Fleet"]
    assert fleet["fleet"] == "demo-agents-asg" and fleet["region"] == "eu-west-1"
    assert fleet["numExecutors"] == 2 and fleet["minSize"] == 0 and fleet["maxSize"] == 4
    ssh = fleet["computerConnector"]["sshConnector"]
    assert ssh["credentialsId"] == "jenkins-agent-ssh"
    assert ssh["sshHostKeyVerificationStrategy"] == {
        "manuallyTrustedKeyVerificationStrategy": {"requireInitialManualTrust": False}
    }
    key = casc["credentials"]["system"]["domainCredentials"][0]["credentials"][0]["basicSSHUserPrivateKey"]
    assert key["id"] == ssh["credentialsId"]
    assert key["privateKeySource"]["directEntry"]["privateKey"] == "${JENKINS_AGENT_SSH_PRIVATE_KEY}"
    assert casc["unclassified"]["location"] == {"url": "https://jenkins.example.com/"}


def test_secrets_are_never_rendered():
    text, dummy = render(
        jenkins_controller_admin_password="hunter2-admin",
        jenkins_controller_fleet_ssh_private_key="-----BEGIN OPENSSH PRIVATE KEY-----",
        jenkins_controller_security_realm="ldap",
        jenkins_controller_ldap=dict(server="ldap", manager_dn="cn=x", manager_password="hunter2-ldap"),
    )
    for secret in ("hunter2", "BEGIN OPENSSH"):
        assert secret not in text
    assert "${JENKINS_LDAP_MANAGER_PASSWORD}" in text


def test_user_text_is_not_interpolated_by_jcasc():
    dummy, casc = render(jenkins_controller_system_message="costs ${HOME} 'quoted' \"double\" # not a comment: yes")
    assert casc["jenkins"]["systemMessage"] == "costs ^${HOME} 'quoted' \"double\" # not a comment: yes"


def test_oidc_realm_and_no_cloud():
    dummy, casc = render(**VARIABLE_SETS["oidc-no-fleet"])
    oic = casc["jenkins"]["securityRealm"]["oic"]
    assert oic["clientSecret"] == "${JENKINS_OIDC_CLIENT_SECRET}"
    assert "clouds" not in casc["jenkins"] and "credentials" not in casc
