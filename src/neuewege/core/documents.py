"""Writers that turn data into files, for every app: tables as CSV (German Excel) and XLSX,
documents as PDF from HTML templates. Calendars (ICS) are written by ``core.calendars``.

- CSV: UTF-8 with a byte order mark and semicolons, so that German Excel opens it as it is.
- XLSX: openpyxl, a bold header row, frozen, columns as wide as their text.
- Both: a text a spreadsheet would run as a formula (a first name "=HYPERLINK(…)") stays
  plain text.
- PDF: WeasyPrint from a template that extends ``core/pdf_base.html`` (page size, margins,
  fonts, header, footer with page numbers). Built from the template alone: no base URL and a
  URL fetcher that refuses every URL, so rendering never reaches the network or the file
  system, whatever the data contains. PDF/A-2b, tagged (structure for screen readers, the
  language of the page in the catalogue).
"""

import csv
import io

from django.template.loader import render_to_string
from django.utils.translation import get_language
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
}
TABLE_FORMATS = ("csv", "xlsx")
PDF_VARIANT = "pdf/a-2b"


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
    sheet.title = title[:31]
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
    """A PDF/A-2b with tags from HTML that needs nothing from outside."""
    return HTML(string=html, base_url=None, url_fetcher=_NoFetching()).write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True
    )


def render_pdf(template: str, context: dict) -> bytes:
    """A template extending ``core/pdf_base.html`` as a PDF, in the active language."""
    return html_pdf(render_to_string(template, {"LANGUAGE_CODE": get_language(), **context}))
