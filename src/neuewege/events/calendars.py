"""Calendar files (RFC 5545) of events, sessions and subscribable feeds, and the feeds' tokens.

Times are written in Europe/Berlin with a VTIMEZONE, so that calendar programs keep 9:30 at
9:30 across a change to or from summer time. A series planned from a rhythm is written as one
VEVENT with its RRULE and an EXDATE per cancelled date; every other calendar holds one VEVENT
per date, with a UID that stays the same for the date, so an imported or subscribed calendar
updates its entries instead of duplicating them.

A feed is a secret URL: only the SHA-256 digest of its token is stored, and it can be revoked.
"""

import secrets
from datetime import UTC, datetime, time, timedelta
from itertools import islice

from dateutil import rrule
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Event, vRecur

from neuewege.core import start
from neuewege.core.access import CHANGE, Access
from neuewege.core.calendars import finish_calendar, host, new_calendar
from neuewege.core.errors import NotFound, PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person
from neuewege.core.tokens import token_digest

from .models import CalendarFeed, EventSession, ParentEvent
from .permissions import PLAN

FEED_DAYS_BACK = 90
FEED_STATUSES = [*ParentEvent.LIVE_STATUSES, ParentEvent.Status.CANCELLED]


# Calendar files


def event_calendar(event: ParentEvent) -> bytes:
    """An event's dates: a series with its rule as one recurring VEVENT, otherwise one VEVENT
    per date that is not cancelled. Every entry of a cancelled event has STATUS:CANCELLED."""
    sessions = list(event.sessions.select_related("module"))
    calendar = new_calendar(event.title)
    series = _series_component(event, sessions)
    if series is not None:
        calendar.add_component(series)
    else:
        for session in sessions:
            if not session.is_cancelled:
                calendar.add_component(_session_component(event, session))
    return finish_calendar(calendar)


def session_calendar(session: EventSession) -> bytes:
    """One date (cancelled: with STATUS:CANCELLED)."""
    calendar = new_calendar(session.event.title)
    calendar.add_component(_session_component(session.event, session))
    return finish_calendar(calendar)


def feed_calendar(feed: CalendarFeed) -> bytes:
    """A subscribed calendar: every date of the feed's events from 90 days back on; cancelled
    dates stay in it with STATUS:CANCELLED, so subscribers see the cancellation."""
    calendar = new_calendar(str(feed.institution or feed.person))
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for session in feed_sessions(feed):
        calendar.add_component(_session_component(session.event, session))
    return finish_calendar(calendar, method=None)


def feed_sessions(feed: CalendarFeed):
    sessions = EventSession.objects.filter(
        starts_at__gte=timezone.now() - timedelta(days=FEED_DAYS_BACK),
        event__status__in=FEED_STATUSES,
    )
    if feed.institution_id:
        sessions = sessions.filter(event__family_centre_id=feed.institution_id)
    else:
        sessions = sessions.filter(event__speakers=feed.person_id).distinct()
    return sessions.select_related("event__family_centre", "event__format", "module").order_by(
        "starts_at", "pk"
    )


def filename(event: ParentEvent, prefix: str, pk: int) -> str:
    """An ASCII file name such as ``elterncafe-am-dienstag-12.ics``."""
    return f"{slugify(event.title)[:60].strip('-') or prefix}-{pk}.ics"


def public_event_url(event: ParentEvent) -> str:
    """The event's page for parents, absolute (calendar programs open it from the entry)."""
    return settings.BASE_URL + reverse("public-event-detail", kwargs={"pk": event.pk})


def _local(moment: datetime) -> datetime:
    return moment.astimezone(timezone.get_default_timezone())


def _base_component(event: ParentEvent, uid: str, starts_at, ends_at, cancelled: bool) -> Event:
    centre = event.family_centre
    component = Event()
    component.add("uid", uid)
    component.add("dtstamp", timezone.now())
    component.add("last-modified", event.updated_at)
    component.add("dtstart", _local(starts_at))
    component.add("dtend", _local(ends_at))
    component.add("location", location(centre))
    if centre.latitude is not None and centre.longitude is not None:
        component.add("geo", (float(centre.latitude), float(centre.longitude)))
    url = public_event_url(event)
    component.add("url", url)
    component.add("description", _description(event, url))
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return component


def _session_component(event: ParentEvent, session: EventSession) -> Event:
    cancelled = session.is_cancelled or event.status == ParentEvent.Status.CANCELLED
    component = _base_component(
        event, f"session-{session.pk}@{host()}", session.starts_at, session.ends_at, cancelled
    )
    summary = event.title
    if session.module is not None:
        summary = f"{event.title}: {session.module}"
    component.add("summary", summary)
    return component


def _series_component(event: ParentEvent, sessions: list[EventSession]) -> Event | None:
    """One recurring VEVENT, when the event is a series whose dates are exactly those of its
    rule (dates moved by hand, or a rule that cannot be read, give one VEVENT per date)."""
    if event.shape != ParentEvent.Shape.SERIES or not event.recurrence or not sessions:
        return None
    first = sessions[0]
    recur = _recurrence(event.recurrence, first.starts_at)
    if recur is None:
        return None
    duration = first.ends_at - first.starts_at
    try:
        rule = rrule.rrulestr(recur.to_ical().decode(), dtstart=_local(first.starts_at))
        dates = list(islice(rule, len(sessions) + 1))
    except (ValueError, TypeError, OverflowError):
        return None
    if dates != [s.starts_at for s in sessions] or any(
        s.ends_at - s.starts_at != duration for s in sessions
    ):
        return None
    cancelled = event.status == ParentEvent.Status.CANCELLED
    component = _base_component(
        event, f"event-{event.pk}@{host()}", first.starts_at, first.ends_at, cancelled
    )
    component.add("summary", event.title)
    component.add("rrule", recur)
    excluded = [_local(s.starts_at) for s in sessions if s.is_cancelled]
    if excluded:
        component.add("exdate", excluded)
    return component


def _recurrence(text: str, first_start: datetime) -> vRecur | None:
    """The event's RRULE, with UNTIL in UTC as RFC 5545 asks when DTSTART has a time zone."""
    try:
        recur = vRecur.from_ical(text.strip().removeprefix("RRULE:"))
    except (ValueError, TypeError):
        return None
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        if not isinstance(until, datetime):
            until = datetime.combine(until, time.max.replace(microsecond=0))
        if timezone.is_naive(until):
            until = timezone.make_aware(until, timezone.get_default_timezone())
        recur["UNTIL"] = [until.astimezone(UTC)]
    return recur


def location(centre: Institution) -> str:
    place = " ".join(part for part in (centre.postcode, centre.town) if part)
    return ", ".join(part for part in (centre.name, centre.street, place) if part)


def _description(event: ParentEvent, url: str) -> str:
    parts = [str(event.format)]
    if event.status == ParentEvent.Status.CANCELLED:
        parts.append(_("This event has been cancelled."))
        if event.cancellation_reason:
            parts.append(event.cancellation_reason)
    if event.description:
        parts.append(event.description)
    if event.childcare_offered:
        parts.append(_("Childcare is offered during the event."))
    parts.append(_("Details and booking: %(url)s") % {"url": url})
    return "\n\n".join(parts)


# Feeds behind a token


def create_feed(
    *, access: Access, institution: Institution | None = None, person: Person | None = None
) -> tuple[CalendarFeed, str]:
    """A feed of a family centre the account plans events for, or of the account's own
    speaking dates. Returns the feed and its secret token, which is shown once."""
    if (institution is None) == (person is None):
        raise ValidationFailed({"calendar": _("Choose either a family centre or your own dates.")})
    if institution is not None and not access.has(PLAN, institution):
        raise PermissionDenied(_("You may not subscribe to this family centre's events."))
    if person is not None and (access.own_person_id is None or person.pk != access.own_person_id):
        raise PermissionDenied(_("You can only subscribe to your own speaking dates."))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        feed = CalendarFeed.objects.create(
            institution=institution,
            person=person,
            digest=token_digest(secret),
            prefix=secret[:8],
            created_by=access.user,
        )
    return feed, secret


def revoke_feed(*, access: Access, feed_id: int) -> None:
    with transaction.atomic(durable=True):
        updated = (
            feeds_of(access)
            .filter(pk=feed_id, revoked_at__isnull=True)
            .update(revoked_at=timezone.now())
        )
    if not updated:
        raise ValidationFailed(_("This calendar feed does not exist or is already revoked."))
    start.changed("events.CalendarFeed")  # the update sends no signal


def feeds_of(access: Access):
    """The feeds the account created."""
    if not access.is_authenticated or access.user is None:
        return CalendarFeed.objects.none()
    return CalendarFeed.objects.filter(created_by=access.user).select_related(
        "institution", "person"
    )


def feed_for_token(token: str) -> CalendarFeed:
    """The feed of a token that is neither revoked nor of a deactivated account."""
    feed = (
        CalendarFeed.objects.select_related("institution", "person")
        .filter(
            digest=token_digest(token or ""),
            revoked_at__isnull=True,
            created_by__is_active=True,
        )
        .first()
    )
    if feed is None:
        raise NotFound(_("This calendar does not exist or was revoked."))
    return feed


def plannable_centres(access: Access):
    """The family centres whose feed this account may create (those it plans events for)."""
    ids = set()
    for region in access.regions_by_key.values():
        ids.update(
            access.institutions_for(CHANGE, region).family_centres().values_list("pk", flat=True)
        )
    centres = Institution.objects.filter(pk__in=ids).select_related("region").order_by("name")
    return [centre for centre in centres if access.has(PLAN, centre)]


def public_events():
    """Events whose calendar files anyone may download (no drafts)."""
    return ParentEvent.objects.exclude(status=ParentEvent.Status.DRAFT).select_related(
        "family_centre", "format"
    )


def public_session(pk: int) -> EventSession:
    session = (
        EventSession.objects.filter(~Q(event__status=ParentEvent.Status.DRAFT), pk=pk)
        .select_related("event__family_centre", "event__format", "module")
        .first()
    )
    if session is None:
        raise NotFound(_("This date does not exist."))
    return session
