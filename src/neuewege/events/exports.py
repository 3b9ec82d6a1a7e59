"""The registrations of an event as a table, and the short texts the staff pages use for dates
and children. CSV for German Excel (UTF-8 with BOM, semicolons), XLSX with openpyxl. Text a
spreadsheet would run as a formula (a first name "=HYPERLINK(…)") stays plain text."""

import csv
import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import ParentEvent, Registration

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def session_label(session) -> str:
    """„Di, 01.12.2026, 09:30-11:00“ in Europe/Berlin, in the formats of the active language."""
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return (
        f"{date_format(start, 'D')}, {date_format(start, 'SHORT_DATE_FORMAT')}, "
        f"{date_format(start, 'H:i')}–{date_format(end, 'H:i')}"
    )


def local_datetime(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def ages_text(ages) -> str:
    return ", ".join(str(age) for age in ages or [])


def children_text(ages) -> str:
    """„2 children (2, 4 years)“; empty without children."""
    if not ages:
        return ""
    return ngettext(
        "%(count)s child (%(ages)s years)", "%(count)s children (%(ages)s years)", len(ages)
    ) % {"count": len(ages), "ages": ages_text(ages)}


def unit_label(event: ParentEvent, registration: Registration) -> str:
    if event.is_course or registration.session is None:
        return _("Whole course")
    return session_label(registration.session)


def registration_table(event: ParentEvent, registrations) -> tuple[list[str], list[list]]:
    """Header and rows: one row per registration (confirmed or waiting), unit by unit."""
    header = [
        _("Date"),
        _("Status"),
        _("First name"),
        _("E-mail"),
        _("Phone"),
        _("Ages of the children needing care"),
        _("Language needs"),
        _("Booked at"),
        _("Booked"),
        _("Attended"),
    ]
    ordered = sorted(
        registrations,
        key=lambda r: (
            r.session.starts_at if r.session else timezone.now(),
            r.status != Registration.Status.CONFIRMED,
            r.created_at,
            r.pk,
        ),
    )
    rows = [
        [
            unit_label(event, registration),
            registration.get_status_display(),
            registration.first_name,
            registration.email,
            registration.phone,
            ages_text(registration.child_ages),
            registration.language_needs,
            local_datetime(registration.created_at),
            registration.get_source_display(),
            ", ".join(
                session_label(session)
                for session in sorted(registration.attended_sessions.all(), key=_start)
            ),
        ]
        for registration in ordered
    ]
    return header, rows


def _start(session):
    return session.starts_at


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
