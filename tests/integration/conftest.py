"""Integration fixtures: one private emulator per test session (per xdist worker), torn down at the end."""

from pathlib import Path

import pytest

from tests.integration.agents import fleets
from tests.integration.harness import ROOT, Emulator, run_playbook
from tests.integration.scheduling import order_by_weight, report_by_file
from tests.unit.fakes.conftest import REAL_SCHEMAS, build_standin_war, java_for, role_core_version

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
    """The Jenkins stand-in (tests/fakes/jenkins) built once per session (per xdist worker).

    As the role's core when this host has a Java that core accepts; otherwise (a Debian 12 host has only Java 17,
    and core 2.555+ needs 21) as the newest pinned core that runs here, since these tests exercise our HTTP calls,
    which are the same on both lines, not the core's Java requirement (tests/unit/fakes covers that)."""
    cores = [role_core_version()] + sorted(
        (p.stem for p in (REAL_SCHEMAS / "core").glob("*.json")), key=lambda v: [int(x) for x in v.split(".")]
    )[::-1]
    core = next((c for c in cores if java_for(c, REAL_SCHEMAS)), cores[0])
    return build_standin_war(tmp_path_factory, core=core)


@pytest.fixture
def fleet(emulator, tmp_path):
    """fleet(stack) -> Fleet of emulated instances backed by podman containers (tests/integration/agents.py)."""
    with fleets(emulator, tmp_path) as make:
        yield make


def pytest_collection_modifyitems(items):
    order_by_weight(items)


def pytest_terminal_summary(terminalreporter):
    # Every phase's report (a passed setup or teardown is filed under "", not "passed").
    reports = [r for kind in terminalreporter.stats.values() for r in kind if getattr(r, "when", None)]
    reports = [r for r in reports if r.nodeid.startswith("tests/integration/")]
    if reports:
        terminalreporter.write_sep("=", "integration seconds by file and worker (tests/integration/scheduling.py)")
        for line in report_by_file(reports):
            terminalreporter.write_line(line)
