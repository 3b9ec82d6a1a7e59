"""Hostile files, built in the test that uses them and small on disk: zip containers written
byte by byte, so that an entry may unpack to a gibibyte from about a megabyte, declare what it
likes, or claim to be encrypted."""

import io
import struct
import zipfile
import zlib

import openpyxl

MIB = 1024 * 1024


def deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def entry(name: str, data: bytes, *, flags=0):
    """(name, packed bytes, crc, unpacked size, flags) of an ordinary entry."""
    return (name, deflated(data), zlib.crc32(data), len(data), flags)


def repeated_entry(name: str, head: bytes, chunk: bytes, times: int, tail: bytes):
    """An entry that unpacks to ``head + chunk * times + tail`` (a valid deflate stream: after a
    full flush the packer starts afresh, so ``chunk`` packs to the same bytes each time, and the
    stream is those bytes repeated)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * times + len(tail)
    return (name, first + block * times + last, crc, size, 0)


def zip_of(entries) -> bytes:
    """A zip file (deflated entries, no zip64) of ``entries`` as made above."""
    out, directory = io.BytesIO(), []
    for name, packed, crc, size, flags in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                flags,
                8,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
            )
            + encoded
            + packed
        )
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                8,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start, listing = out.tell(), b"".join(directory)
    out.write(
        listing
        + struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(listing), start, 0
        )
    )
    return out.getvalue()


def workbook_parts(rows) -> dict[str, bytes]:
    """The parts of a real workbook with ``rows`` in its first sheet, as openpyxl writes it."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


SHEET = "xl/worksheets/sheet1.xml"


def workbook_with(rows, *, sheet=None, extra=(), flags=0) -> bytes:
    """A workbook of ``rows`` whose sheet's XML may be replaced (``sheet``: a function of the XML
    openpyxl wrote) and which may hold ``extra`` entries."""
    parts = workbook_parts(rows)
    if sheet is not None:
        parts[SHEET] = sheet(parts[SHEET])
    return zip_of([entry(name, data, flags=flags) for name, data in parts.items()] + list(extra))


def unpacks_to_a_gibibyte(rows) -> bytes:
    """A real workbook whose sheet, after ``rows``, goes on with 1 GiB of empty rows (about 180
    million of them), packed into about 1 MB."""
    parts = workbook_parts(rows)
    head, tail = parts.pop(SHEET).split(b"</sheetData>")
    bomb = repeated_entry(
        SHEET, head, b"<row/>" * (MIB // 6) + b" " * (MIB % 6), 1024, b"</sheetData>" + tail
    )
    return zip_of([entry(name, data) for name, data in parts.items()] + [bomb])
