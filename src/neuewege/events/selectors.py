"""Reads of events for the staff pages, scoped through the access policy: every queryset starts
from ``ParentEvent.objects.visible_to(access)`` (or the region's people), so a record outside
the account's regions does not exist for it."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from neuewege.core.access import Access
from neuewege.core.models import Person, Region
from neuewege.core.start import START_ROWS, first_rows

from .models import (
    LONGEST_DATE,
    CalendarFeed,
    ConsentText,
    EventSession,
    Format,
    Notification,
    ParentEvent,
    Registration,
    booking_code,
    free_places,
)
from .permissions import PLAN, RECORD_ATTENDANCE, SEE_CONTACTS
from .services.planning import SPEAKER_KINDS

# Messages the family centre passes on by phone to parents without an e-mail address. The
# confirmation of a booking is not among them: the parent booked on the phone or saw it on screen.
CALL_KINDS = (Notification.Kind.MOVED_UP, Notification.Kind.EVENT_CANCELLED)
AGE_GROUPS = (("under_3", 0, 2), ("age_3_to_5", 3, 5), ("age_6_to_14", 6, 14))


def related_count(queryset):
    """A correlated COUNT(*) subquery (no GROUP BY), 0 when nothing matches: one query for a
    whole list, whatever its size."""
    return Coalesce(
        Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")),
        0,
        output_field=IntegerField(),
    )


def region_events(access: Access, region: Region):
    """The events of ``region`` for the staff list, with their first, next and last date and
    counts. ``next_start`` is None when no date lies ahead. Filtered and ordered by
    ``filters.EventFilter``."""
    now = timezone.now()
    dates = EventSession.objects.filter(event=OuterRef("pk"), is_cancelled=False)
    ahead = dates.not_over(now)
    registrations = Registration.objects.filter(event=OuterRef("pk"))
    return (
        ParentEvent.objects.visible_to(access)
        .filter(family_centre__region=region)
        .select_related("family_centre", "format")
        .annotate(
            first_start=Subquery(dates.order_by("starts_at").values("starts_at")[:1]),
            last_end=Subquery(dates.order_by("-ends_at").values("ends_at")[:1]),
            next_start=Subquery(ahead.order_by("starts_at").values("starts_at")[:1]),
            session_count=related_count(EventSession.objects.filter(event=OuterRef("pk"))),
            confirmed_count=related_count(
                registrations.filter(status=Registration.Status.CONFIRMED)
            ),
            waitlisted_count=related_count(
                registrations.filter(status=Registration.Status.WAITLISTED)
            ),
        )
    )


def region_family_centres(region: Region):
    return region.institutions.family_centres().order_by("name", "pk")


def plannable_centres(access: Access, region: Region):
    """The family centres of ``region`` this account plans events for: staff their own centre,
    the coordinator every family centre of the region."""
    return access.institutions_for(PLAN, region).select_related("region").order_by("name", "pk")


def formats():
    return Format.objects.prefetch_related("modules").order_by("pk")


def speakers(access: Access, region: Region):
    """People who may speak at events of the region: employment agency, job centre, education
    provider, equality office."""
    return (
        access.people()
        .filter(institution__region=region, institution__kind__in=SPEAKER_KINDS)
        .select_related("institution")
        .order_by("last_name", "first_name", "pk")
    )


def event_detail(access: Access, pk: int) -> ParentEvent:
    """One event with what its pages show; ``ParentEvent.DoesNotExist`` outside the account's
    regions."""
    return (
        ParentEvent.objects.visible_to(access)
        .select_related("family_centre__region", "format")
        .prefetch_related(
            Prefetch("speakers", Person.objects.select_related("institution")),
            Prefetch(
                "sessions",
                EventSession.objects.select_related("module").annotate(
                    present_count=Count("attendees")
                ),
            ),
        )
        .get(pk=pk)
    )


def session_detail(access: Access, pk: int) -> EventSession:
    session = (
        EventSession.objects.filter(event__in=ParentEvent.objects.visible_to(access))
        .select_related("event__family_centre__region", "event__format", "module")
        .prefetch_related("event__speakers")
        .get(pk=pk)
    )
    session.region = session.event.family_centre.region
    return session


def registration_detail(access: Access, pk: int) -> Registration:
    registration = (
        Registration.objects.filter(event__in=ParentEvent.objects.visible_to(access))
        .select_related("event__family_centre__region", "session")
        .get(pk=pk)
    )
    registration.region = registration.event.family_centre.region
    return registration


def notification_detail(access: Access, pk: int) -> Notification:
    notification = (
        Notification.objects.filter(registration__event__in=ParentEvent.objects.visible_to(access))
        .select_related("registration__event__family_centre__region", "registration__session")
        .get(pk=pk)
    )
    notification.region = notification.registration.event.family_centre.region
    return notification


def current_consent(purpose: str) -> ConsentText | None:
    return (
        ConsentText.objects.filter(purpose=purpose, valid_from__lte=timezone.now())
        .order_by("-version")
        .first()
    )


# Units, counts and childcare


@dataclass
class Childcare:
    """Children to look after at one date, by age group."""

    under_3: int = 0
    age_3_to_5: int = 0
    age_6_to_14: int = 0

    @property
    def children(self):
        return self.under_3 + self.age_3_to_5 + self.age_6_to_14

    def add(self, ages):
        for age in ages or []:
            for name, low, high in AGE_GROUPS:
                if low <= age <= high:
                    setattr(self, name, getattr(self, name) + 1)


@dataclass
class Unit:
    """What a parent books: one date of a single event or a series, or a whole course
    (``session`` is None then)."""

    session: EventSession | None
    confirmed: list = field(default_factory=list)
    waitlisted: list = field(default_factory=list)

    @property
    def childcare(self) -> Childcare:
        totals = Childcare()
        for registration in self.confirmed:
            totals.add(registration.child_ages)
        return totals


def active_registrations(event: ParentEvent):
    """Confirmed and waiting registrations, in the order they came in."""
    return (
        event.registrations.exclude(status=Registration.Status.CANCELLED)
        .filter(anonymised_at__isnull=True)
        .select_related("session")
        .prefetch_related("attended_sessions")
        .order_by("created_at", "pk")
    )


MAX_FOUND = 50


def find_registrations(event: ParentEvent, query: str) -> list[Registration]:
    """Registrations of the event (cancelled ones too) whose booking code is ``query`` (any
    case) or whose first name contains it: the parent on the phone quotes the code."""
    query = (query or "").strip()
    if not query:
        return []
    code = booking_code(query)
    return list(
        event.registrations.filter(anonymised_at__isnull=True)
        .filter(Q(code=code) | Q(first_name__icontains=query))
        .select_related("session")
        .order_by("created_at", "pk")[:MAX_FOUND]
    )


def registration_by_code(access: Access, region: Region, code: str) -> Registration | None:
    """The booking a parent quotes on the phone by its code (any case), among the events of the
    centres whose parents' contacts this account may see in ``region``."""
    code = booking_code(code)
    if code is None:
        return None
    return (
        Registration.objects.filter(
            code=code,
            event__family_centre__in=access.institutions_for(SEE_CONTACTS, region),
            anonymised_at__isnull=True,
        )
        .select_related("event")
        .first()
    )


def units(event: ParentEvent, registrations=None) -> list[Unit]:
    """The event's units with their confirmed and waiting lists (one query for the
    registrations; the event's sessions are expected prefetched)."""
    registrations = list(active_registrations(event) if registrations is None else registrations)
    sessions = list(event.sessions.all())
    if event.is_course:
        result = {None: Unit(session=None)}
    else:
        result = {session.pk: Unit(session=session) for session in sessions}
    for registration in registrations:
        unit = result.get(None if event.is_course else registration.session_id)
        if unit is None:
            continue
        if registration.status == Registration.Status.CONFIRMED:
            unit.confirmed.append(registration)
        elif registration.status == Registration.Status.WAITLISTED:
            unit.waitlisted.append(registration)
    return list(result.values())


def childcare_by_session(event: ParentEvent, event_units: list[Unit]):
    """[(session, Childcare)] for every date not cancelled: what the centre must plan for."""
    by_unit = {unit.session.pk if unit.session else None: unit.childcare for unit in event_units}
    return [
        (session, by_unit.get(None if event.is_course else session.pk, Childcare()))
        for session in event.sessions.all()
        if not session.is_cancelled
    ]


def unit_counts(event: ParentEvent) -> dict:
    """{session id (None for a course): {"confirmed": n, "waitlisted": n}} in one query."""
    counts = {}
    rows = (
        event.registrations.filter(
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
        )
        .values_list("session_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for session_id, status, n in rows:
        key = None if event.is_course else session_id
        counts.setdefault(key, {"confirmed": 0, "waitlisted": 0})[status] += n
    return counts


def calls_due(event: ParentEvent):
    """Messages to parents without an e-mail address that the family centre still has to pass
    on by phone (moved up from the waiting list, event or date cancelled)."""
    return (
        _calls_pending(registration__event=event)
        .select_related("registration__session", "session")
        .order_by("created_at", "pk")
    )


def _calls_pending(**scope):
    """Messages not passed on yet to parents without an e-mail address, within ``scope``."""
    return Notification.objects.filter(
        Q(registration__email="") | Q(registration__email__isnull=True),
        registration__anonymised_at__isnull=True,
        sent_at__isnull=True,
        kind__in=CALL_KINDS,
        **scope,
    )


# The API's reads


def events_with_span(access: Access):
    """The events the account sees, with the first and last date that is not cancelled."""
    dates = EventSession.objects.filter(event=OuterRef("pk"), is_cancelled=False)
    return (
        ParentEvent.objects.visible_to(access)
        .select_related("family_centre__region", "format")
        .prefetch_related("speakers")
        .annotate(
            first_start=Subquery(dates.order_by("starts_at").values("starts_at")[:1]),
            last_end=Subquery(dates.order_by("-ends_at").values("ends_at")[:1]),
        )
    )


def events_with_dates(access: Access):
    return events_with_span(access).prefetch_related(
        Prefetch("sessions", EventSession.objects.select_related("module"))
    )


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def find_events(
    access: Access,
    *,
    region: Region | None = None,
    family_centre_id: int | None = None,
    status: str | None = None,
    format_code: str | None = None,
    starts_from: date | None = None,
    starts_until: date | None = None,
):
    """Events with a date in the period (local days, both included), soonest first."""
    events = events_with_span(access)
    if region:
        events = events.filter(family_centre__region=region)
    if family_centre_id:
        events = events.filter(family_centre_id=family_centre_id)
    if status:
        events = events.filter(status=status)
    if format_code:
        events = events.filter(format__code=format_code)
    if starts_from or starts_until:
        dates = EventSession.objects.filter(event=OuterRef("pk"), is_cancelled=False)
        if starts_from:
            dates = dates.filter(starts_at__gte=local_midnight(starts_from))
        if starts_until:
            dates = dates.filter(starts_at__lt=local_midnight(starts_until + timedelta(days=1)))
        events = events.filter(Exists(dates))
    return events.order_by(F("first_start").asc(nulls_last=True), "pk")


def event_with_contacts(access: Access, pk: int) -> ParentEvent:
    """An event whose registrations (parents' contacts) the account may read; to everyone else
    it does not exist (``ParentEvent.DoesNotExist``)."""
    event = ParentEvent.objects.visible_to(access).select_related("family_centre").get(pk=pk)
    if not access.has(SEE_CONTACTS, event):
        raise ParentEvent.DoesNotExist
    return event


def upcoming_public_events(*, region: Region | None = None, format_code: str | None = None):
    """Published events with dates ahead, soonest first, with those dates (no personal data)."""
    ahead = EventSession.objects.filter(is_cancelled=False, starts_at__gt=timezone.now())
    events = ParentEvent.objects.filter(
        Exists(ahead.filter(event=OuterRef("pk"))), status=ParentEvent.Status.PUBLISHED
    )
    if region:
        events = events.filter(family_centre__region=region)
    if format_code:
        events = events.filter(format__code=format_code)
    return (
        events.select_related("family_centre__region", "format")
        .prefetch_related(
            Prefetch(
                "sessions",
                ahead.select_related("module").order_by("starts_at", "pk"),
                to_attr="upcoming_sessions",
            )
        )
        .annotate(
            next_start=Subquery(
                ahead.filter(event=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
            )
        )
        .order_by("next_start", "pk")
    )


# The start page's panels (core/start.py): each reads a fixed number of queries.

SOON = timedelta(days=14)
ATTENDANCE_SINCE = timedelta(days=90)  # older dates without attendance are history


def _in_language(name: str) -> list[str]:
    """The columns a translated field reads: the active language's and the fallback's."""
    return sorted({build_localized_fieldname(name, get_language() or "de"), name + "_de"})


def _date_rows(sessions):
    """Dates as the panels list them: what they show, no more (a narrow query)."""
    return sessions.select_related("event__family_centre", "module").only(
        "starts_at",
        "ends_at",
        "event_id",
        "module_id",
        *_in_language("event__title"),
        "event__shape",
        "event__capacity",
        "event__childcare_offered",
        "event__family_centre__name",
        "event__family_centre__street",
        "event__family_centre__postcode",
        "event__family_centre__town",
        "module__number",
        *_in_language("module__motto"),
    )


def _upcoming(sessions):
    now = timezone.now()
    return sessions.of_live_events().not_over(now).filter(is_cancelled=False)


def _with_counts(rows: list[EventSession]) -> list[EventSession]:
    """Set ``confirmed``, ``waitlisted`` and ``childcare`` (confirmed children by age group) on
    each date; a course counts per course. One query for all dates."""
    if not rows:
        return rows
    per_unit: dict[tuple, dict] = {}
    registrations = Registration.objects.filter(
        Q(session__in=[row.pk for row in rows]) | Q(session__isnull=True),
        event__in={row.event_id for row in rows},
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
    ).values_list("event_id", "session_id", "status", "child_ages")
    for event_id, session_id, status, ages in registrations:
        unit = per_unit.setdefault((event_id, session_id), {"confirmed": 0, "waitlisted": 0})
        if status == Registration.Status.CONFIRMED:
            unit["confirmed"] += 1
            unit.setdefault("childcare", Childcare()).add(ages)
        else:
            unit["waitlisted"] += 1
    for row in rows:
        unit = per_unit.get((row.event_id, None if row.event.is_course else row.pk), {})
        row.confirmed = unit.get("confirmed", 0)
        row.waitlisted = unit.get("waitlisted", 0)
        row.childcare = unit.get("childcare", Childcare())
        row.free_places = free_places(row.event.capacity, row.confirmed, row.waitlisted)
    return rows


def coming_dates(access: Access, region: Region, user) -> dict:
    """Dates of the next two weeks at the family centres the account plans events for (the
    coordinator: the region's; staff: their centre's), with registrations, free places, the
    waiting list, childcare by age group and whether a speaker is missing."""
    speakers = ParentEvent.speakers.through.objects.filter(parentevent_id=OuterRef("event_id"))
    sessions = (
        _upcoming(EventSession.objects)
        .filter(
            starts_at__lt=timezone.now() + SOON,
            event__family_centre__in=access.institutions_for(PLAN, region),
        )
        .annotate(has_speaker=Exists(speakers))
        .order_by("starts_at", "pk")
    )
    rows, total = first_rows(_date_rows(sessions))
    return {"dates": _with_counts(rows), "total": total}


def calls_to_make(access: Access, region: Region, user) -> dict:
    """Per event of the account's centres: how many messages to parents without e-mail are
    still to pass on by phone (as ``calls_due``). Counts only — the names and numbers stay on
    the event's registrations page, which logs their reading."""
    centres = access.institutions_for(SEE_CONTACTS, region)
    calls = _calls_pending(registration__event__family_centre__in=centres)
    events = (
        calls.values(
            "registration__event",
            "registration__event__title",
            "registration__event__family_centre__name",
        )
        .annotate(calls=Count("pk"), since=Min("created_at"))
        .order_by("since", "registration__event")
    )
    rows = [
        {
            "event_id": row["registration__event"],
            "title": row["registration__event__title"],
            "centre": row["registration__event__family_centre__name"],
            "calls": row["calls"],
            "since": row["since"],
        }
        for row in events[:START_ROWS]
    ]
    total = sum(row["calls"] for row in rows)
    if len(rows) == START_ROWS:
        total = calls.count()
    return {"events": rows, "total": total}


def _attendance_due(sessions):
    now = timezone.now()
    return (
        sessions.of_live_events()
        .filter(
            is_cancelled=False,
            attendance_recorded_at__isnull=True,
            ends_at__lte=now,
            ends_at__gt=now - ATTENDANCE_SINCE,
            starts_at__gt=now - ATTENDANCE_SINCE - LONGEST_DATE,  # for the index on starts_at
        )
        .order_by("-starts_at", "-pk")
    )


def attendance_to_record(access: Access, region: Region, user) -> dict:
    """Past dates (of the last 90 days) of the account's centres whose attendance nobody has
    recorded yet."""
    centres = access.institutions_for(RECORD_ATTENDANCE, region)
    rows, total = first_rows(
        _date_rows(_attendance_due(EventSession.objects.filter(event__family_centre__in=centres)))
    )
    return {"dates": rows, "total": total}


def my_dates(access: Access, region: Region, user) -> dict | None:
    """A speaker's next dates in the region (place and time), their attendance still to record,
    and whether they subscribe to their dates in a calendar."""
    person = access.own_person_id
    if person is None:
        return None
    mine = EventSession.objects.filter(event__speakers=person, event__family_centre__region=region)
    upcoming, total = first_rows(_date_rows(_upcoming(mine)).order_by("starts_at", "pk"))
    attendance, attendance_total = first_rows(_date_rows(_attendance_due(mine)))
    return {
        "dates": upcoming,
        "total": total,
        "attendance": attendance,
        "attendance_total": attendance_total,
        "has_feed": CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).exists(),
    }
