"""The platform's seal on the PDF of an agreement in force: a PAdES-B-B signature (pyHanko,
ETSI.CAdES.detached, SHA-256) in an invisible signature field, added as an incremental update
so that the PDF/A-2b file written before stays as it was, byte for byte, in front of it.

What the seal proves: that the document has not been changed since the platform sealed it.
It does not say who agreed — the parties' signatures in the document do (simple electronic
signatures, see README "Signatures and seal"). It is an advanced electronic seal only when
the certificate belongs to a key that the operating organisation alone holds and controls
(``NEUEWEGE_SEAL_KEY_FILE`` / ``NEUEWEGE_SEAL_CERT_FILE`` / ``NEUEWEGE_SEAL_PASSPHRASE``).

Without them, a self-signed certificate "Neue Wege NRW (Siegel der Plattform)" is made once
into ``<NEUEWEGE_VAR_DIR>/seal/`` (never into the repository) and used from then on: enough
to detect a change, not to prove who sealed.
"""

import asyncio
import contextlib
import datetime
import io
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

SEAL_NAME = "Neue Wege NRW (Siegel der Plattform)"
FIELD_NAME = "SiegelNeueWege"
SELF_SIGNED_FILE = "platform-seal.pem"  # key and certificate in one file: replaced as one
SELF_SIGNED_YEARS = 10


class _KeepMetadata(IncrementalPdfFileWriter):
    """An incremental update that leaves the document's metadata as it was. pyHanko would
    rewrite the XMP packet and the Info dictionary, and disagree with itself: the Info's
    ``/Producer`` becomes "WeasyPrint …; pyHanko …", the XMP's ``pdf:Producer`` "pyHanko …" —
    which PDF/A-2 refuses (the two must be equivalent). Left alone, both stay as the PDF/A
    writer made them, with the PDF/A and PDF/UA identification and its extension schema."""

    def _update_meta(self):
        pass


def seal_pdf(pdf: bytes) -> bytes:
    """``pdf`` with the platform's PAdES-B-B seal appended (an incremental update)."""
    writer = _KeepMetadata(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Siegel der Plattform Neue Wege NRW: unverändert seit der Unterzeichnung",
        location="Nordrhein-Westfalen",
        name=SEAL_NAME,
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer(), new_field_spec=fields.SigFieldSpec(FIELD_NAME)
    )
    output = io.BytesIO()
    outside_any_event_loop(lambda: pdf_signer.sign_pdf(writer, output=output))
    return output.getvalue()


def outside_any_event_loop(work):
    """pyHanko signs with ``asyncio.run``, which refuses to run where an event loop runs
    already (an ASGI server's thread, a test's browser): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def signer() -> signers.SimpleSigner:
    """The seal's signer: the configured key and certificate, else the self-signed one."""
    return _signer(
        str(settings.SEAL_KEY_FILE or ""),
        str(settings.SEAL_CERT_FILE or ""),
        settings.SEAL_PASSPHRASE or "",
        str(Path(settings.VAR_DIR) / "seal"),
    )


@lru_cache(maxsize=4)
def _signer(key_file: str, cert_file: str, passphrase: str, folder: str):
    if key_file or cert_file:
        if not (key_file and cert_file):
            raise ValueError(
                "NEUEWEGE_SEAL_KEY_FILE and NEUEWEGE_SEAL_CERT_FILE are set together, or neither."
            )
        loaded = signers.SimpleSigner.load(
            key_file, cert_file, key_passphrase=passphrase.encode() if passphrase else None
        )
        if loaded is None:
            raise ValueError(
                f"The seal's key {key_file} or certificate {cert_file} cannot be read "
                "(or the passphrase NEUEWEGE_SEAL_PASSPHRASE does not fit)."
            )
        return loaded
    key, certificate = self_signed(Path(folder))
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([certificate]),
    )


def self_signed(folder: Path) -> tuple[asn1_keys.PrivateKeyInfo, asn1_x509.Certificate]:
    """The self-signed seal certificate and its key, made once into ``folder``."""
    path = folder / SELF_SIGNED_FILE
    if not path.exists():
        _make_self_signed(path)
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    certificate = x509.load_pem_x509_certificate(data)
    return (
        asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
    )


def _make_self_signed(path: Path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Nordrhein-Westfalen"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Neue Wege NRW"),
            x509.NameAttribute(NameOID.COMMON_NAME, SEAL_NAME),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * SELF_SIGNED_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ) + certificate.public_bytes(serialization.Encoding.PEM)
    path.parent.mkdir(parents=True, exist_ok=True)
    # written aside and linked in place only if there is none yet: of two processes that make
    # one at once, the first one's pair stays and both use it
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".seal-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(pem)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def certificate() -> asn1_x509.Certificate:
    """The seal's certificate (for validation: the trust anchor of a self-signed seal)."""
    return signer().signing_cert
