"""Kept counts: the registrations, attendance, invitations, responses and answers the results
count, added up per month, family centre, region and format, so that a page reads a few
thousand kept rows instead of counting every registration (``results.compute``).

How they stay exact:

- Every change to what is counted marks what it touched as stale, in the same transaction:
  an event (``StaleEvent``: its registrations, attendance, dates or status) or a month of the
  survey (``StaleMonth``: its invitations and responses). The marks come from the model
  signals of events and evaluation, declared here (events knows nothing of evaluation); the
  two writes that bypass the signals (``QuerySet.update`` of an invitation's sending, bulk
  demo data) mark or recount themselves.
- A read counts the kept rows of what is not stale and, from the rows themselves, what is
  stale and the month now running (whose dates have not all begun: ``results``). So every
  figure equals a full recount at any time, however long ago the counts were refreshed.
- The due job ``refresh_kept_counts`` (each call of ``run-due-jobs``, every 15 minutes)
  recounts the stale events and months and clears their marks; the faster it runs, the fewer
  rows a page counts. ``neuewege rebuild-counts`` recounts everything (after a restore into an
  older schema, or when in doubt).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, TruncDay, TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from neuewege.core.compiled import OneOf, Param, compiled
from neuewege.events.models import EventSession, ParentEvent, Registration

from .models import (
    Answer,
    AnswerCount,
    DayCount,
    EventCount,
    Question,
    StaleEvent,
    StaleMonth,
    SurveyCount,
    SurveyInvitation,
    SurveyResponse,
)
from .questionnaires import CENTRE_FEEDBACK, PARENT_FOLLOW_UP, SPEAKER_FEEDBACK

HELPFUL_FROM = 4  # "helpful": 4 or 5 on the scale of 1 to 5
COUNTED_QUESTIONS = ["took_step", "useful", "steps"]  # of the parents' follow-up
# the answers kept: the parents' counted questions, the professionals' scales
COUNTED_ANSWERS = Q(
    question__questionnaire__code=PARENT_FOLLOW_UP, question__code__in=COUNTED_QUESTIONS
) | Q(
    question__questionnaire__code__in=[SPEAKER_FEEDBACK, CENTRE_FEEDBACK],
    question__kind=Question.Kind.SCALE,
    number__isnull=False,
)
LOCK = 727_001  # the advisory lock that keeps two recounts apart (PostgreSQL)

# stale events named in a query's parameters at most (SQLite takes 32,766); beyond, a subquery
LISTED_EVENTS = 5_000


# What is counted: one definition for the pages and the kept counts


def _tally():
    present = Exists(
        Registration.attended_sessions.through.objects.filter(registration_id=OuterRef("pk"))
    )
    return {"registered": Count("pk"), "attended": Count("pk", filter=Q(present))}


def registrations(
    *, dates: list[Q], courses: list[Q], by_event: bool = False, by_day: bool = False
) -> list:
    """The confirmed registrations and those marked present, per region, family centre,
    format, month (and event, ``by_event``), in one query: a date's registrations in the month
    of the date, a course's in the month of its first date that is not cancelled; only dates
    of live events that are not cancelled. ``dates`` are disjoint selections of the
    registrations of a date (``session__…``), ``courses`` of those of a course (``event__…``):
    each counted on its own (so that each can use its index), the rows put together.
    Rows: (region, family centre, format, month, event or None, registered, attended);
    ``by_day``: the day instead of the month."""
    query = registrations_query(dates=dates, courses=courses, by_event=by_event, by_day=by_day)
    return [_registration(row) for row in query]


def registrations_query(
    *, dates: list[Q], courses: list[Q], by_event: bool = False, by_day: bool = False
) -> QuerySet:
    """The query of ``registrations``: rows of region, centre, format, month, (of_event),
    registered, attended."""
    trunc = _period(by_day)
    confirmed = Registration.objects.filter(status=Registration.Status.CONFIRMED)
    singles = confirmed.filter(
        session__event__status__in=ParentEvent.LIVE_STATUSES, session__is_cancelled=False
    )
    first_date = (
        EventSession.objects.filter(event_id=OuterRef("event_id"), is_cancelled=False)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    course_rows = (
        confirmed.filter(
            session__isnull=True,
            event__status__in=ParentEvent.LIVE_STATUSES,
            event__shape=ParentEvent.Shape.COURSE,
        )
        .annotate(first_date=Subquery(first_date))
        .filter(first_date__isnull=False)
    )
    counted = [
        singles.filter(part)
        .values(
            region=F("session__event__family_centre__region_id"),
            centre=F("session__event__family_centre_id"),
            format=F("session__event__format__code"),
            month=trunc("session__starts_at"),
            **({"of_event": F("session__event_id")} if by_event else {}),
        )
        .annotate(**_tally())
        .order_by()
        for part in dates
    ] + [
        course_rows.filter(part)
        .values(
            region=F("event__family_centre__region_id"),
            centre=F("event__family_centre_id"),
            format=F("event__format__code"),
            month=trunc("first_date"),
            **({"of_event": F("event_id")} if by_event else {}),
        )
        .annotate(**_tally())
        .order_by()
        for part in courses
    ]
    return counted[0].union(*counted[1:], all=True)


def _period(by_day: bool):
    """The day or the month (Berlin time) of a moment, as a date."""
    trunc = TruncDay if by_day else TruncMonth
    return lambda moment: Cast(trunc(moment), DateField())


def _registration(row: dict) -> tuple:
    return (
        row["region"],
        row["centre"],
        row["format"],
        _as_date(row["month"]),
        row.get("of_event"),
        row["registered"],
        row["attended"],
    )


def courses_begun(since, until, among: Q | None = None) -> Q:
    """The courses whose first date that is not cancelled lies in [since, until): with such a
    date in it and none before (through the index on the dates' start). ``among``: of these
    events only (``event_id``), asked first (the stale events: often none, where a year's
    courses would be looked through)."""
    dates = EventSession.objects.filter(is_cancelled=False)
    begun = (
        dates.of_live_events()
        .filter(among or Q())
        .filter(event__shape=ParentEvent.Shape.COURSE, starts_at__gte=since, starts_at__lt=until)
        .exclude(Exists(dates.filter(event_id=OuterRef("event_id"), starts_at__lt=since)))
        .values("event_id")
    )
    return Q(event_id__in=begun)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass(frozen=True)
class WindowShape:
    """What a window's queries look like (``window_counts``): with kept days inside it (and
    a part of a day before them, after them), with many stale events (read through a
    subquery), of some regions only."""

    kept: bool
    head: bool
    tail: bool
    many: bool
    regions: bool

    def ranges(self) -> list[tuple]:
        """The (from, until, of the stale events only) ranges counted from the rows."""
        since, kept_from, kept_until, until = WINDOW.values()
        if not self.kept:
            return [(since, until, False)]
        return [
            *([(since, kept_from, False)] if self.head else []),
            *([(kept_until, until, False)] if self.tail else []),
            (kept_from, kept_until, True),
        ]


WINDOW = {
    name: Param(name, DateTimeField()) for name in ("since", "kept_from", "kept_until", "until")
}
KEPT_DAYS = {name: Param(name, DateField()) for name in ("first_day", "end_day")}


def window_counts(since: datetime, until: datetime, *, regions: list[int] | None = None):
    """The dates held and the registrations marked present in [since, until), from the kept
    counts per day (``DayCount``) of the whole days inside it (not of the events changed since
    they were kept) and from the rows for the rest: a few kept rows per event instead of every
    registration. Held: (event, region, centre, format, dates held) rows; present: (region,
    centre, registrations marked present) rows — a date's on the day of the date, a course's
    on the day of its first date (the evaluation's rule). ``regions``: of these regions only
    (None: of every region). Four queries, whatever is stale, each compiled once per shape
    (``core.compiled``)."""
    kept_from = _day_start(since, up=True)
    kept_until = max(kept_from, _day_start(until, up=False))
    # read once: the same events left out of the kept rows as counted from their rows, even if
    # the recount job commits meanwhile (a few: the job clears them every 15 minutes)
    stale = sorted(set(stale_events().values_list("event_id", flat=True)))
    kept = kept_from < kept_until
    shape = WindowShape(
        kept=kept,
        head=kept and since < kept_from,
        tail=kept and kept_until < until,
        # many (after a migration marked every event): a subquery instead of a list
        many=len(stale) > LISTED_EVENTS,
        regions=regions is not None,
    )
    values = {
        "since": since,
        "kept_from": kept_from,
        "kept_until": kept_until,
        "until": until,
        "first_day": timezone.localtime(kept_from).date(),
        "end_day": timezone.localtime(kept_until).date(),
        "stale": stale,
        "regions": list(regions or []),
    }

    def rows(name, model, build):
        return compiled((name, shape), model, lambda: build(shape)).rows(**values)

    held = [
        (row.event_id, row.region, row.centre, row.format, row.sessions)
        for row in rows("window-held", EventSession, _window_held)
    ]
    attended = [
        (row.region, row.centre, row.attended)
        for row in rows("window-present", Registration, _window_present)
    ]
    if shape.kept:
        for row in rows("window-kept", DayCount, _window_kept):
            held.append(
                (row.event_id, row.region_id, row.family_centre_id, row.format, row.sessions)
            )
            attended.append((row.region_id, row.family_centre_id, row.attended))
    return held, attended


def _window_stale(shape: WindowShape):
    """The stale events: listed in one parameter, or when many read through a subquery."""
    if shape.many:
        return Q(event_id__in=stale_events())
    return OneOf("event_id", "stale")


def _window_parts(shape: WindowShape, begins: str, event: str) -> list:
    """The selections of ``window_counts`` counted from the rows: the window's edges outside
    the kept days, and the stale events' dates inside them."""
    parts = [
        Q(**{f"{begins}__gte": start, f"{begins}__lt": end})
        & (Q(_window_stale(shape)) if stale else Q())
        for start, end, stale in shape.ranges()
    ]
    if shape.regions:
        parts = [part & Q(OneOf(f"{event}family_centre__region_id", "regions")) for part in parts]
    return parts


def _window_held(shape: WindowShape) -> QuerySet:
    return held_dates_query(_window_parts(shape, "starts_at", "event__"))


def _window_present(shape: WindowShape) -> QuerySet:
    courses = [
        courses_begun(start, end, Q(_window_stale(shape)) if stale else None)
        for start, end, stale in shape.ranges()
    ]
    if shape.regions:
        courses = [
            part & Q(OneOf("event__family_centre__region_id", "regions")) for part in courses
        ]
    return registrations_query(
        dates=_window_parts(shape, "session__starts_at", "session__event__"), courses=courses
    )


def _window_kept(shape: WindowShape) -> QuerySet:
    kept = DayCount.objects.filter(day__gte=KEPT_DAYS["first_day"], day__lt=KEPT_DAYS["end_day"])
    if shape.regions:
        kept = kept.filter(OneOf("region_id", "regions"))
    return (
        kept.exclude(_window_stale(shape))
        .values_list("event_id", "region_id", "family_centre_id", "format")
        .annotate(sessions=Sum("sessions"), attended=Sum("attended"))
        .order_by()
    )


def _day_start(moment: datetime, *, up: bool) -> datetime:
    """The first moment of ``moment``'s day (Berlin time), or of the next day when ``up`` and
    ``moment`` is not a day's first moment."""
    local = timezone.localtime(moment)
    first = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if up and first != local:
        first = (first + timedelta(days=1)).replace(hour=0)
    return timezone.make_aware(first.replace(tzinfo=None))


def stale_events():
    return StaleEvent.objects.values("event_id")


def stale_months():
    return StaleMonth.objects.values("month")


# Marking what changed


def mark_events(event_ids) -> None:
    StaleEvent.objects.bulk_create(StaleEvent(event_id=pk) for pk in set(event_ids) if pk)


def mark_months(months) -> None:
    StaleMonth.objects.bulk_create(StaleMonth(month=month) for month in set(months) if month)


def _event_changed(sender, instance, **kwargs):
    mark_events([instance.pk if sender is ParentEvent else instance.event_id])


def _attendance_changed(sender, instance, action, **kwargs):
    """Attendance marked from either side: ``registration.attended_sessions`` or
    ``session.attendees``; both know their event."""
    if action.startswith("post_"):
        mark_events([instance.event_id])


def _survey_changed(sender, instance, **kwargs):
    mark_months([instance.month])


def connect() -> None:
    """Mark the changes of what is counted (from ``EvaluationConfig.ready``)."""
    for model in (ParentEvent, EventSession, Registration):
        post_save.connect(_event_changed, sender=model, dispatch_uid=f"kept_counts_{model}")
        post_delete.connect(_event_changed, sender=model, dispatch_uid=f"kept_counts_d_{model}")
    m2m_changed.connect(
        _attendance_changed,
        sender=Registration.attended_sessions.through,
        dispatch_uid="kept_counts_attendance",
    )
    for model in (SurveyInvitation, SurveyResponse):
        post_save.connect(_survey_changed, sender=model, dispatch_uid=f"kept_counts_{model}")
        post_delete.connect(_survey_changed, sender=model, dispatch_uid=f"kept_counts_d_{model}")


# Recounting


def _lock():
    """Wait for a recount running meanwhile (PostgreSQL), and count without JIT compilation:
    compiling the counting queries takes longer than running them (measured on the state
    dataset: 1.5 s of 2.4 s for the registrations per day)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            cursor.execute("SET LOCAL jit = off")


def held_dates(dates: list[Q], *, by_day: bool = False):
    """The dates held (of live events, not cancelled) per event and month (``by_day``: day),
    with their counselling appointments: ``dates`` are disjoint selections, counted in one
    query. Rows: (event, region, family centre, format, month, dates, counselling)."""
    return [_held(row) for row in held_dates_query(dates, by_day=by_day)]


def held_dates_query(dates: list[Q], *, by_day: bool = False) -> QuerySet:
    """The query of ``held_dates``."""
    trunc = _period(by_day)
    held = EventSession.objects.of_live_events().filter(is_cancelled=False)
    counted = [
        held.filter(part)
        .values(
            "event_id",
            region=F("event__family_centre__region_id"),
            centre=F("event__family_centre_id"),
            format=F("event__format__code"),
            month=trunc("starts_at"),
        )
        .annotate(sessions=Count("pk"), counselling=Coalesce(Sum("counselling_appointments"), 0))
        .order_by()
        for part in dates
    ]
    return counted[0].union(*counted[1:], all=True)


def _held(row: dict) -> tuple:
    return (
        row["event_id"],
        row["region"],
        row["centre"],
        row["format"],
        _as_date(row["month"]),
        row["sessions"],
        row["counselling"],
    )


def _insert_sums(model, keys: list[str], sums: list[str], parts: list[tuple]) -> None:
    """Insert into ``model`` the sums of ``sums`` per ``keys`` (its columns) over the rows of
    ``parts`` — (values query, {column: the query's name for it}) — in the database, as one
    ``INSERT … SELECT``: the rows of each query put together (a sum it lacks: 0) and added up
    per key (one query's rows: as they are). The queries stay the only definition of what is
    counted."""
    quote = connection.ops.quote_name
    selects, params = [], []
    for query, names in parts:
        sql, query_params = query.query.sql_with_params()
        columns = ", ".join(
            f"{quote(names[column])} AS {quote(column)}"
            if column in names
            else f"0 AS {quote(column)}"
            for column in keys + sums
        )
        selects.append(f"SELECT {columns} FROM ({sql}) counted")  # noqa: S608 (names, ORM)
        params.extend(query_params)
    grouped = ", ".join(quote(column) for column in keys)
    into = ", ".join(quote(column) for column in keys + sums)
    if len(selects) == 1:  # counted per key already
        rows = selects[0]
    else:
        added = ", ".join(f"SUM({quote(column)})" for column in sums)
        merged = " UNION ALL ".join(selects)
        rows = f"SELECT {grouped}, {added} FROM ({merged}) merged GROUP BY {grouped}"  # noqa: S608 (names, ORM)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({into}) {rows}", params)


EVENT = ["event_id", "region_id", "family_centre_id", "format"]
OF_EVENT = {"region_id": "region", "family_centre_id": "centre", "format": "format"}


def _recount_events(event_ids: list[int] | None) -> None:
    """Replace the kept rows of ``event_ids`` (None: of every event), per day and per month: a
    day's dates held and registrations counted from the rows, a month's registrations added
    up from its days (a course's day is that of its first date, so its month is that date's
    too), its dates held and counselling appointments counted from the rows."""
    chosen = Q() if event_ids is None else Q(event_id__in=event_ids)
    DayCount.objects.filter(chosen).delete()
    EventCount.objects.filter(chosen).delete()
    _insert_sums(
        DayCount,
        [*EVENT, "day"],
        ["sessions", "registered", "attended"],
        [
            (
                held_dates_query([chosen], by_day=True),
                {"event_id": "event_id", **OF_EVENT, "day": "month", "sessions": "sessions"},
            ),
            (
                registrations_query(dates=[chosen], courses=[chosen], by_event=True, by_day=True),
                {
                    "event_id": "of_event",
                    **OF_EVENT,
                    "day": "month",
                    "registered": "registered",
                    "attended": "attended",
                },
            ),
        ],
    )
    days = (
        DayCount.objects.filter(chosen, registered__gt=0)
        .values(*EVENT, month=Cast(TruncMonth("day"), DateField()))
        .annotate(counted=Sum("registered"), present=Sum("attended"))
        .order_by()
    )
    same = {column: column for column in EVENT}
    _insert_sums(
        EventCount,
        [*EVENT, "month"],
        ["sessions", "counselling", "registered", "attended"],
        [
            (
                held_dates_query([chosen], by_day=False),
                {"event_id": "event_id", **OF_EVENT, "month": "month"}
                | {"sessions": "sessions", "counselling": "counselling"},
            ),
            (days, same | {"month": "month", "registered": "counted", "attended": "present"}),
        ],
    )


def _recount_months(months: list[date] | None) -> None:
    """Replace the kept survey rows of ``months`` (None: of every month)."""
    scope = Q() if months is None else Q(month__in=months)
    SurveyCount.objects.filter(scope).delete()
    AnswerCount.objects.filter(scope).delete()
    context = ["month", "region_id", "family_centre_id", "format", "questionnaire_id"]
    same = {column: column for column in context}
    _insert_sums(
        SurveyCount,
        context,
        ["invitations", "responses"],
        [
            (
                rows.filter(scope).values(*context).annotate(n=Count("pk")).order_by(),
                same | {field: "n"},
            )
            for field, rows in (
                ("invitations", SurveyInvitation.objects.filter(sent_at__isnull=False)),
                ("responses", SurveyResponse.objects.all()),
            )
        ],
    )
    answers = (
        Answer.objects.filter(
            Q() if months is None else Q(response__month__in=months), COUNTED_ANSWERS
        )
        .values(
            "question_id",
            "choice",
            of_month=F("response__month"),
            region=F("response__region_id"),
            centre=F("response__family_centre_id"),
            code=F("response__format"),
        )
        .annotate(
            answered=Count("pk"),
            rated_helpful=Count("pk", filter=Q(number__gte=HELPFUL_FROM)),
            added=Coalesce(Sum("number"), 0),
        )
        .order_by()
    )
    _insert_sums(
        AnswerCount,
        ["month", "region_id", "family_centre_id", "format", "question_id", "choice"],
        ["answers", "helpful", "total"],
        [
            (
                answers,
                {
                    "month": "of_month",
                    "region_id": "region",
                    "family_centre_id": "centre",
                    "format": "code",
                    "question_id": "question_id",
                    "choice": "choice",
                    "answers": "answered",
                    "helpful": "rated_helpful",
                    "total": "added",
                },
            )
        ],
    )


def refresh_kept_counts() -> str:
    """Recount the stale events and months and clear their marks (a due job, each call). A
    change committed meanwhile leaves a mark of its own, recounted next time."""
    with transaction.atomic(durable=True):
        _lock()
        events = list(StaleEvent.objects.values_list("pk", "event_id"))
        months = list(StaleMonth.objects.values_list("pk", "month"))
        if events:
            changed = sorted({event for _pk, event in events})
            # many (a migration marked every event): all recounted at once, not listed
            _recount_events(changed if len(changed) <= LISTED_EVENTS else None)
            marks = [pk for pk, _event in events]
            for start in range(0, len(marks), LISTED_EVENTS):
                StaleEvent.objects.filter(pk__in=marks[start : start + LISTED_EVENTS]).delete()
        if months:
            _recount_months(sorted({month for _pk, month in months}))
            StaleMonth.objects.filter(pk__in=[pk for pk, _month in months]).delete()
    return (
        f"{len({event for _pk, event in events})} event(s) and "
        f"{len({month for _pk, month in months})} month(s) recounted"
    )


def rebuild_kept_counts() -> str:
    """Recount everything and clear every mark (``neuewege rebuild-counts``, the demo data)."""
    with transaction.atomic(durable=True):
        _lock()
        StaleEvent.objects.all().delete()
        StaleMonth.objects.all().delete()
        _recount_events(None)
        _recount_months(None)
    return (
        f"{EventCount.objects.count()} registration ({DayCount.objects.count()} per day) and "
        f"{SurveyCount.objects.count() + AnswerCount.objects.count()} survey row(s) kept"
    )
