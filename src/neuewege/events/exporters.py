"""The files of events, declared for the one download path of ``core.exporters``: the
registration list of an event (CSV, XLSX: parents' personal data, logged by the path) and the
calendar files for parents and subscribers (ICS, public: a draft has none, a feed's token is
its secret)."""

from django.utils.translation import gettext_lazy as _

from neuewege.core import exporters
from neuewege.core.access import PUBLIC
from neuewege.core.documents import TABLE_FORMATS, table
from neuewege.core.errors import NotFound
from neuewege.core.exporters import Document, Exporter, Target

from . import calendars, exports, selectors
from .models import ParentEvent
from .permissions import SEE_CONTACTS


def _event(access, params) -> Target:
    try:
        event = selectors.event_detail(access, exporters.number(params, "pk"))
    except ParentEvent.DoesNotExist as error:
        raise NotFound({"pk": "no such event"}) from error
    return Target(
        region_id=event.family_centre.region_id, records=[event], data=event, subject=event
    )


def _registrations(target: Target, fmt: str) -> Document:
    event = target.data
    header, rows = exports.registration_table(event, selectors.active_registrations(event))
    return Document(
        table(header, rows, fmt, title=_("Registrations")), f"anmeldungen-{event.pk}.{fmt}"
    )


REGISTRATIONS = Exporter(
    name="event-registrations",
    label=_("Registrations of an event"),
    formats=TABLE_FORMATS,
    find=_event,
    permission=SEE_CONTACTS,
    produce=_registrations,
    personal_data=_("Registrations exported (%(format)s)"),
)


def _public_event(access, params) -> Target:
    event = calendars.public_events().filter(pk=exporters.number(params, "pk")).first()
    if event is None:
        raise NotFound({"pk": "no such event"})
    return Target(data=event)


def _event_ics(target: Target, fmt: str) -> Document:
    event = target.data
    return Document(
        calendars.event_calendar(event), calendars.filename(event, "veranstaltung", event.pk)
    )


def _public_session(access, params) -> Target:
    return Target(data=calendars.public_session(exporters.number(params, "pk")))


def _session_ics(target: Target, fmt: str) -> Document:
    session = target.data
    return Document(
        calendars.session_calendar(session),
        calendars.filename(session.event, "termin", session.pk),
    )


def _feed(access, params) -> Target:
    return Target(data=calendars.feed_for_token(str(params.get("token", ""))))


def _feed_ics(target: Target, fmt: str) -> Document:
    feed = target.data
    return Document(
        calendars.feed_calendar(feed),
        f"neue-wege-{feed.prefix}.ics",
        inline=True,
        # The URL is the secret: never kept by shared caches, never indexed.
        headers={"Cache-Control": "private, max-age=900", "X-Robots-Tag": "noindex"},
    )


EVENT_ICS = Exporter(
    name="event-calendar",
    label=_("Calendar file of an event"),
    formats=("ics",),
    find=_public_event,
    permission=PUBLIC,
    produce=_event_ics,
)
SESSION_ICS = Exporter(
    name="session-calendar",
    label=_("Calendar file of a date"),
    formats=("ics",),
    find=_public_session,
    permission=PUBLIC,
    produce=_session_ics,
)
FEED_ICS = Exporter(
    name="calendar-feed",
    label=_("Subscribed calendar"),
    formats=("ics",),
    find=_feed,
    permission=PUBLIC,
    produce=_feed_ics,
)


def register():
    for declared in (REGISTRATIONS, EVENT_ICS, SESSION_ICS, FEED_ICS):
        exporters.register(declared)
