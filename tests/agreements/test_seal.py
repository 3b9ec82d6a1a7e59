"""The platform's PAdES seal (pyHanko): it validates, covers the whole file, keeps the PDF/A
identification and the text, and shows a change made afterwards; the self-signed certificate
is made once and reused; a configured key and certificate are used instead."""

import io
import re

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from neuewege.agreements import seal
from neuewege.core.documents import html_pdf

HTML = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Vereinbarung</title>
</head><body><h1>Kooperationsvereinbarung Familienzentrum Regenbogen</h1>
<p>Die Partner vereinbaren eine Zusammenarbeit.</p></body></html>"""


@pytest.fixture(scope="module")
def pdf():
    return html_pdf(HTML)


@pytest.fixture
def seal_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.SEAL_KEY_FILE = settings.SEAL_CERT_FILE = None
    return tmp_path / "seal"


def validate(content: bytes, trusted):
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    (embedded,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[trusted], allow_fetching=False)
    # pyHanko validates with asyncio.run: not where a browser test's loop runs in this worker
    return seal.outside_any_event_loop(lambda: validate_pdf_signature(embedded, context))


def test_sealed_pdf_validates_and_covers_the_whole_file(pdf, seal_dir):
    sealed = seal.seal_pdf(pdf)
    assert sealed.startswith(pdf)  # an incremental update: the PDF/A file stays in front
    status = validate(sealed, seal.certificate())
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == seal.SEAL_NAME
    # PAdES: ETSI.CAdES.detached, SHA-256
    reader = PdfFileReader(io.BytesIO(sealed), strict=False)
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert status.md_algorithm == "sha256"
    # still readable, still identified as PDF/A-2b
    text = " ".join(PdfReader(io.BytesIO(sealed)).pages[0].extract_text().split())
    assert "Kooperationsvereinbarung Familienzentrum Regenbogen" in text
    sealed_reader, reader = PdfReader(io.BytesIO(sealed)), PdfReader(io.BytesIO(pdf))
    xmp = sealed_reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfaid:part(="|>)2', xmp)
    # the metadata as the PDF/A writer made it: XMP and Info agree (PDF/A-2 asks for it)
    assert xmp == reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert sealed_reader.metadata == reader.metadata
    assert f'pdf:Producer="{reader.metadata.producer}"'.encode() in xmp
    # the field is invisible (no area) but printable, as PDF/A-2 wants an annotation
    (field,) = [annot.get_object() for annot in sealed_reader.pages[0]["/Annots"]]
    assert field["/FT"] == "/Sig" and [float(x) for x in field["/Rect"]] == [0, 0, 0, 0]
    assert field["/F"] & 4 and not field["/F"] & 2  # Print, not Hidden


def test_a_byte_changed_after_sealing_is_reported(pdf, seal_dir):
    sealed = bytearray(seal.seal_pdf(pdf))
    # a byte in the middle of the first stream (the file's structure stays readable)
    start = bytes(sealed).index(b"stream\n") + len(b"stream\n")
    end = bytes(sealed).index(b"endstream", start)
    position = (start + end) // 2
    sealed[position] ^= 0x01
    status = validate(bytes(sealed), seal.certificate())
    assert not status.intact
    assert not status.bottom_line


def test_appending_after_the_seal_is_not_covered(pdf, seal_dir):
    sealed = seal.seal_pdf(pdf) + b"\n% changed afterwards\n"
    status = validate(sealed, seal.certificate())
    assert status.intact  # the signed bytes are unchanged …
    assert status.coverage != SignatureCoverageLevel.ENTIRE_FILE  # … but not all of the file


def test_self_signed_certificate_is_made_once_and_reused(seal_dir, settings):
    first = seal.certificate()
    path = seal_dir / seal.SELF_SIGNED_FILE
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    seal._signer.cache_clear()
    assert seal.certificate().dump() == first.dump()


def test_configured_key_and_certificate_are_used(pdf, tmp_path, settings, seal_dir):
    made = seal.certificate()  # a pair to configure, made elsewhere
    data = (seal_dir / seal.SELF_SIGNED_FILE).read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"geheim"),
        )
    )
    (tmp_path / "cert.der").write_bytes(made.dump())
    settings.VAR_DIR = tmp_path / "elsewhere"
    settings.SEAL_KEY_FILE = str(tmp_path / "key.pem")
    settings.SEAL_CERT_FILE = str(tmp_path / "cert.der")
    settings.SEAL_PASSPHRASE = "geheim"
    status = validate(seal.seal_pdf(pdf), made)
    assert status.intact and status.valid
    assert not (tmp_path / "elsewhere" / "seal").exists()  # nothing self-signed made


def test_the_seal_is_made_where_an_event_loop_runs_already(pdf, seal_dir):
    """An ASGI server's thread or a browser test: pyHanko's own event loop runs beside it."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside_a_loop():
        return seal.seal_pdf(pdf)

    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread with its own running loop
        sealed = pool.submit(asyncio.run, inside_a_loop()).result()
    assert sealed[: len(pdf)] == pdf and len(sealed) > len(pdf)  # appended, the PDF unchanged
