# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Semantic comparison of IAM-style policy documents (pure, no AWS calls).

normalize_policy() maps every way of writing the same policy to one canonical document, so that two policies are
equivalent exactly when their canonical forms are equal. Only rewrites that IAM evaluation treats as equivalent:
- a JSON string and the dict it encodes;
- a single Statement object and a one-element list;
- a scalar and a one-element list in Action/NotAction/Resource/NotResource, principal values and condition values,
  and the order/duplicates of those lists (they are sets);
- the order of statements (IAM evaluates all of them, order carries no meaning);
- Principal "*" and {"AWS": "*"}; an account root ARN and the bare account id;
- booleans and numbers in condition values and their string forms (AWS stores them as strings).
"""

import json

SET_VALUED_KEYS = ("Action", "NotAction", "Resource", "NotResource")
PRINCIPAL_KEYS = ("Principal", "NotPrincipal")


class PolicyError(ValueError):
    pass


def load_policy(policy):
    """dict or JSON string -> dict; None stays None."""
    if policy is None:
        return None
    if isinstance(policy, (bytes, bytearray)):
        policy = policy.decode("utf-8")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError as e:
            raise PolicyError("policy is not valid JSON: {0}".format(e))
    if not isinstance(policy, dict):
        raise PolicyError("policy must be a JSON object (a dict), got {0}".format(type(policy).__name__))
    return policy


def _scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _value_set(value):
    values = value if isinstance(value, list) else [value]
    canonical = {json.dumps(_scalar(v), sort_keys=True): _scalar(v) for v in values}
    return [canonical[k] for k in sorted(canonical)]


def _canonical_account(value):
    if isinstance(value, str) and value.startswith("arn:") and value.endswith(":root"):
        parts = value.split(":")
        if len(parts) == 6 and parts[2] == "iam" and parts[5] == "root":
            return parts[4]
    return value


def _principal(principal):
    if principal == "*":
        principal = {"AWS": "*"}
    if not isinstance(principal, dict):
        return principal
    return {kind: [_canonical_account(v) for v in _value_set(values)] for kind, values in principal.items()}


def _condition(condition):
    if not isinstance(condition, dict):
        return condition
    return {
        operator: ({key: _value_set(value) for key, value in block.items()} if isinstance(block, dict) else block)
        for operator, block in condition.items()
    }


def _statement(statement):
    if not isinstance(statement, dict):
        return statement
    result = {}
    for key, value in statement.items():
        if key in SET_VALUED_KEYS:
            result[key] = _value_set(value)
        elif key in PRINCIPAL_KEYS:
            result[key] = _principal(value)
        elif key == "Condition":
            result[key] = _condition(value)
        else:
            result[key] = value
    return result


def normalize_policy(policy):
    """Canonical form of a policy document (dict or JSON string); None for no policy."""
    policy = load_policy(policy)
    if policy is None:
        return None
    result = {key: value for key, value in policy.items() if key != "Statement"}
    statements = policy.get("Statement", [])
    if not isinstance(statements, list):
        statements = [statements]
    canonical = [_statement(s) for s in statements]
    result["Statement"] = sorted(canonical, key=lambda s: json.dumps(s, sort_keys=True))
    return result


def policies_equal(current, desired):
    return normalize_policy(current) == normalize_policy(desired)


def dump_policy(policy):
    """The JSON text sent to AWS: compact and stable."""
    return json.dumps(load_policy(policy), sort_keys=True, separators=(",", ":"))
