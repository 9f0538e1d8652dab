"""Every image test runs with fake credentials and none of the caller's endpoint or profile (moto in-process)."""

import pytest

from tests.unit.modules.helpers import use_test_credentials


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    use_test_credentials(monkeypatch)
