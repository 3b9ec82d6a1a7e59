"""Opening hours as RFC 5545 recurrence rules (``FREQ=WEEKLY;BYDAY=MO,WE``), the form HSDS 3
schedules take: checked when entered or imported, asked "open now?", and put into plain words
for the parents' pages (``describe``)."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from dateutil.rrule import rrulestr
from django.utils import formats
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

ANCHOR = date(2000, 1, 3)  # a Monday: rules without a start date count from here
MAX_LENGTH = 200


class ScheduleError(ValueError):
    pass


FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST", "UNTIL", "COUNT"}
MAX_INTERVAL = 52


def rule_parts(text: str) -> dict[str, str]:
    """The parts of a rule, upper case: ``{"FREQ": "WEEKLY", "BYDAY": "MO,WE"}``."""
    return {
        key.strip(): value.strip()
        for key, _sep, value in (
            part.partition("=")
            for part in (text or "").strip().upper().removeprefix("RRULE:").split(";")
            if "=" in part
        )
    }


def parse_rule(text: str, start: date | None = None):
    """The ``dateutil`` rule of ``text``; a ``ScheduleError`` that says what is wrong. Opening
    hours repeat daily, weekly or monthly, every 1 to 52 periods, on days of the week or of
    the month: what HSDS schedules hold, and nothing that takes long to compute."""
    text = (text or "").strip().removeprefix("RRULE:")
    if not text:
        raise ScheduleError(_("Enter a recurrence rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE."))
    if len(text) > MAX_LENGTH or "\n" in text:
        raise ScheduleError(_("A recurrence rule is one line of at most 200 characters."))
    parts = rule_parts(text)
    if parts.get("FREQ") not in FREQUENCIES:
        raise ScheduleError(
            _("Opening hours repeat daily, weekly or monthly: FREQ=DAILY, WEEKLY or MONTHLY.")
        )
    unknown = sorted(set(parts) - PARTS)
    if unknown:
        raise ScheduleError(
            _("Opening hours cannot use %(parts)s; use BYDAY or BYMONTHDAY.")
            % {"parts": ", ".join(unknown)}
        )
    interval = parts.get("INTERVAL", "1")
    if not interval.isdecimal() or not 1 <= int(interval) <= MAX_INTERVAL:
        raise ScheduleError(_("INTERVAL is a whole number from 1 to 52."))
    try:
        return rrulestr(text, dtstart=datetime.combine(start or ANCHOR, time()))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise ScheduleError(
            _("This recurrence rule cannot be read (%(error)s). Example: FREQ=WEEKLY;BYDAY=MO,WE.")
            % {"error": error}
        ) from None


def occurs_on(rule, day: date) -> bool:
    """Does ``rule`` have an occurrence on ``day``? (Iterates from its start to that day only.)"""
    midnight = datetime.combine(day, time())
    try:
        return bool(rule.between(midnight, midnight + timedelta(hours=23), inc=True, count=1))
    except (ValueError, OverflowError):
        return False


def check(rule: str, opens_at: time | None, closes_at: time | None) -> dict[str, str]:
    """The problems of a schedule, by field (``rrule``, ``closes_at``); empty when it is fine.
    A rule must also occur within the coming two years."""
    problems = {}
    try:
        parsed = parse_rule(rule, _anchor_before(date.today()))
    except ScheduleError as error:
        problems["rrule"] = str(error)
    else:
        today = datetime.combine(date.today(), time())
        if not parsed.between(today, today + timedelta(days=731), inc=True, count=1):
            problems["rrule"] = _("This rule has no day within the coming two years.")
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
    return occurs_on(rule, day)


def _anchor_before(day: date) -> date:
    """A start about a year before ``day``, a multiple of four weeks after ``ANCHOR``: a rule
    without a start date keeps its weeks (every second Monday stays the same Mondays) and is
    not iterated from the year 2000."""
    periods = max((day - ANCHOR).days // 28 - 13, 0)
    return ANCHOR + timedelta(days=28 * periods)


# Opening hours in plain words


def describe(schedule) -> str:
    """``schedule`` (with ``rrule``, ``opens_at``, ``closes_at``, ``valid_from``, ``valid_to``,
    ``description``) in plain words of the active language: "Mo-Fr 09:00-16:00", "every first
    Monday of the month 14:00-16:00 (from 01.03.2026)". Day names and times in Django's formats
    of the language."""
    hours = f"{formats.time_format(schedule.opens_at)}–{formats.time_format(schedule.closes_at)}"
    days = describe_days(schedule.rrule, schedule.valid_from)
    text = f"{days} {hours}" if days else hours
    notes = []
    if schedule.valid_from:
        notes.append(_("from %(date)s") % {"date": _short_date(schedule.valid_from)})
    if schedule.valid_to:
        notes.append(_("until %(date)s") % {"date": _short_date(schedule.valid_to)})
    if schedule.description:
        notes.append(schedule.description)
    return f"{text} ({', '.join(notes)})" if notes else text


def describe_days(rule: str, start: date | None = None) -> str:
    """The days of a recurrence rule in plain words ("Mo-Fr", "every 2 weeks: Tu", "last Friday
    of the month"); a rule it cannot put into words falls back to its weekdays ("" when it has
    none or cannot be read). Kept per rule and language: the search's cards ask for the same
    few rules again and again, and reading a rule with ``dateutil`` is slow."""
    return _described_days(rule, start, get_language())


@lru_cache(maxsize=2048)
def _described_days(rule: str, start: date | None, _language: str | None) -> str:
    try:
        parse_rule(rule)
    except ScheduleError:
        return ""
    parts = dict(
        part.split("=", 1)
        for part in rule.strip().upper().removeprefix("RRULE:").split(";")
        if "=" in part
    )
    frequency = parts.get("FREQ", "")
    interval = _number(parts.get("INTERVAL", "1")) or 1
    by_day = [_weekday(token) for token in parts.get("BYDAY", "").split(",") if token]
    by_day = [day for day in by_day if day is not None]
    weekdays = sorted({weekday for weekday, _ordinal in by_day})
    ordinals = [(weekday, ordinal) for weekday, ordinal in by_day if ordinal]
    positions = [_number(n) for n in parts.get("BYSETPOS", "").split(",") if n]
    month_days = [_number(n) for n in parts.get("BYMONTHDAY", "").split(",") if n]
    other = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "WKST", "UNTIL", "COUNT"}

    if frequency == "DAILY" and not weekdays and not other and interval == 1:
        return _("daily")
    if frequency == "WEEKLY" and not other and not ordinals:
        days = day_range(weekdays or [(start or ANCHOR).weekday()])
        if interval == 1:
            return days
        return _("every %(interval)s weeks: %(days)s") % {"interval": interval, "days": days}
    if frequency == "MONTHLY" and interval == 1:
        if len(positions) == 1 and len(weekdays) == 1 and not ordinals:  # BYDAY=MO;BYSETPOS=1
            ordinals, other = [(weekdays[0], positions[0])], other - {"BYSETPOS"}
        if ordinals and not other:
            return ", ".join(_of_the_month(weekday, ordinal) for weekday, ordinal in ordinals)
        if month_days and all(month_days) and not weekdays and other == {"BYMONTHDAY"}:
            days = ", ".join(str(day) for day in sorted(month_days))
            return _("on day %(days)s of the month") % {"days": days}
    return day_range(weekdays) if weekdays else ""


def day_range(weekdays) -> str:
    """Weekdays (0 Monday … 6 Sunday) abbreviated, runs of three or more joined by an en dash:
    "Mo-Fr, Su"."""
    days = sorted(set(weekdays))
    runs = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    words = []
    for run in runs:
        if len(run) >= 3:
            words.append(f"{WEEKDAYS_ABBR[run[0]]}–{WEEKDAYS_ABBR[run[-1]]}")
        else:
            words.extend(str(WEEKDAYS_ABBR[day]) for day in run)
    return ", ".join(words)


OF_THE_MONTH = {  # whole phrases, so that each language can put the words in its own order
    1: gettext_lazy("every first %(weekday)s of the month"),
    2: gettext_lazy("every second %(weekday)s of the month"),
    3: gettext_lazy("every third %(weekday)s of the month"),
    4: gettext_lazy("every fourth %(weekday)s of the month"),
    5: gettext_lazy("every fifth %(weekday)s of the month"),
    -1: gettext_lazy("every last %(weekday)s of the month"),
    -2: gettext_lazy("every last but one %(weekday)s of the month"),
}
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _of_the_month(weekday: int, ordinal: int) -> str:
    phrase = OF_THE_MONTH.get(ordinal)
    return str(phrase % {"weekday": WEEKDAYS[weekday]}) if phrase else str(WEEKDAYS[weekday])


def _weekday(token: str) -> tuple[int, int] | None:
    """``MO`` → (0, 0), ``-1FR`` → (4, -1); None for what is no weekday."""
    token = token.strip()
    code, ordinal = token[-2:], token[:-2]
    if code not in DAY_CODES:
        return None
    return DAY_CODES.index(code), _number(ordinal) if ordinal else 0


def _number(text: str) -> int:
    try:
        return int(text.strip().lstrip("+"))
    except ValueError:
        return 0


def _short_date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")
