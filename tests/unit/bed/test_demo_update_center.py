"""The demo bakes its controller from a fake update center (tests/bed/demo_images.py). Every plugin it offers must
require the dependencies its pom names (the JCasC schemas' `requires`) and offer them, or the baked manifest lacks
them and configure.yml's pre-flight refuses the demo image (make demo failed that way when the update center was
generated without the schemas)."""

import io
import json
import tarfile
from pathlib import Path

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import SCHEMA_DIR

from tests.bed import demo_images


def offered():
    archive = tarfile.open(fileobj=io.BytesIO(demo_images.fake_update_center_archive("file:///srv/uc")))
    text = archive.extractfile("./update-center.json").read().decode()
    document = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return document["plugins"]


def test_every_offered_plugin_requires_and_finds_what_its_pom_requires():
    plugins = offered()
    problems, checked = [], 0
    for name, entry in sorted(plugins.items()):
        schema = Path(SCHEMA_DIR, name, entry["version"] + ".json")
        if not schema.is_file():
            continue
        required = json.loads(schema.read_text())["requires"]["plugins"]
        declared = {d["name"] for d in entry.get("dependencies", []) if not d.get("optional")}
        checked += len(required)
        for dependency in sorted(required):
            if dependency not in declared:
                problems.append("{0} does not declare {1}".format(name, dependency))
            elif dependency not in plugins:
                problems.append("{0} needs {1}, which is not offered".format(name, dependency))
    assert checked and problems == []
