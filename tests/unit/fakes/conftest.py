"""Builds the Jenkins stand-in once per session and starts instances of it on free loopback ports."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BUILD = ROOT / "tests" / "fakes" / "jenkins" / "build.sh"


@pytest.fixture(scope="session")
def standin_war(tmp_path_factory):
    return build_standin_war(tmp_path_factory)


def build_standin_war(tmp_path_factory):
    """Build tests/fakes/jenkins into a jenkins.war (skips the test without a JDK)."""
    if not shutil.which("javac") or not shutil.which("java"):
        pytest.skip("a JDK (javac, java) is needed to build the Jenkins stand-in")
    out = tmp_path_factory.mktemp("standin-build")
    subprocess.run([str(BUILD), str(out)], check=True, capture_output=True)
    return out / "jenkins.war"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandIn:
    """One running stand-in: home, secrets dir, JCasC file and process."""

    def __init__(self, war, base):
        self.war = war
        self.home = base / "home"
        self.secrets = base / "secrets"
        self.casc = base / "jenkins.yaml"
        self.home.mkdir()
        self.secrets.mkdir(mode=0o700)
        self.port = None
        self.proc = None
        self.log = base / "jenkins.log"

    @property
    def url(self):
        return "http://127.0.0.1:{0}".format(self.port)

    def start(self, extra_env=None, wait=True):
        self.port = free_port()
        env = dict(
            os.environ, JENKINS_HOME=str(self.home), CASC_JENKINS_CONFIG=str(self.casc), SECRETS=str(self.secrets)
        )
        env.update(extra_env or {})
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["java", "-jar", str(self.war), "--httpPort={0}".format(self.port), "--httpListenAddress=127.0.0.1"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if wait:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError("the stand-in exited: " + self.log.read_text())
                try:
                    with urllib.request.urlopen(self.url + "/login", timeout=2) as answer:
                        if answer.status == 200:
                            return self
                except OSError:
                    time.sleep(0.2)
            raise RuntimeError("the stand-in did not answer /login in 30 s")
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)


CASC = """\
jenkins:
  systemMessage: "Managed by jenkins_ha.aws: do not edit by hand"
  numExecutors: 0
  mode: EXCLUSIVE
  securityRealm:
    local:
      allowsSignup: false
      users:
        - id: "admin"
          password: "${JENKINS_ADMIN_PASSWORD}"  # from the secrets dir
  authorizationStrategy:
    loggedInUsersCanDoAnything:
      allowAnonymousRead: false
  crumbIssuer:
    standard:
      excludeClientIPFromCrumb: false
unclassified:
  location:
    url: "https://jenkins.example.com/"
"""


@pytest.fixture
def standin(standin_war, tmp_path):
    instance = StandIn(standin_war, tmp_path)
    instance.casc.write_text(CASC)
    (instance.secrets / "JENKINS_ADMIN_PASSWORD").write_text("correct horse\n")
    yield instance
    instance.stop()
