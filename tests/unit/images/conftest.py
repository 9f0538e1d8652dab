"""Every image test runs with fake credentials and none of the caller's endpoint or profile (moto in-process); the
packer_build tests share their inputs (a template and a role)."""

import pytest
from moto.core import DEFAULT_ACCOUNT_ID

from tests.unit.modules.helpers import use_test_credentials


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    use_test_credentials(monkeypatch)


@pytest.fixture
def inputs(tmp_path):
    """packer_build's arguments for an agent image: a template and the role's tasks in tmp_path."""
    template = tmp_path / "packer" / "jenkins-ha.pkr.hcl"
    template.parent.mkdir()
    template.write_text("# template\n")
    role = tmp_path / "roles" / "jenkins_agent" / "tasks"
    role.mkdir(parents=True)
    (role / "main.yml").write_text("- ansible.builtin.debug: {msg: agent}\n")
    return {
        "template": str(template),
        "role": "agent",
        "base": "debian12",
        "role_paths": [str(role.parent)],
        # moto registers images in its own account; packer_build's default owners are Debian's.
        "variables": {"source_ami_owners": [DEFAULT_ACCOUNT_ID]},
    }
