"""The jenkins_plugins module end to end against a fake update center (directory mirror and HTTP)."""

import functools
import http.server
import importlib.util
import json
import threading
from pathlib import Path

import pytest

from .modules import run_module as run_collection_module

ROOT = Path(__file__).resolve().parents[3]
MODULE = ROOT / "plugins" / "modules" / "jenkins_plugins.py"
GENERATOR = ROOT / "molecule" / "jenkins_controller" / "files" / "make_fake_update_center.py"
spec = importlib.util.spec_from_file_location("make_fake_update_center", GENERATOR)
fake_uc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fake_uc)

WANTED = [
    {"name": "ec2-fleet", "version": "4.3.0.549.vf2a_da_a_d19b_5e"},
    {"name": "configuration-as-code", "version": "2117.vc05a_0b_e6b_f4e"},
]
# Paths each served fake update center was asked for, by its URL.
REQUESTS = {}
EXPECTED = {
    "aws-java-sdk2-core",
    "aws-java-sdk2-ec2",
    "configuration-as-code",
    "credentials",
    "ec2-fleet",
    "snakeyaml-api",
    "ssh-credentials",
    "ssh-slaves",
}


def run_module(tmp_path, check=False, **args):
    return run_collection_module(MODULE, tmp_path, check=check, **args)


@pytest.fixture
def mirror(tmp_path):
    directory = tmp_path / "mirror"
    directory.mkdir()
    fake_uc.main(str(directory), "http://unused.invalid")
    return directory


@pytest.fixture
def served(tmp_path):
    directory = tmp_path / "served"
    directory.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    handler = functools.partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = "http://127.0.0.1:{0}".format(server.server_address[1])
    fake_uc.main(str(directory), url)
    REQUESTS[url] = requests
    yield directory, url
    server.shutdown()


def installed(dest):
    return sorted(p.name for p in dest.iterdir())


def test_check_apply_idempotent_from_mirror_dir(tmp_path, mirror):
    dest = tmp_path / "plugins"
    first = run_module(tmp_path, check=True, dest=str(dest), update_center_dir=str(mirror), plugins=WANTED)
    assert first["changed"] is True, first
    assert {p["name"] for p in first["plugins"]} == EXPECTED
    assert not dest.exists()
    assert first["diff"]["after"]["plugins"]["credentials"] == "1502.v5c95e620ddfe"

    applied = run_module(tmp_path, dest=str(dest), update_center_dir=str(mirror), plugins=WANTED, mode="0640")
    assert applied["changed"] is True, applied
    assert installed(dest) == sorted(n + ".jpi" for n in EXPECTED)
    assert oct((dest / "ec2-fleet.jpi").stat().st_mode & 0o777) == "0o640"
    fleet = next(p for p in applied["plugins"] if p["name"] == "ec2-fleet")
    assert fleet["action"] == "install" and fleet["requested"] is True
    sdk = next(p for p in applied["plugins"] if p["name"] == "aws-java-sdk2-ec2")
    assert sdk["requested"] is False and sdk["required_by"] == ["ec2-fleet:4.3.0.549.vf2a_da_a_d19b_5e"]

    again = run_module(tmp_path, dest=str(dest), update_center_dir=str(mirror), plugins=WANTED, mode="0640")
    assert again["changed"] is False, again
    assert (
        run_module(tmp_path, check=True, dest=str(dest), update_center_dir=str(mirror), plugins=WANTED)["changed"]
        is False
    )


def test_pin_change_downgrades_only_that_plugin(tmp_path, mirror):
    dest = tmp_path / "plugins"
    pins = [{"name": "credentials", "version": "1415.v831096eb_5534"}]
    run_module(tmp_path, dest=str(dest), update_center_dir=str(mirror), plugins=pins)
    pins = [{"name": "credentials", "version": "1389.vd7a_b_f5fa_50a_2"}]
    result = run_module(tmp_path, dest=str(dest), update_center_dir=str(mirror), plugins=pins)
    assert result["changed"] is True
    assert result["plugins"][0]["action"] == "downgrade"
    assert result["plugins"][0]["installed_version"] == "1415.v831096eb_5534"


def test_over_http_with_checksum_verification(tmp_path, served):
    directory, url = served
    dest = tmp_path / "plugins"
    args = dict(
        dest=str(dest),
        update_center_url=url + "/update-center.json",
        plugin_versions_url=url + "/plugin-versions.json",
        plugins=[{"name": "ssh-slaves", "version": "3.1097.v868116049892"}],
    )
    result = run_module(tmp_path, **args)
    assert result["changed"] is True, result
    assert installed(dest) == ["credentials.jpi", "ssh-credentials.jpi", "ssh-slaves.jpi"]
    # Tamper with an archive on the server: the download is refused and the installed file stays as it was.
    (dest / "credentials.jpi").unlink()
    archive = directory / "download/plugins/credentials/1502.v5c95e620ddfe/credentials.hpi"
    archive.write_bytes(archive.read_bytes() + b"tampered")
    failed = run_module(tmp_path, **args)
    assert failed.get("failed") is True
    assert "checksum mismatch for credentials" in failed["msg"]
    assert "credentials.jpi" not in installed(dest)
    assert not [p for p in installed(dest) if p.endswith(".tmp")]


def test_conflict_and_bad_arguments_fail_clearly(tmp_path, mirror):
    dest = tmp_path / "plugins"
    result = run_module(
        tmp_path,
        dest=str(dest),
        update_center_dir=str(mirror),
        plugins=[
            {"name": "ssh-credentials", "version": "361.vb_f6760818e8c"},
            {"name": "credentials", "version": "1"},
        ],
    )
    assert result["failed"] is True and "plugin 'credentials' version 1 is not available" in result["msg"]
    both = run_module(tmp_path, dest=str(dest), update_center_dir=str(mirror), update_center_url="http://x", plugins=[])
    assert both["failed"] is True and "mutually exclusive" in both["msg"]


def test_asks_the_update_center_for_the_cores_tier(tmp_path, served):
    directory, url = served
    dest = tmp_path / "plugins"
    args = dict(
        dest=str(dest),
        update_center_url=url + "/update-center.json",
        plugin_versions_url=url + "/plugin-versions.json",
        plugins=[{"name": "ssh-credentials", "version": "361.vb_f6760818e8c"}],
        jenkins_version="2.568.2",
    )
    result = run_module(tmp_path, **args)
    assert result["changed"] is True, result
    # jenkins-plugin-manager's request: the tier of the controller's core, not the newest (weekly) metadata.
    paths = [p for p in REQUESTS[url] if "update-center.json" in p]
    assert paths == ["/update-center.json?version=2.568.2"], paths


def test_plugin_needing_a_newer_core_fails_naming_it(tmp_path, mirror):
    result = run_module(
        tmp_path,
        dest=str(tmp_path / "plugins"),
        update_center_dir=str(mirror),
        plugins=[{"name": "ssh-credentials", "version": "361.vb_f6760818e8c"}],
        jenkins_version="2.462.3",
    )
    assert result["failed"] is True
    assert "ssh-credentials:361.vb_f6760818e8c needs Jenkins" in result["msg"]
    assert "the controller runs 2.462.3" in result["msg"]
    assert not (tmp_path / "plugins").exists()


def test_fake_update_center_takes_dependencies_from_schema_files(tmp_path):
    schemas = tmp_path / "schemas" / "matrix-auth"
    schemas.mkdir(parents=True)
    (schemas / "3.2.8.json").write_text(
        json.dumps({"format": 1, "requires": {"core": "2.479.3", "plugins": {"ionicons-api": "31.v4757b_6987003"}}})
    )
    directory = tmp_path / "uc"
    directory.mkdir()
    fake_uc.main(str(directory), "http://unused.invalid", str(tmp_path / "schemas"))
    versions = json.loads((directory / "plugin-versions.json").read_text())["plugins"]
    entry = versions["matrix-auth"]["3.2.8"]
    assert entry["requiredCore"] == "2.479.3"
    assert entry["dependencies"] == [{"name": "ionicons-api", "version": "31.v4757b_6987003", "optional": False}]
    assert "31.v4757b_6987003" in versions["ionicons-api"]
