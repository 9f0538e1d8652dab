"""jenkins_settings_errors / _document / _role_vars: the stack's Jenkins settings checked, published as canonical
JSON without secrets, and turned back into jenkins_controller role variables on the controller."""

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_settings import (
    FilterModule,
    jenkins_settings_document,
    jenkins_settings_role_vars,
    settings_errors,
)

LDAP = {
    "server": "ldaps://ldap.example.com",
    "root_dn": "dc=example,dc=com",
    "manager_dn": "cn=jenkins,dc=example,dc=com",
}
OIDC = {"client_id": "jenkins", "well_known_url": "https://idp.example.com/.well-known/openid-configuration"}


def stack(**overrides):
    """The stack variables' defaults (roles/stack_config/meta/argument_specs.yml), then the case's values."""
    base = {
        "security_realm": "local",
        "ldap": {},
        "oidc": {},
        "authorization": {"admin_users": [], "admin_groups": [], "read_users": [], "read_groups": []},
        "build_discarder": {"enabled": True},
        "agent_min_size": 0,
        "agent_max_size": 6,
        "casc_fragments": [],
    }
    base.update(overrides)
    return base


ERROR_CASES = [
    pytest.param(stack(), [], id="defaults-ok"),
    pytest.param(stack(security_realm="ldap", ldap=LDAP, authorization={"admin_groups": ["ops"]}), [], id="ldap-ok"),
    pytest.param(stack(security_realm="oidc", oidc=OIDC, authorization={"admin_users": ["a@x"]}), [], id="oidc-ok"),
    pytest.param(
        stack(security_realm="kerberos"), ["jenkins_ha_security_realm must be one of local, ldap, oidc"], id="realm"
    ),
    pytest.param(
        stack(security_realm="ldap", ldap={}, authorization={"admin_groups": ["ops"]}),
        ["jenkins_ha_security_realm=ldap needs jenkins_ha_ldap.server"],
        id="ldap-without-server",
    ),
    pytest.param(
        stack(security_realm="ldap", ldap=dict(LDAP, manager_password="s3cret"), authorization={"admin_groups": ["o"]}),
        ["jenkins_ha_ldap has unknown key(s) manager_password"],
        id="ldap-secret-in-the-plain-settings",
    ),
    pytest.param(
        stack(security_realm="oidc", oidc=dict(OIDC, client_secret="x"), authorization={"admin_users": ["a"]}),
        ["jenkins_ha_oidc has unknown key(s) client_secret"],
        id="oidc-secret-in-the-plain-settings",
    ),
    pytest.param(
        stack(
            security_realm="oidc",
            oidc={"client_id": "j", "well_known_url": "http://idp/"},
            authorization={"admin_users": ["a"]},
        ),
        ["jenkins_ha_security_realm=oidc needs jenkins_ha_oidc.well_known_url"],
        id="oidc-plain-http",
    ),
    pytest.param(
        stack(security_realm="oidc", oidc=OIDC),
        ["jenkins_ha_security_realm=oidc needs an administrator"],
        id="directory-realm-without-admin",
    ),
    pytest.param(
        stack(security_realm="ldap", ldap=LDAP, authorization={"read_groups": ["devs"]}),
        ["jenkins_ha_security_realm=ldap needs an administrator"],
        id="ldap-readers-only",
    ),
    pytest.param(
        stack(authorization={"admins": ["a"]}), ["jenkins_ha_authorization has unknown key(s) admins"], id="authz-key"
    ),
    pytest.param(
        stack(authorization={"admin_users": "alice"}),
        ["jenkins_ha_authorization.admin_users must be a list of non-empty names"],
        id="authz-not-list",
    ),
    pytest.param(
        stack(build_discarder={"enabled": True, "days_to_keep": -1}),
        ["jenkins_ha_build_discarder.days_to_keep must be a whole number, 0 for no limit"],
        id="discarder-negative",
    ),
    pytest.param(
        stack(build_discarder={"enabled": "yes"}),
        ["jenkins_ha_build_discarder.enabled must be true or false"],
        id="discarder-enabled",
    ),
    pytest.param(stack(agent_min_size=3, agent_max_size=2), ["0 <= min <= max"], id="fleet-min-above-max"),
    pytest.param(stack(agent_max_size=0), ["jenkins_ha_agent_max_size must be at least 1"], id="fleet-max-zero"),
    pytest.param(
        stack(casc_fragments=[{"jenkins": {"securityRealm": {"local": {}}}}]),
        ["jenkins_ha_casc_fragments: fragment 1 sets jenkins.securityRealm"],
        id="fragment-sets-realm",
    ),
    pytest.param(
        stack(casc_fragments=[{"jenkins": {"quietPeriod": 1}}, {"jenkins": {"quietPeriod": 2}}]),
        ["jenkins_ha_casc_fragments: jenkins.quietPeriod: set twice, the second time in fragment 2"],
        id="fragments-conflict",
    ),
    pytest.param(
        stack(casc_fragments=[{"unclassified": {"x": "y" * 5000}}]),
        ["more than an SSM String parameter holds (4096)"],
        id="too-big-for-ssm",
    ),
]


@pytest.mark.parametrize("settings,expected", ERROR_CASES)
def test_errors(settings, expected):
    errors = settings_errors(settings)
    assert len(errors) == len(expected), errors
    for error, start in zip(errors, expected):
        assert start in error


def test_document_is_canonical_and_carries_no_secret():
    settings = stack(
        security_realm="ldap",
        ldap=LDAP,
        oidc=OIDC,
        authorization={"admin_groups": ["ops"], "read_groups": ["devs"]},
        build_discarder={"enabled": True, "days_to_keep": 0, "num_to_keep": 50},
        agent_min_size=1,
        casc_fragments=[{"jenkins": {"quietPeriod": 2}}],
    )
    text = jenkins_settings_document(settings)
    assert text == jenkins_settings_document(json.loads(json.dumps(settings))), "same input, same bytes"
    assert " " not in text.replace("Jenkins ", "")
    assert json.loads(text) == {
        "format": 1,
        "security_realm": "ldap",
        "ldap": LDAP,
        "oidc": {},
        "authorization": {"admin_users": [], "admin_groups": ["ops"], "read_users": [], "read_groups": ["devs"]},
        "build_discarder": {"enabled": True, "days_to_keep": "", "num_to_keep": 50},
        "fleet_min_size": 1,
        "fleet_max_size": 6,
        "casc_fragments": [{"jenkins": {"quietPeriod": 2}}],
    }


def test_document_refuses_invalid_settings():
    with pytest.raises(AnsibleFilterError, match="Invalid Jenkins settings: jenkins_ha_security_realm=oidc needs"):
        jenkins_settings_document(stack(security_realm="oidc"))


CURRENT = {
    "security_realm": "local",
    "ldap": {},
    "oidc": {},
    "authorization": {"admin_users": [], "admin_groups": [], "read_users": [], "read_groups": []},
    "build_discarder": {
        "enabled": True,
        "days_to_keep": 30,
        "num_to_keep": 100,
        "artifact_days_to_keep": "",
        "artifact_num_to_keep": 10,
    },
    "fleet_min_size": 0,
    "fleet_max_size": 4,
    "casc_fragments": [],
}


def test_role_vars_from_the_document_with_secrets():
    document = jenkins_settings_document(
        stack(
            security_realm="ldap",
            ldap=LDAP,
            authorization={"admin_groups": ["ops"]},
            build_discarder={"enabled": True, "num_to_keep": 0},
        )
    )
    values = jenkins_settings_role_vars(document, CURRENT, {"ldap_manager_password": "pw", "oidc_client_secret": ""})
    assert values["security_realm"] == "ldap"
    assert values["ldap"] == dict(LDAP, manager_password="pw")
    assert values["oidc"] == {}
    assert values["authorization"]["admin_groups"] == ["ops"]
    assert values["fleet_max_size"] == 6, "the agent ASG's max, not the role's default 4"
    assert values["build_discarder"] == dict(CURRENT["build_discarder"], num_to_keep="")
    assert set(values) == set(CURRENT)


@pytest.mark.parametrize("document", [None, "", {}], ids=["none", "empty", "empty-dict"])
def test_role_vars_without_a_record_keep_the_current_values(document):
    assert jenkins_settings_role_vars(document, CURRENT) == CURRENT


@pytest.mark.parametrize(
    "document,message",
    [
        ("{not json", "is not JSON"),
        ('{"format": 2}', "has format 2; this collection reads format 1"),
        ("[]", "has format []"),
    ],
)
def test_role_vars_refuse_a_document_they_cannot_read(document, message):
    with pytest.raises(AnsibleFilterError, match=message.replace("[", r"\[").replace("]", r"\]")):
        jenkins_settings_role_vars(document, CURRENT)


def test_role_vars_need_every_current_value():
    with pytest.raises(AnsibleFilterError, match="needs the current values of"):
        jenkins_settings_role_vars("", {"security_realm": "local"})


def test_registered():
    assert set(FilterModule().filters()) == {
        "jenkins_settings_errors",
        "jenkins_settings_document",
        "jenkins_settings_role_vars",
    }
