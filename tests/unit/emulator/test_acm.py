"""ACM patch: imported certificates are served back with the chain they were imported with."""

from __future__ import annotations

import base64
import re

from tests.emulator.compat import acm_imported_chain


def _ders(pem):
    """What community.aws.acm_certificate compares: the DER bodies of each certificate in a PEM chain."""
    text = pem.decode() if isinstance(pem, bytes) else pem
    return [base64.b64decode(body) for body in re.findall(r"-----BEGIN CERTIFICATE-----(.+?)-----END", text, re.S)]


def test_stock_moto_adds_a_root_ca_to_imported_chains(aws, compat_patch, pki):
    compat_patch.stock(acm_imported_chain)
    acm = aws("acm")
    with_chain = acm.import_certificate(Certificate=pki["cert"], PrivateKey=pki["key"], CertificateChain=pki["chain"])
    assert _ders(acm.get_certificate(CertificateArn=with_chain["CertificateArn"])["CertificateChain"]) != _ders(
        pki["chain"]
    )
    without_chain = acm.import_certificate(Certificate=pki["cert"], PrivateKey=pki["key"])
    assert _ders(acm.get_certificate(CertificateArn=without_chain["CertificateArn"])["CertificateChain"]) != _ders(
        pki["cert"]
    )


def test_stock_moto_drops_tags_on_reimport(aws, compat_patch, pki):
    compat_patch.stock(acm_imported_chain)
    acm = aws("acm")
    arn = acm.import_certificate(
        Certificate=pki["cert"], PrivateKey=pki["key"], Tags=[{"Key": "Name", "Value": "jenkins"}]
    )["CertificateArn"]
    acm.import_certificate(CertificateArn=arn, Certificate=pki["cert"], PrivateKey=pki["key"])
    assert acm.list_tags_for_certificate(CertificateArn=arn)["Tags"] == []


def test_imported_chain_is_returned_as_imported(aws, compat_patch, pki):
    acm = aws("acm")
    with compat_patch(acm_imported_chain):
        arn = acm.import_certificate(
            Certificate=pki["cert"],
            PrivateKey=pki["key"],
            CertificateChain=pki["chain"],
            Tags=[{"Key": "Name", "Value": "jenkins"}],
        )["CertificateArn"]
        got = acm.get_certificate(CertificateArn=arn)
        assert _ders(got["Certificate"]) == _ders(pki["cert"])
        assert _ders(got["CertificateChain"]) == _ders(pki["chain"])

        # Without a chain AWS answers with the certificate itself, which is what the module compares with.
        bare = acm.import_certificate(Certificate=pki["cert"], PrivateKey=pki["key"])["CertificateArn"]
        assert _ders(acm.get_certificate(CertificateArn=bare)["CertificateChain"]) == _ders(pki["cert"])

        acm.import_certificate(
            CertificateArn=arn, Certificate=pki["cert"], PrivateKey=pki["key"], CertificateChain=pki["chain"]
        )
        assert acm.list_tags_for_certificate(CertificateArn=arn)["Tags"] == [{"Key": "Name", "Value": "jenkins"}]
        assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainName"] == "jenkins.example.com"
