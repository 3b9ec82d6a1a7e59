"""A meeting as a calendar file (RFC 5545, Europe/Berlin), sent with the invitation."""

from django.utils import timezone
from icalendar import Event

from neuewege.core.calendars import finish_calendar, host, new_calendar

from .models import Meeting


def meeting_calendar(meeting: Meeting) -> bytes:
    calendar = new_calendar(str(meeting.region))
    entry = Event()
    entry.add("uid", f"meeting-{meeting.pk}@{host()}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", timezone.localtime(meeting.starts_at))
    entry.add("dtend", timezone.localtime(meeting.ends_at))
    entry.add("summary", f"{meeting.get_kind_display()} {meeting.region}")
    entry.add("location", meeting.place)
    if meeting.agenda:
        entry.add("description", meeting.agenda)
    entry.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    calendar.add_component(entry)
    return finish_calendar(calendar)
