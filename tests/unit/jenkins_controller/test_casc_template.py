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
        jenkins_controller_authorization=dict(admin_groups=["jenkins-admins"], read_groups=["developers"]),
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
        jenkins_controller_authorization=dict(admin_users=["alice@example.com"], read_users=["bob@example.com"]),
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
    "anonymous-read-no-discarder": dict(
        jenkins_controller_allow_anonymous_read=True, jenkins_controller_build_discarder=dict(enabled=False)
    ),
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
    assert jenkins["crumbIssuer"] == "standard"
    assert jenkins["authorizationStrategy"] == {
        "globalMatrix": {"entries": [{"user": {"name": "admin", "permissions": ["Overall/Administer"]}}]}
    }
    assert jenkins["securityRealm"]["local"] == {
        "allowsSignup": False,
        "users": [{"id": "admin", "password": "${JENKINS_ADMIN_PASSWORD}"}],
    }
    assert jenkins["slaveAgentPort"] == -1 and "agentProtocols" not in jenkins
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


def test_no_agent_protocols():
    # Jenkins.setAgentProtocols is @Deprecated since core 2.483 ("no longer configurable"): JCasC refuses the key.
    for name in VARIABLE_SETS:
        dummy, casc = render(**VARIABLE_SETS[name])
        assert "agentProtocols" not in casc["jenkins"], name


def test_crumb_issuer_loads_on_both_lts_lines():
    # A bare symbol: 2.541.3 builds DefaultCrumbIssuer(false), 2.568.2 its no-argument constructor; the attribute
    # excludeClientIPFromCrumb is @Deprecated from 2.543 on (see the role README).
    text, casc = render()
    assert casc["jenkins"]["crumbIssuer"] == "standard"
    assert "excludeClientIPFromCrumb" not in text


@pytest.mark.parametrize("name", ["ldap", "oidc-no-fleet"])
def test_directory_realm_runs_a_matrix_never_logged_in_users_can_do_anything(name):
    text, casc = render(**VARIABLE_SETS[name])
    assert "loggedInUsersCanDoAnything" not in text
    entries = casc["jenkins"]["authorizationStrategy"]["globalMatrix"]["entries"]
    admins = [e for e in entries if "Overall/Administer" in next(iter(e.values()))["permissions"]]
    assert admins, entries
    # The local admin is not an administrator of a directory realm.
    assert {"user": {"name": "admin", "permissions": ["Overall/Administer"]}} not in entries


def test_authorization_entries():
    dummy, casc = render(
        jenkins_controller_authorization=dict(
            admin_users=["root-user"], admin_groups=["ops"], read_users=["auditor"], read_groups=["devs"]
        ),
        jenkins_controller_allow_anonymous_read=True,
    )
    read = ["Overall/Read", "Job/Read", "View/Read"]
    assert casc["jenkins"]["authorizationStrategy"]["globalMatrix"]["entries"] == [
        {"user": {"name": "admin", "permissions": ["Overall/Administer"]}},
        {"user": {"name": "root-user", "permissions": ["Overall/Administer"]}},
        {"group": {"name": "ops", "permissions": ["Overall/Administer"]}},
        {"user": {"name": "auditor", "permissions": read}},
        {"group": {"name": "devs", "permissions": read}},
        {"user": {"name": "anonymous", "permissions": ["Overall/Read"]}},
    ]


def test_build_discarder():
    dummy, casc = render()
    assert casc["unclassified"]["buildDiscarders"] == {
        "configuredBuildDiscarders": [
            "jobBuildDiscarder",
            {
                "simpleBuildDiscarder": {
                    "discarder": {
                        "logRotator": {"daysToKeepStr": "30", "numToKeepStr": "100", "artifactNumToKeepStr": "10"}
                    }
                }
            },
        ]
    }
    dummy, casc = render(jenkins_controller_build_discarder=dict(enabled=False))
    assert "buildDiscarders" not in casc["unclassified"]


def render_unit(template, **overrides):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROLE / "templates")), undefined=jinja2.StrictUndefined)
    env.filters.update(FilterModule().filters())
    variables = role_vars()
    variables.update(
        __jenkins_controller_java_bin="/usr/lib/jvm/java-21-openjdk-amd64/bin/java",
        __jenkins_controller_python="/usr/bin/python3",
        __jenkins_controller_java="/usr/bin/java",
        __jenkins_controller_casc_file="/etc/jenkins-ha/casc/jenkins.yaml",
        __jenkins_controller_java_opts=["-Djenkins.install.runSetupWizard=false"],
        __jenkins_controller_lock_script="/usr/local/lib/jenkins-ha/jenkins_ha_lock.py",
        jenkins_controller_lock_file="/var/lib/jenkins/.jenkins-ha.lock",
    )
    variables.update(overrides)
    return env.get_template(template).render(**variables)


@pytest.mark.parametrize("template", ["jenkins.service.j2", "jenkins-override.conf.j2"])
@pytest.mark.parametrize("lock", [True, False])
def test_every_start_path_unpacks_the_war_outside_jenkins_home(template, lock):
    text = render_unit(template, jenkins_controller_lock_enabled=lock)
    starts = [line for line in text.splitlines() if line.startswith("ExecStart=") and "-jar" in line]
    assert len(starts) == 1, starts
    assert " --webroot=/var/cache/jenkins/war" in starts[0]
    assert "EnvironmentFile=-/etc/jenkins-ha/casc-reload-token.env" in text
    # The token is read by systemd from the file, never on the command line.
    assert "casc.reload.token" not in text and "CASC_RELOAD_TOKEN=" not in text


def test_java_binary_of_the_chosen_package():
    text = render_unit("jenkins.service.j2", __jenkins_controller_java_bin="/usr/lib/jvm/temurin-21-jre-amd64/bin/java")
    assert "-- /usr/lib/jvm/temurin-21-jre-amd64/bin/java $JAVA_OPTS -jar" in text


def test_a_version_change_upgrades_the_held_package():
    # The package is held so that nothing else moves it; the role's own pin change must still go through:
    # apt-get changes a held package only with --allow-change-held-packages.
    tasks = yaml.safe_load((ROLE / "tasks" / "package-Debian.yml").read_text())
    block = next(t for t in tasks if "block" in t)["block"]
    install = next(t for t in block if "ansible.builtin.apt" in t)
    apt = install["ansible.builtin.apt"]
    assert apt["name"] == "jenkins={{ jenkins_controller_version }}"
    assert apt["allow_change_held_packages"] is True and apt["allow_downgrade"] is True
    assert install["notify"] == "Restart jenkins"
    names = [next(iter(k for k in t if k.startswith("ansible."))) for t in tasks if "block" not in t]
    assert names[-1] == "ansible.builtin.dpkg_selections"
    assert tasks[-1]["ansible.builtin.dpkg_selections"] == {"name": "jenkins", "selection": "hold"}
