"""Each test builds its own boto3 clients: the lookups keep theirs for the process (plugin_utils/_aws_lookup.py)."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.plugin_utils import _aws_lookup


@pytest.fixture(autouse=True)
def fresh_clients(monkeypatch):
    monkeypatch.setattr(_aws_lookup, "_CLIENTS", {})
