"""playbooks/vars/contract.yml and plugins/module_utils/contract.py must name the same things."""

from pathlib import Path

import pytest
import yaml

from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def table():
    return yaml.safe_load((ROOT / "playbooks/vars/contract.yml").read_text())["jenkins_ha_contract"]


def test_tags_match(table):
    assert table["tags"] == {
        "stack": contract.TAG_STACK,
        "component": contract.TAG_COMPONENT,
        "managed_by": contract.TAG_MANAGED_BY,
        "pool": contract.TAG_POOL,
    }
    assert table["managed_by_value"] == contract.MANAGED_BY_VALUE
    assert tuple(table["components"]) == contract.COMPONENTS


def test_ami_tags_match(table):
    assert table["ami_tags"] == {
        "role": contract.AMI_TAG_ROLE,
        "base": contract.AMI_TAG_BASE,
        "input_hash": contract.AMI_TAG_INPUT_HASH,
        "commit": contract.AMI_TAG_COMMIT,
        "build_time": contract.AMI_TAG_BUILD_TIME,
        "version": contract.AMI_TAG_VERSION,
    }
    assert tuple(table["image_roles"]) == contract.IMAGE_ROLES


def test_ssm_names_match(table):
    assert table["ssm_prefix"] == contract.SSM_PREFIX
    assert table["ssm"] == contract.SSM_NAMES
    assert tuple(table["ssm_secure"]) == contract.SSM_SECURE


@pytest.mark.parametrize(
    "stack,key,expected",
    [
        ("demo", "ami_controller", "/jenkins-ha/demo/ami/controller"),
        ("prod-eu", "efs_file_system_id", "/jenkins-ha/prod-eu/efs/file-system-id"),
        ("demo", "ssh_private_key", "/jenkins-ha/demo/keys/ssh-private-key"),
        ("demo", "ami_controller_jenkins", "/jenkins-ha/demo/ami/controller-jenkins"),
        ("demo", "jenkins_settings", "/jenkins-ha/demo/jenkins/settings"),
        ("demo", "oidc_client_secret", "/jenkins-ha/demo/jenkins/oidc-client-secret"),
        ("demo", "metrics_remote_scrape", "/jenkins-ha/demo/metrics/remote-scrape"),
    ],
)
def test_ssm_parameter_name(stack, key, expected):
    assert contract.ssm_parameter_name(stack, key) == expected


def test_per_pool_parameter_names_need_the_pool():
    assert (
        contract.ssm_parameter_name("demo", "agent_pool_asg_name", "spot")
        == "/jenkins-ha/demo/agent/pools/spot/asg-name"
    )
    with pytest.raises(ValueError, match="per agent pool"):
        contract.ssm_parameter_name("demo", "agent_pool_asg_name")


def test_ssm_parameter_name_rejects_unknown_key():
    with pytest.raises(KeyError):
        contract.ssm_parameter_name("demo", "nope")


def test_stack_tags():
    assert contract.stack_tags("demo", "efs") == {
        "jenkins-ha:stack": "demo",
        "jenkins-ha:component": "efs",
        "managed-by": "jenkins_ha.aws",
    }


def test_key_pair_suffix_matches(table):
    assert table["key_pair_suffix"] == contract.KEY_PAIR_SUFFIX


def test_every_secret_is_a_contract_parameter(table):
    assert set(table["ssm_secure"]) <= set(table["ssm"])
    assert {"ldap_manager_password", "oidc_client_secret"} <= set(contract.SSM_SECURE)
    assert "jenkins_settings" not in contract.SSM_SECURE, "the settings document is plain: it holds no secret"
