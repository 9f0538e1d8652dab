"""Run one of the collection's modules as Ansible does (a subprocess with an args file), for the role's tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_module(module, tmp_path, check=False, **args):
    """The module's JSON result; `module` is the path of plugins/modules/<name>.py."""
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check)}))
    env = dict(os.environ, PYTHONPATH=str(ROOT / ".collections"))
    proc = subprocess.run(
        [sys.executable, str(module), str(args_file)], capture_output=True, text=True, env=env, check=False
    )
    return json.loads(proc.stdout)
