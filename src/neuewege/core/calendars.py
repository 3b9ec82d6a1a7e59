"""Calendar files (RFC 5545) for every app that writes dates: a new calendar, and its bytes
with a VTIMEZONE for Europe/Berlin, so that calendar programs keep 9:30 at 9:30 across a change
to or from summer time. Entries take the host in their UIDs (``uid@host``)."""

from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar

PRODID = "-//Neue Wege NRW//Veranstaltungen in Familienzentren//DE"


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def finish_calendar(calendar: Calendar, method: str | None = "PUBLISH") -> bytes:
    """The calendar as bytes, with a VTIMEZONE for Europe/Berlin (a feed has no METHOD)."""
    if method:
        calendar.add("method", method)
    starts = [event.get("dtstart").dt for event in calendar.walk("VEVENT")]
    if starts:
        # A VTIMEZONE covering the calendar's years: small, and exact for every date in it.
        first = min(starts).date().replace(month=1, day=1)
        last = max(starts).date().replace(year=max(starts).year + 6, month=1, day=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def host() -> str:
    return urlsplit(settings.BASE_URL).hostname or "neuewege"
