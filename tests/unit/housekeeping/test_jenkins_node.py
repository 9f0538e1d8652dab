"""jenkins_node: the node selection (a table of cases) and the module's list/remove flow against a tiny Jenkins
stand-in (http.server) that enforces basic auth and a CSRF crumb bound to the session cookie."""

import base64
import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import describe_node
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import select_nodes
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import selected_nodes
from ansible_collections.jenkins_ha.aws.plugins.module_utils._jenkins_nodes import selection_reasons
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import JenkinsAPI
from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_api import JenkinsAPIError
from ansible_collections.jenkins_ha.aws.plugins.modules.jenkins_node import ensure_absent

NOW = datetime.datetime(2025, 6, 30, 12, 0, 0, tzinfo=datetime.timezone.utc)
SLAVE = "hudson.slaves.SlaveComputer"


def computer(name, offline_minutes=None, temporarily=False, idle=True, cause=True):
    record = {
        "_class": SLAVE,
        "displayName": name,
        "offline": offline_minutes is not None,
        "idle": idle,
        "temporarilyOffline": temporarily,
        "numExecutors": 1,
        "assignedLabels": [{"name": "fleet"}],
        "offlineCause": None,
        "offlineCauseReason": "",
    }
    if offline_minutes is not None and cause:
        stamp = (NOW - datetime.timedelta(minutes=offline_minutes)).timestamp() * 1000
        record["offlineCause"] = {
            "_class": "hudson.slaves.OfflineCause$ChannelTermination",
            "timestamp": stamp,
            "description": "Connection was broken",
        }
        record["offlineCauseReason"] = "Connection was broken"
    return record


CASES = [
    # id, computer, criteria, expected reasons
    ("online node", computer("i-0aaaaaaaaaaaaaaaa"), {"offline_longer_than_minutes": 60}, []),
    ("offline long enough", computer("a1", 90), {"offline_longer_than_minutes": 60}, ["offline for 90.0 min (> 60)"]),
    ("offline not long enough", computer("a1", 30), {"offline_longer_than_minutes": 60}, []),
    ("offline, age criterion unset", computer("a1", 90), {}, []),
    ("offline without a known start", computer("a1", 90, cause=False), {"offline_longer_than_minutes": 60}, []),
    (
        "temporarily offline is left alone",
        computer("a1", 90, temporarily=True),
        {"offline_longer_than_minutes": 60},
        [],
    ),
    (
        "temporarily offline when asked",
        computer("a1", 90, temporarily=True),
        {"offline_longer_than_minutes": 60, "include_temporarily_offline": True},
        ["offline for 90.0 min (> 60)"],
    ),
    ("busy offline node is kept", computer("a1", 90, idle=False), {"offline_longer_than_minutes": 60}, []),
    (
        "orphan",
        computer("i-0aaaaaaaaaaaaaaaa"),
        {"known_instance_ids": ["i-0bbbbbbbbbbbbbbbb"]},
        ["no instance i-0aaaaaaaaaaaaaaaa"],
    ),
    (
        "prefixed orphan",
        computer("fleet i-0aaaaaaaaaaaaaaaa"),
        {"known_instance_ids": []},
        ["no instance i-0aaaaaaaaaaaaaaaa"],
    ),
    ("short instance id orphan", computer("i-1234abcd"), {"known_instance_ids": []}, ["no instance i-1234abcd"]),
    ("instance exists", computer("i-0aaaaaaaaaaaaaaaa"), {"known_instance_ids": ["i-0aaaaaaaaaaaaaaaa"]}, []),
    ("not named after an instance", computer("static-agent"), {"known_instance_ids": []}, []),
    ("orphans not looked for", computer("i-0aaaaaaaaaaaaaaaa"), {"known_instance_ids": None}, []),
    ("busy orphan is kept", computer("i-0aaaaaaaaaaaaaaaa", idle=False), {"known_instance_ids": []}, []),
    (
        "orphan outside the restriction is kept",
        computer("i-0aaaaaaaaaaaaaaaa"),
        {"known_instance_ids": [], "only_instance_ids": ["i-0bbbbbbbbbbbbbbbb"]},
        [],
    ),
    (
        "orphan inside the restriction",
        computer("i-0aaaaaaaaaaaaaaaa"),
        {"known_instance_ids": [], "only_instance_ids": ["i-0aaaaaaaaaaaaaaaa"]},
        ["no instance i-0aaaaaaaaaaaaaaaa"],
    ),
    (
        "named node outside the restriction is kept",
        computer("static-agent"),
        {"names": ["static-agent"], "only_instance_ids": []},
        [],
    ),
    ("named", computer("static-agent"), {"names": ["static-agent"]}, ["named"]),
    ("named even when busy", computer("static-agent", idle=False), {"names": ["static-agent"]}, ["named"]),
    (
        "criteria add up",
        computer("i-0aaaaaaaaaaaaaaaa", 120),
        {"names": ["i-0aaaaaaaaaaaaaaaa"], "offline_longer_than_minutes": 60, "known_instance_ids": []},
        ["named", "offline for 120.0 min (> 60)", "no instance i-0aaaaaaaaaaaaaaaa"],
    ),
]


@pytest.mark.parametrize("record,criteria,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_selection(record, criteria, expected):
    assert selection_reasons(describe_node(record, NOW), **criteria) == expected


def test_describe_node():
    node = describe_node(computer("fleet i-0aaaaaaaaaaaaaaaa", 90), NOW)
    assert node["offline_since"] == "2025-06-30T10:30:00+00:00"
    assert node["offline_minutes"] == 90.0
    assert node["instance_id"] == "i-0aaaaaaaaaaaaaaaa"
    assert node["labels"] == ["fleet"]
    assert node["offline_reason"] == "Connection was broken"


# --- a tiny Jenkins ---------------------------------------------------------------------------------------------

USER, PASSWORD = "admin", "s3cret-pw"


class TinyJenkins(BaseHTTPRequestHandler):
    """GET /crumbIssuer/api/json (sets the session cookie), GET /computer/api/json, POST /computer/<n>/doDelete."""

    computers = []
    crumbs = {}
    requests = []

    def log_message(self, *args):
        pass

    def _authenticated(self):
        expected = "Basic " + base64.b64encode("{0}:{1}".format(USER, PASSWORD).encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._send(401, {"error": "unauthorized"})
            return False
        return True

    def _send(self, status, payload=None, headers=None):
        body = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.requests.append(("GET", self.path))
        if not self._authenticated():
            return
        path = urlparse(self.path).path
        if path == "/crumbIssuer/api/json":
            session = "s{0}".format(len(self.crumbs))
            self.crumbs[session] = "crumb-" + session
            self._send(
                200,
                {"crumb": self.crumbs[session], "crumbRequestField": "Jenkins-Crumb"},
                {"Set-Cookie": "JSESSIONID.x={0}; Path=/".format(session)},
            )
        elif path == "/computer/api/json":
            builtin = {"_class": "hudson.model.Hudson$MasterComputer", "displayName": "Built-In Node", "offline": False}
            self._send(200, {"_class": "hudson.model.ComputerSet", "computer": [builtin] + self.computers})
        else:
            self._send(404, {})

    def do_POST(self):
        self.requests.append(("POST", self.path))
        if not self._authenticated():
            return
        cookie = self.headers.get("Cookie", "")
        session = cookie.split("=", 1)[1] if "=" in cookie else None
        if session not in self.crumbs or self.headers.get("Jenkins-Crumb") != self.crumbs[session]:
            self._send(403, {"error": "No valid crumb was included in the request"})
            return
        parts = urlparse(self.path).path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "computer" and parts[2] == "doDelete":
            name = unquote(parts[1])
            before = len(self.computers)
            self.computers[:] = [c for c in self.computers if c["displayName"] != name]
            self._send(302 if len(self.computers) < before else 404, None, {"Location": "/computer/"})
        else:
            self._send(404, {})


@pytest.fixture
def jenkins():
    TinyJenkins.computers = [
        computer("i-0aaaaaaaaaaaaaaaa"),  # online, instance exists
        computer("i-0bbbbbbbbbbbbbbbb", 300),  # offline 5 h
        computer("i-0ccccccccccccccccc"[:19]),  # online, no instance: orphan
        computer("static agent", 300, temporarily=True),  # taken offline by an operator
    ]
    TinyJenkins.crumbs = {}
    TinyJenkins.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), TinyJenkins)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:{0}/".format(server.server_address[1])
    server.shutdown()
    server.server_close()


def params(**overrides):
    base = {
        "names": None,
        "offline_longer_than_minutes": 60,
        "include_temporarily_offline": False,
        "known_instance_ids": ["i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb"],
    }
    base.update(overrides)
    return base


def names():
    return [c["displayName"] for c in TinyJenkins.computers]


def test_check_mode_reports_and_removes_nothing(jenkins):
    changed, diff, result = ensure_absent(JenkinsAPI(jenkins, USER, PASSWORD), params(), check_mode=True)
    assert changed
    assert result["removed"] == ["i-0bbbbbbbbbbbbbbbb", "i-0cccccccccccccccc"]
    assert diff["after"]["nodes"] == ["i-0aaaaaaaaaaaaaaaa", "static agent"]
    assert len(names()) == 4
    assert not [r for r in TinyJenkins.requests if r[0] == "POST"]


def test_absent_removes_selected_nodes_with_crumb_and_session(jenkins):
    changed, dummy_diff, result = ensure_absent(JenkinsAPI(jenkins, USER, PASSWORD), params(), check_mode=False)
    assert changed and result["removed"] == ["i-0bbbbbbbbbbbbbbbb", "i-0cccccccccccccccc"]
    assert names() == ["i-0aaaaaaaaaaaaaaaa", "static agent"]
    changed, dummy_diff, result = ensure_absent(JenkinsAPI(jenkins, USER, PASSWORD), params(), check_mode=False)
    assert not changed and result["removed"] == []


def test_list_reports_selection_without_removing(jenkins):
    nodes = selected_nodes(JenkinsAPI(jenkins, USER, PASSWORD), params())
    assert [n["name"] for n in nodes if n["selected"]] == ["i-0bbbbbbbbbbbbbbbb", "i-0cccccccccccccccc"]
    assert "Built-In Node" not in [n["name"] for n in nodes]
    assert len(names()) == 4


def test_named_node_with_a_space_is_removed(jenkins):
    overrides = dict(names=["static agent"], offline_longer_than_minutes=None, known_instance_ids=None)
    changed, dummy_diff, result = ensure_absent(JenkinsAPI(jenkins, USER, PASSWORD), params(**overrides), False)
    assert changed and result["removed"] == ["static agent"]
    assert "static agent" not in names()


def test_wrong_password_is_a_clear_error_without_the_secret(jenkins):
    with pytest.raises(JenkinsAPIError) as error:
        ensure_absent(JenkinsAPI(jenkins, USER, "wrong-password"), params(), False)
    assert error.value.status == 401
    assert "credentials were rejected" in error.value.message
    assert "wrong-password" not in error.value.message


def test_select_nodes_flags_every_node():
    nodes = select_nodes([computer("a", 90), computer("b")], NOW, offline_longer_than_minutes=60)
    assert [(n["name"], n["selected"]) for n in nodes] == [("a", True), ("b", False)]
