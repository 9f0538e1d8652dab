"""Every patch of the compatibility layer has its row in tests/emulator/README.md's gap table, and every row names a
patch that exists: the table is how a reader learns what the emulator changes."""

import re
from pathlib import Path

EMULATOR = Path(__file__).resolve().parents[3] / "tests" / "emulator"
PATCHES = {p.stem for p in (EMULATOR / "compat").glob("*.py") if not p.stem.startswith("_")}
ROWS = set(re.findall(r"^\| `([a-z0-9_]+)` \|", (EMULATOR / "README.md").read_text(), re.MULTILINE))


def test_every_patch_has_a_row():
    assert sorted(PATCHES - ROWS) == []


def test_every_row_names_a_patch():
    assert sorted(ROWS - PATCHES) == []
