# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Version ordering as Jenkins compares plugin and core versions (hudson.util.VersionNumber).

VersionNumber is Maven's ComparableVersion: the string is cut into numbers and words at dots, dashes and at every
change between digits and letters; numbers compare numerically and rank above words; trailing zeros do not count.
That is what decides `2.539 < 2.541.3`, `2117.vc05a_0b_e6b_f4e > 2116.v98dde145b_dce` and
`4.3.0.549.vf2a… > 4.2.3.540.va_6e…`: the leading numbers. Words only order qualifiers (alpha < beta < milestone <
rc < snapshot < release < sp, others after, alphabetically), which is enough for release and CD-style versions.
"""

from __future__ import annotations

import re

_QUALIFIERS = {
    "alpha": 0,
    "a": 0,
    "beta": 1,
    "b": 1,
    "milestone": 2,
    "m": 2,
    "rc": 3,
    "cr": 3,
    "snapshot": 4,
    "": 5,
    "ga": 5,
    "final": 5,
    "sp": 6,
}


def _items(version):
    items = [int(tok) if tok.isdigit() else tok for tok in re.findall(r"\d+|[a-z]+", str(version).lower())]
    while items and items[-1] == 0:
        items.pop()
    return items


def _key(item):
    if isinstance(item, int):
        return (2, item, "")
    if item in _QUALIFIERS:
        return (1, _QUALIFIERS[item], "")
    return (1, len(_QUALIFIERS), item)


def compare(left, right):
    """-1, 0 or 1 as left is older than, the same as, or newer than right."""
    a, b = _items(left), _items(right)
    for i in range(max(len(a), len(b))):
        x = _key(a[i]) if i < len(a) else (1, _QUALIFIERS[""], "") if isinstance(b[i], str) else (2, 0, "")
        y = _key(b[i]) if i < len(b) else (1, _QUALIFIERS[""], "") if isinstance(a[i], str) else (2, 0, "")
        if x != y:
            return -1 if x < y else 1
    return 0


def at_least(version, minimum):
    return compare(version, minimum) >= 0
