"""The generator over a tiny synthetic Java source tree in temporary git repositories (the real ones are fetched
snapshots CI does not have): facts derived as configuration-as-code would, origins recorded, --check detects drift."""

import importlib.util
import json
import os
import shutil
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
GENERATE = os.path.join(ROOT, "tools", "jcasc_schema", "generate.py")


def _load_generate():
    spec = importlib.util.spec_from_file_location("jcasc_schema_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    subprocess.run(["git", "-C", cwd, *args], check=True, capture_output=True, env=env)


def _repo(tmp_path, name, layers):
    """A repository with one tagged commit per (fixture directory, tag), each layer copied over the previous."""
    work = tmp_path / name
    work.mkdir()
    _git(str(work), "init", "-q")
    for layer, tag in layers:
        shutil.copytree(os.path.join(FIXTURES, layer), str(work), dirs_exist_ok=True)
        _git(str(work), "add", "-A")
        _git(str(work), "commit", "-q", "-m", tag)
        _git(str(work), "tag", tag)
    return str(work / ".git")


@pytest.fixture(name="generated")
def fixture_generated(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is needed")
    core = _repo(tmp_path, "core", [("core", "jenkins-1.0.1"), ("core-next", "jenkins-1.1.1")])
    demo = _repo(tmp_path, "demo", [("demo", "demo-1.0")])
    pins = {
        "core": {
            "repository": "t/jenkins",
            "sources": ["core/src/main/java"],
            "versions": [{"version": "1.0.1", "ref": "jenkins-1.0.1"}, {"version": "1.1.1", "ref": "jenkins-1.1.1"}],
        },
        "plugins": {"demo": {"repository": "t/demo-plugin", "version": "1.0", "ref": "demo-1.0"}},
    }
    pins_path = tmp_path / "pins.yml"
    pins_path.write_text(yaml.safe_dump(pins))
    out = tmp_path / "schemas"
    args = ["--repo", "t/jenkins=" + core, "--repo", "t/demo-plugin=" + demo, "--pins", str(pins_path)]
    args += ["--out", str(out)]
    generate = _load_generate()
    assert generate.main(args) == 0
    return generate, args, out


def _read(out, component, version):
    with open(os.path.join(str(out), component, version + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def test_core_facts(generated):
    out = generated[2]
    old, new = _read(out, "core", "1.0.1"), _read(out, "core", "1.1.1")
    assert old["java"] == [17, 21, 25] and new["java"] == [21, 25]
    assert old["java_origin"] == "war/src/main/java/executable/Main.java:8"
    assert old["roots"]["jenkins"]["type"] == "jenkins.model.Jenkins"
    attrs = old["types"]["jenkins.model.Jenkins"]["attributes"]
    assert set(attrs) == {
        "systemMessage",
        "numExecutors",
        "mode",
        "crumbIssuer",
        "agentProtocols",
        "rawBuildsDir",
        "token",
        "clouds",
    }  # not: labels (a Map), writeOnly (no getter), static, the setters inside string literals
    assert attrs["agentProtocols"] == {
        "type": "string",
        "multiple": True,
        "deprecated": True,
        "origin": "core/src/main/java/jenkins/model/Jenkins.java:46",
    }
    assert attrs["mode"]["type"] == "enum" and attrs["mode"]["values"] == ["NORMAL", "EXCLUSIVE"]
    assert attrs["rawBuildsDir"]["restricted"] == "NoExternalUse"
    assert attrs["token"]["type"] == "secret"
    assert attrs["clouds"] == {
        "type": "hudson.slaves.Cloud",
        "multiple": True,
        "origin": "core/src/main/java/jenkins/model/Jenkins.java:20",
    }
    issuer = "hudson.security.csrf.DefaultCrumbIssuer"
    assert old["types"][issuer]["names"] == {
        "hudson.security.csrf.CrumbIssuer": ["standard", "default", "defaultCrumbIssuer"]
    }
    assert old["types"][issuer]["attributes"]["excludeClientIPFromCrumb"]["type"] == "boolean"
    assert new["types"][issuer]["attributes"] == {}
    assert old["types"]["hudson.security.csrf.CrumbIssuer"]["abstract"] is True


def test_category_roots(generated):
    out = generated[2]
    core = _read(out, "core", "1.0.1")
    unclassified = core["roots"]["unclassified"]["attributes"]
    assert unclassified["location"]["type"] == "jenkins.model.JenkinsLocationConfiguration"
    assert unclassified["shell"] == {
        "type": "hudson.tasks.Shell$DescriptorImpl",
        "origin": "core/src/main/java/hudson/tasks/Shell.java:9",
    }  # a global.jelly under the describable class gives its descriptor a global page
    assert core["types"]["jenkins.model.JenkinsLocationConfiguration"]["attributes"]["url"]["type"] == "string"
    assert core["types"]["hudson.tasks.Shell$DescriptorImpl"] == {
        "origin": "core/src/main/java/hudson/tasks/Shell.java:9",
        "unmodelled": True,
    }


def test_plugin_facts(generated):
    out = generated[2]
    demo = _read(out, "demo", "1.0")
    assert demo["requires"] == {
        "core": "2.500.1",
        "plugins": {"credentials": "1.2", "structs": None},
        # optional dependencies are carried: core refuses an installed one older than its minimum
        "optional": {"mailer": "470.v1", "workflow-job": None},
        "bom": None,
        "origin": "pom.xml",
    }
    cloud = demo["types"]["org.example.DemoCloud"]
    assert cloud["names"] == {"hudson.slaves.Cloud": ["demo", "demoCloudAlias", "demoCloud"]}
    attrs = cloud["attributes"]
    assert set(attrs) == {"name", "size", "credentialsId", "tags", "region", "old"}
    assert attrs["old"]["deprecated"] is True
    assert "deprecated" not in attrs["credentialsId"]  # a constructor parameter: JCasC does not read its annotations
    assert attrs["tags"] == {
        "type": "org.example.DemoCloud$Tag",
        "multiple": True,
        "origin": "src/main/java/org/example/DemoCloud.java:15",
    }
    assert set(demo["types"]["org.example.DemoCloud$Tag"]["attributes"]) == {"key", "value"}
    with open(os.path.join(str(out), "pins.json"), encoding="utf-8") as handle:
        pins = json.load(handle)
    assert pins["plugins"]["demo"]["requires_core"] == "2.500.1" and len(pins["plugins"]["demo"]["commit"]) == 40


def test_check_passes_then_detects_drift(generated, capsys):
    generate, args, out = generated
    assert generate.main(args + ["--check"]) == 0
    path = os.path.join(str(out), "core", "1.1.1.json")
    with open(path, encoding="utf-8") as handle:
        doc = json.load(handle)
    doc["types"]["jenkins.model.Jenkins"]["attributes"].pop("agentProtocols")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(doc, handle)
    capsys.readouterr()
    assert generate.main(args + ["--check"]) == 1
    assert "differs:" in capsys.readouterr().out and "1.1.1.json" in path


def test_missing_repository_is_an_error(generated, capsys):
    generate, args = generated[:2]
    demo = args.index("t/demo-plugin=" + args[args.index("--repo", 1) + 1].split("=", 1)[1])
    without_demo = args[: demo - 1] + args[demo + 1 :]
    with pytest.raises(SystemExit):
        generate.main(without_demo)
    assert "no --repo for: t/demo-plugin" in capsys.readouterr().err
