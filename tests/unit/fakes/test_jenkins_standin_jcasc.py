"""The stand-in refuses what real Jenkins refuses: JCasC against the schemas, Java, plugins that cannot load."""

import base64
import glob
import json
import subprocess
import time
import urllib.error
import urllib.request
import zipfile

import pytest

from .conftest import FIXTURE_SCHEMAS, REAL_SCHEMAS, ROOT, StandIn, build_standin_war, java_major

PASSWORD = "correct horse"
AUTH = {"Authorization": "Basic " + base64.b64encode(("admin:" + PASSWORD).encode()).decode()}
CORPUS = ROOT / "tests" / "jcasc" / "corpus"

# What the role's template rendered before the fix (HEAD at the time of writing): agentProtocols is @Deprecated.
ROLE_CASC_WITH_AGENT_PROTOCOLS = """\
jenkins:
  systemMessage: "Managed by jenkins_ha.aws: do not edit by hand"
  numExecutors: 0
  mode: EXCLUSIVE
  securityRealm:
    local:
      allowsSignup: false
      users:
        - id: admin
          password: ${JENKINS_ADMIN_PASSWORD}
  authorizationStrategy:
    loggedInUsersCanDoAnything:
      allowAnonymousRead: false
  crumbIssuer:
    standard:
      excludeClientIPFromCrumb: false
  disableRememberMe: true
  markupFormatter: plainText
  slaveAgentPort: -1
  agentProtocols:
    - JNLP4-connect
unclassified:
  location:
    url: https://jenkins.example.com/
"""

VALID = ROLE_CASC_WITH_AGENT_PROTOCOLS.replace("  agentProtocols:\n    - JNLP4-connect\n", "").replace(
    "  crumbIssuer:\n    standard:\n      excludeClientIPFromCrumb: false\n", "  crumbIssuer: standard\n"
)


def make(war, tmp_path, casc, java=None):
    standin = StandIn(war, tmp_path, java=java)
    standin.casc.write_text(casc)
    (standin.secrets / "JENKINS_ADMIN_PASSWORD").write_text(PASSWORD + "\n")
    return standin


def request(url, method="GET", headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=5) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_answering(standin):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert standin.proc.poll() is None, standin.log.read_text()
        try:
            return request(standin.url + "/login")
        except OSError:
            time.sleep(0.2)
    raise AssertionError("no answer in 30 s")


def state(standin):
    return json.loads(request(standin.url + "/fake/state")[2])


def post_with_crumb(standin, path, headers=None):
    """POST as Jenkins clients do: crumb and session cookie from /crumbIssuer first."""
    status, answer_headers, body = request(standin.url + "/crumbIssuer/api/json", headers=headers)
    assert status == 200, body
    cookie = answer_headers["Set-Cookie"].split(";")[0]
    crumb = json.loads(body)["crumb"]
    return request(standin.url + path, "POST", dict(headers or {}, Cookie=cookie, **{"Jenkins-Crumb": crumb}))


def write_plugin(path, **manifest):
    lines = ["Manifest-Version: 1.0"] + ["{0}: {1}".format(k.replace("_", "-"), v) for k, v in manifest.items()]
    with zipfile.ZipFile(path, "w") as jpi:
        jpi.writestr("META-INF/MANIFEST.MF", "\r\n".join(lines) + "\r\n\r\n")


def casc_check(war, path, core, plugins=(), schemas=None):
    argv = ["java", "-cp", str(war), "fake.jenkins.CascCheck", "--core", core, str(path)]
    if plugins:
        argv[4:4] = ["--plugins", ",".join("{0}={1}".format(n, v) for n, v in plugins)]
    if schemas:
        argv[4:4] = ["--schemas", str(schemas)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


# --- start and reload ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("core", ["2.541.3", "2.568.2"])
def test_start_is_refused_for_the_role_template_with_agent_protocols(fixture_wars, tmp_path, instances, core):
    standin = make(fixture_wars(core), tmp_path, ROLE_CASC_WITH_AGENT_PROTOCOLS)
    instances.append(standin)
    if standin.java == "java" and java_major("java") not in ([17, 21, 25] if core == "2.541.3" else [21, 25]):
        pytest.skip("no Java here that core {0} accepts".format(core))
    standin.start(wait=False)
    status, dummy, body = wait_answering(standin)
    # ConfigurationAsCodeBootFailure.doDynamic: 503 and error.jelly on every URL, the unit's /login wait fails.
    assert status == 503
    assert "Error loading configuration" in body
    assert "jenkins.agentProtocols: 'agentProtocols' is deprecated" in body
    log = standin.log.read_text()
    assert "Failed to initialize Jenkins" in log and "jenkins.agentProtocols: 'agentProtocols' is deprecated" in log
    deprecated_crumb = "jenkins.crumbIssuer.standard.excludeClientIPFromCrumb: 'excludeClientIPFromCrumb' is deprecated"
    assert (deprecated_crumb in log) == (core == "2.568.2")
    assert request(standin.url + "/api/json", headers=AUTH)[0] == 503


def test_start_is_refused_with_the_generated_schemas_too(standin_war, tmp_path, instances):
    real_schemas_or_skip()
    standin = make(standin_war, tmp_path, ROLE_CASC_WITH_AGENT_PROTOCOLS)
    instances.append(standin)
    standin.start(wait=False)
    status, dummy, body = wait_answering(standin)
    assert status == 503
    assert "jenkins.agentProtocols: 'agentProtocols' is deprecated" in body
    standin.stop()
    standin.casc.write_text(VALID)
    standin.start()
    assert state(standin)["bootFailure"] is None


def test_start_refusal_under_systemd_notify_exits_with_the_errors_in_the_log(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, ROLE_CASC_WITH_AGENT_PROTOCOLS)
    instances.append(standin)
    standin.start(extra_env={"NOTIFY_SOCKET": "/nonexistent"}, wait=False)
    assert standin.proc.wait(timeout=30) == 5
    assert "jenkins.agentProtocols: 'agentProtocols' is deprecated" in standin.log.read_text()


def test_invalid_reload_keeps_the_running_configuration_and_counter(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    standin.start()
    status, headers, dummy = post_with_crumb(standin, "/configuration-as-code/reload", AUTH)
    # sendRedirect("") resolved by Stapler against /configuration-as-code/reload.
    assert status == 302 and headers["Location"].endswith("/configuration-as-code/")
    assert state(standin)["reloadCount"] == 1
    standin.casc.write_text(VALID.replace("do not edit by hand", "changed") + "  bogus: 1\n")
    status, dummy, body = post_with_crumb(standin, "/configuration-as-code/reload", AUTH)
    # A ConfiguratorException forwards to error.jelly: 200, not a redirect.
    assert status == 200 and "Error loading configuration" in body
    assert "unclassified.bogus: unknown attribute of unclassified (valid: location)" in body
    after = state(standin)
    assert after["reloadCount"] == 1
    assert after["systemMessage"] == "Managed by jenkins_ha.aws: do not edit by hand"
    assert after["lastReloadError"].startswith("unclassified.bogus: unknown attribute")


def test_reload_needs_manage_and_unsecured_grants_it_to_everyone(fixture_wars, tmp_path, instances):
    casc = VALID.replace("allowAnonymousRead: false", "allowAnonymousRead: true")
    standin = make(fixture_wars("2.541.3"), tmp_path, casc)
    instances.append(standin)
    standin.start()
    # Anonymous may read but lacks Overall/Manage: doReload's own sendError(403).
    assert post_with_crumb(standin, "/configuration-as-code/reload")[0] == 403
    assert request(standin.url + "/configuration-as-code/reload", headers=AUTH)[0] == 405
    standin.casc.write_text(
        casc.replace("    loggedInUsersCanDoAnything:\n      allowAnonymousRead: true\n", "    unsecured: {}\n")
    )
    assert post_with_crumb(standin, "/configuration-as-code/reload", AUTH)[0] == 302
    assert post_with_crumb(standin, "/configuration-as-code/reload")[0] == 302
    assert state(standin)["reloadCount"] == 2


# --- core version and Java ----------------------------------------------------------------------------------------


def test_core_version_is_in_the_manifest_and_the_headers(fixture_wars, tmp_path, instances):
    war = fixture_wars("2.541.3")
    with zipfile.ZipFile(str(war)) as jar:
        assert "Jenkins-Version: 2.541.3" in jar.read("META-INF/MANIFEST.MF").decode()
    standin = make(war, tmp_path, VALID)
    instances.append(standin)
    standin.start()
    status, headers, dummy = request(standin.url + "/api/json", headers=AUTH)
    assert status == 200 and headers["X-Jenkins"] == "2.541.3"
    assert state(standin)["version"] == "2.541.3"


def test_default_core_is_the_role_default(standin_war):
    from .conftest import role_core_version

    with zipfile.ZipFile(str(standin_war)) as jar:
        manifest = jar.read("META-INF/MANIFEST.MF").decode()
    assert "Jenkins-Version: {0}\r\n".format(role_core_version()) in manifest


def test_java_older_than_the_core_supports_is_refused(fixture_wars, tmp_path, instances):
    java17 = [j for j in ["java"] + glob.glob("/usr/lib/jvm/*/bin/java") if java_major(j) == 17]
    if not java17:
        pytest.skip("no Java 17 here")
    standin = make(fixture_wars("2.568.2"), tmp_path, VALID, java=java17[0])
    instances.append(standin)
    standin.start(wait=False)
    assert standin.proc.wait(timeout=30) == 1
    log = standin.log.read_text()
    # executable.Main.verifyJavaVersion's message (Main.java:143-151 at jenkins-2.568.2); no flag bypasses it.
    assert "Running with Java 17 from " in log
    assert "which is older than the minimum required version (Java 21)." in log
    assert "Supported Java versions are: [21, 25]" in log
    assert "See https://jenkins.io/redirect/java-support/ for more information." in log


def test_java_newer_than_the_core_supports_needs_enable_future_java(fixture_wars, tmp_path, instances):
    java25 = [j for j in glob.glob("/usr/lib/jvm/*/bin/java") if java_major(j) == 25]
    if not java25:
        pytest.skip("no Java 25 here")
    # Fixture core 2.400.1 supports [11, 17] only.
    standin = make(fixture_wars("2.400.1"), tmp_path, VALID, java=java25[0])
    instances.append(standin)
    standin.start(wait=False)
    assert standin.proc.wait(timeout=30) == 1
    log = standin.log.read_text()
    assert "Running with Java 25 from " in log and "which is not yet fully supported." in log
    assert "Run the command again with the --enable-future-java flag to enable preview support" in log
    standin.start(args=["--enable-future-java"])
    assert "Continuing because --enable-future-java is set." in standin.log.read_text()


# --- plugins ------------------------------------------------------------------------------------------------------


def test_plugin_needing_a_newer_core_is_not_loaded_and_its_root_is_refused(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID + "security:\n  matrixAuth:\n    enabled: true\n")
    instances.append(standin)
    plugins = standin.home / "plugins"
    plugins.mkdir()
    write_plugin(
        plugins / "configuration-as-code.jpi",
        Short_Name="configuration-as-code",
        Plugin_Version="2117.vc05a_0b_e6b_f4e",
        Jenkins_Version="2.479.3",
    )
    write_plugin(
        plugins / "matrix-auth.jpi", Short_Name="matrix-auth", Plugin_Version="3.2.6", Jenkins_Version="2.600.1"
    )
    write_plugin(
        plugins / "needs-matrix.hpi",
        Short_Name="needs-matrix",
        Long_Name="Needs Matrix",
        Plugin_Version="1.0",
        Jenkins_Version="2.479.3",
        Plugin_Dependencies="matrix-auth:3.0",
    )
    standin.start(wait=False)
    status, dummy, body = wait_answering(standin)
    assert status == 503
    assert "security: no configurator for this root element" in body
    current = state(standin)
    assert current["plugins"] == {"configuration-as-code": "2117.vc05a_0b_e6b_f4e"}
    reasons = {f["name"]: f["reason"].splitlines() for f in current["failedPlugins"]}
    # PluginWrapper.resolvePluginDependencies' messages (core Messages.properties PluginWrapper.*).
    assert reasons == {
        "matrix-auth": ["Failed to load: matrix-auth (matrix-auth 3.2.6)", " - Jenkins (2.600.1) or higher required"],
        "needs-matrix": [
            "Failed to load: Needs Matrix (needs-matrix 1.0)",
            " - Failed to load: matrix-auth (matrix-auth 3.2.6)",
        ],
    }


def test_covered_plugin_at_a_version_without_schema_stops_the_start(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    (standin.home / "plugins").mkdir()
    write_plugin(standin.home / "plugins" / "ec2-fleet.jpi", Short_Name="ec2-fleet", Plugin_Version="4.2.0")
    standin.start(wait=False)
    assert standin.proc.wait(timeout=30) == 1
    log = standin.log.read_text()
    assert "no JCasC schema for the loaded plugin(s) ec2-fleet 4.2.0 (schemas exist for [4.3.0.549" in log


def test_plugin_no_schema_covers_contributes_nothing(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    (standin.home / "plugins").mkdir()
    write_plugin(standin.home / "plugins" / "snakeyaml-api.jpi", Short_Name="snakeyaml-api", Plugin_Version="2.3-1")
    standin.start()
    current = state(standin)
    assert current["plugins"] == {"snakeyaml-api": "2.3-1"}
    assert current["pluginsWithoutSchema"] == ["snakeyaml-api 2.3-1"]
    assert "no JCasC schema covers the loaded plugin(s) snakeyaml-api 2.3-1" in standin.log.read_text()


def test_too_old_or_disabled_dependency_fails_the_dependent(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    plugins = standin.home / "plugins"
    plugins.mkdir()
    write_plugin(plugins / "ssh-credentials.jpi", Short_Name="ssh-credentials", Plugin_Version="300.v1")
    write_plugin(
        plugins / "old-dep.jpi", Short_Name="old-dep", Plugin_Version="1", Plugin_Dependencies="ssh-credentials:355.v9"
    )
    write_plugin(plugins / "off.jpi", Short_Name="off", Plugin_Version="1")
    (plugins / "off.jpi.disabled").write_text("")
    write_plugin(plugins / "needs-off.jpi", Short_Name="needs-off", Plugin_Version="1", Plugin_Dependencies="off:1")
    # ssh-credentials 300.v1 loads and the fixtures have it only at 361.vb_f6760818e8c: the start stops there.
    standin.start(wait=False)
    assert standin.proc.wait(timeout=30) == 1
    log = standin.log.read_text()
    assert " - Update required: ssh-credentials (ssh-credentials 300.v1) to be updated to 355.v9 or higher" in log
    assert " - Required plugin is disabled: off (off)" in log
    assert "no JCasC schema for the loaded plugin(s) ssh-credentials 300.v1" in log


def test_plugins_on_a_dependency_cycle_are_inactive(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    plugins = standin.home / "plugins"
    plugins.mkdir()
    write_plugin(plugins / "a.jpi", Short_Name="a", Plugin_Version="1", Plugin_Dependencies="b:1")
    write_plugin(plugins / "b.jpi", Short_Name="b", Plugin_Version="1", Plugin_Dependencies="a:1;resolution:=optional")
    write_plugin(plugins / "c.jpi", Short_Name="c", Plugin_Version="1", Plugin_Dependencies="a:1")
    standin.start()
    current = state(standin)
    assert current["plugins"] == {}
    reasons = {f["name"]: f["reason"] for f in current["failedPlugins"]}
    assert reasons["a"] == reasons["b"] == "Cycle detected: Plugin:a -> Plugin:b -> Plugin:a"
    assert reasons["c"].splitlines()[1] == " - Required plugin is disabled: a (a)"
    listed = json.loads(request(standin.url + "/pluginManager/api/json", headers=AUTH)[2])["plugins"]
    assert [(p["shortName"], p["active"]) for p in listed] == [("a", False), ("b", False)]


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


# --- the generated schemas: the stand-in and the Python validator agree ---------------------------------------------


def real_schemas_or_skip():
    if not (REAL_SCHEMAS / "pins.json").is_file():
        pytest.skip("the generated schemas (plugins/module_utils/jcasc/schemas) do not exist yet")
    return {
        name: pin["version"] for name, pin in json.loads((REAL_SCHEMAS / "pins.json").read_text())["plugins"].items()
    }


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
    cache = {}

    def get(core):
        if core not in cache:
            cache[core] = build_standin_war(tmp_path_factory, core=core, schemas=REAL_SCHEMAS)
        return cache[core]

    return get


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
