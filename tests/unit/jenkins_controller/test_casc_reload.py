"""jenkins_casc_reload against a small server that answers as configuration-as-code 2117.vc05a_0b_e6b_f4e does
(TokenReloadAction, ConfigurationAsCode.doReload; the contract is in roles/jenkins_controller/README.md)."""

import base64
import http.server
import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from .modules import run_module as run_collection_module

ROOT = Path(__file__).resolve().parents[3]
MODULE = ROOT / "plugins" / "modules" / "jenkins_casc_reload.py"
TOKEN = "s3cr3t-token-value"


class FakeCasc:
    """What the test wants the server to answer; `reloads` counts applied reloads."""

    def __init__(self):
        self.token = TOKEN
        self.config_error = None
        self.redirect = "/configuration-as-code/"
        self.manage = True
        self.reloads = 0
        self.requests = []
        self.description = "managed"
        self.starting = 0


def make_server(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status, body=b"", content_type="text/html", headers=()):
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _authenticated(self):
            expected = "Basic " + base64.b64encode(b"admin:password").decode()
            return self.headers.get("Authorization") == expected

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/crumbIssuer/api/json" and self._authenticated():
                body = json.dumps({"crumb": "c", "crumbRequestField": "Jenkins-Crumb"}).encode()
                return self._send(200, body, "application/json", [("Set-Cookie", "JSESSIONID.x=1; Path=/")])
            if path == "/api/json" and self._authenticated():
                body = json.dumps({"description": state.description, "numExecutors": 0, "mode": "EXCLUSIVE"})
                return self._send(200, body.encode(), "application/json")
            return self._send(403)

        def do_POST(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode()) if length else {}
            params = dict(parse_qs(parts.query), **form)
            if state.starting > 0:
                state.starting -= 1
                return self._send(503, b"<html>Please wait while Jenkins is getting ready to work</html>")
            state.requests.append((parts.path, sorted(params), self.headers.get("Authorization")))
            if parts.path == "/reload-configuration-as-code/":
                if not state.token:
                    return self._send(404)
                if params.get("casc-reload-token") != [state.token]:
                    return self._send(401)
                if state.config_error:
                    body = json.dumps(
                        {"status": "error", "message": "Failed to reload configuration: " + state.config_error}
                    )
                    return self._send(200, body.encode(), "application/json; charset=UTF-8")
                state.reloads += 1
                return self._send(200)
            if parts.path == "/configuration-as-code/reload":
                if not self._authenticated():
                    return self._send(401)
                if self.headers.get("Jenkins-Crumb") != "c" or not state.manage:
                    return self._send(403)
                if state.config_error:
                    return self._send(200, b"<html><p class='error'>" + state.config_error.encode() + b"</p></html>")
                state.reloads += 1
                return self._send(302, headers=[("Location", state.redirect)])
            return self._send(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def jenkins():
    state = FakeCasc()
    server = make_server(state)
    state.url = "http://127.0.0.1:{0}".format(server.server_address[1])
    yield state
    server.shutdown()


@pytest.fixture
def token_file(tmp_path):
    path = tmp_path / "casc-reload-token.env"
    path.write_text("# written by the role\nCASC_RELOAD_TOKEN={0}\n".format(TOKEN))
    return path


def run_module(tmp_path, check=False, **args):
    return run_collection_module(MODULE, tmp_path, check=check, **args)


def test_token_reload_success_and_read_back(tmp_path, jenkins, token_file):
    result = run_module(
        tmp_path,
        url=jenkins.url,
        token_file=str(token_file),
        username="admin",
        password="password",
        expect={"description": "managed", "numExecutors": 0},
    )
    assert result.get("failed") is not True, result
    assert result["status"] == 200 and result["verified"] == ["description", "numExecutors"]
    assert jenkins.reloads == 1
    # The token travels in the form body, without an account; never in the URL or the result.
    assert jenkins.requests == [("/reload-configuration-as-code/", ["casc-reload-token"], None)]
    assert TOKEN not in json.dumps(result)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(config_error="No configurator for the following root elements: foo"), "refused the configuration"),
        (dict(token="another"), "HTTP 401"),
        (dict(token=""), "HTTP 404: token reload is not enabled"),
    ],
)
def test_token_reload_failures(tmp_path, jenkins, token_file, change, message):
    for key, value in change.items():
        setattr(jenkins, key, value)
    result = run_module(tmp_path, url=jenkins.url, token_file=str(token_file))
    assert result["failed"] is True and message in result["msg"], result
    assert jenkins.reloads == 0


def test_token_file_without_a_token_fails(tmp_path, jenkins):
    path = tmp_path / "empty.env"
    path.write_text("OTHER=1\n")
    result = run_module(tmp_path, url=jenkins.url, token_file=str(path))
    assert result["failed"] is True and "sets no CASC_RELOAD_TOKEN" in result["msg"]


def test_read_back_mismatch_fails(tmp_path, jenkins, token_file):
    result = run_module(
        tmp_path,
        url=jenkins.url,
        token_file=str(token_file),
        username="admin",
        password="password",
        expect={"description": "the new message"},
    )
    assert result["failed"] is True
    assert "description: expected 'the new message', Jenkins runs 'managed'" in result["msg"]


@pytest.mark.parametrize("location", ["/configuration-as-code/", "{url}/configuration-as-code/"])
def test_password_reload_success(tmp_path, jenkins, location):
    jenkins.redirect = location.format(url=jenkins.url)
    result = run_module(tmp_path, url=jenkins.url, method="password", username="admin", password="password")
    assert result.get("failed") is not True, result
    assert result["status"] == 302 and result["location"] == jenkins.redirect
    assert jenkins.reloads == 1


@pytest.mark.parametrize(
    "change, message",
    [
        # Not JCasC's redirect: "any 302" is not a success.
        (dict(redirect="/login?from=%2Fconfiguration-as-code%2Freload"), "not a JCasC reload"),
        (dict(redirect="/manage/configuration-as-code/"), "not a JCasC reload"),
        (dict(redirect="http://elsewhere.example/configuration-as-code/"), "not a JCasC reload"),
        (dict(config_error="Invalid configuration elements"), "its error page"),
        (dict(manage=False), "lacks Overall/Manage"),
    ],
)
def test_password_reload_failures(tmp_path, jenkins, change, message):
    for key, value in change.items():
        setattr(jenkins, key, value)
    result = run_module(tmp_path, url=jenkins.url, method="password", username="admin", password="password")
    assert result["failed"] is True and message in result["msg"], result


def test_check_mode_asks_nothing(tmp_path, jenkins, token_file):
    result = run_module(tmp_path, check=True, url=jenkins.url, token_file=str(token_file))
    assert result["changed"] is True and jenkins.requests == []


def test_waits_while_jenkins_starts_then_reloads(tmp_path, jenkins, token_file):
    jenkins.starting = 2
    result = run_module(tmp_path, url=jenkins.url, token_file=str(token_file), startup_timeout=30)
    assert result.get("failed") is not True, result
    assert jenkins.reloads == 1 and jenkins.starting == 0


def test_gives_up_when_jenkins_does_not_come_up(tmp_path, jenkins, token_file):
    jenkins.starting = 1000
    result = run_module(tmp_path, url=jenkins.url, token_file=str(token_file), startup_timeout=1)
    assert result["failed"] is True and "HTTP 503" in result["msg"]
