"""Every corpus document gets the verdict real JCasC gives it (tests/jcasc/corpus/manifest.yml), on each core."""

import json
import os

import pytest
import yaml

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import SCHEMA_DIR, load_schema, validate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CORPUS = os.path.join(ROOT, "tests", "jcasc", "corpus")
with open(os.path.join(CORPUS, "manifest.yml"), encoding="utf-8") as _handle:
    MANIFEST = yaml.safe_load(_handle)["documents"]
with open(os.path.join(SCHEMA_DIR, "pins.json"), encoding="utf-8") as _handle:
    PLUGINS = {name: spec["version"] for name, spec in json.load(_handle)["plugins"].items()}

CASES = [
    pytest.param(
        entry,
        core,
        id="%s-%s%s"
        % (
            entry["document"],
            core,
            "-without-" + "-".join(entry["plugins_without"]) if entry.get("plugins_without") else "",
        ),
    )
    for entry in MANIFEST
    for core in entry["verdict"]
]


@pytest.mark.parametrize("entry,core", CASES)
def test_corpus_verdict(entry, core):
    with open(os.path.join(CORPUS, entry["document"]), encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    plugins = {k: v for k, v in PLUGINS.items() if k not in entry.get("plugins_without", [])}
    errors = validate(document, load_schema(core, plugins))
    if entry["verdict"][core] == "accepted":
        assert errors == []
    else:
        assert entry["verdict"][core] == "refused"
        expected = entry["errors"][core]
        assert sorted(line.split(": ", 1)[0] for line in errors) == sorted(expected), errors


def test_every_corpus_file_is_in_the_manifest():
    listed = {entry["document"] for entry in MANIFEST}
    present = {name for name in os.listdir(CORPUS) if name.endswith(".yml") and name != "manifest.yml"}
    assert listed == present
