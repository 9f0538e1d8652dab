"""Run every integration target (tests/integration/targets/<name>/main.yml) against the emulator.

A target is a playbook on localhost that exercises one component the amazon.aws way: check mode → apply →
idempotent rerun → check-mode rerun, asserting `changed` at each step, with its cleanup in `always:`.
"""

import pytest

from tests.integration.conftest import TARGETS

TARGET_PLAYBOOKS = sorted(p for p in TARGETS.glob("*/main.yml"))


@pytest.mark.parametrize("target", TARGET_PLAYBOOKS, ids=lambda p: p.parent.name)
def test_target(playbook, target):
    result = playbook(target, inventory="localhost,", args=["-c", "local"])
    assert result.rc == 0, result.output[-8000:]
