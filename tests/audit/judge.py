"""prowler's findings and errors judged against the reviewed exceptions (tests/audit/exceptions.yml).

- Findings are read from prowler's JSON-OCSF output; only those on the stack's own resources count (the labels of
  tests/audit/stack.py); a FAIL elsewhere (moto's default VPC, the account's password policy) is not the stack's.
- A FAIL on the stack fails the audit unless an exception names its check and resource label; an exception that
  matches no FAIL fails it too (stale), and no exception may cover log retention or IAM wildcards (FORBIDDEN).
- prowler keeps going when an API call fails: it logs the error and the checks reading that data see nothing, so they
  may PASS without having looked. Every error logged is tied to the function that logged it (from prowler's own
  source) and to the checks that read what that function fills (affected_checks); those checks are reported as
  ERROR, never as PASS. An error fails the audit unless an `errors` entry of the exceptions file names it; such an
  entry that matches no error fails too.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

EXCEPTIONS_FILE = Path(__file__).resolve().parent / "exceptions.yml"
CATEGORIES = ("emulator-artefact", "documented-design-choice")
FINDING_FIELDS = ("check", "resource", "category", "reason")
ERROR_FIELDS = ("error", "category", "reason")
# An error may also be prowler's own defect (it fails on real AWS too), named with the upstream evidence.
ERROR_CATEGORIES = CATEGORIES + ("prowler-defect",)
# What no exception may cover (issue 14): log retention, and IAM wildcards: prowler's checks of "*" actions or
# resources, administrative or full-service access (AdministratorAccess, <service>:*), permissive role assumption and
# privilege escalation. Against prowler 5.46.0's check ids this refuses the cloudwatch log group retention check and
# the iam_*/bedrock_* administrative, full-access, wildcard, permissive and escalation checks.
FORBIDDEN = (
    (re.compile(r"retention"), "log retention"),
    (
        re.compile(
            r"^(iam|bedrock)_.*(administrat|full_access|wildcard|permissive|privilege_escalation|cloudshell_admin)"
        ),
        "IAM wildcard",
    ),
)


@dataclass(frozen=True)
class Finding:
    """One prowler finding on the stack. resource: the stack's label of the resource (stack.py)."""

    check: str
    status: str
    resource: str
    detail: str

    def __str__(self):
        return "{0} {1} on {2}: {3}".format(self.status, self.check, self.resource, self.detail)


@dataclass(frozen=True)
class Error:
    """One error prowler logged. where: "<file>:<function>" of prowler's source that logged it."""

    where: str
    message: str
    checks: tuple = ()

    def __str__(self):
        return "{0}: {1}".format(self.where, self.message.splitlines()[0][:300])


def read_findings(path):
    """prowler's JSON-OCSF file: [{check, status, uid, name, labels, detail}]."""
    records = []
    for item in json.loads(Path(path).read_text() or "[]"):
        for resource in item.get("resources") or [{}]:
            records.append(
                {
                    "check": item["metadata"]["event_code"],
                    "status": item["status_code"],
                    "uid": resource.get("uid", ""),
                    "name": resource.get("name", ""),
                    "detail": item.get("status_detail", ""),
                }
            )
    return records


def on_stack(records, resources):
    """The findings on the stack's resources ({identifier: label}), each named by its label."""
    findings = []
    for record in records:
        label = resources.get(record["uid"]) or resources.get(record["uid"].rsplit("/", 1)[-1])
        if label is None and record["uid"].startswith("arn:") and record["name"]:
            label = resources.get(record["name"]) if record["uid"].endswith(record["name"]) else None
        if label:
            findings.append(Finding(record["check"], record["status"], label, record["detail"]))
    return sorted(set(findings), key=lambda f: (f.check, f.resource, f.status))


# prowler's --log-file format (prowler/lib/logger.py): a JSON-looking line per record whose message is pasted in
# unescaped, so a message with a quote or a newline is not JSON; the message is everything up to the closing "}.
LOG_RECORD = re.compile(
    r'^\{"timestamp": "(?P<timestamp>[^"]*)", "filename": "(?P<filename>[^"]*)", "level": "(?P<level>[^"]*)", '
    r'"module": "(?P<module>[^"]*)", "message": "(?P<message>.*)"\}\s*$',
    re.S,
)


def read_log(path):
    """prowler's --log-file as records {timestamp, filename, level, module, message}."""
    text = Path(path).read_text()  # missing: prowler did not run as asked, which must not read as "no error"
    records = []
    for chunk in re.split(r'\n(?=\{"timestamp": ")', text):
        if not chunk.strip():
            continue
        match = LOG_RECORD.match(chunk)
        if not match:
            raise ValueError("not a prowler log record: " + chunk[:300])
        records.append(match.groupdict())
    return records


def _function_at(source, line):
    best = ""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= node.end_lineno:
            best = node.name  # ast.walk goes outside in: the innermost function is the last one seen
    return best


def _filled(source, function):
    """Attribute names the function fills: x.attr = ..., x.attr[k] = ..., x.attr.append/extend/update(...)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function):
            continue
        for inner in ast.walk(node):
            targets = []
            if isinstance(inner, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
            elif (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr in ("append", "extend", "update", "add", "setdefault")
            ):
                targets = [inner.func.value]
            for target in targets:
                while isinstance(target, ast.Subscript):
                    target = target.value
                if isinstance(target, ast.Attribute):
                    names.add(target.attr)
    return names


class ProwlerSource:
    """prowler's installed source: which function logged an error, and which checks read what it fills."""

    def __init__(self, package_dir):
        self.root = Path(package_dir)
        self.by_name = {}
        for path in sorted(self.root.rglob("*.py")):
            self.by_name.setdefault(path.name, []).append(path)
        self.checks = {
            path.stem: path
            for path in self.root.glob("providers/aws/services/*/*/*.py")
            if path.parent.name == path.stem and (path.parent / (path.stem + ".metadata.json")).exists()
        }

    def locate(self, filename):
        """("<file>:<function>", path) of a log record's "file.py:line"."""
        name, _sep, line = filename.rpartition(":")
        for path in self.by_name.get(name, []):
            function = _function_at(path.read_text(), int(line))
            if function:
                return "{0}:{1}".format(name, function), path
        return filename, None

    def affected_checks(self, path, function):
        """The checks that may see nothing because `function` of `path` failed: the check itself, or the checks
        reading an attribute the function fills from the client of that service, or importing that library."""
        if path is None:
            return set()
        if path.stem in self.checks:
            return {path.stem}
        source = path.read_text()
        if path.name.endswith("_service.py"):
            # every client the service's package exports (waf_service.py serves waf_client and wafregional_client)
            clients = [client.stem for client in path.parent.glob("*_client.py")]
            attributes = _filled(source, function)
            reads = (
                re.compile(r"\.({0})\b".format("|".join(map(re.escape, sorted(attributes))))) if attributes else None
            )
            calls = re.compile(r"\." + re.escape(function) + r"\(")
            affected = set()
            for check, check_path in self.checks.items():
                text = check_path.read_text()
                if any(client + " import" in text for client in clients) and (
                    (reads and reads.search(text)) or calls.search(text)
                ):
                    affected.add(check)
            return affected
        module = path.stem
        return {
            check
            for check, check_path in self.checks.items()
            if re.search(r"\b" + module + r"\b", check_path.read_text())
        }


def errors_of(log_records, source):
    """The ERROR records of prowler's log, each with the function that logged it and the checks it affects."""
    errors = {}
    for record in log_records:
        if record.get("level") not in ("ERROR", "CRITICAL"):
            continue
        where, path = source.locate(record.get("filename", "?:0"))
        function = where.rpartition(":")[2]
        if where not in errors:
            errors[where] = Error(
                where, record.get("message", ""), tuple(sorted(source.affected_checks(path, function)))
            )
    return sorted(errors.values(), key=lambda e: e.where)


def forbidden_reason(check):
    return next((why for pattern, why in FORBIDDEN if pattern.search(check)), "")


def load_exceptions(path=EXCEPTIONS_FILE):
    """({"findings": [...], "errors": [...]}), validated: every field, a known category, a doc for a design
    choice, and no finding exception on a forbidden check."""
    data = yaml.safe_load(Path(path).read_text()) or {}
    unknown = set(data) - {"findings", "errors"}
    if unknown:
        raise ValueError("unknown section(s) {0}: expected findings, errors".format(", ".join(sorted(unknown))))
    for section, fields in (("findings", FINDING_FIELDS), ("errors", ERROR_FIELDS)):
        for number, entry in enumerate(data.get(section) or [], 1):
            where = "{0} entry {1}".format(section, number)
            missing = [f for f in fields if not str((entry or {}).get(f, "")).strip()]
            if missing:
                raise ValueError("{0}: missing {1}".format(where, ", ".join(missing)))
            categories = CATEGORIES if section == "findings" else ERROR_CATEGORIES
            if entry["category"] not in categories:
                raise ValueError("{0}: category {1} is not one of {2}".format(where, entry["category"], categories))
            if entry["category"] == "documented-design-choice" and not str(entry.get("doc", "")).strip():
                raise ValueError("{0}: a documented design choice names its doc".format(where))
            reason = forbidden_reason(entry["check"]) if section == "findings" else ""
            if reason:
                raise ValueError("{0}: no exception may cover {1} ({2})".format(where, reason, entry["check"]))
    return {"findings": data.get("findings") or [], "errors": data.get("errors") or []}


def judge(findings, errors, exceptions):
    """(problems, errored checks): FAILs no exception covers, errors no entry names, stale entries."""
    problems = []
    used = set()
    errored = {check: error.where for error in errors for check in error.checks}
    for finding in findings:
        if finding.status != "FAIL" or (finding.check in errored and not forbidden_reason(finding.check)):
            # a check that erred is reported as ERROR, its verdict neither trusted nor excepted; but a log retention
            # or IAM wildcard FAIL stands, whatever else failed: no entry of the file may take it away
            continue
        covering = [
            i
            for i, entry in enumerate(exceptions["findings"])
            if (entry["check"], entry["resource"]) == (finding.check, finding.resource)
        ]
        if not covering:
            problems.append("FAIL without exception: {0}".format(finding))
        used.update(covering)
    for index, entry in enumerate(exceptions["findings"]):
        if index not in used:
            problems.append("stale exception (no such FAIL any more): {0}".format(json.dumps(entry, sort_keys=True)))
    known = {entry["error"] for entry in exceptions["errors"]}
    for error in errors:
        if error.where not in known:
            problems.append("prowler error without exception: {0}".format(error))
    seen = {error.where for error in errors}
    for entry in exceptions["errors"]:
        if entry["error"] not in seen:
            problems.append("stale error exception (no such error any more): {0}".format(entry["error"]))
    return problems, errored
