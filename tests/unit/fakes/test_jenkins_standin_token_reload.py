"""JCasC's token reload (TokenReloadAction, configuration-as-code 2117.vc05a_0b_e6b_f4e), as the role's default reload
path uses it: no login, no crumb, the token from CASC_RELOAD_TOKEN; answers as the plugin gives them."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .test_jenkins_standin_jcasc import VALID, make, request, state

TOKEN = "t0ken-for-tests-only"
RELOAD = "/reload-configuration-as-code/"


def post(standin, fields, path=RELOAD):
    body = urllib.parse.urlencode(fields).encode()
    req_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    req = urllib.request.Request(standin.url + path, data=body, method="POST", headers=req_headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


@pytest.fixture
def with_token(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    standin.start(extra_env={"CASC_RELOAD_TOKEN": TOKEN})
    return standin


def test_the_right_token_reloads_without_login_or_crumb(with_token):
    before = state(with_token)["reloadCount"]
    status, dummy, body = post(with_token, {"casc-reload-token": TOKEN})
    assert (status, body) == (200, "")
    assert state(with_token)["reloadCount"] == before + 1


def test_a_wrong_or_missing_token_is_401_and_nothing_reloads(with_token):
    before = state(with_token)["reloadCount"]
    assert post(with_token, {"casc-reload-token": "nope"})[0] == 401
    assert post(with_token, {})[0] == 401
    assert state(with_token)["reloadCount"] == before


def test_get_is_405(with_token):
    assert request(with_token.url + RELOAD)[0] == 405


def test_a_refused_document_answers_the_json_error_and_keeps_the_running_configuration(with_token):
    before = state(with_token)
    with_token.casc.write_text(VALID.replace("  slaveAgentPort: -1\n", "  slaveAgentPort: -1\n  agentProtocols: []\n"))
    status, headers, body = post(with_token, {"casc-reload-token": TOKEN})
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["status"] == "error" and answer["message"].startswith("Failed to reload configuration: ")
    assert "agentProtocols" in answer["message"]
    after = state(with_token)
    assert after["reloadCount"] == before["reloadCount"]
    assert after["systemMessage"] == before["systemMessage"]


def test_without_a_token_the_action_is_404_behind_the_crumb_filter(fixture_wars, tmp_path, instances):
    standin = make(fixture_wars("2.541.3"), tmp_path, VALID)
    instances.append(standin)
    standin.start()
    # No token: TokenReloadCrumbExclusion does not apply, so CrumbFilter refuses the crumb-less POST first.
    assert post(standin, {"casc-reload-token": TOKEN})[0] == 403
    assert state(standin)["reloadCount"] == 0
