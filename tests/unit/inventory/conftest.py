"""Run the jenkins_ec2 inventory plugin in-process against moto's in-process AWS (mock_aws).

The plugin is instantiated directly (no collection loader in the test process): its option definitions are
built from its DOCUMENTATION and the doc fragments it extends, exactly as the plugin loader would.
"""

from __future__ import annotations

import importlib

import boto3
import pytest
import yaml
from ansible import constants as C
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from moto import mock_aws

from ansible_collections.jenkins_ha.aws.plugins.inventory import jenkins_ec2
from tests.unit.bad_input.helpers import refuse_every_call

FRAGMENT_MODULES = {
    "inventory_cache": ("ansible.plugins.doc_fragments.inventory_cache", "DOCUMENTATION"),
    "constructed": ("ansible.plugins.doc_fragments.constructed", "DOCUMENTATION"),
}


def _fragment(name):
    if name in FRAGMENT_MODULES:
        module, attr = FRAGMENT_MODULES[name]
    else:  # amazon.aws.common.plugins -> ansible_collections.amazon.aws.plugins.doc_fragments.common, PLUGINS
        ns, coll, base, *variant = name.split(".")
        module = "ansible_collections.{0}.{1}.plugins.doc_fragments.{2}".format(ns, coll, base)
        attr = variant[0].upper() if variant else "DOCUMENTATION"
    fragment = importlib.import_module(module).ModuleDocFragment
    text = getattr(fragment, attr, None)
    if text is None:  # amazon.aws.boto3 builds its DOCUMENTATION (requirements only) when instantiated
        text = getattr(fragment(), attr)
    return yaml.safe_load(text) or {}


def option_definitions():
    doc = yaml.safe_load(jenkins_ec2.DOCUMENTATION)
    options = {}
    for name in doc.get("extends_documentation_fragment", []):
        options.update(_fragment(name).get("options", {}))
    options.update(doc["options"])
    return options


C.config.initialize_plugin_configuration_definitions(
    "inventory", jenkins_ec2.InventoryModule.NAME, option_definitions()
)


@pytest.fixture
def aws(monkeypatch):
    """moto's in-process AWS, with dummy credentials and no endpoint from the caller's shell."""
    for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield boto3.session.Session(region_name="us-east-1")


@pytest.fixture
def denied(monkeypatch):
    """Every AWS call refused as AWS refuses an identity without permissions; the operations attempted."""
    yield from refuse_every_call(monkeypatch)


@pytest.fixture
def run_inventory(tmp_path):
    """run_inventory(config dict, cache=True) -> InventoryData populated by the plugin from that config."""

    def run(config, cache=True, name="test.jenkins_ec2.yml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(dict({"plugin": jenkins_ec2.InventoryModule.NAME}, **config)))
        plugin = jenkins_ec2.InventoryModule()
        plugin._load_name = plugin.ansible_name = jenkins_ec2.InventoryModule.NAME
        plugin._redirected_names = [jenkins_ec2.InventoryModule.NAME]
        inventory = InventoryData()
        assert plugin.verify_file(str(path))
        plugin.parse(inventory, DataLoader(), str(path), cache=cache)
        plugin.update_cache_if_changed() if getattr(plugin, "_cache", None) is not None else None
        inventory.reconcile_inventory()
        return inventory

    return run
