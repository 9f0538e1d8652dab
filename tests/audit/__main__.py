"""python -m tests.audit --stack demo --prowler /path/to/prowler-venv/bin/prowler [--region us-east-1]

`make audit`: prowler (its own venv, see the Makefile) against a stack on the endpoint the environment names
(AWS_ENDPOINT_URL: the emulator after `make demo`; prowler 5 honours it, for STS too), for the services the stack
uses; then the findings on the stack's own resources and prowler's errors are judged against tests/audit/exceptions.yml
(tests/audit/judge.py). Exit 0 only when every FAIL and every error is a reviewed exception and no exception is stale.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import judge
from .stack import stack_resources

ROOT = Path(__file__).resolve().parents[2]
# The services the stack uses (prowler's names: CloudWatch Logs checks live in "cloudwatch", VPC ones in "vpc").
# s3: the ALB's access log bucket (alb.yml).
SERVICES = ("ec2", "vpc", "efs", "iam", "kms", "elbv2", "autoscaling", "ssm", "backup", "cloudwatch", "s3")


def run_prowler(prowler, region, output):
    """Run prowler; returns (findings file, log file). A FAIL is prowler's exit code 3, which is not an error here."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    log = output / "prowler.log"
    cmd = [prowler, "aws", "--service", *SERVICES, "--region", region, "--output-formats", "json-ocsf"]
    cmd += ["--output-directory", str(output), "--output-filename", "audit", "--no-banner", "--ignore-exit-code-3"]
    cmd += ["--log-level", "ERROR", "--log-file", str(log)]
    print("running: " + " ".join(cmd), flush=True)
    with open(output / "prowler.out", "w") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if proc.returncode != 0:
        raise SystemExit("prowler exited {0}; its output is in {1}".format(proc.returncode, output / "prowler.out"))
    return output / "audit.ocsf.json", log


def prowler_package(prowler):
    """The installed prowler package beside the prowler script (its source ties an error to its checks)."""
    python = Path(prowler).parent / "python"
    proc = subprocess.run(
        [str(python), "-c", "import prowler, os; print(os.path.dirname(prowler.__file__))"],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def report(findings, errors, errored, problems):
    by_status = collections.Counter()
    for finding in findings:
        status = "ERROR" if finding.check in errored else finding.status
        by_status[status] += 1
        if status == "ERROR":
            print(
                "ERROR {0} on {1}: not judged, {2} failed (prowler saw {3})".format(
                    finding.check, finding.resource, errored[finding.check], finding.status
                )
            )
    print("\nChecks that cannot run on this endpoint (an API call they need failed; never counted as PASS):")
    for error in errors:
        print("  {0}\n      checks: {1}".format(error, ", ".join(error.checks) or "(none of the checks run)"))
    unexcepted = len([p for p in problems if p.startswith("FAIL without exception")])
    print(
        "\nOn the stack's resources: {0} PASS, {1} FAIL ({2} of them reviewed exceptions), {3} ERROR; {4} problem(s)".format(
            by_status["PASS"], by_status["FAIL"], by_status["FAIL"] - unexcepted, by_status["ERROR"], len(problems)
        )
    )
    for problem in problems:
        print("PROBLEM " + problem)


def main(argv=None):
    import boto3  # pylint: disable=import-outside-toplevel

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stack", required=True)
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    parser.add_argument("--prowler", required=True, help="the prowler script of its venv")
    parser.add_argument("--output", type=Path, default=ROOT / "tests" / "output" / "audit")
    parser.add_argument("--exceptions", type=Path, default=judge.EXCEPTIONS_FILE)
    parser.add_argument("--reuse", action="store_true", help="judge the previous run's output again")
    args = parser.parse_args(argv)

    exceptions = judge.load_exceptions(args.exceptions)  # a refused exception fails before the long run
    session = boto3.session.Session(region_name=args.region)
    account = session.client("sts").get_caller_identity()["Account"]
    resources = stack_resources(session.client, args.stack, args.region, account)
    if not resources:
        raise SystemExit("No resource of stack {0} found: run `make demo` first.".format(args.stack))
    started = time.monotonic()
    if args.reuse:
        findings_file, log_file = args.output / "audit.ocsf.json", args.output / "prowler.log"
    else:
        findings_file, log_file = run_prowler(args.prowler, args.region, args.output)
    print("prowler took {0:.0f} s".format(time.monotonic() - started))
    findings = judge.on_stack(judge.read_findings(findings_file), resources)
    source = judge.ProwlerSource(prowler_package(args.prowler))
    errors = judge.errors_of(judge.read_log(log_file), source)
    problems, errored = judge.judge(findings, errors, exceptions)
    report(findings, errors, errored, problems)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
