"""Fixtures for the compatibility-layer tests: in-process moto, and patches that are always removed again."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

# REGION: the emulator tests import it from here.
from tests.unit.modules.helpers import REGION, in_process_moto  # pylint: disable=unused-import


@pytest.fixture
def aws(monkeypatch):
    """In-process moto (no server): boto3 clients in this context talk to moto's backends directly."""
    with in_process_moto(monkeypatch) as client:
        yield client


@pytest.fixture
def compat_patch():
    """Stock moto until the test says otherwise: yields a context manager that applies a patch module.

    Every patch used is removed before the test starts (stock half) and after it ends, pass or fail.
    """
    used = []

    @contextlib.contextmanager
    def patched(module):
        used.append(module)
        module.apply()
        try:
            yield module
        finally:
            module.remove()

    def stock(module):
        used.append(module)
        module.remove()

    patched.stock = stock
    yield patched
    for module in used:
        module.remove()


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


# The instance refresh tests' group g, launched from template grp (tests.unit.modules.helpers.seed_group, images=2).
DESIRED = {"LaunchTemplate": {"LaunchTemplateName": "grp", "Version": "2"}}


def newest_refresh(autoscaling, times=1):
    """Group g's newest refresh after times describes (the emulator moves a refresh one step per describe)."""
    for _unused in range(times):
        refresh = autoscaling.describe_instance_refreshes(AutoScalingGroupName="g")["InstanceRefreshes"][0]
    return refresh


def described_group(autoscaling):
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["g"])["AutoScalingGroups"][0]


def launched_images(ec2, group):
    """The images of the group's instances, sorted."""
    ids = [i["InstanceId"] for i in group["Instances"]]
    return sorted(i["ImageId"] for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"])


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def _certificate(subject, issuer, key, signing_key, ca):
    now = datetime.now(timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture(scope="session")
def pki():
    return make_pki()


def make_pki():
    """A test CA and a leaf certificate for jenkins.example.com signed by it (PEM bytes)."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = _certificate("Test CA", "Test CA", ca_key, ca_key, ca=True)
    leaf = _certificate("jenkins.example.com", "Test CA", leaf_key, ca_key, ca=False)
    key = leaf_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return {"cert": _pem(leaf), "key": key, "chain": _pem(ca)}
