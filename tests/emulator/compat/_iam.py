"""Shared by the iam_*_resources patches: authorize a request once per resource ARN it acts on, as AWS does.

moto's IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT, moto/core/authorization.py) checks each request against the
caller's identity policies with the resource its response class names in ``_determine_resource``; only IAM, STS and
SQS name one, so every other service is checked against ``"*"``: an Allow scoped to an ARN never matches (denied)
and a Deny scoped to one never applies. These patches give a response class a ``resources_of(response)`` function
that names the ARNs, and check each of them (all must be allowed, as AWS requires for a multi-resource call).
"""

from __future__ import annotations


def authorize_each(resources_of):
    """A replacement for BaseResponse._authenticate_and_authorize_normal_action that checks every ARN of
    ``resources_of(response)`` (a list; empty keeps moto's ``"*"``)."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    base = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action

    def authorize(self, resource="*"):
        arns = resources_of(self) if resource == "*" else []
        if not arns:
            return base(self, resource)
        # Before enforcement starts moto counts requests: one count per request, not per resource.
        enforcing = ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
        base(self, arns[0])
        if enforcing:
            for arn in arns[1:]:
                base(self, arn)
        return None

    authorize.__doc__ = "Authorize once per resource ARN of the request (jenkins_ha compatibility layer)."
    return authorize


def as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
