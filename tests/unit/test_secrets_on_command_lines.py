"""No secret on a process command line: a process's argv is readable by every user of the host (ps, /proc/<pid>/
cmdline), unlike its stdin, its environment or a 0600 file. Statically, over every task file, playbook and template
of the collection: the arguments of the modules that run a command (command, shell, raw, script, expect, the pipe
lookup), the module parameters that their modules put on a command line (user's password, openssh_keypair's
passphrase, pip's extra_args, git's repo), the Exec* lines of systemd units and the user data script may not refer to
a secret, directly (an SSM lookup that decrypts, a password lookup, a name that says password/secret/private key/
token) or through a variable defined from one (vars, set_fact, defaults, registered results of no_log tasks: taint
followed to a fixed point). stdin is allowed: it is a pipe, not the command line (keypair_rotation.yml hands the
private keys to ssh-keygen that way)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["site.yml", "playbooks", "roles"]
COMMAND_MODULES = {"command", "shell", "raw", "script", "expect"}
# Module parameters that the module passes on a command line of its own.
ARGV_PARAMETERS = {
    "user": ("password",),
    "openssh_keypair": ("passphrase",),
    "pip": ("extra_args",),
    "git": ("repo",),
}
NOT_ON_THE_COMMAND_LINE = {"stdin", "stdin_add_newline", "chdir", "creates", "removes", "executable"}
SECRET_NAME = re.compile(r"password|passwd|passphrase|secret|private_?key|privatekey|token|credential", re.I)
SECRET_SOURCE = re.compile(
    r"lookup\(\s*['\"](?:ansible\.builtin\.)?password['\"]"
    r"|query\(\s*['\"](?:ansible\.builtin\.)?password['\"]"
    r"|ssm_parameter['\"](?![^)]*decrypt\s*=\s*false)"
)
TASK_KEYS = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")
UNIT_EXEC = re.compile(r"^\s*Exec[A-Za-z]*\s*=.*$", re.M)
JINJA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
NO_LOG_RESULT = "<registered by a no_log task>"


def _names(text):
    """The names a Jinja expression in text refers to (literal text around it names nothing)."""
    return {name for expression in JINJA.findall(text) for name in JINJA_NAME.findall(expression)}


def _module_name(task):
    for key in task:
        short = key.rsplit(".", 1)[-1]
        if short in COMMAND_MODULES or short in ARGV_PARAMETERS:
            return key, short
    return None, None


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _walk_tasks(items, where):
    for item in items or ():
        if not isinstance(item, dict):
            continue
        yield where, item
        for key in TASK_KEYS:
            if isinstance(item.get(key), list):
                yield from _walk_tasks(item[key], where)


def yaml_documents():
    for source in SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob("*.yml")):
            if "molecule" in file.parts:
                continue
            try:
                data = yaml.safe_load(file.read_text())
            except yaml.YAMLError:  # a Jinja-templated YAML file: not a task file
                continue
            yield file.relative_to(ROOT), data


def collect(documents):
    """(definitions {name: [text]}, command lines [(where, text)]) of the given parsed YAML files."""
    definitions, command_lines = {}, []

    def define(name, value):
        definitions.setdefault(name, []).extend(_strings(value))

    for where, data in documents:
        if isinstance(data, dict):  # defaults/, vars/, group_vars
            for name, value in data.items():
                define(name, value)
            continue
        for entry, task in _walk_tasks(data, where):
            for name, value in (task.get("vars") or {}).items():
                define(name, value)
            if isinstance(task.get("register"), str) and task.get("no_log") in (True, "true", "yes"):
                define(task["register"], NO_LOG_RESULT)
            for key in ("ansible.builtin.set_fact", "set_fact"):
                if isinstance(task.get(key), dict):
                    for name, value in task[key].items():
                        define(name, value)
            for text in _strings({k: v for k, v in task.items() if k not in TASK_KEYS}):
                if re.search(r"(?:lookup|query)\(\s*['\"](?:ansible\.builtin\.)?pipe['\"]", text):
                    command_lines.append(("{0}: {1} (pipe lookup)".format(entry, task.get("name")), text))
            key, short = _module_name(task)
            if key is None:
                continue
            args = task[key] if isinstance(task[key], dict) else {"_raw_params": task[key]}
            args = dict(args or {}, **(task.get("args") or {}))
            if short in COMMAND_MODULES:
                shown = {k: v for k, v in args.items() if k not in NOT_ON_THE_COMMAND_LINE}
            else:
                shown = {k: v for k, v in args.items() if k in ARGV_PARAMETERS[short]}
            for text in _strings(shown):
                command_lines.append(("{0}: {1} ({2})".format(entry, task.get("name"), key), text))
    return definitions, command_lines


def template_command_lines():
    found = []
    for file in sorted((ROOT / "roles").rglob("*.j2")) + sorted((ROOT / "playbooks").rglob("*.j2")):
        text = file.read_text()
        where = file.relative_to(ROOT)
        if file.name.startswith("user_data"):
            found += [("{0} (user data)".format(where), line) for line in text.splitlines() if "{{" in line]
        else:
            found += [("{0} (systemd Exec line)".format(where), line) for line in UNIT_EXEC.findall(text)]
    return found


def tainted(definitions):
    """Names whose value is or derives from a secret: a fixed point over the definitions."""
    secret = {name for name, texts in definitions.items() if SECRET_NAME.search(name) or NO_LOG_RESULT in texts}
    while True:
        grown = {
            name
            for name, texts in definitions.items()
            if name not in secret and any(SECRET_SOURCE.search(t) or secret & _names(t) for t in texts)
        }
        if not grown:
            return secret
        secret |= grown


def secrets_on_command_lines(definitions, command_lines):
    secret = tainted(definitions)
    problems = []
    for where, text in command_lines:
        names = _names(text)
        hits = sorted(secret & names) + (["a secret lookup"] if SECRET_SOURCE.search(text) else [])
        hits += sorted(n for n in names if SECRET_NAME.search(n) and n not in hits)
        if hits:
            problems.append("{0}: {1!r} refers to {2}".format(where, text, ", ".join(hits)))
    return problems


def test_no_task_puts_a_secret_on_a_command_line():
    definitions, command_lines = collect(yaml_documents())
    # The scan sees what it should: the command tasks of the roles and playbooks, and the secrets they handle.
    assert len(command_lines) >= 8, command_lines
    assert {"jenkins_controller_admin_password", "__secrets_private_key"} <= tainted(definitions)
    assert secrets_on_command_lines(definitions, command_lines + template_command_lines()) == []


TASKS = """
- name: Leaks through a variable
  vars:
    token_value: "{{ lookup('amazon.aws.ssm_parameter', '/x/admin-password') }}"
    derived: "Basic {{ token_value }}"
  ansible.builtin.command:
    argv: [curl, -H, "Authorization: {{ derived }}", https://example.invalid]
- name: Passes the key on stdin
  ansible.builtin.command:
    argv: [ssh-keygen, -y, -f, /dev/stdin]
    stdin: "{{ lookup('amazon.aws.ssm_parameter', '/x/ssh-private-key') }}"
- name: Reads a result
  ansible.builtin.slurp:
    src: /etc/key
  register: read_key
  no_log: true
- name: Leaks a no_log result
  ansible.builtin.shell: echo {{ read_key.content }} | base64 -d > /tmp/x
- name: Sets a user password from a secret
  ansible.builtin.user:
    name: x
    password: "{{ lookup('ansible.builtin.password', '/dev/null') | password_hash }}"
- name: Reads a public parameter
  ansible.builtin.command:
    argv: [echo, "{{ lookup('amazon.aws.ssm_parameter', '/x/ssh-public-key', decrypt=false) }}"]
"""


@pytest.mark.parametrize(
    "task, leaks",
    [
        ("Leaks through a variable", True),
        ("Passes the key on stdin", False),
        ("Leaks a no_log result", True),
        ("Sets a user password from a secret", True),
        ("Reads a public parameter", False),
    ],
)
def test_the_scan_finds_secrets_on_command_lines_and_only_there(task, leaks):
    definitions, command_lines = collect([(Path("example.yml"), yaml.safe_load(TASKS))])
    problems = secrets_on_command_lines(definitions, command_lines)
    assert any(task in p for p in problems) is leaks, problems
