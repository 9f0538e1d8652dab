"""Driving a stand-in as the tests do: JCasC documents, its home, HTTP as a Jenkins client, the validator alone.

The stand-in tests (test_jenkins_standin_*.py) and the integration tests that start a stand-in share these.
"""

import base64
import json
import subprocess
import time
import urllib.error
import urllib.request
import zipfile

import pytest

from .conftest import REAL_SCHEMAS, StandIn

PASSWORD = "correct horse"
AUTH = {"Authorization": "Basic " + base64.b64encode(("admin:" + PASSWORD).encode()).decode()}

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


def real_schemas_or_skip():
    """The pinned plugin versions of the generated schemas; skips the test while they do not exist."""
    if not (REAL_SCHEMAS / "pins.json").is_file():
        pytest.skip("the generated schemas (plugins/module_utils/jcasc/schemas) do not exist yet")
    return {
        name: pin["version"] for name, pin in json.loads((REAL_SCHEMAS / "pins.json").read_text())["plugins"].items()
    }
