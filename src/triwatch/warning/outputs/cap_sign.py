"""Signing CAP alerts: an enveloped XML digital signature, as CAP 1.2 (section 3.3.2.1) provides.

A public-warning aggregator trusts an alert because its issuer signed it. CAP 1.2 allows a W3C
XML-Signature as the last child of `<alert>` (the schema's `<any namespace="...xmldsig#">`).
`CapSigner.sign` makes an enveloped RSA-SHA256 signature over the exclusive-canonical alert with
PyPI `signxml` (a dependency of `capvalidator` already), carrying the signer's X.509 certificate
so a receiver can check it against the issuer's published certificate.

The alert is signed without insignificant whitespace (one line): verifiers such as `capvalidator`
re-parse it dropping blank text before checking the digest, so a pretty-printed alert would no
longer match its signature. Keys and certificates are the caller's (one per issuing nation);
nothing here generates or stores them.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from signxml import InvalidSignature, SignatureMethod, XMLSigner, XMLVerifier, methods

from triwatch.warning.outputs.errors import OutputError

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


def _compact(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))


@dataclass(frozen=True)
class CapSigner:
    """An issuing centre's signing key and certificate (PEM bytes)."""

    key_pem: bytes
    cert_pem: bytes

    def sign(self, xml: bytes) -> bytes:
        """The alert with an enveloped signature appended (UTF-8 bytes, compact)."""
        signer = XMLSigner(method=methods.enveloped, signature_algorithm=SignatureMethod.RSA_SHA256,
                           c14n_algorithm=EXC_C14N)  # fmt: skip
        try:
            signed = signer.sign(_compact(xml), key=self.key_pem, cert=self.cert_pem)
        except (ValueError, TypeError) as exc:
            raise OutputError(f"CAP signing key/certificate: {exc}") from None
        return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def verify_cap(xml: bytes, cert_pem: bytes) -> bool:
    """True when the alert carries a valid signature by the holder of cert_pem."""
    try:
        XMLVerifier().verify(_compact(xml), x509_cert=cert_pem.decode())
    except (InvalidSignature, etree.XMLSyntaxError):
        return False
    return True
