"""How an error prowler logs is tied to the checks it blinds (judge.ProwlerSource), on a small tree shaped like
prowler's package: a service whose function fills an attribute, checks reading it or calling a function directly,
a check that logs its own error, and a library module that checks import."""

from __future__ import annotations

import textwrap

import pytest

from tests.audit import judge

SERVICE = """\
class Svc:
    def __init__(self):
        self.things = {}
        self.other = []

    def _list_things(self, client):
        try:
            for thing in client.list():
                self.things[thing] = Thing(thing)
        except Exception as error:
            logger.error(f"{error}")

    def _describe_other(self, client):
        try:
            self.other.append(client.other())
        except Exception as error:
            logger.error(f"{error}")

    def _lookup_page(self, name):
        try:
            return client.lookup(name)
        except Exception as error:
            logger.error(f"{error}")
"""


def check_source(body, client="svc_client"):
    return "from prowler.providers.aws.services.svc.{0} import {0}\n\n\nclass c:\n    def execute(self):\n{1}\n".format(
        client, textwrap.indent(textwrap.dedent(body), "        ")
    )


@pytest.fixture
def source(tmp_path):
    services = tmp_path / "providers" / "aws" / "services"
    svc = services / "svc"
    svc.mkdir(parents=True)
    (svc / "svc_service.py").write_text(SERVICE)
    (svc / "svc_client.py").write_text("svc_client = Svc()\n")
    (svc / "svcregional_client.py").write_text("svcregional_client = Svc()\n")
    checks = {
        "svc_reads_things": check_source("return [t for t in svc_client.things.values()]"),
        "svc_reads_regional_things": check_source(
            "return list(svcregional_client.things)", client="svcregional_client"
        ),
        "svc_reads_other": check_source("return svc_client.other"),
        "svc_calls_lookup": check_source("return svc_client._lookup_page('x')"),
        "svc_logs_itself": check_source("logger.error('no key')\nreturn []"),
        "svc_uses_lib": "from prowler.providers.aws.services.svc.lib.escalation import check_escalation\n",
    }
    for name, text in checks.items():
        (svc / name).mkdir()
        (svc / name / (name + ".py")).write_text(text)
        (svc / name / (name + ".metadata.json")).write_text("{}")
    (svc / "lib").mkdir()
    (svc / "lib" / "escalation.py").write_text(
        "def check_escalation(policy):\n    try:\n        pass\n    except Exception:\n        logger.error('x')\n"
    )
    return judge.ProwlerSource(tmp_path)


def where_and_checks(source, filename):
    where, path = source.locate(filename)
    return where, sorted(source.affected_checks(path, where.rpartition(":")[2]))


@pytest.mark.parametrize(
    "filename, where, checks",
    [
        ("svc_service.py:11", "svc_service.py:_list_things", ["svc_reads_regional_things", "svc_reads_things"]),
        ("svc_service.py:17", "svc_service.py:_describe_other", ["svc_reads_other"]),
        ("svc_service.py:23", "svc_service.py:_lookup_page", ["svc_calls_lookup"]),
        ("svc_logs_itself.py:7", "svc_logs_itself.py:execute", ["svc_logs_itself"]),
        ("escalation.py:5", "escalation.py:check_escalation", ["svc_uses_lib"]),
    ],
)
def test_an_error_is_tied_to_its_function_and_the_checks_reading_what_it_fills(source, filename, where, checks):
    assert where_and_checks(source, filename) == (where, checks)


def test_a_file_prowler_does_not_have_blinds_no_check(source):
    assert where_and_checks(source, "unknown.py:3") == ("unknown.py:3", [])


def test_errors_of_keeps_errors_only_once_per_function(source):
    records = [
        {"filename": "svc_service.py:11", "level": "ERROR", "message": "500 first"},
        {"filename": "svc_service.py:11", "level": "ERROR", "message": "500 again"},
        {"filename": "svc_service.py:17", "level": "WARNING", "message": "not an error"},
    ]
    (error,) = judge.errors_of(records, source)
    assert (error.where, error.message, error.checks) == (
        "svc_service.py:_list_things",
        "500 first",
        ("svc_reads_regional_things", "svc_reads_things"),
    )
