# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of a jenkins_ec2 configuration that need no AWS call: each returns an error message or None, the
plugin raises it (so a typo fails before the first request, and these checks are table-tested alone)."""

from __future__ import annotations

import difflib
import re

from ansible.module_utils.parsing.convert_bool import boolean

# aws_ec2 options with no meaning here: refuse them rather than ignore them silently.
UNSUPPORTED_AWS_EC2_OPTIONS = (
    "include_filters",
    "exclude_filters",
    "allow_duplicated_hosts",
    "hostvars_prefix",
    "hostvars_suffix",
    "use_ssm_inventory",
    "use_contrib_script_compatible_sanitization",
    "use_contrib_script_compatible_ec2_tag_keys",
    "route53_enabled",
    "route53_hostnames",
    "route53_excluded_zones",
    "strict_permissions",
)
# us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5 ...
REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


def unsupported_options(config):
    unsupported = sorted(set(config) & set(UNSUPPORTED_AWS_EC2_OPTIONS))
    if unsupported:
        return "does not support the aws_ec2 option(s) {0}: see docs/inventory.md for the equivalents".format(
            ", ".join(unsupported)
        )
    return None


def bad_regions(regions):
    if not regions or not all(isinstance(r, str) and r for r in regions):
        return "'regions' must list at least one region"
    malformed = [r for r in regions if not REGION_NAME.match(r)]
    if malformed:
        return "'regions' holds {0}, not region names like eu-west-1".format(", ".join(malformed))
    return None


def unknown_option(config, definitions):
    """Ansible ignores an unknown key (a typo of stacks lists every instance of the account): name the first one,
    with the closest known option."""
    known = set(definitions)
    for definition in definitions.values():
        known.update(definition.get("aliases") or ())
    for key in sorted(set(config) - known):
        close = difflib.get_close_matches(key, sorted(known), n=1)
        return "unknown option '{0}'{1}".format(key, " (did you mean '{0}'?)".format(close[0]) if close else "")
    return None


def loose_boolean(config, definitions):
    """Ansible reads any string as a boolean (autoscaling: sometimes is false): name a bool option that is not
    plainly true or false."""
    for key, value in config.items():
        if definitions.get(key, {}).get("type") in ("bool", "boolean") and value is not None:
            try:
                boolean(value, strict=True)
            except TypeError:
                return "'{0}' must be true or false, got {1!r}".format(key, value)
    return None


def unknown_extra_hostvars(extra, known):
    unknown = sorted(set(extra) - set(known) - {"all"})
    if unknown:
        return "extra_hostvars {0} are not DescribeInstances fields (snake_case, as aws_ec2 names them)".format(
            ", ".join(unknown)
        )
    return None
