"""Security posture check of a provisioned jenkins_ha stack, against the emulator or a real account.

Every rule is a pure function of plain data (what the describe calls return) and yields findings, strings that
name the resource and the rule; ``collect()`` gathers that data for one stack with boto3 clients, read-only.
An empty list means the stack passes. Run against a real account (credentials from the usual boto3 chain):

    python -m tests.integration.posture --stack prod --region eu-west-1 --vars inventory/prod/group_vars/all.yml

The rules and the reasons for each exception are listed in docs/provisioning.md ("Security posture").
"""

from .collect import check_stack, collect
from .rules import Expectations, StackState, findings_of

__all__ = ["Expectations", "StackState", "check_stack", "collect", "findings_of"]
