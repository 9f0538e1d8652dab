"""Fixtures of the bad-input tables (helpers.py has what they wrap)."""

import pytest

from .helpers import forbidding_server, refuse_every_call


@pytest.fixture
def denied(monkeypatch):
    """Every AWS call refused as AWS refuses an identity without permissions; the operations attempted."""
    yield from refuse_every_call(monkeypatch)


@pytest.fixture
def forbidden():
    """The base URL of an HTTP server answering 403 to everything."""
    yield from forbidding_server()
