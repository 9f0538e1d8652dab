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
from tests.unit.pools.fixtures import DOCUMENT_KEYS as CLOUD_KEYS
from tests.unit.pools.fixtures import normalised_pool

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


# Pools as stack_config's fact __stack_config_agent_pools holds them (normalised: every key of SHARED.md's shape).
POOL = normalised_pool("default", min_size=1, max_size=5, desired_capacity=1, tags={"team": "ci"})
SPOT = dict(
    POOL,
    name="spot",
    labels="linux spot",
    asg_name="demo-agent-spot",
    launch_template_name="demo-agent-spot",
    instance_types=["m6i.large", "m5.large"],
    on_demand_percentage_above_base=0,
    spot=True,
    min_size=0,
    max_size=20,
    idle_minutes=3,
    executors=1,
    max_total_uses=1,
)

ERROR_CASES = [
    pytest.param(stack(), [], id="defaults-ok"),
    # The metrics scrape account (issue 19): its own plain account, never the admin or anonymous.
    pytest.param(stack(metrics_scrape_user="prometheus"), [], id="scrape-account-ok"),
    pytest.param(stack(metrics_scrape_user="svc.prom@example.com"), [], id="scrape-account-directory-name-ok"),
    pytest.param(
        stack(metrics_scrape_user="admin"),
        ["jenkins_ha_metrics_scrape_user 'admin' must be an account of its own"],
        id="scrape-account-is-the-local-admin",
    ),
    pytest.param(
        stack(metrics_scrape_user="ops-lead", admin_username="Ops-Lead"),
        ["jenkins_ha_metrics_scrape_user 'ops-lead' must be an account of its own"],
        id="scrape-account-is-the-renamed-admin",
    ),
    pytest.param(
        stack(security_realm="ldap", ldap=LDAP, authorization={"admin_users": ["alice"]}, metrics_scrape_user="alice"),
        ["jenkins_ha_metrics_scrape_user 'alice' must be an account of its own"],
        id="scrape-account-is-a-directory-admin",
    ),
    pytest.param(
        stack(security_realm="ldap", ldap=LDAP, authorization={"admin_groups": ["ops"]}, metrics_scrape_user="admin"),
        [],
        id="a-directory-may-have-an-account-named-admin",
    ),
    pytest.param(
        stack(metrics_scrape_user="anonymous"), ["must be an account of its own, not anonymous"], id="scrape-anonymous"
    ),
    pytest.param(
        stack(metrics_scrape_user="pro metheus"), ["jenkins_ha_metrics_scrape_user must be an account name"], id="space"
    ),
    pytest.param(
        stack(metrics_scrape_user="${ADMIN}"), ["jenkins_ha_metrics_scrape_user must be an account name"], id="casc-var"
    ),
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
    pytest.param(stack(agent_pools=[POOL, SPOT]), [], id="pools-ok"),
    pytest.param(
        stack(agent_pools=[POOL, dict(SPOT, name="agents")]),
        ["jenkins_ha_agent_pools: pool default and pool agents are both EC2 Fleet clouds named 'agents'"],
        id="pool-named-like-the-default-cloud",
    ),
    pytest.param(
        stack(agent_pools=[POOL, dict(SPOT, asg_name="demo-agent")]),
        ["jenkins_ha_agent_pools: pool default and pool spot both drive the Auto Scaling group 'demo-agent'"],
        id="pools-on-one-group",
    ),
    pytest.param(
        stack(
            agent_pools=[POOL, SPOT],
            casc_fragments=[{"jenkins": {"clouds": [{"eC2Fleet": {"name": "spot", "fleet": "gpu"}}]}}],
        ),
        ["jenkins_ha_agent_pools: pool spot and the jenkins.clouds entry 'spot' of the JCasC fragments"],
        id="fragment-cloud-named-like-a-pool",
    ),
    pytest.param(
        stack(agent_pools=[dict(POOL, executors=0)]),
        ["jenkins_ha_agent_pools: agent_pools[0] (default): needs executors >= 1"],
        id="pool-without-executors",
    ),
    pytest.param(
        stack(agent_pools=[dict(SPOT, name="p{0}".format(i), asg_name="demo-agent-p{0}".format(i)) for i in range(30)]),
        ["more than an SSM String parameter holds (4096): shorten jenkins_ha_casc_fragments or list fewer"],
        id="too-many-pools-for-ssm",
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


def test_document_lists_each_pool_by_what_its_cloud_is_made_of():
    text = jenkins_settings_document(stack(agent_pools=[SPOT, POOL]))
    document = json.loads(text)
    assert document["agent_pools"] == [{key: pool[key] for key in CLOUD_KEYS} for pool in (SPOT, POOL)]
    # A controller image from before pools reads these for its one cloud on agent/asg-name: the default pool's.
    assert (document["fleet_min_size"], document["fleet_max_size"]) == (1, 5)
    # Instance types, Spot mix, tags and root volumes are the group's, not Jenkins': changing them is no new document.
    changed = dict(
        SPOT, instance_types=["c7i.xlarge"], on_demand_percentage_above_base=50, tags={}, root_volume_size=80
    )
    assert jenkins_settings_document(stack(agent_pools=[changed, POOL])) == text


def test_document_without_a_default_pool_keeps_the_agent_bounds_for_old_controllers():
    document = json.loads(jenkins_settings_document(stack(agent_pools=[SPOT], agent_min_size=0, agent_max_size=6)))
    assert (document["fleet_min_size"], document["fleet_max_size"]) == (0, 6)
    assert [pool["name"] for pool in document["agent_pools"]] == ["spot"]


@pytest.mark.parametrize("pools", ["absent", None], ids=["no-key", "not-derived-yet"])
def test_document_without_pools_is_the_document_of_before(pools):
    settings = stack() if pools == "absent" else stack(agent_pools=pools)
    assert settings_errors(settings) == []
    assert "agent_pools" not in json.loads(jenkins_settings_document(settings))


def test_role_vars_take_the_pools_and_keep_the_current_ones_without():
    document = jenkins_settings_document(stack(agent_pools=[POOL, SPOT]))
    values = jenkins_settings_role_vars(document, CURRENT)
    assert [pool["name"] for pool in values["fleet_pools"]] == ["default", "spot"]
    assert values["fleet_pools"][1] == {key: SPOT[key] for key in CLOUD_KEYS}
    before = jenkins_settings_role_vars(jenkins_settings_document(stack()), dict(CURRENT, fleet_pools=["kept"]))
    assert before["fleet_pools"] == ["kept"], "a document from before pools leaves the role's value"


def test_document_names_the_scrape_account_only_when_there_is_one():
    assert "metrics_scrape_user" not in json.loads(jenkins_settings_document(stack(metrics_scrape_user="")))
    document = jenkins_settings_document(stack(metrics_scrape_user="prometheus"))
    assert json.loads(document)["metrics_scrape_user"] == "prometheus"
    assert jenkins_settings_role_vars(document, CURRENT)["metrics_scrape_user"] == "prometheus"
    # A document without the key (no account, or published before it existed) leaves the role's value: none.
    assert jenkins_settings_role_vars(jenkins_settings_document(stack()), CURRENT)["metrics_scrape_user"] == ""


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
    "fleet_pools": [],
    "casc_fragments": [],
    "metrics_scrape_user": "",
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


def test_document_carries_each_pools_spare_agents():
    """min_spare_size is the pool's cloud's minSpareSize: a change of Jenkins, so a change of the document."""
    text = jenkins_settings_document(stack(agent_pools=[POOL, SPOT]))
    spare = jenkins_settings_document(stack(agent_pools=[POOL, dict(SPOT, min_spare_size=2)]))
    assert [pool["min_spare_size"] for pool in json.loads(spare)["agent_pools"]] == [0, 2]
    assert spare != text
    values = jenkins_settings_role_vars(spare, CURRENT)
    assert [pool["min_spare_size"] for pool in values["fleet_pools"]] == [0, 2]


def test_document_refuses_more_spares_than_the_pool_holds():
    errors = settings_errors(stack(agent_pools=[POOL, dict(SPOT, min_spare_size=21)]))
    assert errors == ["jenkins_ha_agent_pools: agent_pools[1] (spot): needs 0 <= min_spare_size <= max_size"]
