"""efs_file_system's file_system_id option against in-process moto: a file system whose creation token is not its
name (a restored one) is converged by id, the one holding the name's creation token is left alone, and a missing id
fails instead of creating."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system
from tests.unit.modules.helpers import module_params

from .conftest import FakeModule

NAME = "stack-jenkins-home"


def run(aws, check_mode=False, **overrides):
    # bursting: what CreateFileSystem defaults to (stock moto lacks UpdateFileSystem).
    base = dict(
        name=NAME, lifecycle=None, throughput_mode="bursting", tags={"jenkins-ha:stack": "stack"}, wait_timeout=30
    )
    module = FakeModule(
        module_params(efs_file_system.argument_spec(), **dict(base, **overrides)), check_mode=check_mode
    )
    ensure = efs_file_system.ensure_present if module.params["state"] == "present" else efs_file_system.ensure_absent
    return ensure(module, aws("efs"))


@pytest.fixture
def two_file_systems(aws):
    """The stack's original file system (creation token = name) and a restored one (another token, no tags)."""
    efs = aws("efs")
    original = efs.create_file_system(CreationToken=NAME, Tags=[{"Key": "Name", "Value": NAME}])["FileSystemId"]
    restored = efs.create_file_system(CreationToken="stack-jenkins-home-r1")["FileSystemId"]
    return original, restored


def names(aws):
    return {fs["FileSystemId"]: fs.get("Name") for fs in aws("efs").describe_file_systems()["FileSystems"]}


@pytest.mark.parametrize(
    "check_mode, expect_changed, expect_named",
    [
        (True, True, False),  # check mode predicts the change and makes none
        (False, True, True),  # converges the restored one: Name tag, stack tag
    ],
)
def test_converges_the_file_system_named_by_id(aws, two_file_systems, check_mode, expect_changed, expect_named):
    original, restored = two_file_systems
    changed, result, diff = run(aws, check_mode=check_mode, encrypted=False, file_system_id=restored)
    assert changed is expect_changed
    assert diff["before"]["tags"] == {} and diff["after"]["tags"] == {"Name": NAME, "jenkins-ha:stack": "stack"}
    assert (names(aws)[restored] == NAME) is expect_named
    assert names(aws)[original] == NAME  # the name's creation token does not pull the module back to the original
    if not check_mode:
        assert result["file_system_id"] == restored and result["creation_token"] == "stack-jenkins-home-r1"


def test_rerun_by_id_is_unchanged(aws, two_file_systems):
    _original, restored = two_file_systems
    run(aws, encrypted=False, file_system_id=restored)
    changed, result, diff = run(aws, encrypted=False, file_system_id=restored)
    assert not changed and result["file_system_id"] == restored and diff["before"] == diff["after"]


@pytest.mark.parametrize("check_mode", [True, False])
def test_missing_id_fails_and_creates_nothing(aws, check_mode):
    with pytest.raises(AnsibleEFSError, match="fs-0123456789abcdef0 does not exist.*never creates one"):
        run(aws, check_mode=check_mode, file_system_id="fs-0123456789abcdef0")
    assert aws("efs").describe_file_systems()["FileSystems"] == []


@pytest.mark.parametrize(
    "file_system_id, expect_changed, expect_left",
    [
        ("restored", True, ["original"]),  # deletes the one named by id, never the one holding the name's token
        ("fs-0123456789abcdef0", False, ["original", "restored"]),  # a missing id: nothing to do
    ],
)
def test_absent_by_id(aws, two_file_systems, file_system_id, expect_changed, expect_left):
    ids = dict(zip(("original", "restored"), two_file_systems))
    changed, result, _diff = run(aws, state="absent", file_system_id=ids.get(file_system_id, file_system_id))
    assert changed is expect_changed and result == {}
    left = {fs["FileSystemId"] for fs in aws("efs").describe_file_systems()["FileSystems"]}
    assert left == {ids[key] for key in expect_left}
