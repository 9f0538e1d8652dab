"""Version ordering as hudson.util.VersionNumber: one table of (left, right, expected sign)."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jcasc.version import at_least, compare

CASES = [
    ("2.541.3", "2.541.3", 0),
    ("2.539", "2.541.3", -1),
    ("2.541", "2.541.1", -1),
    ("2.568.2", "2.541.3", 1),
    ("2.541.3", "2.504.3", 1),
    ("1.0", "1.0.0", 0),
    ("1.0-rc1", "1.0", -1),
    ("1.0-SNAPSHOT", "1.0", -1),
    ("1.0-beta-1", "1.0-rc-1", -1),
    ("2117.vc05a_0b_e6b_f4e", "2116.v98dde145b_dce", 1),
    ("2117.vc05a_0b_e6b_f4e", "2117.vc05a_0b_e6b_f4e", 0),
    ("4.3.0.549.vf2a_da_a_d19b_5e", "4.2.3.540.va_6eedb_7b_c112", 1),
    ("361.vb_f6760818e8c", "359.v2191c4cf635f", 1),
    ("3.2.8", "3.2.10", -1),
    ("807.v7d7de30930cf", "2.12", 1),
]


@pytest.mark.parametrize("left,right,sign", CASES, ids=["%s-vs-%s" % (c[0], c[1]) for c in CASES])
def test_compare(left, right, sign):
    assert compare(left, right) == sign
    reverse_left, reverse_right = right, left
    assert compare(reverse_left, reverse_right) == -sign
    assert at_least(left, right) == (sign >= 0)
