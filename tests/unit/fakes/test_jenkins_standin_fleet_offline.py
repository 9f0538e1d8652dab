"""The stand-in's EC2 Fleet cloud where no AWS endpoint is reachable (the role's molecule runs): behaviour with the
emulator is in tests/integration/test_standin_fleet.py."""

import json

from .conftest import REAL_SCHEMAS, StandIn
from .test_jenkins_standin_jcasc import PASSWORD, VALID, request, wait_answering, write_plugin

CLOUD = """\
  clouds:
    - eC2Fleet:
        name: fleet-agents
        region: eu-west-1
        fleet: agents-asg
        minSize: 0
        maxSize: 2
"""


def make(war, tmp_path, env):
    standin = StandIn(war, tmp_path)
    standin.casc.write_text(VALID.replace("unclassified:\n", CLOUD + "unclassified:\n"))
    (standin.secrets / "JENKINS_ADMIN_PASSWORD").write_text(PASSWORD + "\n")
    (standin.home / "plugins").mkdir()
    for name, pin in json.loads((REAL_SCHEMAS / "pins.json").read_text())["plugins"].items():
        write_plugin(standin.home / "plugins" / (name + ".jpi"), Short_Name=name, Plugin_Version=pin["version"])
    clean = {"AWS_ENDPOINT_URL": "", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    clean.update(env)
    return standin.start(extra_env=clean, wait=False)


def test_without_an_endpoint_the_group_is_not_read_and_the_start_goes_on_with_a_warning(
    standin_war, tmp_path, instances
):
    standin = make(standin_war, tmp_path, {})
    instances.append(standin)
    assert wait_answering(standin)[0] == 200
    fleet = json.loads(request(standin.url + "/fake/state")[2])["fleets"][0]
    assert fleet["fleet"] == "agents-asg" and not fleet["checked"] and fleet["awsCalls"] == []
    assert "DescribeAutoScalingGroups for 'agents-asg' not called" in standin.log.read_text()


def test_with_an_endpoint_but_no_credentials_the_start_fails_like_the_sdk(standin_war, tmp_path, instances):
    standin = make(standin_war, tmp_path, {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    instances.append(standin)
    status, dummy, body = wait_answering(standin)
    assert status == 503
    assert "Failed to construct instance of class com.amazon.jenkins.ec2fleet.EC2FleetCloud" in body
    assert "Unable to load credentials" in body


def test_an_unreachable_endpoint_fails_the_start(standin_war, tmp_path, instances):
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}
    standin = make(standin_war, tmp_path, env)
    instances.append(standin)
    status, dummy, body = wait_answering(standin)
    assert status == 503 and "Unable to execute HTTP request" in body
