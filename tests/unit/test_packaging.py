"""Packaging facts that must agree (issue 15 item 8): every collection the shipped content uses is a galaxy.yml
dependency, the execution environment installs exactly those, and its pins are the ones the collection is tested with
(requirements.txt) and bakes with (roles/instance_boot). tests/integration/test_installed_collection.py builds,
installs and runs the collection, and runs `ansible-builder create` on the execution environment."""

import re
from pathlib import Path

import ansible_collections
import yaml

ROOT = Path(__file__).resolve().parents[2]
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())
EE = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
# What the collection archive holds that can name another collection (galaxy.yml's build_ignore drops the rest).
SHIPPED = ["site.yml", "playbooks", "roles", "plugins", "meta"]
FQCN = re.compile(r"(?=\b([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*)")
NOT_DEPENDENCIES = {"ansible.builtin", "jenkins_ha.aws"}


def installed_collections():
    """namespace.name of every collection the pinned `ansible` package ships (the universe of real names)."""
    names = set()
    for base in ansible_collections.__path__:
        for manifest in Path(base).glob("*/*/MANIFEST.json"):
            names.add("{0}.{1}".format(manifest.parent.parent.name, manifest.parent.name))
    return names


def shipped_files():
    for entry in SHIPPED:
        path = ROOT / entry
        candidates = [path] if path.is_file() else path.rglob("*")
        for candidate in candidates:
            if candidate.is_file() and candidate.suffix in (".yml", ".yaml", ".j2", ".py"):
                yield candidate


def used_collections():
    real = installed_collections()
    used = {}
    for path in shipped_files():
        for match in FQCN.finditer(path.read_text(errors="replace")):
            name = "{0}.{1}".format(*match.groups())
            if name in real and name not in NOT_DEPENDENCIES:
                used.setdefault(name, path.relative_to(ROOT).as_posix())
    return used


def requirement_pins(text):
    return dict(re.findall(r"(?m)^([A-Za-z0-9_.\-]+)==(\S+)$", text))


def test_every_collection_the_content_uses_is_a_dependency():
    used = used_collections()
    assert "community.crypto" in used  # the scan finds what it must (secrets.yml, keypair rotation, alb.yml)
    missing = {name: where for name, where in used.items() if name not in GALAXY["dependencies"]}
    assert not missing, "used but not in galaxy.yml dependencies (name: first file): {0}".format(missing)


def test_the_execution_environment_installs_the_dependencies():
    collections = {c["name"]: c.get("version", "*") for c in EE["dependencies"]["galaxy"]["collections"]}
    assert collections == GALAXY["dependencies"]


def test_the_dependencies_are_met_by_the_tested_ansible_release():
    from ansible.galaxy.dependency_resolution.versioning import meets_requirements

    for base in ansible_collections.__path__:
        for name, spec in GALAXY["dependencies"].items():
            manifest = Path(base, *name.split("."), "MANIFEST.json")
            if manifest.is_file():
                version = yaml.safe_load(manifest.read_text())["collection_info"]["version"]
                assert meets_requirements(version, spec), "{0} {1} does not meet {2}".format(name, version, spec)


def test_the_execution_environment_pins_what_the_collection_is_tested_with():
    pins = requirement_pins((ROOT / "requirements.txt").read_text())
    ee_python = requirement_pins("\n".join(EE["dependencies"]["python"]))
    assert ee_python == {name: pins[name] for name in ee_python}
    assert EE["dependencies"]["ansible_core"]["package_pip"] == "ansible-core==" + pins["ansible-core"]
    boot = yaml.safe_load((ROOT / "roles" / "instance_boot" / "defaults" / "main.yml").read_text())
    assert requirement_pins("\n".join(boot["instance_boot_pip_packages"])) == {
        name: pins[name] for name in ("ansible-core", "boto3", "botocore")
    }


def test_the_version_is_written_in_galaxy_yml_only():
    alone = re.compile(r"(?<![\d.]){0}(?!\.?\d)".format(re.escape(GALAXY["version"])))
    for path in (ROOT / "execution-environment.yml", ROOT / "site.yml", ROOT / "meta" / "runtime.yml"):
        assert not alone.search(path.read_text()), path
