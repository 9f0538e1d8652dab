# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``compose``/``keyed_groups`` fast path: expressions that are plain variable paths (``tags.Role``,
``placement['availability_zone']``) are looked up in the host variables instead of templated once per host."""

from __future__ import annotations

import re

# A Jinja2 expression that is only a variable path: name, .attr, ['key'] or [index].
SIMPLE_PATH = re.compile(r"\s*([A-Za-z_]\w*)((?:\s*\.\s*[A-Za-z_]\w*|\s*\[\s*(?:'[^'\\]*'|\"[^\"\\]*\"|\d+)\s*\])*)\s*")
PATH_PART = re.compile(r"\.\s*([A-Za-z_]\w*)|\[\s*(?:'([^'\\]*)'|\"([^\"\\]*)\"|(\d+))\s*\]")
JINJA_LITERALS = frozenset(("true", "false", "none", "True", "False", "None"))
# lookup_path()'s answer for a path that is absent: the caller leaves it to Jinja2 (undefined handling, defaults).
MISSING = object()


def parse_path(expression):
    """The parts of a plain variable path (strings for keys, ints for indexes), or None for anything else."""
    if not isinstance(expression, str):
        return None
    match = SIMPLE_PATH.fullmatch(expression)
    if not match or match.group(1) in JINJA_LITERALS:
        return None
    parts = [match.group(1)]
    for attr, single, double, index in PATH_PART.findall(match.group(2)):
        if attr:
            if hasattr(dict, attr):  # Jinja2 would return the dict method (items, keys, ...), not an item
                return None
            parts.append(attr)
        elif index:
            parts.append(int(index))
        else:
            parts.append(single or double)
    return parts


def lookup_path(variables, parts):
    """Follow a parsed path through dicts and lists; MISSING when any step is absent (left to Jinja2)."""
    value = variables
    for part in parts:
        if isinstance(part, int):
            if isinstance(value, list) and -len(value) <= part < len(value):
                value = value[part]
                continue
            if isinstance(value, dict) and part in value:
                value = value[part]
                continue
            return MISSING
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return MISSING
    return value
