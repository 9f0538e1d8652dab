"""python -m tests.integration.posture --stack <name> [--region R] [--vars inventory/<name>/group_vars/all.yml]
[--jcasc jenkins.yaml]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from . import __doc__ as PACKAGE_DOC
from .collect import check_stack
from .rules import Expectations
from .rules.jenkins import jcasc_authorization_findings


def main(argv=None):
    import boto3

    parser = argparse.ArgumentParser(description=PACKAGE_DOC.split("\n", 1)[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region", default=None)
    parser.add_argument("--vars", type=Path, help="the stack description (inventory/<stack>/group_vars/all.yml)")
    parser.add_argument("--jcasc", type=Path, help="a JCasC document to judge too (e.g. the controller's jenkins.yaml)")
    args = parser.parse_args(argv)
    stack_vars = yaml.safe_load(args.vars.read_text()) if args.vars else {}
    region = args.region or stack_vars.get("jenkins_ha_region")
    session = boto3.session.Session(region_name=region)
    findings = check_stack(session.client, args.stack, Expectations.from_stack_vars(stack_vars))
    if args.jcasc:
        findings += jcasc_authorization_findings(yaml.safe_load(args.jcasc.read_text()), where=str(args.jcasc))
    for finding in findings:
        print(finding)
    print("{0} finding(s) for stack {1}".format(len(findings), args.stack))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
