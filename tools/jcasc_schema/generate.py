"""Generate the JCasC schemas (docs/jcasc-schema.md, format 1) from Jenkins core and plugin sources.

    generate.py --repo jenkinsci/jenkins=GITDIR --repo jenkinsci/ec2-fleet-plugin=GITDIR ... [--check]
    generate.py --repo ... --choose-pins          # print the newest plugin releases that fit the lowest core

GITDIR is a git directory (bare, as the search tool's `fetch` leaves it, or a clone's .git); every pin of
pins.yml must have its repository given. Output: <out>/<component>/<version>.json and <out>/pins.json.
--check derives everything again and exits 1 when a committed file differs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE]

import yaml  # noqa: E402  (after the path set-up above)

from walk import Builder  # noqa: E402
from jtypes import World  # noqa: E402
from pinning import choose  # noqa: E402
from gitsource import GitSource  # noqa: E402
from permissions import extra_repositories, permissions  # noqa: E402

FORMAT = 1
MAIN_JAVA = "war/src/main/java/executable/Main.java"


def load_pins(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def java_versions(src):
    text = src.show(MAIN_JAVA)
    m = re.search(r"SUPPORTED_JAVA_VERSIONS\s*=\s*new\s+TreeSet<>\(List\.of\(([\d,\s]+)\)\)", text)
    if not m:
        raise LookupError("SUPPORTED_JAVA_VERSIONS not found in %s at %s" % (MAIN_JAVA, src.ref))
    line = text.count("\n", 0, m.start()) + 1
    return [int(v) for v in m.group(1).split(",")], "%s:%d" % (MAIN_JAVA, line)


def requires(src, spec):
    pom = src.pom(spec.get("pom", "pom.xml"))
    if spec.get("parent_pom"):
        parent = src.pom(spec["parent_pom"])
        pom.props = {**parent.props, **pom.props}
    deps, optional = pom.plugin_dependencies(), pom.plugin_dependencies(optional=True)
    out = {"core": pom.jenkins_version or None, "plugins": dict(sorted(deps.items()))}
    if optional:
        out["optional"] = dict(sorted(optional.items()))
    if any(v is None for v in [*deps.values(), *optional.values()]):
        out["bom"] = pom.bom() or (src.pom(spec["parent_pom"]).bom() if spec.get("parent_pom") else None)
    out["origin"] = spec.get("pom", "pom.xml")
    return out


def components_for(pins, core_entry):
    comps = {
        "core": {
            "repository": pins["core"]["repository"],
            "version": core_entry["version"],
            "ref": core_entry["ref"],
            "sources": pins["core"]["sources"],
        }
    }
    for name, spec in pins["plugins"].items():
        comps[name] = {**spec, "sources": spec.get("sources", ["src/main/java"])}
    return comps


def generate(pins, repos):
    """component -> version -> schema dict; plugin schemas derived with the lowest core, checked on the others."""
    results, plugin_facts, cache = {}, [], {}
    for core_entry in pins["core"]["versions"]:
        comps = components_for(pins, core_entry)
        sources = {name: GitSource(repos[c["repository"]], c["ref"], c["sources"]) for name, c in comps.items()}
        builder = Builder(World(sources), comps)
        roots = builder.run()
        types = builder.finish()
        facts = {}
        for name, comp in comps.items():
            src = sources[name]
            doc = {
                "format": FORMAT,
                "component": name,
                "version": comp["version"],
                "origin": {"repository": comp["repository"], "ref": comp["ref"], "commit": src.commit},
            }
            if name == "core":
                doc["java"], doc["java_origin"] = java_versions(src)
            else:
                doc["requires"] = requires(src, comp)
                facts[name] = _facts_only({"roots": roots.get(name, {}), "types": types.get(name, {})})
            doc["roots"] = dict(sorted(roots.get(name, {}).items()))
            doc["types"] = types.get(name, {})
            granted = permissions(comp["repository"], src, repos, cache)
            if granted:
                doc["permissions"] = granted
            results.setdefault(name, {}).setdefault(comp["version"], doc)
        plugin_facts.append(facts)
    for facts in plugin_facts[1:]:
        for name, value in facts.items():
            if value != plugin_facts[0][name]:
                raise SystemExit(
                    "plugin %s exposes different attributes on the cores %s: one schema cannot serve both"
                    % (name, ", ".join(c["version"] for c in pins["core"]["versions"]))
                )
    return results


def _facts_only(value):
    """A schema without origins: what must agree when the same plugin is derived against another core."""
    if isinstance(value, dict):
        return {k: _facts_only(v) for k, v in value.items() if k not in ("origin", "java_origin")}
    if isinstance(value, list):
        return [_facts_only(v) for v in value]
    return value


def pins_json(pins, results):
    return {
        "format": FORMAT,
        "core": [
            {
                "version": c["version"],
                "commit": results["core"][c["version"]]["origin"]["commit"],
                "java": results["core"][c["version"]]["java"],
            }
            for c in pins["core"]["versions"]
        ],
        "plugins": {
            name: {
                "version": spec["version"],
                "repository": spec["repository"],
                "ref": spec["ref"],
                "commit": results[name][spec["version"]]["origin"]["commit"],
                "requires_core": results[name][spec["version"]]["requires"]["core"],
            }
            for name, spec in pins["plugins"].items()
        },
    }


def dump(value):
    return json.dumps(value, indent=1, sort_keys=False) + "\n"


def write_or_check(out, results, pins, check):
    wanted = {}
    for name, versions in results.items():
        for version, doc in versions.items():
            wanted[os.path.join(out, name, version + ".json")] = dump(doc)
    wanted[os.path.join(out, "pins.json")] = dump(pins_json(pins, results))
    stale = []
    for path, text in sorted(wanted.items()):
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", action="append", default=[], metavar="OWNER/NAME=GITDIR", help="a source repository")
    parser.add_argument("--pins", default=os.path.join(HERE, "pins.yml"))
    parser.add_argument("--out", default=os.path.join(ROOT, "plugins", "module_utils", "jcasc", "schemas"))
    parser.add_argument("--check", action="store_true", help="fail when a committed schema differs")
    parser.add_argument("--choose-pins", action="store_true", help="print the newest plugin releases that fit")
    args = parser.parse_args(argv)
    repos = dict(item.split("=", 1) for item in args.repo)
    pins = load_pins(args.pins)
    wanted = {pins["core"]["repository"], *(p["repository"] for p in pins["plugins"].values())}
    missing = sorted((wanted | set(extra_repositories(wanted))) - set(repos))
    if missing:
        parser.error("no --repo for: " + ", ".join(missing))
    if args.choose_pins:
        lowest = pins["core"]["versions"][0]["version"]
        for name, spec in pins["plugins"].items():
            artifact = name
            print(name, choose(repos[spec["repository"]], artifact, spec.get("parent_pom", "pom.xml"), lowest))
        return 0
    results = generate(pins, repos)
    stale = write_or_check(args.out, results, pins, args.check)
    for path in stale:
        print(("differs: " if args.check else "wrote: ") + os.path.relpath(path))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
