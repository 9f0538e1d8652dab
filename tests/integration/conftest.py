"""Integration fixtures: one private emulator per test session (per xdist worker), torn down at the end."""

from pathlib import Path

import pytest

from tests.integration.agents import fleets
from tests.integration.harness import ROOT, Emulator, run_playbook
from tests.unit.fakes.conftest import build_standin_war

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


@pytest.fixture(scope="session")
def standin_war(tmp_path_factory):
    """The Jenkins stand-in (tests/fakes/jenkins) built once per session (per xdist worker)."""
    return build_standin_war(tmp_path_factory)


@pytest.fixture
def fleet(emulator, tmp_path):
    """fleet(stack) -> Fleet of emulated instances backed by podman containers (tests/integration/agents.py)."""
    with fleets(emulator, tmp_path) as make:
        yield make
