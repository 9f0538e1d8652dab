"""matrix-auth's globalMatrix decides Overall/Read and Overall/Manage in the stand-in, as the role now renders it."""

import base64
import json

from .conftest import REAL_SCHEMAS, StandIn
from .test_jenkins_standin_jcasc import AUTH, PASSWORD, VALID, post_with_crumb, request, write_plugin

USERS = """\
      users:
        - id: "admin"
          password: "${JENKINS_ADMIN_PASSWORD}"
        - id: "reader"
          password: "reader-pass"
        - id: "nobody"
          password: "nobody-pass"
"""
MATRIX = """\
  authorizationStrategy:
    globalMatrix:
      entries:
        - user:
            name: admin
            permissions: ["Overall/Administer"]
        - user:
            name: Reader
            permissions: ["Overall/Read", "Job/Read"]
        - user:
            name: anonymous
            permissions: ["Overall/Read"]
"""


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode("{0}:{1}".format(user, password).encode()).decode()}


def make_matrix(war, tmp_path):
    text = VALID.replace("      users:\n        - id: admin\n          password: ${JENKINS_ADMIN_PASSWORD}\n", USERS)
    text = text.replace(
        "  authorizationStrategy:\n    loggedInUsersCanDoAnything:\n      allowAnonymousRead: false\n", MATRIX
    )
    assert "globalMatrix" in text and "reader-pass" in text
    standin = StandIn(war, tmp_path)
    standin.casc.write_text(text)
    (standin.secrets / "JENKINS_ADMIN_PASSWORD").write_text(PASSWORD + "\n")
    (standin.home / "plugins").mkdir()
    for name, pin in json.loads((REAL_SCHEMAS / "pins.json").read_text())["plugins"].items():
        write_plugin(standin.home / "plugins" / (name + ".jpi"), Short_Name=name, Plugin_Version=pin["version"])
    return standin


def test_read_and_manage_follow_the_matrix(standin_war, tmp_path, instances):
    standin = make_matrix(standin_war, tmp_path)
    instances.append(standin)
    standin.start()
    reader = basic("reader", "reader-pass")
    assert request(standin.url + "/api/json", headers=reader)[0] == 200
    assert request(standin.url + "/api/json")[0] == 200  # anonymous has Overall/Read here
    status, dummy, body = request(standin.url + "/api/json", headers=basic("nobody", "nobody-pass"))
    assert status == 403 and "nobody is missing the Overall/Read permission" in body

    before = json.loads(request(standin.url + "/fake/state")[2])["reloadCount"]
    assert post_with_crumb(standin, "/configuration-as-code/reload", reader)[0] == 403
    assert post_with_crumb(standin, "/quietDown", reader)[0] == 403
    assert post_with_crumb(standin, "/configuration-as-code/reload", AUTH)[0] == 302
    assert json.loads(request(standin.url + "/fake/state")[2])["reloadCount"] == before + 1
