"""Run tasks of the jenkins_controller role with ansible-playbook against localhost (connection local), as the
role's task-file tests do: no inventory, this interpreter, the work tree's collection."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
ROLE = ROOT / "roles" / "jenkins_controller"


def include_role_tasks(tasks_from):
    """A task that runs one of the role's task files (its defaults and vars/main.yml loaded)."""
    return {
        "name": "Run the role's " + tasks_from,
        "ansible.builtin.include_role": {"name": "jenkins_ha.aws.jenkins_controller", "tasks_from": tasks_from},
    }


def run_play(tmp_path, tasks, variables, gather_facts=False):
    """(return code, stdout + stderr) of one play on localhost."""
    play = [
        {
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": gather_facts,
            "vars": dict(ansible_python_interpreter=sys.executable, **variables),
            "tasks": tasks,
        }
    ]
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump(play))
    # JSON results keep a failure message on one line (ansible.cfg's yaml format folds long ones at any word).
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".collections"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
    )
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(playbook)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    return proc.returncode, proc.stdout + proc.stderr
