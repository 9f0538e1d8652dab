"""The permission ids matrix-auth accepts from a component: facts.PERMISSIONS located in their sources.

A permission of another repository (a required dependency's, e.g. the metrics plugin's Metrics/View for prometheus)
is read at the ref the fact names and written with the inherited origin form `owner/repo@ref:path:line`.
"""

from __future__ import annotations

from facts import PERMISSION_GROUPS, PERMISSIONS
from gitsource import GitSource

# How many lines from its field a multi-line `new Permission(GROUP,\n "Name", ...)` names the permission.
_NAME_WITHIN = 4


def extra_repositories(repositories):
    """Repositories the permission facts of these component repositories read besides them (they need a --repo)."""
    return sorted(
        {
            row[1][0]
            for table in (PERMISSION_GROUPS, PERMISSIONS)
            for repository, rows in table.items()
            if repository in repositories
            for row in rows
            if row[1]
        }
    )


def _source(own, repos, where, cache):
    if where is None:
        return own, ""
    repository, ref = where
    if (repository, ref) not in cache:
        cache[(repository, ref)] = GitSource(repos[repository], ref, [])
    return cache[(repository, ref)], "%s@%s:" % (repository, ref)


def permissions(repository, own, repos, cache=None):
    """{id: origin} of the permissions of the component from `repository` (its source `own`); fails loudly when a
    source no longer says so."""
    cache = {} if cache is None else cache
    groups = set()
    for group, where, path, needle in PERMISSION_GROUPS.get(repository, ()):
        _source(own, repos, where, cache)[0].line_of(path, needle)
        groups.add(group)
    out = {}
    for permission_id, where, path, needle in PERMISSIONS.get(repository, ()):
        group, name = permission_id.split("/", 1)
        if group not in groups:
            raise LookupError("permission %s: group %s is not among %s's groups" % (permission_id, group, repository))
        source, prefix = _source(own, repos, where, cache)
        line = source.line_of(path, needle)
        following = source.show(path).splitlines()[line - 1 : line - 1 + _NAME_WITHIN]
        if not any('"%s"' % name in text for text in following):
            raise LookupError(
                "%s: %r not named within %d lines of %s:%d at %s"
                % (permission_id, name, _NAME_WITHIN, path, line, source.ref)
            )
        out[permission_id] = "%s%s:%d" % (prefix, path, line)
    return dict(sorted(out.items()))
