"""meta/runtime.yml's action groups hold exactly the modules that take AWS credentials (documentation fragment
amazon.aws.common.modules) and exactly those that talk to Jenkins (jenkins_ha.aws.jenkins_api), so a
`module_defaults: {group/jenkins_ha.aws.aws: ...}` block reaches every module that needs it."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GROUPS = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["action_groups"]
FRAGMENTS = {"aws": "amazon.aws.common.modules", "jenkins": "jenkins_ha.aws.jenkins_api"}


def documentation(path):
    from ansible.parsing.plugin_docs import read_docstring

    return read_docstring(str(path))["doc"] or {}


def modules_with(fragment):
    found = set()
    for path in sorted((ROOT / "plugins" / "modules").glob("*.py")):
        if fragment in documentation(path).get("extends_documentation_fragment", []):
            found.add(path.stem)
    return found


@pytest.mark.parametrize("group", sorted(FRAGMENTS))
def test_action_group_lists_every_module_of_its_kind(group):
    assert set(GROUPS[group]) == modules_with(FRAGMENTS[group])


def test_action_groups_are_sorted_without_repeats():
    for modules in GROUPS.values():
        assert modules == sorted(set(modules))
