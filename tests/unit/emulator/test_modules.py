"""The collection modules that hit moto gaps, run for real against the launcher: reruns must report no change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.harness import Emulator, run_playbook

PLAYBOOK = Path(__file__).parent / "playbooks" / "modules_idempotent.yml"


@pytest.fixture
def emulator(tmp_path):
    server = Emulator(tmp_path / "emulator").start()
    yield server
    server.stop()


def test_modules_are_idempotent_against_the_patched_emulator(emulator, pki, tmp_path):
    files = {}
    for name in ("cert", "key", "chain"):
        files[name] = tmp_path / "{0}.pem".format(name)
        files[name].write_bytes(pki[name])
    result = run_playbook(
        PLAYBOOK,
        emulator.env(),
        inventory="localhost,",
        extra_vars=[{"compat_" + name: str(path) for name, path in files.items()}],
    )
    assert result.rc == 0, result.output[-6000:]
    assert result.failed() == 0
