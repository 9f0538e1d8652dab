"""The Jenkins stand-in answers like Jenkins on the endpoints our roles and modules call."""

import json
import time
import urllib.error
import urllib.request
import zipfile

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import JenkinsAPI, JenkinsAPIError

PASSWORD = "correct horse"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def raw(url, method="GET", headers=None, data=None):
    """One request, redirects not followed, errors returned as answers."""
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with OPENER.open(request, timeout=5) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def admin(standin):
    return JenkinsAPI(standin.url, "admin", PASSWORD)


def state(standin):
    return json.loads(raw(standin.url + "/fake/state")[2])


def test_login_page_is_public_and_has_jenkins_headers(standin):
    standin.start()
    status, headers, body = raw(standin.url + "/login")
    assert status == 200
    assert headers["X-Jenkins"]
    assert b"Sign in" in body
    assert (standin.home / "plugins").is_dir()
    assert (standin.home / "jenkins.install.InstallUtil.lastExecVersion").read_text() == headers["X-Jenkins"]


def test_who_am_i_reflects_credentials(standin):
    standin.start()
    assert admin(standin).who_am_i()["name"] == "admin"
    anonymous = JenkinsAPI(standin.url).who_am_i()
    assert anonymous["anonymous"] is True and anonymous["name"] == "anonymous"
    with pytest.raises(JenkinsAPIError) as err:
        JenkinsAPI(standin.url, "admin", "wrong").who_am_i()
    assert err.value.status == 401


def test_anonymous_read_is_forbidden_like_jenkins(standin):
    standin.start()
    status, headers, dummy = raw(standin.url + "/api/json")
    assert status == 403
    assert headers["X-You-Are-Authenticated-As"] == "anonymous"
    root = admin(standin).get_json("api/json")
    assert root["mode"] == "EXCLUSIVE"
    assert root["numExecutors"] == 0
    assert root["useCrumbs"] is True and root["quietingDown"] is False


def test_post_needs_a_crumb_from_the_same_session(standin):
    standin.start()
    auth = {"Authorization": "Basic YWRtaW46Y29ycmVjdCBob3JzZQ=="}
    status, dummy, dummy = raw(standin.url + "/quietDown", "POST", auth)
    assert status == 403
    # A crumb fetched in one session is refused in another (no cookie sent back).
    status, headers, body = raw(standin.url + "/crumbIssuer/api/json", headers=auth)
    crumb = json.loads(body)
    assert crumb["crumbRequestField"] == "Jenkins-Crumb"
    assert "JSESSIONID." in headers["Set-Cookie"]
    status, dummy, dummy = raw(standin.url + "/quietDown", "POST", dict(auth, **{"Jenkins-Crumb": crumb["crumb"]}))
    assert status == 403
    cookie = headers["Set-Cookie"].split(";")[0]
    status, dummy, dummy = raw(
        standin.url + "/quietDown", "POST", dict(auth, Cookie=cookie, **{"Jenkins-Crumb": crumb["crumb"]})
    )
    assert status == 302
    assert admin(standin).get_json("api/json")["quietingDown"] is True


def test_quiet_down_and_cancel_through_the_client(standin):
    standin.start()
    api = admin(standin)
    assert api.post("quietDown")[0] == 302
    assert api.get_json("api/json")["quietingDown"] is True
    api.post("cancelQuietDown")
    assert api.get_json("api/json")["quietingDown"] is False


def test_reload_rereads_casc_and_counts(standin):
    standin.start()
    api = admin(standin)
    assert state(standin)["reloadCount"] == 0
    standin.casc.write_text(standin.casc.read_text().replace("do not edit by hand", "changed"))
    status, headers, dummy = api.post("configuration-as-code/reload")
    assert status == 302
    after = state(standin)
    assert after["reloadCount"] == 1 and after["lastReload"]
    assert after["systemMessage"] == "Managed by jenkins_ha.aws: changed"
    # Rotating the secret file changes the admin password at the next reload, as with JCasC.
    (standin.secrets / "JENKINS_ADMIN_PASSWORD").write_text("new password")
    api.post("configuration-as-code/reload")
    assert JenkinsAPI(standin.url, "admin", "new password").who_am_i()["name"] == "admin"
    with pytest.raises(JenkinsAPIError):
        admin(standin).who_am_i()


def test_yaml_syntax_error_on_reload_is_a_500_and_keeps_the_configuration(standin):
    """snakeyaml's YAMLException is no ConfiguratorException: it escapes doReload's catch (Jenkins' 500 page)."""
    standin.start()
    api = admin(standin)
    standin.casc.write_text('jenkins:\n  systemMessage: "unterminated\n')
    with pytest.raises(JenkinsAPIError) as err:
        api.post("configuration-as-code/reload")
    assert err.value.status == 500
    current = state(standin)
    assert current["lastReloadError"] and current["reloadCount"] == 0
    # The running configuration is kept: the admin can still log in.
    assert api.who_am_i()["name"] == "admin"


def test_reload_needs_authentication(standin):
    standin.start()
    anonymous = JenkinsAPI(standin.url)
    with pytest.raises(JenkinsAPIError) as err:
        anonymous.post("configuration-as-code/reload")
    assert err.value.status == 403
    assert state(standin)["reloadCount"] == 0


def test_secret_from_environment_wins_and_default_applies(standin):
    standin.casc.write_text(standin.casc.read_text().replace("${JENKINS_ADMIN_PASSWORD}", "${ADMIN_PW:-fallback}"))
    standin.start()
    assert JenkinsAPI(standin.url, "admin", "fallback").who_am_i()["name"] == "admin"


def test_unparsable_casc_is_a_boot_failure_served_on_every_url(standin):
    """Without systemd's notify socket Jenkins stays up after a boot failure and answers HudsonFailedToLoad (500)."""
    standin.casc.write_text("jenkins:\n   - broken: [\n  x: y\n")
    standin.start(wait=False)
    deadline = time.monotonic() + 30
    while True:
        assert standin.proc.poll() is None, standin.log.read_text()
        try:
            status, dummy, body = raw(standin.url + "/login")
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert status == 500
    assert "Failed to initialize Jenkins" in standin.log.read_text()
    assert state(standin)["bootFailure"]


def test_boot_failure_under_systemd_notify_exits_5(standin):
    """ExitLifecycle (systemd Type=notify) exits with exitCodeOnRestart, 5, on a boot failure."""
    standin.casc.write_text("jenkins:\n   - broken: [\n  x: y\n")
    standin.start(extra_env={"NOTIFY_SOCKET": "/nonexistent"}, wait=False)
    assert standin.proc.wait(timeout=30) == 5
    assert "Failed to initialize Jenkins" in standin.log.read_text()


def test_nodes_seeded_from_home_with_offline_cause_and_time(standin):
    now_ms = int(time.time() * 1000)
    seed = {
        "nodes": [
            {
                "name": "fleet i-1",
                "offline": True,
                "offlineMinutesAgo": 120,
                "offlineCauseReason": "gone",
                "labels": "x",
            },
            {"name": "i-2", "numExecutors": 2},
        ]
    }
    (standin.home / "fake-nodes.json").write_text(json.dumps(seed))
    standin.start()
    computers = admin(standin).get_json("computer/api/json")["computer"]
    assert [c["displayName"] for c in computers] == ["Built-In Node", "fleet i-1", "i-2"]
    gone = computers[1]
    assert gone["offline"] is True and gone["offlineCauseReason"] == "gone"
    assert abs(gone["offlineCause"]["timestamp"] - (now_ms - 120 * 60000)) < 60000
    assert computers[2]["offline"] is False and computers[2]["offlineCause"] is None
    assert computers[0]["numExecutors"] == 0


def test_toggle_offline_and_delete_persist(standin):
    standin.start()
    api = admin(standin)
    api.post("fake/nodes", json_body=[{"name": "a b"}, {"name": "c"}])
    api.post("computer/a%20b/toggleOffline", params={"offlineMessage": "drain"})
    node = api.get_json("computer/a%20b/api/json")
    assert node["temporarilyOffline"] is True
    assert node["offlineCause"]["description"] == "Disconnected by admin : drain"
    assert node["offlineCauseReason"] == "drain"
    api.post("computer/c/doDelete")
    with pytest.raises(JenkinsAPIError) as err:
        api.post("computer/c/doDelete")
    assert err.value.status == 404
    standin.stop()
    standin.start()
    names = [c["displayName"] for c in admin(standin).get_json("computer/api/json")["computer"]]
    assert names == ["Built-In Node", "a b"]


def write_plugin(path, manifest):
    with zipfile.ZipFile(path, "w") as jpi:
        jpi.writestr(
            "META-INF/MANIFEST.MF",
            "Manifest-Version: 1.0\r\n" + "".join("{0}: {1}\r\n".format(k, v) for k, v in manifest.items()) + "\r\n",
        )


def test_plugin_manager_lists_loaded_and_disabled_plugins_not_failed_ones(standin):
    plugins = standin.home / "plugins"
    plugins.mkdir()
    # Dependency missing: fails to load, so PluginManager drops it from its list and keeps it as a failed plugin.
    write_plugin(
        plugins / "ec2-fleet.jpi",
        {
            "Short-Name": "ec2-fleet",
            "Plugin-Version": "4.1.0",
            "Plugin-Dependencies": "aws-java-sdk2-ec2:2.0,ssh-slaves:3.0;resolution:=optional",
        },
    )
    # Disabled: listed, inactive, not loaded (so it needs no schema).
    write_plugin(
        plugins / "ssh-slaves.jpi",
        {"Short-Name": "ssh-slaves", "Plugin-Version": "3.1097.v868116049892", "Plugin-Dependencies": "x:1"},
    )
    (plugins / "ssh-slaves.jpi.disabled").write_text("")
    standin.start()
    listed = admin(standin).get_json("pluginManager/api/json", {"depth": 1})["plugins"]
    assert [(p["shortName"], p["active"], p["enabled"]) for p in listed] == [("ssh-slaves", False, False)]
    assert listed[0]["dependencies"] == [{"optional": False, "shortName": "x", "version": "1"}]
    (failed,) = state(standin)["failedPlugins"]
    assert failed["name"] == "ec2-fleet"
    assert failed["reason"].splitlines() == [
        "Failed to load: ec2-fleet (ec2-fleet 4.1.0)",
        " - Plugin is missing: aws-java-sdk2-ec2 (2.0)",
    ]
