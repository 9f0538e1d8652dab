"""Builds the Jenkins stand-in once per session and starts instances of it on free loopback ports."""

import functools
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BUILD = ROOT / "tests" / "fakes" / "jenkins" / "build.sh"
REAL_SCHEMAS = ROOT / "plugins" / "module_utils" / "jcasc" / "schemas"
FIXTURE_SCHEMAS = Path(__file__).resolve().parent / "fixtures" / "schemas"


def role_core_version():
    """jenkins_controller_version of the role's defaults: the core build.sh makes the stand-in by default."""
    text = (ROOT / "roles" / "jenkins_controller" / "defaults" / "main.yml").read_text()
    return re.search(r"^jenkins_controller_version:\s*[\"']?([^\"'\s]+)", text, re.M).group(1)


def schemas_for(core):
    """The generated schemas once they hold this core, else the hand-written fixtures (until the generator lands)."""
    return REAL_SCHEMAS if (REAL_SCHEMAS / "core" / (core + ".json")).is_file() else FIXTURE_SCHEMAS


@functools.lru_cache(maxsize=None)
def java_major(java):
    answer = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(\d+)', answer.stderr)
    return int(found.group(1)) if found else None


def java_for(core, schemas):
    """A java binary the core accepts (its schema's java list), as a real jenkins.war needs; None if none here."""
    wanted = json.loads((schemas / "core" / (core + ".json")).read_text())["java"]
    candidates = [shutil.which("java")] + sorted(glob.glob("/usr/lib/jvm/*/bin/java"))
    for java in candidates:
        if java and java_major(java) in wanted:
            return java
    return None


@pytest.fixture(scope="session")
def standin_war(tmp_path_factory):
    return build_standin_war(tmp_path_factory)


def build_standin_war(tmp_path_factory, core=None, schemas=None):
    """Build tests/fakes/jenkins into a jenkins.war (skips the test without a JDK). Default: the role's core."""
    if not shutil.which("javac") or not shutil.which("java"):
        pytest.skip("a JDK (javac, java) is needed to build the Jenkins stand-in")
    core = core or role_core_version()
    schemas = schemas or schemas_for(core)
    out = tmp_path_factory.mktemp("standin-build")
    subprocess.run(
        [str(BUILD), str(out), "--core-version", core, "--schemas", str(schemas)], check=True, capture_output=True
    )
    return StandInWar(out / "jenkins.war", core, schemas)


class StandInWar(os.PathLike):
    """The built jar, with the core version and schema tree it was built with."""

    def __init__(self, path, core, schemas):
        self.path, self.core, self.schemas = path, core, schemas

    def __fspath__(self):
        return str(self.path)

    def __str__(self):
        return str(self.path)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandIn:
    """One running stand-in: home, secrets dir, JCasC file and process."""

    def __init__(self, war, base, java=None):
        self.war = war
        core, schemas = getattr(war, "core", None), getattr(war, "schemas", None)
        # A real jenkins.war refuses a Java its core does not support: run it on one the core accepts.
        self.java = java or (core and java_for(core, schemas)) or "java"
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

    def start(self, extra_env=None, wait=True, args=()):
        self.port = free_port()
        env = dict(
            os.environ, JENKINS_HOME=str(self.home), CASC_JENKINS_CONFIG=str(self.casc), SECRETS=str(self.secrets)
        )
        env.update(extra_env or {})
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [self.java, "-jar", str(self.war), "--httpPort={0}".format(self.port), "--httpListenAddress=127.0.0.1"]
                + list(args),
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
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # Seen once in CI (6 stand-ins in a row, not reproduced): keep the JVM's thread dump (SIGQUIT) for
                # the diagnosis, then end it, and say so instead of failing an unrelated test's teardown.
                os.kill(self.proc.pid, signal.SIGQUIT)
                time.sleep(2)
                self.proc.kill()
                self.proc.wait()
                warnings.warn(
                    "the stand-in ignored SIGTERM for 15 s and was killed; its log and thread dump: {0}\n{1}".format(
                        self.log, self.log.read_text(errors="replace")[-6000:]
                    )
                )


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


def wars_by_core(tmp_path_factory, schemas):
    """core -> a stand-in war built on schemas for that core, each built once."""
    cache = {}

    def get(core):
        if core not in cache:
            cache[core] = build_standin_war(tmp_path_factory, core=core, schemas=schemas)
        return cache[core]

    return get


@pytest.fixture(scope="session")
def fixture_wars(tmp_path_factory):
    """Stand-ins built on the hand-written fixture schemas, one per core."""
    return wars_by_core(tmp_path_factory, FIXTURE_SCHEMAS)


@pytest.fixture
def instances():
    started = []
    yield started
    for standin in started:
        standin.stop()
