# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Merge extra Configuration-as-Code fragments into a JCasC document the way configuration-as-code merges its
sources with its default strategy, so what the user gives behaves as if JCasC had loaded it as another file.

configuration-as-code 2117.vc05a_0b_e6b_f4e (commit c05a0be6bf4e), plugin/src/main/java/io/jenkins/plugins/casc/yaml/:
  ErrorOnConflictMergeStrategy.java:17-22  nodes of different kinds (mapping vs sequence vs scalar): refused
  ErrorOnConflictMergeStrategy.java:25-29  two sequences: the second appended to the first
  ErrorOnConflictMergeStrategy.java:30-55  two mappings: common keys merged recursively, the other keys added
  ErrorOnConflictMergeStrategy.java:56-57  two scalars: OverrideMergeStrategy.java:68-70 throws a
                                           ConfiguratorConflictException, which this strategy does not catch: the
                                           same scalar given twice is a conflict, even with the same value.
"""

from __future__ import annotations

import copy

from ansible.errors import AnsibleFilterError


class JcascMergeError(ValueError):
    """A fragment JCasC would refuse to merge, or one that sets what the caller owns."""


def _kind(value):
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "sequence"
    return "scalar"


def _merge(root, node, path, source):
    """Merge node into root (both the same kind), in place; root is a copy the caller owns."""
    if isinstance(root, list):
        root.extend(copy.deepcopy(node))
        return
    for key, value in node.items():
        where = "{0}.{1}".format(path, key) if path else str(key)
        if key not in root:
            root[key] = copy.deepcopy(value)
        elif _kind(root[key]) != _kind(value):
            raise JcascMergeError(
                "{0}: a {1} before, a {2} in {3} (JCasC refuses incompatible configuration elements)".format(
                    where, _kind(root[key]), _kind(value), source
                )
            )
        elif _kind(value) == "scalar":
            raise JcascMergeError(
                "{0}: set twice, the second time in {1} (JCasC refuses conflicting configuration)".format(where, source)
            )
        else:
            _merge(root[key], value, where, source)


def _touches(fragment, dotted):
    """Whether the fragment sets the dotted path (e.g. jenkins.securityRealm)."""
    node = fragment
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def merge_fragments(document, fragments, protected=()):
    """The document with every fragment merged in, in order; JcascMergeError names the first conflict."""
    if not isinstance(document, dict):
        raise JcascMergeError("the JCasC document must be a mapping, got a {0}".format(_kind(document)))
    if not isinstance(fragments, list):
        raise JcascMergeError("the fragments must be a list of mappings, got a {0}".format(_kind(fragments)))
    merged = copy.deepcopy(document)
    for index, fragment in enumerate(fragments):
        source = "fragment {0}".format(index + 1)
        if not isinstance(fragment, dict):
            raise JcascMergeError("{0} must be a mapping of JCasC root keys, got a {1}".format(source, _kind(fragment)))
        for dotted in protected:
            if _touches(fragment, dotted):
                raise JcascMergeError(
                    "{0} sets {1}, which the stack's own settings own (set it with those, not with a fragment)".format(
                        source, dotted
                    )
                )
        _merge(merged, fragment, "", source)
    return merged


def jcasc_merge(document, fragments, protected=None):
    """Filter: document merged with fragments as configuration-as-code merges sources (errorOnConflict)."""
    try:
        return merge_fragments(document, fragments or [], protected or ())
    except JcascMergeError as exc:
        raise AnsibleFilterError("Cannot merge the JCasC fragments: {0}".format(exc)) from exc


class FilterModule:
    def filters(self):
        return {"jcasc_merge": jcasc_merge}
