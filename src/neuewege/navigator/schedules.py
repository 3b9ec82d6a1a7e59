"""Opening hours as RFC 5545 recurrence rules (``FREQ=WEEKLY;BYDAY=MO,WE``), the form HSDS 3
schedules take: checked when entered or imported, and asked "open now?"."""

from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

ANCHOR = date(2000, 1, 3)  # a Monday: rules without a start date count from here
MAX_LENGTH = 200


class ScheduleError(ValueError):
    pass


def parse_rule(text: str, start: date | None = None):
    """The ``dateutil`` rule of ``text``; a ``ScheduleError`` that says what is wrong."""
    text = (text or "").strip().removeprefix("RRULE:")
    if not text:
        raise ScheduleError(_("Enter a recurrence rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE."))
    if len(text) > MAX_LENGTH or "\n" in text:
        raise ScheduleError(_("A recurrence rule is one line of at most 200 characters."))
    if "FREQ=" not in text.upper():
        raise ScheduleError(_("A recurrence rule needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO,WE."))
    if any(part in text.upper() for part in ("FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY")):
        raise ScheduleError(_("Opening hours repeat daily, weekly, monthly or yearly."))
    try:
        return rrulestr(text, dtstart=datetime.combine(start or ANCHOR, time()))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise ScheduleError(
            _("This recurrence rule cannot be read (%(error)s). Example: FREQ=WEEKLY;BYDAY=MO,WE.")
            % {"error": error}
        ) from None


def check(rule: str, opens_at: time | None, closes_at: time | None) -> dict[str, str]:
    """The problems of a schedule, by field (``rrule``, ``closes_at``); empty when it is fine."""
    problems = {}
    try:
        parse_rule(rule)
    except ScheduleError as error:
        problems["rrule"] = str(error)
    if opens_at and closes_at and closes_at <= opens_at:
        problems["closes_at"] = _("The closing time must be after the opening time.")
    return problems


def is_open(schedule, moment: datetime) -> bool:
    """Is ``schedule`` (with ``rrule``, ``opens_at``, ``closes_at``, ``valid_from``,
    ``valid_to``) open at the local, naive ``moment``?"""
    day = moment.date()
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_to and day > schedule.valid_to:
        return False
    if not schedule.opens_at <= moment.time() < schedule.closes_at:
        return False
    try:
        rule = parse_rule(schedule.rrule, schedule.valid_from or _anchor_before(day))
    except ScheduleError:
        return False
    occurrence = rule.after(datetime.combine(day, time()), inc=True)
    return occurrence is not None and occurrence.date() == day


def _anchor_before(day: date) -> date:
    """A start about a year before ``day``, a multiple of four weeks after ``ANCHOR``: a rule
    without a start date keeps its weeks (every second Monday stays the same Mondays) and is
    not iterated from the year 2000."""
    periods = max((day - ANCHOR).days // 28 - 13, 0)
    return ANCHOR + timedelta(days=28 * periods)


DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def in_words(schedule) -> str:
    """Opening hours in words in the active language: "Mon, Wed 09:00-12:00" (the days of a
    weekly rule, every day of a daily one; other rules: their note or the hours alone)."""
    from django.utils.dates import WEEKDAYS_ABBR

    parts = dict(
        part.split("=", 1)
        for part in (schedule.rrule or "").upper().removeprefix("RRULE:").split(";")
        if "=" in part
    )
    hours = f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}"
    days = [code[-2:] for code in parts.get("BYDAY", "").split(",") if code[-2:] in DAY_CODES]
    if parts.get("FREQ") == "DAILY" and not days:
        days = list(DAY_CODES)
    words = ", ".join(str(WEEKDAYS_ABBR[DAY_CODES.index(code)]) for code in days)
    if parts.get("INTERVAL", "1") not in ("", "1") and parts.get("FREQ") == "WEEKLY":
        words = _("every %(number)s weeks: %(days)s") % {"number": parts["INTERVAL"], "days": words}
    elif parts.get("FREQ") == "MONTHLY":
        words = _("monthly: %(days)s") % {"days": words} if words else _("monthly")
    note = f" ({schedule.description})" if schedule.description else ""
    return f"{words} {hours}{note}".strip()
