"""Render roles/jenkins_controller/templates/jenkins.yaml.j2 from several variable sets: each rendering must load
on both supported LTS lines with the role's pinned plugins, as held against the JCasC schema generated from their
sources (plugins/module_utils/jcasc, docs/jcasc-schema.md), and the values must say what the variables asked for."""

from pathlib import Path

import jinja2
import pytest
import yaml
from ansible.plugins.filter.core import FilterModule

from ansible_collections.jenkins_ha.aws.plugins.filter.jcasc_merge import jcasc_merge
from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_fleet_clouds import jenkins_fleet_clouds
from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_settings import (
    ROLE_VARS,
    jenkins_settings_document,
    jenkins_settings_role_vars,
)
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import load_schema, validate
from tests.unit.pools.fixtures import normalised_pool

ROLE = Path(__file__).resolve().parents[3] / "roles" / "jenkins_controller"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The LTS lines the role supports: the pin, and the previous line (Debian 12's openjdk-17).
CORES = ("2.541.3", "2.568.2")


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
    env.filters["jenkins_ha.aws.jcasc_merge"] = jcasc_merge
    env.filters["jenkins_ha.aws.jenkins_fleet_clouds"] = jenkins_fleet_clouds
    text = env.get_template("jenkins.yaml.j2").render(**role_vars(**overrides))
    return text, yaml.safe_load(text)


def pinned_plugins():
    return {p["name"]: p["version"] for p in role_vars()["jenkins_controller_plugins"]}


def schema_errors(casc, core):
    return validate(casc, load_schema(core, pinned_plugins()))


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
    "fragments": dict(
        jenkins_controller_casc_fragments=[
            {
                "jenkins": {
                    "quietPeriod": 3,
                    "clouds": [{"eC2Fleet": {"name": "gpu", "fleet": "gpu-asg", "region": "eu-west-1"}}],
                }
            },
            {"unclassified": {"location": {"adminAddress": "ci@example.com"}}},
        ]
    ),
    # Issue 18: one cloud per agent pool (the jenkins/settings document's agent_pools).
    "two-pools": dict(
        jenkins_controller_fleet_pools=[
            dict(
                name="default",
                labels="linux",
                asg_name="demo-agent",
                min_size=0,
                max_size=6,
                idle_minutes=10,
                executors=2,
                max_total_uses=-1,
                restrict_usage=False,
            ),
            dict(
                name="spot",
                labels="linux spot",
                asg_name="demo-agent-spot",
                min_size=0,
                max_size=20,
                idle_minutes=3,
                executors=1,
                max_total_uses=1,
                restrict_usage=True,
            ),
        ]
    ),
    "anonymous-read-no-discarder": dict(
        jenkins_controller_allow_anonymous_read=True, jenkins_controller_build_discarder=dict(enabled=False)
    ),
}
# A jenkins/settings document published before pools carried restrict_usage: each cloud takes the role's value.
VARIABLE_SETS["two-pools-older-document"] = dict(
    jenkins_controller_fleet_restrict_usage=True,
    jenkins_controller_fleet_pools=[
        {key: value for key, value in pool.items() if key != "restrict_usage"}
        for pool in VARIABLE_SETS["two-pools"]["jenkins_controller_fleet_pools"]
    ],
)


@pytest.mark.parametrize("core", CORES)
@pytest.mark.parametrize("name", sorted(VARIABLE_SETS))
def test_every_rendering_loads_on_both_lts_lines(name, core):
    dummy, casc = render(**VARIABLE_SETS[name])
    assert schema_errors(casc, core) == []


REALMS = {
    "local": {},
    "ldap": {k: v for k, v in VARIABLE_SETS["ldap"].items() if k != "jenkins_controller_admin_email"},
    "oidc": {k: v for k, v in VARIABLE_SETS["oidc-no-fleet"].items() if k != "jenkins_controller_fleet_enabled"},
}


@pytest.mark.parametrize("core", CORES)
@pytest.mark.parametrize("realm", sorted(REALMS))
def test_each_realm_with_the_fleet_cloud_loads(realm, core):
    dummy, casc = render(**REALMS[realm])
    assert "eC2Fleet" in casc["jenkins"]["clouds"][0]
    assert list(casc["jenkins"]["securityRealm"]) == [{"local": "local", "ldap": "ldap", "oidc": "oic"}[realm]]
    assert schema_errors(casc, core) == []


@pytest.mark.parametrize("core", CORES)
def test_the_rendering_before_the_fix_is_refused(core):
    # What the role rendered before (agentProtocols, crumbIssuer.standard.excludeClientIPFromCrumb) stops Jenkins.
    casc = yaml.safe_load((FIXTURES / "jenkins-before-fix.yaml").read_text())
    errors = schema_errors(casc, core)
    assert any(e.startswith("jenkins.agentProtocols:") for e in errors), errors
    if core == "2.568.2":
        assert any(e.startswith("jenkins.crumbIssuer.standard.excludeClientIPFromCrumb:") for e in errors), errors


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
    assert fleet["numExecutors"] == 1 and fleet["minSize"] == 0 and fleet["maxSize"] == 4
    assert fleet["maxTotalUses"] == 1, "single-use agents unless asked otherwise (issue 20 finding 7)"
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
    env.filters["jenkins_ha.aws.jcasc_merge"] = jcasc_merge
    env.filters["jenkins_ha.aws.jenkins_fleet_clouds"] = jenkins_fleet_clouds
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


def test_fragments_are_merged_as_jcasc_merges_files():
    dummy, casc = render(**VARIABLE_SETS["fragments"])
    assert casc["jenkins"]["quietPeriod"] == 3
    assert [c["eC2Fleet"]["name"] for c in casc["jenkins"]["clouds"]] == ["agents", "gpu"]
    assert casc["unclassified"]["location"] == {"url": "https://jenkins.example.com/", "adminAddress": "ci@example.com"}


@pytest.mark.parametrize(
    "fragment,message",
    [
        (
            {"jenkins": {"authorizationStrategy": {"loggedInUsersCanDoAnything": {}}}},
            "sets jenkins.authorizationStrategy",
        ),
        ({"jenkins": {"securityRealm": {"local": {}}}}, "sets jenkins.securityRealm"),
        ({"jenkins": {"numExecutors": 2}}, "jenkins.numExecutors: set twice"),
    ],
)
def test_a_fragment_cannot_replace_what_the_role_sets(fragment, message):
    with pytest.raises(Exception, match="Cannot merge the JCasC fragments") as err:
        render(jenkins_controller_casc_fragments=[fragment])
    assert message in str(err.value)


def test_a_fragment_the_schema_refuses_is_reported():
    dummy, casc = render(jenkins_controller_casc_fragments=[{"jenkins": {"agentProtocols": ["JNLP4-connect"]}}])
    assert any(e.startswith("jenkins.agentProtocols:") for e in schema_errors(casc, "2.568.2"))


@pytest.mark.parametrize("core", CORES)
def test_the_stack_settings_reach_the_rendered_file(core):
    """What boot does: the stack's jenkins/settings document (+ the secret from SSM) -> role variables -> jenkins.yaml."""
    document = jenkins_settings_document(
        {
            "security_realm": "ldap",
            "ldap": {"server": "ldaps://ldap.example.com", "root_dn": "dc=example,dc=com", "manager_dn": "cn=j"},
            "oidc": {},
            "authorization": {"admin_groups": ["jenkins-admins"], "read_users": ["auditor"]},
            "build_discarder": {"enabled": True, "num_to_keep": 20},
            "agent_min_size": 1,
            "agent_max_size": 6,
            "casc_fragments": [{"jenkins": {"quietPeriod": 3}}],
        }
    )
    defaults = role_vars()
    current = {key: defaults["jenkins_controller_" + key] for key in ROLE_VARS}
    values = jenkins_settings_role_vars(document, current, {"ldap_manager_password": "bind-secret"})
    text, casc = render(**{"jenkins_controller_" + key: value for key, value in values.items()})
    assert "bind-secret" not in text
    jenkins = casc["jenkins"]
    server = jenkins["securityRealm"]["ldap"]["configurations"][0]
    assert server["server"] == "ldaps://ldap.example.com" and server["managerDN"] == "cn=j"
    assert server["managerPasswordSecret"] == "${JENKINS_LDAP_MANAGER_PASSWORD}"
    assert {"group": {"name": "jenkins-admins", "permissions": ["Overall/Administer"]}} in (
        jenkins["authorizationStrategy"]["globalMatrix"]["entries"]
    )
    assert "loggedInUsersCanDoAnything" not in jenkins["authorizationStrategy"]
    fleet = jenkins["clouds"][0]["eC2Fleet"]
    assert (fleet["minSize"], fleet["maxSize"]) == (1, 6)
    assert jenkins["quietPeriod"] == 3
    rotator = casc["unclassified"]["buildDiscarders"]["configuredBuildDiscarders"][1]["simpleBuildDiscarder"]
    assert rotator["discarder"]["logRotator"]["numToKeepStr"] == "20"
    assert schema_errors(casc, core) == []


@pytest.mark.parametrize("core", CORES)
def test_two_pools_render_two_clouds_the_schema_accepts(core):
    dummy, casc = render(**VARIABLE_SETS["two-pools"])
    clouds = [c["eC2Fleet"] for c in casc["jenkins"]["clouds"]]
    assert [(c["name"], c["fleet"], c["labelString"], c["maxSize"]) for c in clouds] == [
        ("agents", "demo-agent", "linux", 6),
        ("spot", "demo-agent-spot", "linux spot", 20),
    ]
    assert [(c["idleMinutes"], c["numExecutors"], c["maxTotalUses"]) for c in clouds] == [(10, 2, -1), (3, 1, 1)]
    # Only the default pool's cloud takes jobs without a label.
    assert [c["restrictUsage"] for c in clouds] == [False, True]
    # One SSH key for every pool's agents: one credential, whatever the number of clouds.
    assert len(casc["credentials"]["system"]["domainCredentials"][0]["credentials"]) == 1
    assert schema_errors(casc, core) == []


@pytest.mark.parametrize("core", CORES)
def test_an_older_document_renders_the_roles_restrict_usage(core):
    dummy, casc = render(**VARIABLE_SETS["two-pools-older-document"])
    assert [c["eC2Fleet"]["restrictUsage"] for c in casc["jenkins"]["clouds"]] == [True, True]
    assert schema_errors(casc, core) == []


@pytest.mark.parametrize("core", CORES)
def test_a_restrict_usage_jcasc_refuses_is_reported(core):
    """The schema holds restrictUsage to a boolean: a text the filter let through would not load."""
    dummy, casc = render(**VARIABLE_SETS["two-pools"])
    casc["jenkins"]["clouds"][1]["eC2Fleet"]["restrictUsage"] = "sometimes"
    errors = schema_errors(casc, core)
    assert [e.split(":")[0] for e in errors] == ["jenkins.clouds[1].eC2Fleet.restrictUsage"], errors


@pytest.mark.parametrize("core", CORES)
def test_a_wrong_attribute_in_the_second_cloud_is_refused(core):
    dummy, casc = render(**VARIABLE_SETS["two-pools"])
    casc["jenkins"]["clouds"][1]["eC2Fleet"]["maxSizee"] = 3
    casc["jenkins"]["clouds"][1]["eC2Fleet"]["numExecutors"] = "two"
    errors = schema_errors(casc, core)
    assert sorted(e.split(":")[0] for e in errors) == [
        "jenkins.clouds[1].eC2Fleet.maxSizee",
        "jenkins.clouds[1].eC2Fleet.numExecutors",
    ], errors


def test_a_fragment_cloud_named_like_a_pool_cloud_is_refused_before_rendering():
    """Jenkins would load it (JCasC appends the fragment's cloud), but the plugin mixes the two clouds' agents up."""
    from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_fleet_clouds import fleet_cloud_errors

    variables = role_vars(**VARIABLE_SETS["two-pools"])
    fragments = [{"jenkins": {"clouds": [{"eC2Fleet": {"name": "spot", "fleet": "gpu-asg", "region": "eu-west-1"}}]}}]
    fleet = {"cloud_name": variables["jenkins_controller_fleet_cloud_name"], "asg_name": ""}
    errors = fleet_cloud_errors(variables["jenkins_controller_fleet_pools"], fleet, fragments)
    assert len(errors) == 1 and "both EC2 Fleet clouds named 'spot'" in errors[0], errors


STACK_SETTINGS = {
    "security_realm": "local",
    "ldap": {},
    "oidc": {},
    "authorization": {},
    "build_discarder": {"enabled": True},
    "agent_min_size": 0,
    "agent_max_size": 6,
    "casc_fragments": [],
}


def rendered_from_document(document, **others):
    """jenkins.yaml from a jenkins/settings document, as boot renders it; others: values of the stack's other records."""
    defaults = role_vars()
    current = {key: defaults["jenkins_controller_" + key] for key in ROLE_VARS}
    values = jenkins_settings_role_vars(document, current, {})
    return render(**dict({"jenkins_controller_" + key: value for key, value in values.items()}, **others))


@pytest.mark.parametrize("core", CORES)
def test_the_stack_pools_reach_the_rendered_file(core):
    """What boot does with pools: document (agent_pools) -> role variables -> one cloud per pool."""
    pools = [
        # A pool of trusted builds that opts into reuse, and a single-use one.
        normalised_pool("default", max_total_uses=-1, executors=2),
        normalised_pool(
            "spot",
            labels="linux spot",
            instance_types=["m6i.large", "m5.large"],
            on_demand_percentage_above_base=0,
            spot=True,
            max_size=20,
            max_total_uses=1,
        ),
    ]
    text, casc = rendered_from_document(jenkins_settings_document(dict(STACK_SETTINGS, agent_pools=pools)))
    clouds = [c["eC2Fleet"] for c in casc["jenkins"]["clouds"]]
    assert [(c["name"], c["fleet"], c["maxTotalUses"]) for c in clouds] == [
        ("agents", "demo-agent", -1),
        ("spot", "demo-agent-spot", 1),
    ]
    assert "m6i.large" not in text, "instance types are the group's business, not Jenkins'"
    assert schema_errors(casc, core) == []


def test_a_document_from_before_pools_renders_the_one_cloud_it_did():
    """A jenkins/settings parameter published before pools (no agent_pools) and one listing the stack's legacy
    default pool render the same jenkins.yaml: upgrading the collection rewrites the parameter once, and the
    controller's watcher then renders an unchanged file (no reload, the agents keep their cloud)."""
    before, dummy = rendered_from_document(jenkins_settings_document(STACK_SETTINGS))
    after, dummy = rendered_from_document(
        # The default pool's group is the one agent/asg-name names (role_vars: demo-agents-asg).
        jenkins_settings_document(
            dict(STACK_SETTINGS, agent_pools=[normalised_pool("default", asg_name="demo-agents-asg")])
        )
    )
    assert before == after
