"""Helpers the unit tests of modules/, module_utils/ and images/ share: in-process moto and module parameters."""

import contextlib
import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from moto import mock_aws

REGION = "us-east-1"
# Settings of the caller's environment that would send boto3 elsewhere than moto, or to a real account.
FOREIGN_SETTINGS = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def use_test_credentials(monkeypatch):
    """Fake credentials and the test region, and none of the caller's endpoint, profile or session."""
    for key in FOREIGN_SETTINGS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@contextlib.contextmanager
def in_process_moto(monkeypatch):
    """moto's backends in this process; yields a factory of boto3 clients (service name -> client)."""
    use_test_credentials(monkeypatch)
    with mock_aws():
        yield lambda service: boto3.client(service, region_name=REGION)


def module_params(argument_spec, **overrides):
    """module.params as AnsibleModule would fill them from argument_spec (every default), with overrides."""
    params = {name: option.get("default") for name, option in argument_spec.items()}
    params.update(overrides)
    return params


def run_module(main, capsys, **args):
    """Run a module's main() with args (region us-east-1 unless given) and return its JSON result."""
    args.setdefault("region", REGION)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            main()
    return json.loads(capsys.readouterr().out)
