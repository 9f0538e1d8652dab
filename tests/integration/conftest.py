"""Integration fixtures: one private emulator per test session (per xdist worker), torn down at the end."""

from pathlib import Path

import pytest

from tests.integration.harness import ROOT, Emulator, run_playbook

TARGETS = ROOT / "tests" / "integration" / "targets"


@pytest.fixture(scope="session")
def emulator():
    emu = Emulator(ROOT / "tests" / "output" / "emulator").start()
    yield emu
    emu.stop()


@pytest.fixture
def playbook(emulator):
    """Run a playbook against the session's emulator: playbook(path, **kwargs) -> PlaybookResult."""

    def run(path, **kwargs):
        return run_playbook(Path(path), emulator.env(), **kwargs)

    return run
