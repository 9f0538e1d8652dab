"""roles/stack_config/README.md documents every stack variable its argument spec declares, with the same type and
default, and no variable the spec does not declare: the README table is what users read, the spec what runs."""

import re
from pathlib import Path

import yaml

ROLE = Path(__file__).resolve().parents[3] / "roles" / "stack_config"
OPTIONS = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
ROW = re.compile(r"^\| `(jenkins_ha_[a-z0-9_]+)` \| ([a-z/]+) \|", re.MULTILINE)
ROWS = dict(ROW.findall((ROLE / "README.md").read_text()))


def test_every_declared_stack_variable_has_a_row():
    assert sorted(set(OPTIONS) - set(ROWS)) == []


def test_every_row_names_a_declared_variable():
    assert sorted(set(ROWS) - set(OPTIONS)) == []


def test_rows_give_the_declared_type():
    wrong = {
        name: (ROWS[name], spec["type"])
        for name, spec in OPTIONS.items()
        if name in ROWS and spec["type"] not in ROWS[name].split("/")
    }
    assert wrong == {}
