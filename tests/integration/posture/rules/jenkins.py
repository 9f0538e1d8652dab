"""Jenkins authorization (issue 20 item 5), judged on a JCasC document: the rendered jenkins.yaml of the role
template, or any configuration given to the rule. With a directory realm (LDAP, OIDC, Active Directory, GitHub,
SAML...) every user of the directory can log in, so a strategy that makes every logged-in user an administrator
hands the Script Console, and with it the controller's AWS role and every stored credential, to the whole
directory. Unsecured gives it to anyone who reaches the UI."""

from __future__ import annotations

from .model import as_list

# Permissions that amount to running code on the controller, or to granting them (Jenkins' Overall/Administer
# implies everything; Overall/Manage and RunScripts reach the Script Console or configuration; Configure of a job
# runs code on agents with its credentials).
POWERFUL = ("Overall/Administer", "Overall/Manage", "Overall/RunScripts", "Overall/ConfigureUpdateCenter")
# Groups that mean "everybody" to matrix-auth: every logged-in user, or nobody logged in at all.
EVERYBODY = ("authenticated", "anonymous")
# What an anonymous visitor may hold at most (jenkins_controller_allow_anonymous_read gives Overall/Read).
READ_ONLY = ("Overall/Read", "Job/Read", "View/Read")


def jcasc_authorization_findings(document, where="jenkins.yaml"):
    """Findings of one JCasC document (a dict as yaml.safe_load gives it)."""
    jenkins = (document or {}).get("jenkins") or {}
    realm = jenkins.get("securityRealm") or {}
    realm_name = next(iter(realm), None) if isinstance(realm, dict) else realm
    strategy = jenkins.get("authorizationStrategy")
    if not strategy:
        return ["{0}: no authorizationStrategy (Jenkins keeps whatever the last configuration set)".format(where)]
    name = strategy if isinstance(strategy, str) else next(iter(strategy))
    body = {} if isinstance(strategy, str) else (strategy.get(name) or {})
    if name == "unsecured":
        return ["{0}: authorizationStrategy unsecured: anyone who reaches Jenkins administers it".format(where)]
    if name == "legacy":
        return ["{0}: authorizationStrategy legacy: every logged-in user administers Jenkins".format(where)]
    if name == "loggedInUsersCanDoAnything":
        findings = []
        if realm_name not in (None, "local"):
            findings.append(
                "{0}: loggedInUsersCanDoAnything with the {1} realm: every user of the directory administers Jenkins "
                "(use globalMatrix)".format(where, realm_name)
            )
        elif realm_name == "local" and realm.get("local", {}).get("allowsSignup"):
            findings.append(
                "{0}: loggedInUsersCanDoAnything with sign-up allowed: anyone can become admin".format(where)
            )
        if body.get("allowAnonymousRead"):
            findings.append("{0}: loggedInUsersCanDoAnything with anonymous read".format(where))
        return findings
    if name in ("globalMatrix", "projectMatrix"):
        return _matrix_findings(where, body)
    return ["{0}: authorizationStrategy {1} is not one this rule knows how to judge".format(where, name)]


def _matrix_findings(where, body):
    findings = []
    administrators = 0
    for sid, kind, permissions in _matrix_entries(body):
        powerful = sorted(set(permissions) & set(POWERFUL))
        if sid in EVERYBODY and powerful:
            findings.append("{0}: {1} {2} holds {3}".format(where, kind, sid, ", ".join(powerful)))
        extra = sorted(set(permissions) - set(READ_ONLY) - set(powerful))
        if sid == "anonymous" and extra:
            findings.append("{0}: anonymous holds {1}".format(where, ", ".join(extra)))
        if "Overall/Administer" in permissions and sid not in EVERYBODY:
            administrators += 1
    if not administrators:
        findings.append("{0}: no named administrator in the matrix".format(where))
    return findings


def _matrix_entries(body):
    """(sid, kind, permissions) of both JCasC forms of matrix-auth: ``entries`` of user/group (3.x) and the older
    ``permissions: ["Overall/Administer:admin", "USER:Overall/Read:bob"]``."""
    for entry in as_list(body.get("entries")):
        for kind, grant in entry.items():
            yield grant.get("name"), kind, as_list(grant.get("permissions"))
    for text in as_list(body.get("permissions")):
        parts = text.split(":")
        if parts[0] in ("USER", "GROUP"):
            yield parts[2], parts[0].lower(), [parts[1]]
        else:
            yield parts[-1], "either", [parts[0]]
