"""The lookups' client cache (plugins/plugin_utils/_aws_lookup.py): one client per process and connection, never a
client of one region, endpoint, account or profile handed to a read with another; and botocore's errors as an
AnsibleLookupError naming the read."""

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.template import Templar
from botocore.exceptions import ClientError, NoCredentialsError

from ansible_collections.amazon.aws.plugins.doc_fragments import common, region
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase

from ansible_collections.jenkins_ha.aws.plugins.lookup import aws_read, efs_file_system_state, iam_roles
from ansible_collections.jenkins_ha.aws.plugins.lookup import sns_topic_state
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils import _aws_lookup
from ansible_collections.jenkins_ha.aws.plugins.plugin_utils._aws_lookup import AWSReadLookupBase, client_key
from tests.unit.modules.helpers import REGION, use_test_credentials

ENDPOINT = "http://127.0.0.1:4566"


@pytest.fixture
def built(monkeypatch):
    """The clients really built (service, region, endpoint), in order; no cache from other tests."""
    use_test_credentials(monkeypatch)
    monkeypatch.setattr(_aws_lookup, "_CLIENTS", {})
    calls = []
    original = AWSLookupBase.client

    def counting(self, service, retry_decorator=None, **extra_params):
        client = original(self, service, retry_decorator=retry_decorator, **extra_params)
        calls.append((service, client.meta.region_name, client.meta.endpoint_url))
        return client

    monkeypatch.setattr(AWSLookupBase, "client", counting)
    return calls


# The connection options every lookup that reads AWS documents (amazon.aws.common.plugins, amazon.aws.region.plugins),
# with their environment variables: what Ansible's plugin loader registers from the lookups' DOCUMENTATION.
CONNECTION_OPTIONS = {
    **yaml.safe_load(common.ModuleDocFragment.PLUGINS)["options"],
    **yaml.safe_load(region.ModuleDocFragment.PLUGINS)["options"],
}


def plugin(module=aws_read, **options):
    """A lookup of ``module`` whose connection options resolve as in Ansible (direct, then environment)."""
    lookup = module.LookupModule(loader=None, templar=Templar(loader=None))
    lookup._load_name = "jenkins_ha_test.cache." + module.__name__.rsplit(".", 1)[-1]
    C.config.initialize_plugin_configuration_definitions("lookup", lookup._load_name, CONNECTION_OPTIONS)
    lookup.set_options(var_options={}, direct=dict({"region": REGION}, **options))
    return lookup


def test_every_lookup_that_reads_aws_shares_the_cache():
    for module in (aws_read, efs_file_system_state, iam_roles, sns_topic_state):
        assert issubclass(module.LookupModule, AWSReadLookupBase)


def test_one_client_per_service_and_connection(built):
    first = plugin().client("ec2")
    assert plugin(aws_read).client("ec2") is first
    assert plugin(iam_roles).client("ec2") is first
    assert plugin().client("iam") is plugin(iam_roles).client("iam")
    assert [service for service, _region, _endpoint in built] == ["ec2", "iam"]


@pytest.mark.parametrize(
    "options, env",
    [
        ({"region": "eu-west-1"}, {}),
        ({"endpoint_url": ENDPOINT}, {}),
        ({"access_key": "AKIDOTHER", "secret_key": "other"}, {}),
        ({"session_token": "token"}, {}),
        ({}, {"AWS_ENDPOINT_URL": ENDPOINT}),  # read by botocore itself, not an option
        ({}, {"AWS_ACCESS_KEY_ID": "AKIDOTHER"}),
        ({}, {"AWS_REGION": "eu-west-1"}),
    ],
)
def test_another_connection_gets_another_client(built, monkeypatch, options, env):
    client = plugin().client("ec2")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    other = plugin(**options).client("ec2")
    assert other is not client
    assert len(built) == 2
    assert plugin(**options).client("ec2") is other


def test_a_profile_is_part_of_the_key():
    base = client_key("ec2", REGION, None, {"profile_name": "dev"}, environ={})
    assert client_key("ec2", REGION, None, {"profile_name": "prod"}, environ={}) != base
    assert client_key("ec2", REGION, None, {"profile_name": "dev"}, environ={"AWS_PROFILE": "prod"}) != base
    assert client_key("ec2", REGION, None, {"profile_name": "dev"}, environ={"HOME": "/elsewhere"}) == base


def test_a_forked_process_builds_its_own(built, monkeypatch):
    client = plugin().client("ec2")
    monkeypatch.setattr(_aws_lookup.os, "getpid", lambda: -1)
    assert plugin().client("ec2") is not client


def test_the_key_holds_no_credential(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-from-env")
    key = client_key("ec2", REGION, None, {"aws_secret_access_key": "very-secret"})
    assert "very-secret" not in repr(key)


def test_a_retry_decorator_wraps_the_cached_client(built):
    wrapped = plugin().client("ec2", retry_decorator=lambda f: f)
    assert wrapped.client is plugin().client("ec2")
    assert len(built) == 1


@pytest.mark.parametrize(
    "error, message",
    [
        (
            ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetRole"),
            "reading x failed: An error occurred (AccessDenied) when calling the GetRole operation: no",
        ),
        (NoCredentialsError(), "reading x failed: Unable to locate credentials"),
    ],
)
def test_botocore_errors_name_the_read(error, message):
    with pytest.raises(AnsibleLookupError) as raised:
        with plugin().failing_as("reading x failed"):
            raise error
    assert raised.value.message == message


def test_other_errors_pass_through():
    with pytest.raises(KeyError):
        with plugin().failing_as("reading x failed"):
            raise KeyError("x")
