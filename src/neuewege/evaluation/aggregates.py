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

from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

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
    trunc = TruncDay if by_day else TruncMonth
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
    return [
        (
            row["region"],
            row["centre"],
            row["format"],
            _as_date(row["month"]),
            row.get("of_event"),
            row["registered"],
            row["attended"],
        )
        for row in counted[0].union(*counted[1:], all=True)
    ]


def courses_begun(since, until) -> Q:
    """The courses whose first date that is not cancelled lies in [since, until): with such a
    date in it and none before (through the index on the dates' start)."""
    dates = EventSession.objects.filter(is_cancelled=False)
    begun = (
        dates.of_live_events()
        .filter(event__shape=ParentEvent.Shape.COURSE, starts_at__gte=since, starts_at__lt=until)
        .exclude(Exists(dates.filter(event_id=OuterRef("event_id"), starts_at__lt=since)))
        .values("event_id")
    )
    return Q(event_id__in=begun)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def window_counts(since: datetime, until: datetime, *, regions: list[int] | None = None):
    """The dates held and the registrations marked present in [since, until), from the kept
    counts per day (``DayCount``) of the whole days inside it (not of the events changed since
    they were kept) and from the rows for the rest: a few kept rows per event instead of every
    registration. Held: (event, region, centre, dates held) rows; present: (region, centre,
    registrations marked present) rows — a date's on the day of the date, a course's on the
    day of its first date (the evaluation's rule). ``regions``: of these regions only (None:
    of every region). Four queries, whatever is stale."""
    kept_from = _day_start(since, up=True)
    kept_until = max(kept_from, _day_start(until, up=False))
    # read once: the same events left out of the kept rows as counted from their rows, even if
    # the recount job commits meanwhile (a few: the job clears them every 15 minutes); 0 (no
    # event) keeps the queries of the rows when none is stale, so that a page's stay the same
    stale = sorted(set(stale_events().values_list("event_id", flat=True)))
    # many (after a migration marked every event): a subquery instead of a list
    stale = stale_events() if len(stale) > LISTED_EVENTS else [*stale, 0]
    changed_events = Q(event_id__in=stale)
    if kept_from < kept_until:
        edges = [(since, kept_from), (kept_until, until)]
        changed = (kept_from, kept_until)
    else:
        edges, changed = [(since, until)], None

    def in_regions(event: str) -> Q:
        if regions is None:
            return Q()
        return Q(**{f"{event}family_centre__region_id__in": list(regions)})

    def parts(begins: str, event: str):
        found = [Q(**{f"{begins}__gte": a, f"{begins}__lt": b}) for a, b in edges if a < b]
        if changed:
            found.append(
                Q(**{f"{begins}__gte": changed[0], f"{begins}__lt": changed[1]}) & changed_events
            )
        return [part & in_regions(event) for part in found] or [Q(pk__in=[])]

    held = [
        (event, region, centre, sessions)
        for event, region, centre, _code, _month, sessions, _counselling in held_dates(
            parts("starts_at", "event__")
        )
    ]
    courses = [courses_begun(a, b) for a, b in edges if a < b]
    if changed:
        courses.append(courses_begun(*changed) & changed_events)
    present = [
        (region, centre, attended)
        for region, centre, _code, _month, _event, _registered, attended in registrations(
            dates=parts("session__starts_at", "session__event__"),
            courses=[part & in_regions("event__") for part in courses] or [Q(pk__in=[])],
        )
    ]
    if changed:
        kept = DayCount.objects.filter(
            day__gte=timezone.localtime(kept_from).date(),
            day__lt=timezone.localtime(kept_until).date(),
        )
        if regions is not None:
            kept = kept.filter(region_id__in=list(regions))
        for event, region, centre, sessions, attended in (
            kept.exclude(event_id__in=stale)
            .values_list("event_id", "region_id", "family_centre_id")
            .annotate(Sum("sessions"), Sum("attended"))
            .order_by()
        ):
            held.append((event, region, centre, sessions))
            present.append((region, centre, attended))
    return held, present


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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def held_dates(dates: list[Q], *, by_day: bool = False):
    """The dates held (of live events, not cancelled) per event and month (``by_day``: day),
    with their counselling appointments: ``dates`` are disjoint selections, counted in one
    query."""
    trunc = TruncDay if by_day else TruncMonth
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
    return [
        (
            row["event_id"],
            row["region"],
            row["centre"],
            row["format"],
            _as_date(row["month"]),
            row["sessions"],
            row["counselling"],
        )
        for row in counted[0].union(*counted[1:], all=True)
    ]


def _recount_events(event_ids: list[int] | None) -> None:
    """Replace the kept rows of ``event_ids`` (None: of every event), per month and per day."""
    chosen = Q() if event_ids is None else Q(event_id__in=event_ids)
    for model, by_day in ((EventCount, False), (DayCount, True)):
        model.objects.filter(chosen).delete()
        period = "day" if by_day else "month"
        rows = {}
        for event, region, centre, code, when, sessions, counselling in held_dates(
            [chosen], by_day=by_day
        ):
            rows[event, when] = model(
                event_id=event,
                region_id=region,
                family_centre_id=centre,
                format=code,
                sessions=sessions,
                **{period: when},
                **({} if by_day else {"counselling": counselling}),
            )
        for region, centre, code, when, event, registered, attended in registrations(
            dates=[chosen], courses=[chosen], by_event=True, by_day=by_day
        ):
            row = rows.setdefault(
                (event, when),
                model(
                    event_id=event,
                    region_id=region,
                    family_centre_id=centre,
                    format=code,
                    **{period: when},
                ),
            )
            row.registered, row.attended = registered, attended
        model.objects.bulk_create(rows.values(), batch_size=2000)


def _recount_months(months: list[date] | None) -> None:
    """Replace the kept survey rows of ``months`` (None: of every month)."""
    scope = Q() if months is None else Q(month__in=months)
    SurveyCount.objects.filter(scope).delete()
    AnswerCount.objects.filter(scope).delete()
    context = ("month", "region_id", "family_centre_id", "format", "questionnaire_id")
    counts = {}
    for field, rows in (
        ("invitations", SurveyInvitation.objects.filter(scope, sent_at__isnull=False)),
        ("responses", SurveyResponse.objects.filter(scope)),
    ):
        for row in rows.values(*context).annotate(n=Count("pk")).order_by():
            key = tuple(row[name] for name in context)
            counts.setdefault(key, {"invitations": 0, "responses": 0})[field] = row["n"]
    SurveyCount.objects.bulk_create(
        (SurveyCount(**dict(zip(context, key, strict=True)), **n) for key, n in counts.items()),
        batch_size=2000,
    )
    answers = (
        Answer.objects.filter(
            Q() if months is None else Q(response__month__in=months), COUNTED_ANSWERS
        )
        .values(
            "question_id",
            "choice",
            month=F("response__month"),
            region=F("response__region_id"),
            centre=F("response__family_centre_id"),
            code=F("response__format"),
        )
        .annotate(
            answers=Count("pk"),
            helpful=Count("pk", filter=Q(number__gte=HELPFUL_FROM)),
            total=Coalesce(Sum("number"), 0),
        )
        .order_by()
    )
    AnswerCount.objects.bulk_create(
        (
            AnswerCount(
                month=row["month"],
                region_id=row["region"],
                family_centre_id=row["centre"],
                format=row["code"],
                question_id=row["question_id"],
                choice=row["choice"],
                answers=row["answers"],
                helpful=row["helpful"],
                total=row["total"],
            )
            for row in answers
        ),
        batch_size=2000,
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
