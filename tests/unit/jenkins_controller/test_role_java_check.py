"""The role's bake-time Java/core check (tasks/validate.yml) run by ansible-playbook with each release's vars: a
core that does not start on the release's Java fails before anything is installed, naming the way out."""

import pytest

from .role_play import ROLE, include_role_tasks, run_play


def run_validate(tmp_path, release_vars, **variables):
    tasks = [
        # As tasks/vars.yml does: the OS family's names, then the release's.
        {"name": "Load the family's names", "ansible.builtin.include_vars": str(ROLE / "vars" / "Debian.yml")},
        {"name": "Load the release's names", "ansible.builtin.include_vars": str(ROLE / "vars" / release_vars)},
        include_role_tasks("validate.yml"),
    ]
    return run_play(tmp_path, tasks, dict(jenkins_controller_phase="bake", **variables), gather_facts=True)


@pytest.mark.parametrize(
    "release_vars, variables, message",
    [
        # Debian 12's openjdk-17 and the default 2.568.2: refused, with the three ways out.
        (
            "Debian-12.yml",
            {},
            "Jenkins 2.568.2 does not start on Java 17: it runs on Java 21 or 25 (openjdk-17-jre-headless",
        ),
        ("Debian-12.yml", {"jenkins_controller_version": "2.541.3"}, None),
        (
            "Debian-12.yml",
            {
                "jenkins_controller_java_package": "temurin-21-jre",
                "jenkins_controller_java_repo_url": "https://packages.adoptium.net/artifactory/deb",
                "jenkins_controller_java_repo_key_url": "https://packages.adoptium.net/artifactory/api/gpg/key/public",
            },
            None,
        ),
        ("Debian-13.yml", {}, None),
        ("Debian-13.yml", {"jenkins_controller_java_package": "openjdk-17-jre-headless"}, "does not start on Java 17"),
    ],
)
def test_java_core_check(tmp_path, release_vars, variables, message):
    rc, output = run_validate(tmp_path, release_vars, **variables)
    if message is None:
        assert rc == 0, output
    else:
        assert rc != 0, output
        assert message in output, output
        if release_vars == "Debian-12.yml":
            assert "jenkins_controller_java_repo_url" in output and "temurin-21-jre" in output
            assert "jenkins_controller_version: 2.541.3" in output
