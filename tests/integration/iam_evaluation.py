"""AWS's decision on one request under identity policies, for what moto does not evaluate (condition blocks, and
documents that are never provisioned, such as the runner's statements in docs/iam/): test_least_privilege and
tests/unit/images/test_build_leftovers_policy.py. Policy evaluation logic: AWS IAM User Guide, "Policy evaluation
logic" (an explicit Deny wins; otherwise an Allow whose action, resource and every condition match)."""

import fnmatch


def _list(value):
    return value if isinstance(value, list) else [value]


def _condition_holds(operator, key, expected, context):
    expected = [str(v) for v in _list(expected)]
    if operator.startswith("ForAllValues:"):
        operator = operator.split(":", 1)[1]
        values = _list(context.get(key, []))
        return all(_condition_holds(operator, key, expected, {key: value}) for value in values)
    if key not in context:
        return False
    value = str(context[key])
    if operator in ("StringEquals", "ArnEquals"):
        return value in expected
    if operator in ("StringLike", "ArnLike"):
        return any(fnmatch.fnmatchcase(value, pattern) for pattern in expected)
    if operator == "Bool":
        return value.lower() in [e.lower() for e in expected]
    raise AssertionError("condition operator {0} not modelled".format(operator))


def evaluate(documents, action, resource, context):
    """AWS's identity-policy decision for one request: an explicit Deny wins, then any Allow whose action,
    resource and every condition match (IAM's wildcards * and ? as fnmatch's). Only the operators the project's
    policies use are modelled (others fail)."""
    allowed = False
    for document in documents:
        for stmt in _list(document["Statement"]):
            if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _list(stmt.get("Action", []))):
                continue
            if not any(fnmatch.fnmatchcase(resource, r) for r in _list(stmt.get("Resource", []))):
                continue
            conditions = stmt.get("Condition", {})
            if all(
                _condition_holds(operator, key, expected, context)
                for operator, pairs in conditions.items()
                for key, expected in pairs.items()
            ):
                if stmt["Effect"] == "Deny":
                    return False
                allowed = True
    return allowed
