# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shapes of the AWS identifiers and URLs our modules take, checked before any call.

A malformed id sent to AWS comes back as a service error that names the API parameter, not the module option, and
some calls (a name looked up among all topics) answer "not found" instead. Refusing it first names the option,
the value and the expected shape, and no call is made. The shapes follow the AWS references:
EC2 and EFS resource ids (prefix, then 8 or 17 hex digits), region names, KMS key identifiers (key id, key ARN, alias name, alias ARN),
SNS topic names (1-256 of letters, digits, '-' and '_', '.fifo' for FIFO topics), Backup vault names
(2-50 of letters, digits, '-' and '_'), SSM parameter names (letters, digits, '_.-' and '/' for the hierarchy).
"""

import re

from urllib.parse import urlparse

_PARTITION = r"arn:aws(?:-[a-z]+)*"
_HEX_ID = r"-(?:[0-9a-f]{8}|[0-9a-f]{17})"
_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS = r"alias/[a-zA-Z0-9/_-]{1,250}"
_REGION_ACCOUNT = r"[a-z]{2}(?:-[a-z]+)+-\d:\d{12}"

# kind -> (pattern, what the message says is expected)
SHAPES = {
    "ami_id": (r"ami" + _HEX_ID, "an AMI id (ami- and 8 or 17 hex digits)"),
    "vpc_id": (r"vpc" + _HEX_ID, "a VPC id (vpc- and 8 or 17 hex digits)"),
    "subnet_id": (r"subnet" + _HEX_ID, "a subnet id (subnet- and 8 or 17 hex digits)"),
    "eni_id": (r"eni" + _HEX_ID, "a network interface id (eni- and 8 or 17 hex digits)"),
    "efs_file_system_id": (r"fs" + _HEX_ID, "an EFS file system id (fs- and 8 or 17 hex digits)"),
    "region": (r"[a-z]{2}(?:-[a-z]+)+-\d", "a region name (e.g. eu-west-1)"),
    "arn": (
        _PARTITION + r":[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:\S+",
        "an ARN (arn:aws:<service>:<region>:<account>:...)",
    ),
    "iam_role_arn": (
        _PARTITION + r":iam::\d{12}:role/[\w+=,.@/-]+",
        "an IAM role ARN (arn:aws:iam::<account>:role/NAME)",
    ),
    "kms_key": (
        r"(?:{0}|{1}|{2}:kms:{3}:(?:key/{0}|{1}))".format(_KEY_ID, _ALIAS, _PARTITION, _REGION_ACCOUNT),
        "a KMS key id, key ARN, alias name (alias/NAME) or alias ARN",
    ),
    "sns_topic": (
        r"(?:{0}:sns:{1}:)?[A-Za-z0-9_-]{{1,256}}(?:\.fifo)?".format(_PARTITION, _REGION_ACCOUNT),
        "an SNS topic name (letters, digits, '-' and '_') or topic ARN (arn:aws:sns:<region>:<account>:NAME)",
    ),
    "backup_vault_name": (r"[a-zA-Z0-9_-]{2,50}", "a backup vault name (2-50 letters, digits, '-' and '_')"),
    "ssm_parameter": (
        r"(?:{0}:ssm:{1}:parameter)?/?[a-zA-Z0-9_./-]{{1,2048}}".format(_PARTITION, _REGION_ACCOUNT),
        "an SSM parameter name (letters, digits, '_', '.', '-' and '/') or parameter ARN",
    ),
}

# vpc_flow_log's resource_type -> the id kind of its resource_ids
FLOW_LOG_RESOURCE_KINDS = {"VPC": "vpc_id", "Subnet": "subnet_id", "NetworkInterface": "eni_id"}


def malformed(option, kind, values):
    """Messages for the values of option (a str, a list of str, or None/'' for unset) not shaped like kind."""
    if values is None or values == "":
        return []
    pattern, expected = SHAPES[kind]
    problems = []
    for value in values if isinstance(values, list) else [values]:
        if not re.match(r"^(?:{0})$".format(pattern), str(value)):
            problems.append("{0}: {1!r} is not {2}".format(option, value, expected))
    return problems


def malformed_url(option, value):
    """A message when value is not an http(s) URL with a host, else None."""
    if value is None:
        return None
    parsed = urlparse(str(value))
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "{0}: {1!r} is not an http:// or https:// URL with a host".format(option, value)
    return None


def check_identifiers(module, checks):
    """Fail the module, before any AWS call, when an option in checks ((option, kind) pairs) is malformed."""
    problems = []
    for option, kind in checks:
        problems.extend(malformed(option, kind, module.params.get(option)))
    if problems:
        module.fail_json(msg="Malformed identifiers, nothing was changed: " + "; ".join(problems))
