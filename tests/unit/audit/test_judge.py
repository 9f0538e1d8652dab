"""`make audit`'s judgement (tests/audit/judge.py) on findings and errors made here: a FAIL outside the stack is
ignored, one inside fails until excepted, a stale exception fails, no exception may cover log retention or an IAM
wildcard, and a check whose API call failed is an ERROR, never a PASS."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.audit import judge
from tests.audit.judge import Error, Finding

INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
OTHER = "arn:aws:ec2:us-east-1:123456789012:instance/i-0fedcba9876543210"
RESOURCES = {INSTANCE: "instance demo-controller", "i-0123456789abcdef0": "instance demo-controller"}


def ocsf(check, status, uid, name=""):
    """One finding as prowler's JSON-OCSF output writes it (the fields judge reads)."""
    return {
        "metadata": {"event_code": check},
        "status_code": status,
        "status_detail": "{0} says {1}".format(check, status),
        "resources": [{"uid": uid, "name": name, "region": "us-east-1"}],
    }


def findings_of(tmp_path, *items):
    path = tmp_path / "audit.ocsf.json"
    path.write_text(json.dumps(list(items)))
    return judge.on_stack(judge.read_findings(path), RESOURCES)


def entry(check="ec2_instance_imdsv2_enabled", resource="instance demo-controller", **changes):
    value = {"check": check, "resource": resource, "category": "emulator-artefact", "reason": "test"}
    value.update(changes)
    return value


def exceptions(findings=(), errors=()):
    return {"findings": list(findings), "errors": list(errors)}


def test_a_fail_outside_the_stack_is_ignored(tmp_path):
    found = findings_of(tmp_path, ocsf("ec2_instance_imdsv2_enabled", "FAIL", OTHER, "i-0fedcba9876543210"))
    assert found == []
    assert judge.judge(found, [], exceptions()) == ([], {})


def test_a_fail_on_the_stack_fails_until_excepted(tmp_path):
    found = findings_of(tmp_path, ocsf("ec2_instance_imdsv2_enabled", "FAIL", INSTANCE, "i-0123456789abcdef0"))
    assert found == [Finding("ec2_instance_imdsv2_enabled", "FAIL", "instance demo-controller", found[0].detail)]
    problems, _errored = judge.judge(found, [], exceptions())
    assert problems == ["FAIL without exception: " + str(found[0])]
    assert judge.judge(found, [], exceptions([entry()])) == ([], {})


def test_a_finding_named_by_bare_id_is_the_stack_resource(tmp_path):
    (finding,) = findings_of(tmp_path, ocsf("ec2_instance_imdsv2_enabled", "PASS", "i-0123456789abcdef0"))
    assert finding.resource == "instance demo-controller"


def test_an_exception_names_check_and_resource_exactly(tmp_path):
    found = findings_of(tmp_path, ocsf("ec2_instance_imdsv2_enabled", "FAIL", INSTANCE))
    other_resource = entry(resource="instance demo-agent")
    problems, _errored = judge.judge(found, [], exceptions([other_resource]))
    assert problems[0].startswith("FAIL without exception")
    assert problems[1].startswith("stale exception")


def test_a_stale_exception_fails(tmp_path):
    passed = findings_of(tmp_path, ocsf("ec2_instance_imdsv2_enabled", "PASS", INSTANCE))
    (problem,) = judge.judge(passed, [], exceptions([entry()]))[0]
    assert problem.startswith("stale exception (no such FAIL any more)")
    assert '"check": "ec2_instance_imdsv2_enabled"' in problem


def write(tmp_path, data):
    path = tmp_path / "exceptions.yml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    "check, reason",
    [
        ("cloudwatch_log_group_retention_policy_specific_days_enabled", "log retention"),
        ("iam_inline_policy_no_administrative_privileges", "IAM wildcard"),
        ("iam_customer_attached_policy_no_administrative_privileges", "IAM wildcard"),
        ("iam_policy_no_full_access_to_kms", "IAM wildcard"),
        ("iam_inline_policy_no_full_access_to_cloudtrail", "IAM wildcard"),
        ("iam_no_custom_policy_permissive_role_assumption", "IAM wildcard"),
        ("iam_policy_allows_privilege_escalation", "IAM wildcard"),
        ("iam_role_administratoraccess_policy", "IAM wildcard"),
    ],
)
def test_an_exception_for_log_retention_or_iam_wildcards_is_refused(tmp_path, check, reason):
    path = write(tmp_path, {"findings": [entry(check=check, category="documented-design-choice", doc="d")]})
    with pytest.raises(ValueError, match="no exception may cover {0} \\({1}\\)".format(reason, check)):
        judge.load_exceptions(path)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"findings": [entry(reason="")]}, "missing reason"),
        ({"findings": [{"check": "x", "category": "emulator-artefact", "reason": "r"}]}, "missing resource"),
        ({"findings": [entry(category="accepted-risk")]}, "category accepted-risk is not one of"),
        ({"findings": [entry(category="documented-design-choice")]}, "a documented design choice names its doc"),
        ({"findings": [entry(category="prowler-defect")]}, "category prowler-defect is not one of"),
        ({"errors": [{"error": "x.py:f", "category": "emulator-artefact"}]}, "missing reason"),
        ({"mutelist": []}, "unknown section"),
    ],
)
def test_a_malformed_exceptions_file_is_refused(tmp_path, data, message):
    with pytest.raises(ValueError, match=message):
        judge.load_exceptions(write(tmp_path, data))


def test_the_reviewed_file_loads_and_names_no_forbidden_check():
    loaded = judge.load_exceptions()
    assert loaded["findings"] and loaded["errors"]
    assert all(not judge.forbidden_reason(e["check"]) for e in loaded["findings"])


def test_an_errored_check_is_an_error_not_a_pass_and_its_fail_is_not_judged(tmp_path):
    found = findings_of(
        tmp_path,
        ocsf("ec2_instance_managed_by_ssm", "FAIL", INSTANCE),
        ocsf("iam_inline_policy_allows_privilege_escalation", "PASS", INSTANCE),
    )
    errors = [
        Error("ssm_service.py:_describe_instance_information", "500", ("ec2_instance_managed_by_ssm",)),
        Error(
            "privilege_escalation.py:check_privilege_escalation",
            "x",
            ("iam_inline_policy_allows_privilege_escalation",),
        ),
    ]
    listed = [{"error": e.where, "category": "emulator-artefact", "reason": "r"} for e in errors]
    problems, errored = judge.judge(found, errors, exceptions(errors=listed))
    assert problems == []
    assert errored == {
        "ec2_instance_managed_by_ssm": "ssm_service.py:_describe_instance_information",
        "iam_inline_policy_allows_privilege_escalation": "privilege_escalation.py:check_privilege_escalation",
    }


def test_a_log_retention_or_iam_wildcard_fail_stands_even_when_its_check_erred(tmp_path):
    check = "iam_inline_policy_allows_privilege_escalation"
    found = findings_of(tmp_path, ocsf(check, "FAIL", INSTANCE))
    error = Error("privilege_escalation.py:check_privilege_escalation", "x", (check,))
    listed = [{"error": error.where, "category": "prowler-defect", "reason": "r"}]
    problems, _errored = judge.judge(found, [error], exceptions(errors=listed))
    assert problems == ["FAIL without exception: " + str(found[0])]


def test_an_error_fails_until_listed_and_a_listed_error_that_is_gone_is_stale():
    error = Error("ec2_service.py:_describe_vpn_endpoints", "boom", ())
    problems, _errored = judge.judge([], [error], exceptions())
    assert problems == ["prowler error without exception: ec2_service.py:_describe_vpn_endpoints: boom"]
    gone = {"error": "waf_service.py:_list_web_acls", "category": "emulator-artefact", "reason": "r"}
    problems, _errored = judge.judge([], [], exceptions(errors=[gone]))
    assert problems == ["stale error exception (no such error any more): waf_service.py:_list_web_acls"]


def test_the_log_is_read_with_raw_newlines_and_quotes_in_messages_and_a_missing_or_foreign_log_is_an_error(tmp_path):
    log = tmp_path / "prowler.log"
    log.write_text(
        '{"timestamp": "t", "filename": "x_service.py:3", "level": "ERROR", "module": "x", "message": "a\nb"}\n'
        '{"timestamp": "t", "filename": "y.py:1", "level": "WARNING", "module": "y", "message": "w"}\n'
        '{"timestamp": "t", "filename": "s3control.py:9", "level": "ERROR", "module": "s", "message": "URL: "http://x""}\n'
    )
    records = judge.read_log(log)
    assert [r["message"] for r in records] == ["a\nb", "w", 'URL: "http://x"']
    assert records[0]["filename"] == "x_service.py:3"
    log.write_text("Traceback (most recent call last):\n")
    with pytest.raises(ValueError, match="not a prowler log record"):
        judge.read_log(log)
    with pytest.raises(FileNotFoundError):
        judge.read_log(tmp_path / "missing.log")
