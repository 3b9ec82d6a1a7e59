"""Calendar files (RFC 5545) of training sessions, for the message that tells a participant their
session. Built with core/calendars.py (Europe/Berlin with a VTIMEZONE); the UID stays the same
for the session, so a calendar program updates its entry when the session is sent again."""

from django.utils import timezone
from django.utils.text import slugify
from icalendar import Event

from neuewege.core.calendars import finish_calendar, host, new_calendar

from .models import TrainingSession


def trainers_of(session: TrainingSession) -> str:
    names = [f"{person.first_name} {person.last_name}" for person in session.trainers.all()]
    if session.trainer_names:
        names.append(session.trainer_names)
    return ", ".join(names)


def training_session_calendar(session: TrainingSession) -> bytes:
    training = session.training
    calendar = new_calendar(training.title)
    entry = Event()
    entry.add("uid", f"training-session-{session.pk}@{host()}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", timezone.localtime(session.starts_at))
    entry.add("dtend", timezone.localtime(session.ends_at))
    entry.add("summary", training.title)
    if session.place:
        entry.add("location", session.place)
    site = session.site
    if site is not None and site.latitude is not None and site.longitude is not None:
        entry.add("geo", (float(site.latitude), float(site.longitude)))
    description = [training.module.title]
    trainers = trainers_of(session)
    if trainers:
        description.append(trainers)
    entry.add("description", "\n".join(description))
    entry.add("status", "CANCELLED" if session.cancelled_at else "CONFIRMED")
    calendar.add_component(entry)
    return finish_calendar(calendar)


def calendar_filename(session: TrainingSession) -> str:
    return f"{slugify(session.training.title)[:60].strip('-') or 'fortbildung'}-{session.pk}.ics"
