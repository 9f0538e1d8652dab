"""Fixtures for the compatibility-layer tests: in-process moto, and patches that are always removed again."""

from __future__ import annotations

import contextlib

import boto3
import pytest
from moto import mock_aws

REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch):
    """In-process moto (no server): boto3 clients in this context talk to moto's backends directly."""
    for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield lambda service: boto3.client(service, region_name=REGION)


@pytest.fixture
def compat_patch():
    """Stock moto until the test says otherwise: yields a context manager that applies a patch module.

    Every patch used is removed before the test starts (stock half) and after it ends, pass or fail.
    """
    used = []

    @contextlib.contextmanager
    def patched(module):
        used.append(module)
        module.apply()
        try:
            yield module
        finally:
            module.remove()

    def stock(module):
        used.append(module)
        module.remove()

    patched.stock = stock
    yield patched
    for module in used:
        module.remove()


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]
