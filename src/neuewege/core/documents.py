"""Writers that turn data into files, for every app: tables as CSV (German Excel) and XLSX,
documents as PDF from HTML templates and as DOCX from Word templates. Calendars (ICS) are
written by ``core.calendars``.

- CSV: UTF-8 with a byte order mark and semicolons, so that German Excel opens it as it is.
- XLSX: openpyxl, a bold header row, frozen, columns as wide as their text.
- Both: a text a spreadsheet would run as a formula (a first name "=HYPERLINK(…)") stays
  plain text.
- PDF: WeasyPrint from a template that extends ``core/pdf_base.html`` (page size, margins,
  fonts, header, footer with page numbers). Built from the template alone: no base URL and a
  URL fetcher that refuses every URL, so rendering never reaches the network or the file
  system, whatever the data contains. PDF/A-2b and PDF/UA-1 at once (see below).
- DOCX: docxtpl from a Word file with Jinja tags (``{{ title }}``, ``{%p for … %}``), found
  like an HTML template in an app's ``templates/`` folder; values are escaped, the title and
  the language are set in the document's properties. ``core/document.docx`` is the plain
  one: a title, optional lines under it, a table of facts (label, value) and sections of
  paragraphs. Texts come translated in the context: the Word file holds no words of its own.

PDF/A and PDF/UA. WeasyPrint writes one ``pdf_variant`` at a time (the wish for several is
its issue #2783, open). Its "pdf/ua-1" differs from "pdf/a-2b" with ``pdf_tags`` only in
what the XMP metadata says: the same structure tree, ``/MarkInfo``, ``/Lang``, ``/Tabs /S``,
``/DisplayDocTitle``, PDF 1.7 — and PDF/A-2 adds the embedded fonts, the output intent and
the identifier, all of which PDF/UA-1 allows (the PDF Association's guide on conforming to
both: PDF/A-2 with PDF/UA-1 works, PDF/A-1 does not). So the PDF is made as PDF/A-2b with
tags, and a finisher adds to the same XMP packet what "pdf/ua-1" would write
(``pdfuaid:part="1"``) together with the PDF/A extension schema that declares the pdfuaid
namespace, since PDF/A-2 refuses XMP properties that no schema declares. The claim is then
exactly WeasyPrint's own PDF/UA claim, no more: its tagging is its own (known gaps: text in
page margins such as the footer is neither in the structure tree nor an artifact — WeasyPrint
says PDF 1.7 has no way to put it there —, spans PAC finds superfluous). Templates do their
part: a language on ``<html>``, a ``<title>``, headings in order, ``<th scope>`` in tables,
a ``<title>`` inside every ``<svg>`` (WeasyPrint's alternative text of a figure).
"""

import csv
import io
import re
from pathlib import Path
from xml.etree import ElementTree

from django.template import TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.utils.translation import get_language
from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.styles import Font
from weasyprint import HTML, URLFetcher

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}
TABLE_FORMATS = ("csv", "xlsx")
PDF_VARIANT = "pdf/a-2b"  # with tags, and identified as PDF/UA-1 too: see the module's text


def plain(value):
    """A text cell a spreadsheet shows as it is, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(header, rows) -> bytes:
    """UTF-8 with a byte order mark and semicolons: German Excel opens it as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([plain(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header, rows, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[][:*?/\\]", "-", title)[:31]  # what Excel allows in a sheet's name
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text begins with
    for column, name in zip(sheet.columns, header, strict=True):
        width = max([len(name), *(len(str(cell.value or "")) for cell in column)])
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table(header, rows, fmt: str, *, title: str) -> bytes:
    """A table in one of ``TABLE_FORMATS``."""
    if fmt == "csv":
        return to_csv(header, rows)
    if fmt == "xlsx":
        return to_xlsx(header, rows, title=str(title))
    raise ValueError(f"not a table format: {fmt}")


class _NoFetching(URLFetcher):
    """Refuses every URL (http, file, data …). WeasyPrint logs the refusal and goes on."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Documents fetch nothing: {url}")


def html_pdf(html: str) -> bytes:
    """A PDF/A-2b and PDF/UA-1 (tagged) from HTML that needs nothing from outside."""
    return HTML(string=html, base_url=None, url_fetcher=_NoFetching()).write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True, finisher=_identify_as_pdf_ua
    )


def render_pdf(template: str, context: dict) -> bytes:
    """A template extending ``core/pdf_base.html`` as a PDF, in the active language."""
    return html_pdf(render_to_string(template, {"LANGUAGE_CODE": get_language(), **context}))


# PDF/UA-1 identification in the XMP metadata of a PDF/A-2 file

XMP_NAMESPACES = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
for _prefix, _uri in XMP_NAMESPACES.items():
    ElementTree.register_namespace(_prefix, _uri)
XMP_PACKET = re.compile(rb"(?s)\A(.*?)(<x:xmpmeta\b.*</x:xmpmeta>)(.*)\Z")


def _xmp(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{XMP_NAMESPACES[prefix]}}}{local}"


def _identify_as_pdf_ua(document, pdf):
    """WeasyPrint's finisher: the XMP packet that "pdf/a-2b" wrote, with the PDF/UA-1
    identification and the extension schema PDF/A-2 asks for it."""
    number = int(pdf.catalog["Metadata"].split()[0])
    stream = pdf.objects[number]
    before, packet, after = XMP_PACKET.match(b"".join(stream.stream)).groups()
    meta = ElementTree.fromstring(packet)  # noqa: S314 - WeasyPrint wrote it a moment ago
    rdf = meta.find(_xmp("rdf:RDF"))
    identification = ElementTree.SubElement(rdf, _xmp("rdf:Description"))
    identification.set(_xmp("rdf:about"), "")
    identification.set(_xmp("pdfuaid:part"), "1")
    rdf.append(_pdf_ua_extension_schema())
    stream.stream = [
        before + ElementTree.tostring(meta, encoding="utf-8", xml_declaration=False) + after
    ]


def _pdf_ua_extension_schema():
    """PDF/A-2 (ISO 19005-2, 6.6.2.3) admits XMP properties outside its predefined schemas
    only when an extension schema describes them: here ``pdfuaid:part``."""
    description = ElementTree.Element(_xmp("rdf:Description"), {_xmp("rdf:about"): ""})
    schemas = ElementTree.SubElement(description, _xmp("pdfaExtension:schemas"))
    schema = ElementTree.SubElement(
        ElementTree.SubElement(schemas, _xmp("rdf:Bag")),
        _xmp("rdf:li"),
        {_xmp("rdf:parseType"): "Resource"},
    )
    for name, text in (
        ("pdfaSchema:schema", "PDF/UA Universal Accessibility Schema"),
        ("pdfaSchema:namespaceURI", XMP_NAMESPACES["pdfuaid"]),
        ("pdfaSchema:prefix", "pdfuaid"),
    ):
        ElementTree.SubElement(schema, _xmp(name)).text = text
    properties = ElementTree.SubElement(
        ElementTree.SubElement(schema, _xmp("pdfaSchema:property")), _xmp("rdf:Seq")
    )
    part = ElementTree.SubElement(properties, _xmp("rdf:li"), {_xmp("rdf:parseType"): "Resource"})
    for name, text in (
        ("pdfaProperty:name", "part"),
        ("pdfaProperty:valueType", "Integer"),
        ("pdfaProperty:category", "internal"),
        ("pdfaProperty:description", "Indicates which part of ISO 14289 standard is followed"),
    ):
        ElementTree.SubElement(part, _xmp(name)).text = text
    return description


# DOCX


def template_path(name: str) -> Path:
    """The file of a template, looked up as Django looks up HTML templates (the apps'
    ``templates/`` folders), without reading it as one."""
    for loader in engines["django"].engine.template_loaders:
        for origin in loader.get_template_sources(name):
            if Path(origin.name).is_file():
                return Path(origin.name)
    raise TemplateDoesNotExist(name)


def render_docx(template: str, context: dict) -> bytes:
    """A Word template (``templates/<app>/….docx`` with docxtpl's Jinja tags) filled in, the
    values escaped; ``context["title"]`` and the active language go in its properties."""
    document = DocxTemplate(template_path(template))
    document.render(context, autoescape=True)
    properties = document.docx.core_properties
    properties.title = str(context.get("title", ""))
    properties.language = get_language() or ""
    properties.author = properties.last_modified_by = "Neue Wege NRW"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
