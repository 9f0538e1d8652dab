"""The amazon.aws/community.aws modules that hit moto gaps, run for real against the emulator with its
compatibility layer (tests/emulator/compat/): every first run changes, no rerun does."""

from __future__ import annotations

from pathlib import Path

from tests.unit.emulator.conftest import make_pki

PLAYBOOK = Path(__file__).parent / "files" / "compat_modules_idempotent.yml"


def test_modules_are_idempotent_against_the_patched_emulator(playbook, tmp_path):
    files = {}
    for name, pem in make_pki().items():
        files[name] = tmp_path / "{0}.pem".format(name)
        files[name].write_bytes(pem)
    result = playbook(
        PLAYBOOK,
        inventory="localhost,",
        extra_vars=[{"compat_" + name: str(path) for name, path in files.items()}],
    )
    assert result.rc == 0, result.output[-6000:]
    assert result.failed() == 0
