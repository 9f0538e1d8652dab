"""Rule jcasc_authorization_findings (issue 20 item 5): the JCasC authorization strategy, judged on the jenkins.yaml
the role template renders (tests/unit/jenkins_controller/test_casc_template.py renders it the same way) and on
hand-written documents: a directory realm with loggedInUsersCanDoAnything, unsecured, legacy, or a matrix giving
every logged-in user or anonymous the Script Console is flagged."""

import pytest

from tests.integration.posture.rules.jenkins import jcasc_authorization_findings
from tests.unit.jenkins_controller.test_casc_template import VARIABLE_SETS, render


@pytest.mark.parametrize("name", sorted(VARIABLE_SETS))
def test_every_rendering_of_the_role_template_passes(name):
    _text, document = render(**VARIABLE_SETS[name])
    assert jcasc_authorization_findings(document) == []


def ldap(strategy):
    return {
        "jenkins": {
            "securityRealm": {"ldap": {"configurations": [{"server": "ldaps://x"}]}},
            "authorizationStrategy": strategy,
        }
    }


def local(strategy, signup=False):
    return {"jenkins": {"securityRealm": {"local": {"allowsSignup": signup}}, "authorizationStrategy": strategy}}


def matrix(*entries):
    return {"globalMatrix": {"entries": list(entries)}}


def grant(kind, name, *permissions):
    return {kind: {"name": name, "permissions": list(permissions)}}


ADMIN = grant("user", "admin", "Overall/Administer")

BAD = [
    (
        "directory realm, every user admin",
        ldap({"loggedInUsersCanDoAnything": {"allowAnonymousRead": False}}),
        "every user of the directory administers Jenkins",
    ),
    ("directory realm, bare symbol", ldap("loggedInUsersCanDoAnything"), "every user of the directory"),
    (
        "oidc realm",
        {"jenkins": {"securityRealm": {"oic": {}}, "authorizationStrategy": "loggedInUsersCanDoAnything"}},
        "the oic realm",
    ),
    ("unsecured", local("unsecured"), "unsecured"),
    ("legacy", local("legacy"), "legacy"),
    ("no strategy", {"jenkins": {"securityRealm": {"local": {}}}}, "no authorizationStrategy"),
    ("local with sign-up", local({"loggedInUsersCanDoAnything": {}}, signup=True), "sign-up allowed"),
    ("anonymous read on top", local({"loggedInUsersCanDoAnything": {"allowAnonymousRead": True}}), "anonymous read"),
    (
        "authenticated admins",
        ldap(matrix(ADMIN, grant("group", "authenticated", "Overall/Administer"))),
        "group authenticated holds Overall/Administer",
    ),
    (
        "anonymous script console",
        ldap(matrix(ADMIN, grant("user", "anonymous", "Overall/RunScripts"))),
        "user anonymous holds Overall/RunScripts",
    ),
    (
        "anonymous builds",
        ldap(matrix(ADMIN, grant("user", "anonymous", "Overall/Read", "Job/Build"))),
        "anonymous holds Job/Build",
    ),
    (
        "old form, authenticated admins",
        ldap({"globalMatrix": {"permissions": ["Overall/Administer:admin", "GROUP:Overall/Administer:authenticated"]}}),
        "group authenticated holds Overall/Administer",
    ),
    ("nobody named admin", ldap(matrix(grant("group", "developers", "Overall/Read"))), "no named administrator"),
    ("unknown strategy", ldap({"roleBased": {}}), "not one this rule knows how to judge"),
]


@pytest.mark.parametrize("document, expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_an_open_authorization_is_flagged(document, expected):
    findings = jcasc_authorization_findings(document)
    assert findings and any(expected in f for f in findings), findings


def test_a_scoped_matrix_with_a_directory_realm_passes():
    document = ldap(
        matrix(
            grant("group", "jenkins-admins", "Overall/Administer"),
            grant("group", "developers", "Overall/Read", "Job/Read", "Job/Build"),
            grant("user", "anonymous", "Overall/Read"),
        )
    )
    assert jcasc_authorization_findings(document) == []


def test_logged_in_users_on_the_local_realm_without_sign_up_pass():
    assert jcasc_authorization_findings(local("loggedInUsersCanDoAnything")) == []
