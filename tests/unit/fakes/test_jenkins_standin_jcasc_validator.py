"""The stand-in's JCasC validator alone (fake.jenkins.CascCheck), the generated schemas it shares with the Python
validator, and the corpus of documents with real JCasC's verdicts."""

import json
import shutil
import subprocess

import pytest

from .conftest import FIXTURE_SCHEMAS, REAL_SCHEMAS, ROOT, wars_by_core
from .standin_helpers import (
    ROLE_CASC_WITH_AGENT_PROTOCOLS,
    VALID,
    casc_check,
    make,
    real_schemas_or_skip,
    wait_answering,
    write_plugin,
)

CORPUS = ROOT / "tests" / "jcasc" / "corpus"


# --- the validator alone ------------------------------------------------------------------------------------------


def test_version_numbers_compare_like_jenkins(fixture_wars):
    """hudson.util.VersionNumber's rules (org.jenkins-ci:version-number 1.14, pinned by core's bom)."""
    war = fixture_wars("2.541.3")
    cases = [
        ("2.541.3", "2.568.2", -1),
        ("2.541.10", "2.541.9", 1),
        ("2.541", "2.541.0", 0),
        ("2117.vc05a_0b_e6b_f4e", "2118.v0", -1),
        ("4.3.0.549.vf2a_da_a_d19b_5e", "4.3.0.550.v1", -1),
        ("4.3.0.549.vf2a_da_a_d19b_5e", "4.3.0", 1),
        ("2.30.17-68.v5b_f16a_87c6f8", "2.30.17-67.vabc", 1),
        ("1.0-SNAPSHOT", "1.0", -1),
        ("2.479.3-rc", "2.479.3", -1),
        ("1.0-20240101.120000-1", "1.0-20240101.120000-2", -1),
        ("1.0-ea", "1.0-rc", 0),
        ("1.0-1", "1.0.1", -1),
        ("1.1", "1.*", 0),
    ]
    for a, b, expected in cases:
        answer = subprocess.run(
            ["java", "-cp", str(war), "fake.jenkins.VersionNumber", a, b], capture_output=True, text=True, check=True
        )
        assert int(answer.stdout) == expected, (a, b)


def test_casc_check_reports_every_rule(fixture_wars, tmp_path):
    doc = tmp_path / "doc.yaml"
    doc.write_text(
        ROLE_CASC_WITH_AGENT_PROTOCOLS.replace("numExecutors: 0", "numExecutors: many")
        .replace("mode: EXCLUSIVE", "mode: [EXCLUSIVE]")
        .replace("disableRememberMe: true", "disableRememberMe: yes please")
        .replace(
            "    - JNLP4-connect\n",
            "    - JNLP4-connect\n  clouds:\n    - eC2Fleet:\n        name: a\n        credentialsId: x\n    - nope: {}\n",
        )
        + "tool:\n  git: {}\nx-anchors: ignored\n"
    )
    answer = casc_check(
        fixture_wars("2.568.2"),
        doc,
        "2.568.2",
        [("ec2-fleet", "4.3.0.549.vf2a_da_a_d19b_5e"), ("ssh-credentials", "361.vb_f6760818e8c")],
        schemas=FIXTURE_SCHEMAS,
    )
    assert answer.returncode == 1, answer.stderr
    lines = answer.stdout.splitlines()
    assert "jenkins.numExecutors: expected an integer (int), got 'many'" in lines
    assert "jenkins.mode: expected one enum, got a list" in lines
    assert "jenkins.crumbIssuer.standard.excludeClientIPFromCrumb: 'excludeClientIPFromCrumb' is deprecated" in lines
    assert "jenkins.disableRememberMe: expected true or false, got 'yes please'" in lines
    assert "jenkins.agentProtocols: 'agentProtocols' is deprecated" in lines
    assert "jenkins.clouds[0].eC2Fleet.credentialsId: 'credentialsId' is deprecated" in lines
    assert "jenkins.clouds[1]: no implementation of Cloud named 'nope' (known: eC2Fleet)" in lines
    assert "tool: no configurator for this root element: no loaded component provides it" in lines
    assert len(lines) == 8


def test_casc_check_accepts_the_fixed_document_and_drops_plugins_needing_a_newer_core(fixture_wars, tmp_path):
    doc = tmp_path / "doc.yaml"
    doc.write_text(VALID)
    war = fixture_wars("2.541.3")
    ok = casc_check(war, doc, "2.541.3", [("configuration-as-code", "2117.vc05a_0b_e6b_f4e")], FIXTURE_SCHEMAS)
    assert ok.returncode == 0 and ok.stdout == "", ok.stdout + ok.stderr
    doc.write_text(VALID + "security:\n  matrixAuth: {}\n")
    refused = casc_check(war, doc, "2.541.3", [("matrix-auth", "3.2.6")], FIXTURE_SCHEMAS)
    assert refused.returncode == 1
    assert "Jenkins (2.600.1) or higher required" in refused.stderr
    assert refused.stdout.startswith("security: no configurator")
    missing = casc_check(war, doc, "2.541.3", [("nothing", "1")], FIXTURE_SCHEMAS)
    assert missing.returncode == 2 and "no JCasC schema nothing/1.json" in missing.stderr


def test_casc_check_drops_a_plugin_whose_given_optional_dependency_is_older_than_declared(standin_war, tmp_path):
    """The CLI resolves a schema's optional dependencies as PluginWrapper.resolvePluginDependencies does (jenkins-2.568.2
    core/src/main/java/hudson/PluginWrapper.java:996-1006): given at an older version than declared, the dependent is
    not loaded; not given, it is absent and stops nothing. matrix-auth 3.2.8 declares configuration-as-code as an
    optional dependency (BOM-managed: null in the generated schema), here with a minimum above the pinned version."""
    real_schemas_or_skip()
    schemas = tmp_path / "schemas"
    shutil.copytree(REAL_SCHEMAS, schemas)
    matrix = schemas / "matrix-auth" / "3.2.8.json"
    schema = json.loads(matrix.read_text())
    schema["requires"]["optional"]["configuration-as-code"] = "2200.v1"
    matrix.write_text(json.dumps(schema))
    doc = tmp_path / "doc.yaml"
    doc.write_text(
        "jenkins:\n  authorizationStrategy:\n    globalMatrix: {}\nunclassified:\n  location:\n"
        "    url: https://jenkins.example.com/\n"
    )
    casc = ("configuration-as-code", "2117.vc05a_0b_e6b_f4e")
    absent = casc_check(standin_war, doc, "2.568.2", [("matrix-auth", "3.2.8")], schemas)
    assert absent.returncode == 0, absent.stdout + absent.stderr
    too_old = casc_check(standin_war, doc, "2.568.2", [casc, ("matrix-auth", "3.2.8")], schemas)
    assert too_old.returncode == 1, too_old.stdout + too_old.stderr
    assert (
        " - Update required: configuration-as-code (configuration-as-code 2117.vc05a_0b_e6b_f4e) to be updated to"
        " 2200.v1 or higher" in too_old.stderr
    )
    assert too_old.stdout.startswith("jenkins.authorizationStrategy: no implementation of AuthorizationStrategy named")
    # The Python pre-flight reads the same fact from the same file.
    from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import requirement_errors

    assert requirement_errors(
        "2.568.2", {"matrix-auth": schema["requires"]}, dict([casc, ("matrix-auth", "3.2.8")])
    ) == [
        "matrix-auth 3.2.8: needs configuration-as-code 2200.v1 or newer when it is installed (an optional"
        " dependency), 2117.vc05a_0b_e6b_f4e is installed"
    ]


# --- the generated schemas: the stand-in and the Python validator agree ---------------------------------------------


def python_errors(text, core, plugins):
    import yaml

    from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc import load_schema, validate

    return validate(yaml.safe_load(text), load_schema(core, plugins))


def paths(lines):
    return sorted(line.split(": ", 1)[0] for line in lines)


AGREEMENT_DOCS = {
    "role-before-fix": ROLE_CASC_WITH_AGENT_PROTOCOLS,
    "role-fixed": VALID,
    "unknown-root": VALID + "nonsense:\n  a: 1\n",
    "unknown-attribute": VALID.replace("  numExecutors: 0\n", "  numExecutors: 0\n  executorz: 2\n"),
    "wrong-scalars": VALID.replace("numExecutors: 0", "numExecutors: lots").replace("mode: EXCLUSIVE", "mode: BOTH"),
    "list-for-one": VALID.replace("  mode: EXCLUSIVE\n", "  mode:\n    - EXCLUSIVE\n"),
    "unknown-implementation": VALID.replace("markupFormatter: plainText", "markupFormatter: rawHtmlPlease"),
    "case-insensitive": VALID.replace("systemMessage", "SystemMessage").replace("plainText", "PlainText"),
    "anchors-root": VALID + "x-defaults:\n  anything: goes\n",
}


@pytest.mark.parametrize("name", sorted(AGREEMENT_DOCS))
@pytest.mark.parametrize("core", ["2.541.3", "2.568.2"])
def test_stand_in_and_python_validator_agree_on_the_generated_schemas(standin_war, tmp_path, core, name):
    pins = real_schemas_or_skip()
    doc = tmp_path / "doc.yaml"
    doc.write_text(AGREEMENT_DOCS[name])
    java = casc_check(standin_war, doc, core, sorted(pins.items()))
    assert java.returncode in (0, 1), java.stderr
    python = python_errors(AGREEMENT_DOCS[name], core, pins)
    assert (java.returncode == 0) == (python == []), (java.stdout, python)
    assert paths(java.stdout.splitlines()) == paths(python)


def test_generated_schemas_refuse_the_role_output_with_agent_protocols(standin_war, tmp_path):
    pins = real_schemas_or_skip()
    doc = tmp_path / "doc.yaml"
    doc.write_text(ROLE_CASC_WITH_AGENT_PROTOCOLS)
    old = casc_check(standin_war, doc, "2.541.3", sorted(pins.items()))
    assert old.stdout.splitlines() == ["jenkins.agentProtocols: 'agentProtocols' is deprecated"]
    new = casc_check(standin_war, doc, "2.568.2", sorted(pins.items()))
    # 2.568.2's DefaultCrumbIssuer has a no-argument @DataBoundConstructor: the old constructor argument is gone.
    assert new.stdout.splitlines() == [
        "jenkins.crumbIssuer.standard.excludeClientIPFromCrumb: unknown attribute of DefaultCrumbIssuer (valid: none)",
        "jenkins.agentProtocols: 'agentProtocols' is deprecated",
    ]


# --- the corpus: documents with real JCasC's verdicts ---------------------------------------------------------------


def corpus_cases(pins):
    """(document, core, plugins, expected accept, expected error paths) from tests/jcasc/corpus/manifest.yml."""
    import yaml

    cases = []
    for entry in yaml.safe_load((CORPUS / "manifest.yml").read_text())["documents"]:
        plugins = dict(entry.get("plugins") or pins)
        for name in entry.get("plugins_without", []):
            plugins.pop(name, None)
        for core, verdict in entry["verdict"].items():
            assert verdict in ("accepted", "refused"), entry
            expected = entry.get("errors", {}).get(core, [])
            cases.append((entry["document"], str(core), plugins, verdict == "accepted", expected))
    return cases


def test_corpus_verdicts_agree_with_the_manifest(standin_war):
    if not (CORPUS / "manifest.yml").is_file():
        pytest.skip("tests/jcasc/corpus/manifest.yml does not exist yet (being written by another engineer)")
    pins = real_schemas_or_skip()
    disagreements = []
    for document, core, plugins, accept, expected in corpus_cases(pins):
        answer = casc_check(standin_war, CORPUS / document, core, sorted(plugins.items()))
        assert answer.returncode in (0, 1), "{0} on {1}: {2}".format(document, core, answer.stderr)
        reported = paths(answer.stdout.splitlines())
        if (answer.returncode == 0) != accept or not set(expected) <= set(reported):
            disagreements.append(
                "{0} on core {1} without {2}: manifest says {3} {4}, stand-in says {5}".format(
                    document,
                    core,
                    sorted(set(pins) - set(plugins)) or "nothing",
                    "accepted" if accept else "refused",
                    expected,
                    answer.stdout.strip() or "accepted",
                )
            )
    assert not disagreements, "\n".join(disagreements)


@pytest.fixture(scope="session")
def real_wars(tmp_path_factory):
    """Stand-ins built on the generated schemas, one per core."""
    return wars_by_core(tmp_path_factory, REAL_SCHEMAS)


@pytest.mark.parametrize("core", ["2.541.3", "2.568.2"])
def test_corpus_verdicts_at_start_with_the_pinned_plugins_installed(real_wars, tmp_path, core):
    """The whole start path: plugin manifests, loading, schema merge, validation, boot failure page."""
    pins = real_schemas_or_skip()
    if not (CORPUS / "manifest.yml").is_file():
        pytest.skip("tests/jcasc/corpus/manifest.yml does not exist yet")
    war = real_wars(core)
    disagreements = []
    for index, (document, case_core, plugins, accept, expected) in enumerate(corpus_cases(pins)):
        if case_core != core or plugins != pins:
            continue
        base = tmp_path / str(index)
        base.mkdir()
        standin = make(war, base, (CORPUS / document).read_text())
        (standin.home / "plugins").mkdir()
        for name, version in pins.items():
            requires = json.loads((REAL_SCHEMAS / name / (version + ".json")).read_text()).get("requires", {})
            manifest = {"Short_Name": name, "Plugin_Version": version}
            if requires.get("core"):
                manifest["Jenkins_Version"] = requires["core"]
            write_plugin(standin.home / "plugins" / (name + ".jpi"), **manifest)
        try:
            standin.start(wait=False)
            status, dummy, body = wait_answering(standin)
        finally:
            standin.stop()
        if (status == 200) != accept or not all("{0}: ".format(path) in body for path in expected):
            disagreements.append("{0}: manifest says {1}, /login answered {2}".format(document, accept, status))
    assert not disagreements, "\n".join(disagreements)
