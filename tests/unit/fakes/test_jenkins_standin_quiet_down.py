"""Quiet-down and the computer API as core 2.568.2 answers them, with the stand-in's test-only fake builds."""

import json
import time
import urllib.error
import urllib.request

from .test_jenkins_standin_jcasc import AUTH, post_with_crumb, request


def fake(standin, path, body=b""):
    req = urllib.request.Request(standin.url + path, data=body, method="POST", headers=AUTH)
    try:
        with urllib.request.urlopen(req, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def get(standin, path):
    status, dummy, body = request(standin.url + path, headers=AUTH)
    assert status == 200, body
    return json.loads(body)


def test_quiet_down_with_a_reason_blocks_until_the_timeout_while_a_build_runs(standin):
    standin.start()
    assert fake(standin, "/fake/nodes", json.dumps({"nodes": [{"name": "a1", "numExecutors": 2}]}).encode()) == 200
    assert fake(standin, "/fake/computer/a1/startBuild") == 200

    computer = get(standin, "/computer/a1/api/json?depth=1")
    assert not computer["idle"]
    running, spare = computer["executors"]
    assert running["currentExecutable"]["building"] and not running["idle"] and running["number"] == 0
    assert spare["currentExecutable"] is None and spare["idle"]
    assert get(standin, "/computer/api/json")["computer"][1]["executors"] == [{}, {}]
    assert get(standin, "/computer/api/json")["busyExecutors"] == 2

    began = time.monotonic()
    status = post_with_crumb(standin, "/quietDown?block=true&timeout=1500&message=upgrade", AUTH)[0]
    assert status == 302 and 1.0 <= time.monotonic() - began < 10
    root = get(standin, "/api/json")
    assert root["quietingDown"] and root["quietDownReason"] == "upgrade"
    assert fake(standin, "/fake/computer/a1/startBuild") == 409

    assert fake(standin, "/fake/computer/a1/finishBuild") == 200
    began = time.monotonic()
    assert post_with_crumb(standin, "/quietDown?block=true", AUTH)[0] == 302
    assert time.monotonic() - began < 5
    assert post_with_crumb(standin, "/cancelQuietDown", AUTH)[0] == 302
    root = get(standin, "/api/json")
    assert not root["quietingDown"] and root["quietDownReason"] is None
