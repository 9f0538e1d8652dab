"""A stand-in for AnsibleAWSModule (params, check_mode, client) and in-process moto, to drive ensure_* functions."""

import boto3
import pytest

from tests.unit.modules.helpers import REGION, in_process_moto


class FakeModule:
    def __init__(self, params, check_mode=False):
        self.params = params
        self.check_mode = check_mode

    def client(self, service):
        return boto3.client(service, region_name=REGION)


@pytest.fixture
def aws(monkeypatch):
    with in_process_moto(monkeypatch) as client:
        yield client
