"""jenkins_fleet_clouds / jenkins_fleet_cloud_errors: one eC2Fleet cloud per agent pool (issue 18), the role's one
cloud without pools, and the refusal of two clouds sharing a name or an Auto Scaling group (which Jenkins loads and
the EC2 Fleet plugin then mixes up, see plugins/filter/jenkins_fleet_clouds.py for the upstream lines)."""

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.filter.jenkins_fleet_clouds import (
    FLEET_KEYS,
    FilterModule,
    fleet_cloud_errors,
    jenkins_fleet_clouds,
)

from tests.unit.pools.fixtures import document_pool as pool

from .test_casc_template import ROLE


def role_fleet(**overrides):
    """The role's defaults for every fleet variable, the way the template hands them to the filter."""
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    fleet = {key: defaults["jenkins_controller_fleet_" + key] for key in FLEET_KEYS}
    fleet.update(asg_name="demo-agent", region="eu-west-1")
    fleet.update(overrides)
    return fleet


DEFAULT = pool("default")
SPOT = pool("spot", labels="linux spot", min_size=1, max_size=20, idle_minutes=3, executors=1, max_total_uses=1)


def cloud(**overrides):
    """The eC2Fleet cloud the role's defaults give (region eu-west-1, group demo-agent), with the case's values."""
    value = {
        "name": "agents",
        "region": "eu-west-1",
        "fleet": "demo-agent",
        "labelString": "linux",
        "fsRoot": "/var/lib/jenkins-agent",
        "computerConnector": {
            "sshConnector": {
                "credentialsId": "jenkins-agent-ssh",
                "port": 22,
                "sshHostKeyVerificationStrategy": {
                    "manuallyTrustedKeyVerificationStrategy": {"requireInitialManualTrust": False}
                },
                "launchTimeoutSeconds": 300,
            }
        },
        "privateIpUsed": True,
        "alwaysReconnect": False,
        "idleMinutes": 10,
        "minSize": 0,
        "maxSize": 4,
        "minSpareSize": 0,
        # Single use, one executor: the role's defaults (issue 20 finding 7).
        "maxTotalUses": 1,
        "numExecutors": 1,
        "addNodeOnlyIfRunning": True,
        "restrictUsage": False,
        "initOnlineTimeoutSec": 300,
        "noDelayProvision": True,
    }
    value.update(overrides)
    return {"eC2Fleet": value}


# (pools, role fleet overrides) -> the clouds rendered
CLOUD_CASES = [
    pytest.param([], {}, [cloud()], id="no-pools-the-roles-one-cloud"),
    pytest.param(None, {}, [cloud()], id="none-is-no-pools"),
    pytest.param(
        [],
        {"label": "linux ${X}", "jvm_options": "-Dx=${Y}", "host_key_verification": "known_hosts"},
        [
            cloud(
                labelString="linux ^${X}",
                computerConnector={
                    "sshConnector": {
                        "credentialsId": "jenkins-agent-ssh",
                        "port": 22,
                        "sshHostKeyVerificationStrategy": "knownHostsFileKeyVerificationStrategy",
                        "launchTimeoutSeconds": 300,
                        "jvmOptions": "-Dx=^${Y}",
                    }
                },
            )
        ],
        id="no-pools-user-text-escaped",
    ),
    pytest.param([DEFAULT], {}, [cloud(maxSize=6)], id="default-pool-keeps-the-cloud-name-agents"),
    pytest.param(
        [DEFAULT, SPOT],
        {},
        [
            cloud(maxSize=6),
            cloud(
                name="spot",
                fleet="demo-agent-spot",
                labelString="linux spot",
                minSize=1,
                maxSize=20,
                idleMinutes=3,
                numExecutors=1,
                maxTotalUses=1,
                restrictUsage=True,
            ),
        ],
        id="two-pools-two-clouds",
    ),
    pytest.param(
        [SPOT],
        {"cloud_name": "ci", "asg_name": ""},
        [
            cloud(
                name="spot",
                fleet="demo-agent-spot",
                labelString="linux spot",
                minSize=1,
                maxSize=20,
                idleMinutes=3,
                numExecutors=1,
                maxTotalUses=1,
                restrictUsage=True,
            )
        ],
        id="no-default-pool-no-agent-asg-needed",
    ),
    pytest.param(
        [pool("default", labels="linux")],
        {"cloud_name": "ci"},
        [cloud(name="ci", labelString="linux", maxSize=6)],
        id="default-pool-takes-the-roles-cloud-name",
    ),
    pytest.param(
        # A pool of a document from before min_spare_size: the role's value, text from set_fact.
        [{key: value for key, value in DEFAULT.items() if key != "min_spare_size"}],
        {"private_ip_used": "false", "ssh_port": "2222", "min_spare_size": "1"},
        [
            cloud(
                maxSize=6,
                privateIpUsed=False,
                minSpareSize=1,
                computerConnector={
                    "sshConnector": dict(cloud()["eC2Fleet"]["computerConnector"]["sshConnector"], port=2222)
                },
            )
        ],
        id="role-values-as-text-from-set-fact",
    ),
]


@pytest.mark.parametrize("pools,overrides,expected", CLOUD_CASES)
def test_clouds(pools, overrides, expected):
    assert jenkins_fleet_clouds(pools, role_fleet(**overrides)) == expected


def test_the_legacy_default_pool_renders_the_cloud_of_before():
    """A stack's default pool from today's variables (labels, bounds of the agent group, the role's idle minutes,
    executors and uses) gives exactly the one cloud a controller rendered before pools: no reload, no orphan."""
    legacy = jenkins_fleet_clouds([], role_fleet(label="linux", min_size=1, max_size=6))
    pools = [pool("default", min_size=1, max_size=6)]
    assert jenkins_fleet_clouds(pools, role_fleet(label="ignored", min_size=0, max_size=4)) == legacy


def _before_restrict_usage(document_pool):
    """A pool of a settings document published before pools carried restrict_usage."""
    return {key: value for key, value in document_pool.items() if key != "restrict_usage"}


# restrictUsage per cloud (ec2-fleet f2adaad19b5e: false provisions for and runs jobs without a label,
# EC2FleetCloud.java:854-857 and :935): (pools, role's jenkins_controller_fleet_restrict_usage) -> each cloud's value
RESTRICT_USAGE_CASES = [
    pytest.param([DEFAULT, SPOT], False, [False, True], id="default-pool-takes-unlabelled-jobs-others-do-not"),
    pytest.param([DEFAULT, SPOT], True, [False, True], id="the-pools-value-wins-over-the-roles"),
    pytest.param(
        [pool("default", restrict_usage=True), pool("spot", restrict_usage=False)],
        False,
        [True, False],
        id="explicit-override",
    ),
    pytest.param(
        [_before_restrict_usage(DEFAULT), _before_restrict_usage(SPOT)],
        False,
        [False, False],
        id="older-document-renders-what-it-did",
    ),
    pytest.param(
        [_before_restrict_usage(DEFAULT), _before_restrict_usage(SPOT)],
        "yes",
        [True, True],
        id="older-document-takes-the-roles-value",
    ),
    pytest.param([], True, [True], id="no-pools-the-roles-value"),
]


@pytest.mark.parametrize("pools,role_value,expected", RESTRICT_USAGE_CASES)
def test_restrict_usage_per_pool(pools, role_value, expected):
    clouds = jenkins_fleet_clouds(pools, role_fleet(restrict_usage=role_value))
    assert [c["eC2Fleet"]["restrictUsage"] for c in clouds] == expected


# (pools, role fleet overrides, fragments) -> the start of each error
ERROR_CASES = [
    pytest.param([], {}, [], [], id="no-pools-ok"),
    pytest.param([DEFAULT, SPOT], {}, [], [], id="two-pools-ok"),
    pytest.param(
        [DEFAULT, pool("agents")],
        {},
        [],
        ["pool default and pool agents are both EC2 Fleet clouds named 'agents'"],
        id="a-pool-named-like-the-default-cloud",
    ),
    pytest.param(
        [DEFAULT, pool("spot", asg_name="demo-agent")],
        {},
        [],
        ["pool default and pool spot both drive the Auto Scaling group 'demo-agent'"],
        id="two-pools-one-group",
    ),
    pytest.param(
        [DEFAULT, SPOT],
        {},
        [{"jenkins": {"clouds": [{"eC2Fleet": {"name": "spot", "fleet": "gpu-asg"}}]}}],
        ["pool spot and the jenkins.clouds entry 'spot' of the JCasC fragments are both EC2 Fleet clouds named"],
        id="fragment-cloud-named-like-a-pool",
    ),
    pytest.param(
        [],
        {},
        [{"Jenkins": {"Clouds": [{"ec2fleet": {"name": "gpu", "fleet": "demo-agent"}}]}}],
        ["the cloud agents and the jenkins.clouds entry 'gpu' of the JCasC fragments both drive"],
        id="fragment-cloud-on-the-roles-group-keys-ignoring-case",
    ),
    pytest.param(
        [],
        {},
        [{"jenkins": {"clouds": [{"eC2Fleet": {"name": "gpu", "fleet": "gpu-asg"}}]}}, {"unclassified": {}}],
        [],
        id="fragment-cloud-of-its-own-ok",
    ),
    pytest.param({"default": DEFAULT}, {}, [], ["agent_pools must be a list of pools"], id="not-a-list"),
    pytest.param(["default"], {}, [], ["agent_pools[0] must be a mapping"], id="pool-not-a-mapping"),
    pytest.param(
        [{"name": "x", "labels": "x"}],
        {},
        [],
        ["agent_pools[0] lacks asg_name, min_size, max_size, idle_minutes, executors, max_total_uses"],
        id="pool-missing-keys",
    ),
    pytest.param(
        [pool("x", min_size="1", executors=True)],
        {},
        [],
        ["agent_pools[0] (x): min_size, executors must be whole numbers"],
        id="pool-not-whole-numbers",
    ),
    pytest.param(
        [pool("x", min_size=3, max_size=2)],
        {},
        [],
        ["agent_pools[0] (x): needs 0 <= min_size <= max_size"],
        id="min-above-max",
    ),
    pytest.param([pool("x", max_size=0)], {}, [], ["agent_pools[0] (x): needs 0 <= min_size"], id="max-zero"),
    pytest.param(
        [pool("x", executors=0, max_total_uses=-2)],
        {},
        [],
        ["agent_pools[0] (x): needs executors >= 1, idle_minutes >= 0 and max_total_uses -1 (unlimited) or >= 1"],
        id="executors-and-uses",
    ),
    pytest.param(
        [pool("x", max_total_uses=0)],
        {},
        [],
        ["agent_pools[0] (x): needs executors >= 1, idle_minutes >= 0 and max_total_uses -1"],
        id="zero-uses-is-a-node-used-up-before-its-first-build",
    ),
    pytest.param(
        [pool("x", restrict_usage="yes")],
        {},
        [],
        ["agent_pools[0] (x): restrict_usage must be true or false, got 'yes'"],
        id="restrict-usage-text-refused",
    ),
    pytest.param(
        [pool("x", restrict_usage=None)],
        {},
        [],
        ["agent_pools[0] (x): restrict_usage must be true or false, got None"],
        id="restrict-usage-null-refused",
    ),
    pytest.param(
        [pool("x", restrict_usage=0)],
        {},
        [],
        ["agent_pools[0] (x): restrict_usage must be true or false, got 0"],
        id="restrict-usage-number-refused",
    ),
    pytest.param(
        [pool("x", labels="")],
        {},
        [],
        ["agent_pools[0] (x): labels must be a non-empty string"],
        id="empty-labels-match-only-unlabelled-jobs",
    ),
    pytest.param(
        [pool("x", labels="a&&b")],
        {},
        [],
        ["agent_pools[0] (x): labels must be a non-empty string of plain"],
        id="label-expression-is-not-a-label",
    ),
    pytest.param(
        [pool("x", labels="linux ${HOME}")],
        {},
        [],
        ["agent_pools[0] (x): labels must be a non-empty string of plain"],
        id="interpolation-is-not-a-label",
    ),
    pytest.param(
        [dict(pool("x"), name="Agents Pool")],
        {},
        [],
        ["agent_pools[0] (Agents Pool): name must be 1-20 lower case"],
        id="name-the-stack-would-refuse",
    ),
    pytest.param(
        [pool("x", asg_name="", labels=None)],
        {},
        [],
        ["agent_pools[0] (x): asg_name must be a non-empty string", "agent_pools[0] (x): labels must be a non-empty"],
        id="group-and-labels",
    ),
]


@pytest.mark.parametrize("pools,overrides,fragments,expected", ERROR_CASES)
def test_errors(pools, overrides, fragments, expected):
    errors = fleet_cloud_errors(pools, role_fleet(**overrides), fragments)
    assert len(errors) == len(expected), errors
    for error, start in zip(errors, expected):
        assert error.startswith(start), error


def test_clouds_refuse_what_the_errors_name():
    with pytest.raises(AnsibleFilterError, match="Cannot render the EC2 Fleet clouds: pool default and pool agents"):
        jenkins_fleet_clouds([DEFAULT, pool("agents")], role_fleet())
    with pytest.raises(AnsibleFilterError, match=r"\(spot\): restrict_usage must be true or false, got 'no'"):
        jenkins_fleet_clouds([DEFAULT, pool("spot", restrict_usage="no")], role_fleet())


@pytest.mark.parametrize(
    "fleet,message",
    [
        ({"cloud_name": "agents"}, "needs the role's fleet settings: add_node_only_if_running, always_reconnect"),
        ("agents", "needs the role's fleet settings as a mapping"),
        (role_fleet(host_key_verification="trust_me"), "host_key_verification must be one of manually_trusted"),
        # A flag Ansible cannot read as a boolean is an error, not a silent false.
        (role_fleet(restrict_usage="maybe"), "jenkins_fleet_clouds: The value 'maybe' is not a valid boolean"),
    ],
)
def test_clouds_need_the_roles_fleet_settings(fleet, message):
    with pytest.raises(AnsibleFilterError, match=message):
        jenkins_fleet_clouds([DEFAULT], fleet)


@pytest.mark.parametrize(
    "value,expected", [("yes", True), ("True", True), ("on", True), (1, True), ("no", False), (0, False)]
)
def test_flags_read_as_ansible_reads_booleans(value, expected):
    cloud_of = jenkins_fleet_clouds([DEFAULT], role_fleet(always_reconnect=value))[0]["eC2Fleet"]
    assert cloud_of["alwaysReconnect"] is expected
    cloud_of = jenkins_fleet_clouds([], role_fleet(restrict_usage=value))[0]["eC2Fleet"]
    assert cloud_of["restrictUsage"] is expected


def test_errors_need_the_cloud_name():
    with pytest.raises(AnsibleFilterError, match="at least cloud_name"):
        fleet_cloud_errors([], {})


def test_registered():
    assert set(FilterModule().filters()) == {"jenkins_fleet_clouds", "jenkins_fleet_cloud_errors"}


# minSpareSize per cloud (ec2-fleet f2adaad19b5e: idle agents kept ready within maxSize, EC2FleetCloud.java:519-528,
# :659-661): (pools, role's jenkins_controller_fleet_min_spare_size) -> each cloud's value
MIN_SPARE_SIZE_CASES = [
    pytest.param([DEFAULT, dict(SPOT, min_spare_size=2)], 0, [0, 2], id="per-pool"),
    pytest.param([dict(DEFAULT, min_spare_size=1), SPOT], 3, [1, 0], id="the-pools-value-wins-over-the-roles"),
    pytest.param(
        [{k: v for k, v in p.items() if k != "min_spare_size"} for p in (DEFAULT, SPOT)],
        "1",
        [1, 1],
        id="older-document-takes-the-roles-value",
    ),
    pytest.param([], 2, [2], id="no-pools-the-roles-value"),
]


@pytest.mark.parametrize("pools,role_value,expected", MIN_SPARE_SIZE_CASES)
def test_min_spare_size_per_pool(pools, role_value, expected):
    clouds = jenkins_fleet_clouds(pools, role_fleet(min_spare_size=role_value))
    assert [c["eC2Fleet"]["minSpareSize"] for c in clouds] == expected


@pytest.mark.parametrize(
    "spare,expected",
    [
        (0, []),
        (6, []),
        (7, ["agent_pools[0] (default): needs 0 <= min_spare_size <= max_size"]),
        (-1, ["agent_pools[0] (default): needs 0 <= min_spare_size <= max_size"]),
        ("1", ["agent_pools[0] (default): min_spare_size must be whole numbers"]),
        (True, ["agent_pools[0] (default): min_spare_size must be whole numbers"]),
    ],
)
def test_min_spare_size_errors(spare, expected):
    assert fleet_cloud_errors([dict(DEFAULT, min_spare_size=spare)], role_fleet()) == expected


@pytest.mark.parametrize("core", ["2.541.3", "2.568.2"])
def test_pool_clouds_load_against_the_pinned_schema(core):
    """What each pool's keys become (minSpareSize, maxTotalUses, restrictUsage ...) is what the pinned ec2-fleet
    plugin's EC2FleetCloud accepts (the stand-in's schema, generated from its @DataBoundConstructor)."""
    from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import load_schema, validate

    from .test_casc_template import pinned_plugins

    clouds = jenkins_fleet_clouds([dict(DEFAULT, min_spare_size=1), dict(SPOT, min_spare_size=3)], role_fleet())
    assert validate({"jenkins": {"clouds": clouds}}, load_schema(core, pinned_plugins())) == []
    # The check can fail: an attribute the plugin does not declare is refused.
    clouds[1]["eC2Fleet"]["minSpareInstances"] = 3
    assert validate({"jenkins": {"clouds": clouds}}, load_schema(core, pinned_plugins())) != []
