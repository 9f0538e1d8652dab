"""In-process moto for the module_utils tests (shared with tests/unit/modules)."""

import pytest

from tests.unit.modules.helpers import in_process_moto


@pytest.fixture
def aws(monkeypatch):
    """A factory of boto3 clients talking to in-process moto."""
    with in_process_moto(monkeypatch) as client:
        yield client
