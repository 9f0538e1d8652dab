"""ACM ImportCertificate/GetCertificate: return the chain that was imported, keep tags on re-import.

moto appends an Amazon root CA to every imported chain (and returns only that CA when no chain was given), so
community.aws.acm_certificate, which compares the chain it holds with GetCertificate's CertificateChain (or, for a
certificate imported without chain, with the certificate itself, as AWS returns it), re-imports on every run.
moto also drops the tags when a certificate is re-imported in place (CertificateArn given); AWS keeps them.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "GetCertificate of an imported cert returns chain + an Amazon root CA; re-import in place loses the tags"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _wrap_import_certificate(original):
    def import_certificate(self, certificate, private_key, chain, arn, tags):
        previous = self._certificates.get(arn) if arn else None
        new_arn = original(self, certificate, private_key, chain, arn, tags)
        bundle = self._certificates[new_arn]
        # Imported certificates are served back as imported: the given chain, or the certificate itself.
        bundle.chain = chain.strip() + b"\n" if chain else bundle.cert
        if previous is not None:
            for key, value in previous.tags.items():
                bundle.tags.setdefault(key, value)
            bundle.in_use_by = previous.in_use_by
        return new_arn

    return import_certificate


def apply():
    if _patcher.active:
        return
    from moto.acm.models import AWSCertificateManagerBackend

    _patcher.setattr(
        AWSCertificateManagerBackend,
        "import_certificate",
        _wrap_import_certificate(AWSCertificateManagerBackend.import_certificate),
    )
    _patcher.active = True


def remove():
    _patcher.restore()
