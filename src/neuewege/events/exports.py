"""The registrations of an event as a table, and the short texts the staff pages use for dates
and children. The files (CSV for German Excel, XLSX) are written by ``core.documents`` and
served by the exporter ``event-registrations`` (``events/exporters.py``)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ParentEvent, Registration


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
        _("Booking code"),
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
            registration.code,
        ]
        for registration in ordered
    ]
    return header, rows


def _start(session):
    return session.starts_at
