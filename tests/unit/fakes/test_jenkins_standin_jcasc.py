"""The stand-in refuses what real Jenkins refuses: JCasC at start and reload, the core version and Java.

Plugins: test_jenkins_standin_jcasc_plugins.py; the validator alone, the generated schemas and the corpus:
test_jenkins_standin_jcasc_validator.py; the helpers: standin_helpers.py.
"""

import glob
import zipfile

import pytest

from .conftest import java_major

# Other stand-in tests and three integration tests import these from here, where they were first written (__all__);
# new code imports them from standin_helpers.
from .standin_helpers import (
    AUTH,
    PASSWORD,
    ROLE_CASC_WITH_AGENT_PROTOCOLS,
    VALID,
    make,
    post_with_crumb,
    real_schemas_or_skip,
    request,
    state,
    wait_answering,
    write_plugin,
)

__all__ = ["AUTH", "PASSWORD", "VALID", "make", "post_with_crumb", "request", "state", "wait_answering", "write_plugin"]


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
