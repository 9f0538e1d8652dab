"""The fault proxy answers in each protocol's real error shape (botocore parses and retries it as it would AWS's),
drops and loses responses for real, and stays within its bounds. Behind it: moto in a thread, on loopback."""

from __future__ import annotations

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from tests.faults.proxy import FaultPlan, FaultProxy, classify
from tests.integration.harness import free_port

REGION = "us-east-1"


@pytest.fixture(scope="module")
def moto_url():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield "http://127.0.0.1:{0}".format(port)
    server.stop()


@pytest.fixture
def proxied(moto_url):
    """proxied(plan, attempts) -> factory of boto3 clients that talk to moto through a fault proxy."""
    proxies = []

    def make(plan, attempts=1):
        proxy = FaultProxy(moto_url, plan).start()
        proxies.append(proxy)
        config = Config(retries={"mode": "standard", "max_attempts": attempts}, connect_timeout=5, read_timeout=30)

        def client(service):
            return boto3.client(
                service,
                region_name=REGION,
                endpoint_url=proxy.url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                config=config,
            )

        return client

    yield make
    for proxy in proxies:
        proxy.stop()


# (service, call, expected protocol, throttling code, throttling status)
CALLS = [
    ("ec2", lambda c: c.describe_vpcs(), "ec2", "RequestLimitExceeded", 503),
    ("autoscaling", lambda c: c.describe_auto_scaling_groups(), "query", "Throttling", 400),
    ("iam", lambda c: c.list_roles(), "query", "Throttling", 400),
    ("ssm", lambda c: c.describe_parameters(), "json", "ThrottlingException", 400),
    ("kms", lambda c: c.list_keys(), "json", "ThrottlingException", 400),
    ("efs", lambda c: c.describe_file_systems(), "rest-json", "ThrottlingException", 429),
    ("route53", lambda c: c.list_hosted_zones(), "rest-xml", "Throttling", 400),
]


@pytest.mark.parametrize("service,call,protocol,code,status", CALLS, ids=[c[0] for c in CALLS])
def test_throttling_has_the_protocol_s_shape_and_botocore_retries_it(proxied, service, call, protocol, code, status):
    once = proxied(FaultPlan(seed=1, rate=1.0, kinds=("throttle",), max_consecutive=10))
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call(once(service))
    assert error.value.response["Error"]["Code"] == code
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    # Two throttled attempts in a row at most: the third attempt of botocore's standard retry mode gets through.
    retried = proxied(FaultPlan(seed=1, rate=1.0, kinds=("throttle",), max_consecutive=2), attempts=3)
    call(retried(service))


@pytest.mark.parametrize("service,call", [(c[0], c[1]) for c in CALLS], ids=[c[0] for c in CALLS])
def test_internal_errors_are_5xx_and_retried(proxied, service, call):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call(proxied(FaultPlan(seed=2, rate=1.0, kinds=("internal",), max_consecutive=10))(service))
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    call(proxied(FaultPlan(seed=2, rate=1.0, kinds=("internal",), max_consecutive=2), attempts=3)(service))


def test_a_dropped_connection_is_a_connection_error(proxied):
    client = proxied(FaultPlan(seed=3, rate=1.0, kinds=("drop",), max_consecutive=10))("ec2")
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        client.describe_vpcs()


def test_a_lost_response_was_applied_so_a_blind_retry_duplicates(proxied, moto_url):
    """What makes client tokens necessary: the create happened, the client never heard, its retry creates again."""
    clean = boto3.client(
        "ec2", region_name=REGION, endpoint_url=moto_url, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    before = len(clean.describe_vpcs()["Vpcs"])
    client = proxied(FaultPlan(seed=4, rate=1.0, kinds=("lost",), max_consecutive=1), attempts=3)("ec2")
    client.create_vpc(CidrBlock="10.77.0.0/16")
    assert len(clean.describe_vpcs()["Vpcs"]) == before + 2


def test_a_client_token_makes_the_retried_create_safe(proxied, moto_url):
    """EFS answers the retried create with FileSystemAlreadyExists (and the id), as AWS documents for CreationToken:
    one file system, and the caller must take that error as success (plugins/module_utils/_efs/file_systems.py does;
    tests/unit/module_utils covers it)."""
    clean = boto3.client(
        "efs", region_name=REGION, endpoint_url=moto_url, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    before = len(clean.describe_file_systems()["FileSystems"])
    client = proxied(FaultPlan(seed=5, rate=1.0, kinds=("lost",), max_consecutive=1), attempts=3)("efs")
    with pytest.raises(client.exceptions.FileSystemAlreadyExists):
        client.create_file_system(CreationToken="fault-proxy-test", Encrypted=True)
    assert len(clean.describe_file_systems()["FileSystems"]) == before + 1


def test_reads_are_never_lost_only_dropped():
    plan = FaultPlan(seed=6, rate=1.0, kinds=("lost",), max_consecutive=100)
    headers = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261204/us-east-1/ec2/aws4_request"}
    read = classify(
        "POST", "/", dict(headers, **{"Content-Type": "application/x-www-form-urlencoded"}), b"Action=DescribeVpcs"
    )
    write = classify(
        "POST", "/", dict(headers, **{"Content-Type": "application/x-www-form-urlencoded"}), b"Action=CreateVpc"
    )
    assert (read.operation, read.mutating, write.operation, write.mutating) == (
        "DescribeVpcs",
        False,
        "CreateVpc",
        True,
    )
    assert plan.decide(read) == "drop"
    assert plan.decide(write) == "lost"


def test_the_schedule_is_seeded_and_bounded():
    call = classify("GET", "/2015-02-01/file-systems", {}, b"")

    def run(seed):
        plan = FaultPlan(seed=seed, rate=0.5, max_faults=7, max_consecutive=1)
        return [plan.decide(call) for _attempt in range(200)], plan

    first, plan = run(11)
    again = run(11)[0]
    other = run(12)[0]
    assert first == again and first != other
    assert len(plan.injected) == 7 == sum(1 for d in first if d)
    assert all(not (a and b) for a, b in zip(first, first[1:])), "never two faults in a row for one request"
    assert plan.summary()["seed"] == 11


@pytest.mark.parametrize("rate,kinds", [(1.5, ("throttle",)), (0.1, ("throttle", "teleport"))])
def test_bad_plans_are_refused(rate, kinds):
    with pytest.raises(ValueError):
        FaultPlan(seed=0, rate=rate, kinds=kinds)


def test_the_proxy_forwards_to_loopback_only():
    with pytest.raises(ValueError, match="loopback only"):
        FaultProxy("http://10.0.0.1:4566", FaultPlan(seed=0))
