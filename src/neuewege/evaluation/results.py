"""The results of the evaluation: what the events achieved, in the terms of the programme's
published result (the follow-up survey: "Elternkurs 100 %, Elterncafé 90 %").

Everything is counted in the database (GROUP BY), in a fixed number of queries whatever the
number of regions, events or responses: ``compute`` runs nine, the free texts two more.
The months before the running one are added up from kept counts (``aggregates``), which
equal a full recount at every read.
The counts come back as plain rows per region, format and month; ``Results`` adds them up
into the tables the pages, exports, the PDF report and the API show — the same tables
everywhere, so a figure cannot differ between them.

The rules, each in one place:

- Small numbers (``Figure``, ``disclosure``): no count or share derived from fewer than
  ``MIN_RESPONSES`` responses is shown; it reads "< 5" on pages, in exports, the PDF and the
  API. Results are asked for fixed periods (a month, a quarter, a year), and a figure is also
  withheld when a wider selection (its quarter or year, all formats, the region, the state)
  holds 1 to 4 responses more, so that no two selections can be subtracted to describe
  fewer than five people. A survey figure of a selection where no invitation was sent (and
  no one answered) is withheld alike but reads a dash ("no invitations sent"): the
  invitations (0) are shown anyway, so the dash hides nothing and tells why.
- Free texts (``evaluation.read_free_texts``, ``free_texts``): the open answers of parents,
  speakers and family centres, only for the people of the region, never for the state level;
  those of one group only when the selection holds at least ``MIN_RESPONSES`` responses of
  that group; with the month, the format and the group only, in an order that says nothing
  about when they were sent (month, group, format, text).
- What counts (``compute``): an event is held when it is published, held or closed and a
  session of it, not cancelled, has begun within the period. Parents registered: confirmed
  registrations of a held date (a course's: of its first date) in the period; attended: those
  marked present at least once. Counselling appointments: as recorded with the attendance of
  the sessions. The survey: the parents' follow-up (every version), by the month of the last
  session the parent attended — invitations sent, responses, the share who took a concrete
  step, each step, and the share who rated the event helpful (4 or 5 of 5). The response rate
  is responses ÷ invitations sent.
- The feedback of professionals (``feedback_table``): the scale questions of the speakers' and
  the family centres' feedback (every version, by question code), by the response's month —
  answers, their average and the share who answered 4 or 5; the same filters and the same
  small-number rule, counted per question; their free texts with the parents'.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname
from modeltranslation.utils import get_language as content_language

from neuewege.core.models import EventFormat, Institution, Region

from . import aggregates
from .aggregates import COUNTED_QUESTIONS, HELPFUL_FROM
from .disclosure import MIN_RESPONSES, Counts, Period, withheld
from .models import (
    YES,
    Answer,
    AnswerCount,
    Audience,
    Choice,
    EventCount,
    Question,
    Questionnaire,
    SurveyCount,
    SurveyInvitation,
    SurveyResponse,
)
from .questionnaires import CENTRE_FEEDBACK, PARENT_FOLLOW_UP, SPEAKER_FEEDBACK

SUPPRESSED = f"< {MIN_RESPONSES}"
NO_INVITATIONS = "–"  # a survey figure where no one was invited (nor answered): nothing to hide
FREE_TEXT_LIMIT = 200  # on the page; the export holds them all

# The programme's published result, quoted as the seed (the programme's slides) says it.
BENCHMARK_QUOTE = (
    "Nachbefragung: Fast alle Teilnehmer/innen haben nach der Veranstaltung konkrete "
    "berufliche Schritte unternommen und einen persönlichen Nutzen daraus gezogen "
    "(Elternkurs 100%, Elterncafé 90%)"
)
BENCHMARK_SOURCE = "Neue Wege NRW, Resümee der Veranstaltungen /1"
BENCHMARK = {EventFormat.PARENT_COURSE.value: 100, EventFormat.PARENT_CAFE.value: 90}

FORMATS = [code for code, _label in EventFormat.choices]
# The professionals' feedback whose scale questions are counted, in the order shown, and who
# was asked.
FEEDBACK = {SPEAKER_FEEDBACK: Audience.SPEAKERS, CENTRE_FEEDBACK: Audience.FAMILY_CENTRES}
TOTAL = "total"


# Figures and the small-number rule


@dataclass(frozen=True)
class Figure:
    """A count or a share in whole percent. ``responses``: the number of survey responses it
    is derived from (None for figures of the events). With fewer than ``MIN_RESPONSES``, or
    when ``withheld`` (a wider selection holds 1 to 4 more: ``disclosure``), the figure is
    suppressed: it reads "< 5" and has no value anywhere. A survey figure of a selection where
    no invitation was sent and no one answered (``uninvited``) is suppressed alike, but reads
    a dash (``NO_INVITATIONS``): the invitations sent (0) are shown beside it, so it hides
    nothing, and it says why."""

    value: int | float | None  # float: an average, to one decimal
    percent: bool = False
    responses: int | None = None
    withheld: bool = False
    uninvited: bool = False

    @property
    def suppressed(self) -> bool:
        return self.withheld or (self.responses is not None and self.responses < MIN_RESPONSES)

    @property
    def shown(self) -> int | None:
        """The value that may be shown: None when suppressed or when there is none."""
        return None if self.suppressed else self.value

    def __str__(self):
        if self.uninvited and self.suppressed:
            return NO_INVITATIONS
        if self.suppressed:
            return SUPPRESSED
        if self.value is None:
            return "—"
        text = number_format(self.value, force_grouping=True)
        return f"{text} %" if self.percent else text

    @property
    def cell(self):
        """For CSV and XLSX: the number, "< 5", the dash (no invitations) or empty."""
        if self.suppressed:
            return NO_INVITATIONS if self.uninvited else SUPPRESSED
        return "" if self.value is None else self.value

    @property
    def html(self) -> str:
        """As a page shows it: a suppressed figure says why (``_figure.html``, and the tables
        directly: thousands of cells on the state-wide page)."""
        if self.uninvited and self.suppressed:
            why = _("no invitations sent")
            return format_html(
                '<span aria-hidden="true" title="{}">{}</span><span class="kern-sr-only">{}</span>',
                why,
                str(self),
                why,
            )
        if self.suppressed:
            why = _("fewer than %(number)s responses: not shown") % {"number": MIN_RESPONSES}
            return format_html('<abbr title="{}">{}</abbr>', why, str(self))
        return conditional_escape(str(self))

    def as_dict(self) -> dict:
        return {"value": self.shown, "suppressed": self.suppressed}


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole percent, rounded half up; None when ``whole`` is 0."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


def count(value: int) -> Figure:
    return Figure(value)


def share(part: int, whole: int) -> Figure:
    return Figure(percent(part, whole), percent=True)


def survey_count(responses: int, *, withheld: bool = False, uninvited: bool = False) -> Figure:
    return Figure(responses, responses=responses, withheld=withheld, uninvited=uninvited)


def average(total: int, answers: int, *, withheld: bool = False) -> Figure:
    """The average of ``answers`` values adding up to ``total``, to one decimal (half up);
    suppressed below MIN_RESPONSES answers."""
    value = None
    if answers:
        exact = Decimal(total) / Decimal(answers)
        value = float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return Figure(value, responses=answers, withheld=withheld)


def survey_share(
    part: int,
    whole: int,
    *,
    responses: int | None = None,
    withheld: bool = False,
    uninvited: bool = False,
) -> Figure:
    """A share of survey answers; suppressed below MIN_RESPONSES responses (``whole``
    unless given)."""
    return Figure(
        percent(part, whole),
        percent=True,
        responses=whole if responses is None else responses,
        withheld=withheld,
        uninvited=uninvited,
    )


# Filters


@dataclass(frozen=True)
class Filters:
    """What the results are about: a period (a month, a quarter or a year), a region (None:
    every region, for the state level), a format code and a family centre (of the region)."""

    period: Period
    region: Region | None = None
    format: str = ""
    family_centre: Institution | None = None

    @property
    def since(self) -> date:
        return self.period.since

    @property
    def until(self) -> date:
        """The first day of the period's last month."""
        return self.period.until

    @property
    def end(self) -> date:
        """The first day after the period."""
        return self.period.end

    @property
    def wider_places(self) -> list[str]:
        """The wider places whose counts the small-number rule compares with: the region of a
        family centre, the state of a region."""
        if self.family_centre is not None:
            return ["region", "state"]
        return [] if self.region is None else ["state"]

    def cache_key(self, now: datetime) -> str:
        parts = [
            self.period.key,
            str(self.region.pk if self.region else ""),
            self.format,
            str(self.family_centre.pk if self.family_centre else ""),
            get_language() or "",
            timezone.localdate(now).isoformat(),
        ]
        return "evaluation:results:" + ":".join(parts)

    def period_label(self) -> str:
        return self.period.label

    def query(self) -> dict:
        """The filters as GET parameters (for links to exports and the report)."""
        params = {"period": self.period.key}
        if self.format:
            params["format"] = self.format
        if self.family_centre is not None:
            params["centre"] = str(self.family_centre.pk)
        return params


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _event_scope(filters: Filters, event: str = "event__") -> Q:
    scope = Q()
    if filters.region is not None:
        scope &= Q(**{f"{event}family_centre__region_id": filters.region.pk})
    if filters.family_centre is not None:
        scope &= Q(**{f"{event}family_centre_id": filters.family_centre.pk})
    if filters.format:
        scope &= Q(**{f"{event}format__code": filters.format})
    return scope


def _kept_scope(filters: Filters) -> Q:
    """``_event_scope`` for the kept counts (``EventCount``)."""
    scope = Q()
    if filters.region is not None:
        scope &= Q(region_id=filters.region.pk)
    if filters.family_centre is not None:
        scope &= Q(family_centre_id=filters.family_centre.pk)
    if filters.format:
        scope &= Q(format=filters.format)
    return scope


def _survey_scope(filters: Filters, context: str = "", *, place="here", exact=False) -> Q:
    """The survey responses counted for the selection: those of the whole year and of every
    format, which the small-number rule compares with (``exact``: of the selection's period
    and format only). ``place`` "region" or "state" widens the place
    (``Filters.wider_places``)."""
    period = filters.period if exact else filters.period.year_period
    scope = Q(**{f"{context}month__gte": period.since, f"{context}month__lte": period.until})
    if filters.region is not None and place != "state":
        scope &= Q(**{f"{context}region_id": filters.region.pk})
    if filters.family_centre is not None and place == "here":
        scope &= Q(**{f"{context}family_centre_id": filters.family_centre.pk})
    if filters.format and exact:
        scope &= Q(**{f"{context}format": filters.format})
    return scope


# Counting in the database


def compute(filters: Filters, *, now: datetime | None = None) -> dict:
    """The counts behind every table, as plain rows (kept in the cache). Ten queries: the
    kept counts of the events (``aggregates``; two, summed in the database per place and month,
    and the events per place), the held dates and the registrations counted
    from their rows (this month's, and those of the events changed since they were kept), the
    professionals' feedback, the questions of the parents' survey, the invitations, the
    responses, their answers and the step labels; the survey's each kept and counted in one
    query (on PostgreSQL one more, which switches JIT compilation off)."""
    now = now or timezone.now()
    with _aggregating():
        return _compute(filters, now)


@contextmanager
def _aggregating():
    """PostgreSQL compiles a query it estimates as expensive (JIT); for these aggregates the
    compiling takes longer than the query runs (measured on the state dataset: about +150 ms
    a page). Off for this transaction only. Elsewhere nothing: an SQLite transaction in
    IMMEDIATE mode would take the write lock for a read."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def _compute(filters: Filters, now: datetime) -> dict:
    start = _aware(filters.since)
    end = min(_aware(filters.end), now)  # held: begun by now
    # The registrations: the kept counts of the months before this one (``aggregates``),
    # except those of the events changed since they were counted, which are counted from
    # their rows, as are this month's (whose dates have not all begun).
    this_month = _aware(timezone.localtime(now).date().replace(day=1))
    kept_until = max(start, min(end, this_month))
    stale = aggregates.stale_events()
    dates = _event_scope(filters, "session__event__")
    courses = _event_scope(filters)
    registrations = [
        (region, code, month, registered, attended)
        for region, _centre, code, month, _event, registered, attended in aggregates.registrations(
            dates=[
                dates & Q(session__starts_at__gte=kept_until, session__starts_at__lt=end),
                dates
                & Q(session__starts_at__gte=start, session__starts_at__lt=kept_until)
                & Q(event_id__in=stale),
            ],
            courses=[
                courses & aggregates.courses_begun(kept_until, end),
                courses & aggregates.courses_begun(start, kept_until, Q(event_id__in=stale)),
            ],
        )
    ]
    scope = _event_scope(filters)
    held = aggregates.held_dates(
        [
            scope & Q(starts_at__gte=kept_until, starts_at__lt=end),
            scope & Q(starts_at__gte=start, starts_at__lt=kept_until, event_id__in=stale),
        ]
    )
    # An event is counted once in each place and in each month where a date of it was held:
    # those counted from the rows here, those of the kept counts in the database, which sums
    # them per place and month (an event has one region and one format) and counts the
    # events of the period per place, less those counted here.
    by_format, by_month = defaultdict(lambda: [set(), 0, 0]), defaultdict(lambda: [set(), 0])
    for event, region, _centre, code, month, sessions, counselling in held:
        if sessions:
            tally = by_format[region, code]
            tally[0].add(event)
            tally[1] += sessions
            tally[2] += counselling
            by_month[month][0].add(event)
            by_month[month][1] += sessions
    recent = sorted(
        {event for events, _sessions, _counselling in by_format.values() for event in events}
    )
    kept = EventCount.objects.filter(
        _kept_scope(filters),
        month__gte=filters.since,
        month__lt=timezone.localtime(kept_until).date(),
    ).exclude(event_id__in=stale)
    held_dates = Q(sessions__gt=0)
    events_by_format = {
        (region, code): [len(events), sessions, counselling]
        for (region, code), (events, sessions, counselling) in by_format.items()
    }
    events_by_month = {
        month: [len(events), sessions] for month, (events, sessions) in by_month.items()
    }
    for region, code, month, events, sessions, counselling, registered, attended in (
        kept.values_list("region_id", "format", "month")
        .annotate(
            events=Count("event_id", distinct=True, filter=held_dates),
            sessions_held=Sum("sessions"),
            counselling_held=Sum("counselling"),
            registered_here=Sum("registered"),
            attended_here=Sum("attended"),
        )
        .order_by()
    ):
        tally = events_by_format.setdefault((region, code), [0, 0, 0])
        tally[1] += sessions
        tally[2] += counselling
        per_month = events_by_month.setdefault(month, [0, 0])
        per_month[0] += events
        per_month[1] += sessions
        registrations.append((region, code, month, registered, attended))
    for region, code, events in (
        kept.values_list("region_id", "format")
        .annotate(
            events=Count("event_id", distinct=True, filter=held_dates & ~Q(event_id__in=recent))
        )
        .order_by()
    ):
        events_by_format.setdefault((region, code), [0, 0, 0])[0] += events
    events_by_format = [
        (region, code, *tally) for (region, code), tally in events_by_format.items() if tally[1]
    ]
    events_by_month = [(month, *tally) for month, tally in events_by_month.items() if tally[1]]

    raw = {
        "events_by_format": events_by_format,
        "events_by_month": events_by_month,
        "registrations": registrations,
        "invitations": [],
        "responses": [],
        "answers": [],
        "step_labels": [],
        "feedback": _feedback(filters),
        "wider_feedback": [
            (place, *row)
            for place in filters.wider_places
            for row in _feedback_counts(filters, place)
        ],
        "wider_responses": [],
    }
    counted_questions = Question.objects.filter(
        questionnaire__code=PARENT_FOLLOW_UP,
        questionnaire__published_at__isnull=False,
        code__in=COUNTED_QUESTIONS,
    ).values_list("pk", "code", "questionnaire_id")
    if not counted_questions:
        return raw
    questions = {pk: code for pk, code, _questionnaire in counted_questions}
    # the versions' ids as values, so that the planner uses the index on (questionnaire, month)
    questionnaires = sorted({questionnaire for _pk, _code, questionnaire in counted_questions})

    # The survey: the kept counts of every month but those changed since they were counted
    # (``aggregates``), which are counted from their rows; one query each.
    months = aggregates.stale_months()

    def survey_counts(scope, fields, field, *, sent=False):
        rows = (SurveyInvitation if sent else SurveyResponse).objects.filter(
            scope, questionnaire_id__in=questionnaires, month__in=months
        )
        if sent:
            rows = rows.filter(sent_at__isnull=False)
        kept = (
            SurveyCount.objects.filter(scope, questionnaire_id__in=questionnaires)
            .filter(**{f"{field}__gt": 0})
            .exclude(month__in=months)
        )
        return list(
            rows.values_list(*fields)
            .annotate(n=Count("pk"))
            .order_by()
            .union(kept.values_list(*fields).annotate(n=Sum(field)).order_by(), all=True)
        )

    context = ("region_id", "format", "month")
    raw["invitations"] = survey_counts(_survey_scope(filters), context, "invitations", sent=True)
    raw["responses"] = survey_counts(_survey_scope(filters), context, "responses")
    raw["wider_responses"] = [
        (place, *row)
        for place in filters.wider_places
        for row in survey_counts(
            _survey_scope(filters, place=place), ("format", "month"), "responses"
        )
    ]
    responses = SurveyResponse.objects.filter(
        _survey_scope(filters), questionnaire_id__in=questionnaires, month__in=months
    )
    # One pass over the answers that are counted: each response has one answer to "took_step"
    # and to "useful", and one per step it names; the index on (response, question, choice)
    # finds them for the responses of the selection.
    raw["answers"] = [
        (region, code, month, questions[question], choice, answers, helpful)
        for question, choice, region, code, month, answers, helpful in Answer.objects.filter(
            response_id__in=responses.values("pk"), question_id__in=list(questions)
        )
        .values_list(
            "question_id",
            "choice",
            "response__region_id",
            "response__format",
            "response__month",
        )
        .annotate(answers=Count("pk"), helpful=Count("pk", filter=Q(number__gte=HELPFUL_FROM)))
        .order_by()
        .union(
            AnswerCount.objects.filter(_survey_scope(filters), question_id__in=list(questions))
            .exclude(month__in=months)
            .values_list("question_id", "choice", "region_id", "format", "month")
            .annotate(kept_answers=Sum("answers"), kept_helpful=Sum("helpful"))
            .order_by(),
            all=True,
        )
    ]
    labels = {}
    for code, label in (
        Choice.objects.filter(question_id__in=list(questions), question__code="steps")
        .order_by("-question__questionnaire__version", "position")
        .values_list("code", "label")
    ):
        labels.setdefault(code, label)  # the latest version's label
    raw["step_labels"] = list(labels.items())
    return raw


def _feedback_answers(filters: Filters, place: str = "here"):
    """The answers to the scale questions of the professionals' feedback in the selection's
    year (every format), through an index that begins with the questionnaire ((questionnaire,
    region, month) for a region) and the one on (response, question, choice); few rows, as
    professionals answer far less often than parents."""
    return Answer.objects.filter(
        _survey_scope(filters, "response__", place=place),
        response__questionnaire_id__in=Questionnaire.objects.filter(code__in=list(FEEDBACK)).values(
            "pk"
        ),
        question__kind=Question.Kind.SCALE,
        number__isnull=False,
        response__month__in=aggregates.stale_months(),
    )


def _kept_feedback(filters: Filters, place: str = "here"):
    """The kept counts of the same answers in the months not changed since they were counted
    (``aggregates``): ``_feedback_answers`` counts the others from the rows."""
    return AnswerCount.objects.filter(
        _survey_scope(filters, place=place),
        question__questionnaire__code__in=list(FEEDBACK),
        question__kind=Question.Kind.SCALE,
    ).exclude(month__in=aggregates.stale_months())


def _feedback(filters: Filters) -> list[tuple]:
    """The answers to the scale questions, counted per questionnaire, version, question, format
    and month: their number, sum and how many were 4 or 5, with the question's text in the
    active language (German where it is not translated). One query."""
    language = content_language()
    text = build_localized_fieldname("text", language)
    fallback = build_localized_fieldname("text", DEFAULT_LANGUAGE)
    question = {
        "questionnaire_code": F("question__questionnaire__code"),
        "version": F("question__questionnaire__version"),
        "question_code": F("question__code"),
        "position": F("question__position"),
        "label": F(f"question__{text}"),
        "fallback": F(f"question__{fallback}"),
    }
    return [
        (
            row["questionnaire_code"],
            row["version"],
            row["question_code"],
            row["position"],
            row["label"] or row["fallback"],
            row["format"],
            row["month"],
            row["answers"],
            row["total"] or 0,
            row["high"],
        )
        for row in _feedback_answers(filters)
        .values(**question, format=F("response__format"), month=F("response__month"))
        .annotate(
            answers=Count("pk"),
            total=Sum("number"),
            high=Count("pk", filter=Q(number__gte=HELPFUL_FROM)),
        )
        .order_by()
        .union(  # the same columns, named apart from the fields of the kept counts
            _kept_feedback(filters)
            .values(**question, kept_format=F("format"), kept_month=F("month"))
            .annotate(kept=Sum("answers"), kept_total=Sum("total"), kept_high=Sum("helpful"))
            .order_by(),
            all=True,
        )
    ]


def _feedback_counts(filters: Filters, place: str) -> list[tuple]:
    """How many answered each scale question in a wider place, per format and month."""
    return [
        (row["questionnaire_code"], row["question_code"], row["format"], row["month"], row["n"])
        for row in _feedback_answers(filters, place)
        .values(
            questionnaire_code=F("question__questionnaire__code"),
            question_code=F("question__code"),
            format=F("response__format"),
            month=F("response__month"),
        )
        .annotate(n=Count("pk"))
        .order_by()
        .union(
            _kept_feedback(filters, place)
            .values(
                questionnaire_code=F("question__questionnaire__code"),
                question_code=F("question__code"),
                kept_format=F("format"),
                kept_month=F("month"),
            )
            .annotate(n=Sum("answers"))
            .order_by(),
            all=True,
        )
    ]


def results(
    filters: Filters, *, regions: list[Region] | None = None, now: datetime | None = None
) -> "Results":
    """The results, from the cache when they were computed in the last
    FIGURES_CACHE_SECONDS (per filters, language and day). ``regions``: the rows of the
    regions table (the state level's page)."""
    now = now or timezone.now()
    key = filters.cache_key(now)
    raw = cache.get(key)
    if raw is None:
        raw = compute(filters, now=now)
        cache.set(key, raw, settings.FIGURES_CACHE_SECONDS)
    return Results(filters, raw, regions=regions)


# Adding up into tables


@dataclass
class Tally:
    events: int = 0
    sessions: int = 0
    counselling: int = 0
    registered: int = 0
    attended: int = 0
    invitations: int = 0
    responses: int = 0
    took_step: int = 0
    rated: int = 0
    helpful: int = 0
    withheld: bool = False  # its survey figures: a wider selection holds 1 to 4 more

    def add(self, **counts):
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + (value or 0))

    @property
    def attendance_rate(self) -> Figure:
        return share(self.attended, self.registered)

    @property
    def uninvited(self) -> bool:
        """No invitation sent and no response: its survey figures read a dash, not "< 5"."""
        return not self.invitations and not self.responses

    @property
    def response_count(self) -> Figure:
        return survey_count(self.responses, withheld=self.withheld, uninvited=self.uninvited)

    @property
    def response_rate(self) -> Figure:
        return survey_share(
            self.responses,
            self.invitations,
            responses=self.responses,
            withheld=self.withheld,
            uninvited=self.uninvited,
        )

    @property
    def took_step_share(self) -> Figure:
        return self.share_of_responses(self.took_step)

    @property
    def helpful_share(self) -> Figure:
        return survey_share(
            self.helpful, self.rated, withheld=self.withheld, uninvited=self.uninvited
        )

    def share_of_responses(self, part: int) -> Figure:
        return survey_share(part, self.responses, withheld=self.withheld, uninvited=self.uninvited)


@dataclass
class Rating:
    """The answers to one scale question of the professionals' feedback."""

    answers: int = 0
    total: int = 0  # the sum of the values
    high: int = 0  # answered 4 or 5
    withheld: bool = False

    def add(self, answers: int, total: int, high: int):
        self.answers += answers
        self.total += total
        self.high += high

    def cells(self) -> list[Figure]:
        return [
            survey_count(self.answers, withheld=self.withheld),
            average(self.total, self.answers, withheld=self.withheld),
            survey_share(self.high, self.answers, withheld=self.withheld),
        ]


@dataclass
class FeedbackQuestion:
    """A scale question of the professionals' feedback, over every version of it: its label
    and position are the latest version's."""

    questionnaire: str
    code: str
    label: str = ""
    position: int = 0
    version: int = 0
    total: Rating = field(default_factory=Rating)
    by_format: dict = field(default_factory=lambda: defaultdict(Rating))


@dataclass(frozen=True)
class Column:
    code: str
    label: str


@dataclass(frozen=True)
class Row:
    key: str  # a format code, region key, period ("2026-Q1", "2026-03"), step code or "total"
    label: str
    cells: list[Figure]

    @property
    def is_total(self):
        return self.key == TOTAL


@dataclass
class Table:
    """One table of the results: shown on the page (with its chart), exported as CSV and
    XLSX, printed in the report and returned by the API."""

    name: str
    title: str
    heading: str  # the heading of the first column (the rows' labels)
    columns: list[Column]
    rows: list[Row]
    units_in_rows: bool = False  # one value column, whose rows mix counts and percents
    links: dict = field(default_factory=dict)  # the page's download links, by file format

    def export(self) -> tuple[list[str], list[list]]:
        """Header and rows for CSV and XLSX: numbers as numbers, percent in the header."""
        header = [self.heading]
        for index, column in enumerate(self.columns):
            in_percent = not self.units_in_rows and all(
                row.cells[index].percent for row in self.rows
            )
            header.append(f"{column.label} (%)" if in_percent and self.rows else column.label)
        rows = []
        for row in self.rows:
            label = row.label
            if self.units_in_rows and row.cells and row.cells[0].percent:
                label = f"{label} (%)"
            rows.append([label, *(cell.cell for cell in row.cells)])
        return header, rows

    def columns_of(self, codes: list[str], *, title: str | None = None) -> "Table":
        """The same table with the columns ``codes`` only (a chart's data table)."""
        indexes = [[column.code for column in self.columns].index(code) for code in codes]
        return Table(
            self.name,
            self.title if title is None else title,
            self.heading,
            [self.columns[index] for index in indexes],
            [Row(row.key, row.label, [row.cells[index] for index in indexes]) for row in self.rows],
        )

    def lines(self, codes: list[str]) -> dict:
        """The data of a line chart of the columns ``codes``, one line each (totals left out;
        suppressed values empty: a gap in the line)."""
        part = self.columns_of(codes)
        rows = [row for row in part.rows if not row.is_total]
        return {
            "type": "line",
            "labels": [row.label for row in rows],
            "datasets": [
                {"label": column.label, "values": [row.cells[index].shown for row in rows]}
                for index, column in enumerate(part.columns)
            ],
            "percent": bool(rows) and all(cell.percent for cell in rows[0].cells),
        }

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "columns": [{"code": column.code, "label": column.label} for column in self.columns],
            "rows": [
                {
                    "key": row.key,
                    "label": row.label,
                    "figures": {
                        column.code: cell.as_dict()
                        for column, cell in zip(self.columns, row.cells, strict=True)
                    },
                }
                for row in self.rows
            ],
        }


COLUMNS = {
    "events": gettext_lazy("Events held"),
    "sessions": gettext_lazy("Sessions held"),
    "counselling": gettext_lazy("Counselling appointments agreed"),
    "registered": gettext_lazy("Parents registered"),
    "attended": gettext_lazy("Parents attended"),
    "attendance_rate": gettext_lazy("Attendance rate"),
    "invitations": gettext_lazy("Survey invitations sent"),
    "responses": gettext_lazy("Responses"),
    "response_rate": gettext_lazy("Response rate"),
    "took_step": gettext_lazy("Took a concrete step"),
    "benchmark": gettext_lazy("Programme result (benchmark)"),
    "helpful": gettext_lazy("Found the event helpful"),
    "all": gettext_lazy("All formats"),
}
FEEDBACK_FIGURES = {
    "responses": gettext_lazy("responses"),
    "average": gettext_lazy("average (1–5)"),
    "high": gettext_lazy("4 or 5"),
}
TABLE_NAMES = ["summary", "events", "survey", "steps", "trend", "feedback", "regions"]


class Results:
    """The tables of one selection, added up from ``compute``'s rows."""

    def __init__(self, filters: Filters, raw: dict, *, regions: list[Region] | None = None):
        self.filters = filters
        self.regions = regions
        period = filters.period
        self.parts = period.parts
        self._parts_of = {}  # month → its part of the period
        self.formats = [code for code in FORMATS if not filters.format or code == filters.format]
        self.total = Tally()
        self.by_format = defaultdict(Tally)
        self.by_region = defaultdict(Tally)
        self.by_part = defaultdict(Tally)  # the trend: a year's quarters, a quarter's months

        def selected(code, month):
            return month in period and (not filters.format or code == filters.format)

        for region, code, events, sessions, counselling in raw["events_by_format"]:
            for tally in (self.total, self.by_format[code], self.by_region[region]):
                tally.add(events=events, sessions=sessions, counselling=counselling)
        for month, events, sessions in raw["events_by_month"]:
            self.by_part[self._part(month)].add(events=events, sessions=sessions)
        # The rows added up per region, format and part of the period first, then into their
        # tallies: thousands of rows, a few hundred cells.
        cells = {}

        def cell(region, code, month):
            key = (region, code, self._part(month))
            found = cells.get(key)
            if found is None:
                found = cells[key] = defaultdict(int)
            return found

        for region, code, month, registered, attended in raw["registrations"]:
            counts = cell(region, code, month)
            counts["registered"] += registered or 0
            counts["attended"] += attended or 0
        # The survey is counted for the period's whole year and every format: the small-number
        # rule compares each figure with the wider selections (``disclosure``).
        self.responses = Counts()  # by (place, region, format)
        for region, code, month, invitations in raw["invitations"]:
            if selected(code, month):
                cell(region, code, month)["invitations"] += invitations or 0
        for region, code, month, responses in raw["responses"]:
            self.responses.add(("here", region, code), month, responses)
            if selected(code, month):
                cell(region, code, month)["responses"] += responses or 0
        for place, code, month, responses in raw["wider_responses"]:
            self.responses.add((place, None, code), month, responses)
        self.steps = defaultdict(int)  # (format, step) → answers
        for region, code, month, question, choice, answers, helpful in raw["answers"]:
            if not selected(code, month):
                continue
            if question == "steps":
                self.steps[code, choice] += answers
                continue
            counts = cell(region, code, month)
            if question == "took_step":
                counts["took_step"] += (answers or 0) if choice == YES else 0
            else:  # "useful"
                counts["rated"] += answers or 0
                counts["helpful"] += helpful or 0
        for (region, code, part), counts in cells.items():
            for tally in (
                self.total,
                self.by_format[code],
                self.by_region[region],
                self.by_part[part],
            ):
                tally.add(**counts)
        self.step_labels = raw["step_labels"]
        self.feedback = {}  # (questionnaire, question code) → FeedbackQuestion
        self.feedback_answers = Counts()  # by (place, questionnaire, question, format)
        for row in raw["feedback"]:
            questionnaire, version, question, position, label, code, month = row[:7]
            answers, total, high = row[7:]
            self.feedback_answers.add(("here", questionnaire, question, code), month, answers)
            if not selected(code, month):
                continue
            item = self.feedback.setdefault(
                (questionnaire, question), FeedbackQuestion(questionnaire, question)
            )
            if version > item.version:
                item.label, item.position, item.version = label, position, version
            item.total.add(answers, total, high)
            item.by_format[code].add(answers, total, high)
        for place, questionnaire, question, code, month, answers in raw["wider_feedback"]:
            self.feedback_answers.add((place, questionnaire, question, code), month, answers)
        self._withhold()

    def _part(self, month) -> Period:
        found = self._parts_of.get(month)
        if found is None:
            day = _as_date(month)
            found = self._parts_of[month] = next(part for part in self.parts if day in part)
        return found

    def _withheld(self, counts: Counts, period: Period, cells: list[tuple], code) -> bool:
        """The small-number rule for one cell: ``cells`` are its key without the format, then
        those of the wider cells; ``code`` its format (None: all formats)."""
        keys = [(*cell, each) for cell in cells for each in dict.fromkeys([code, None])]
        return withheld(counts, period, keys[0], keys[1:])

    def _withhold(self):
        period, code = self.filters.period, self.filters.format or None
        places = [(place, None) for place in self.filters.wider_places]
        here = [("here", None), *places]
        self.total.withheld = self._withheld(self.responses, period, here, code)
        for each in self.formats:
            self.by_format[each].withheld = self._withheld(self.responses, period, here, each)
        for region in {*self.by_region, *(region.pk for region in self.regions or [])}:
            self.by_region[region].withheld = self._withheld(
                self.responses, period, [("here", region), *here], code
            )
        for part in self.parts:
            self.by_part[part].withheld = self._withheld(self.responses, part, here, code)
        for (questionnaire, question), item in self.feedback.items():
            cells = [
                (place, questionnaire, question) for place in ["here", *self.filters.wider_places]
            ]
            item.total.withheld = self._withheld(self.feedback_answers, period, cells, code)
            for each in self.formats:
                item.by_format[each].withheld = self._withheld(
                    self.feedback_answers, period, cells, each
                )

    @property
    def is_empty(self) -> bool:
        """Nothing held, registered, sent or answered in this selection."""
        total = self.total
        return not (
            total.sessions
            or total.registered
            or total.invitations
            or total.responses
            or self.feedback
        )

    def format_label(self, code: str) -> str:
        return str(dict(EventFormat.choices).get(code, code or "—"))

    # The tables

    def tables(self) -> dict[str, Table]:
        tables = {
            "summary": self.summary(),
            "events": self.events(),
            "survey": self.survey(),
            "steps": self.steps_table(),
            "trend": self.trend(),
            "feedback": self.feedback_table(),
        }
        if self.regions is not None:
            tables["regions"] = self.regions_table()
        return tables

    def summary(self) -> Table:
        total = self.total
        figures = [
            ("events", count(total.events)),
            ("sessions", count(total.sessions)),
            ("registered", count(total.registered)),
            ("attended", count(total.attended)),
            ("attendance_rate", total.attendance_rate),
            ("counselling", count(total.counselling)),
            ("invitations", count(total.invitations)),
            ("responses", total.response_count),
            ("response_rate", total.response_rate),
            ("took_step", total.took_step_share),
            ("helpful", total.helpful_share),
        ]
        return Table(
            "summary",
            _("Key figures"),
            _("Figure"),
            [Column("value", _("Value"))],
            [Row(code, str(COLUMNS[code]), [figure]) for code, figure in figures],
            units_in_rows=True,
        )

    def _format_table(self, name, title, codes, cells) -> Table:
        """A table with a row per format and one for all: ``cells(tally, format_code)`` gives
        a row's figures, one per column in ``codes``."""
        columns = [Column(code, str(COLUMNS[code])) for code in codes]
        rows = [
            Row(code, self.format_label(code), cells(self.by_format[code], code))
            for code in self.formats
        ]
        rows.append(Row(TOTAL, str(COLUMNS["all"]), cells(self.total, None)))
        return Table(name, title, _("Format"), columns, rows)

    def events(self) -> Table:
        codes = ["events", "sessions", "registered", "attended", "attendance_rate", "counselling"]

        def cells(tally, _code):
            return [
                count(tally.events),
                count(tally.sessions),
                count(tally.registered),
                count(tally.attended),
                tally.attendance_rate,
                count(tally.counselling),
            ]

        return self._format_table("events", _("Events and parents by format"), codes, cells)

    def survey(self) -> Table:
        codes = ["invitations", "responses", "response_rate", "took_step", "benchmark", "helpful"]

        def cells(tally, code):
            return [
                count(tally.invitations),
                tally.response_count,
                tally.response_rate,
                tally.took_step_share,
                Figure(BENCHMARK.get(code), percent=True),
                tally.helpful_share,
            ]

        return self._format_table("survey", _("Follow-up survey by format"), codes, cells)

    def steps_table(self) -> Table:
        """The share of respondents who took a concrete step, and each step, by format."""
        groups = [*self.formats, None]  # None: all formats

        def tally(code):
            return self.total if code is None else self.by_format[code]

        def answers(code, step):
            if code is None:
                return sum(self.steps[format_code, step] for format_code in self.formats)
            return self.steps[code, step]

        took = [
            Row(
                "took_step",
                str(COLUMNS["took_step"]),
                [tally(code).took_step_share for code in groups],
            )
        ]
        steps = [
            Row(
                step,
                label,
                [tally(code).share_of_responses(answers(code, step)) for code in groups],
            )
            for step, label in self.step_labels
        ]
        return Table(
            "steps",
            _("Concrete steps since the event, by format"),
            _("Step"),
            [
                Column(code or "all", self.format_label(code) if code else str(COLUMNS["all"]))
                for code in groups
            ],
            took + steps,
        )

    def trend(self) -> Table:
        """The period's parts: a year's quarters, a quarter's months (a month: itself)."""
        codes = [
            "events",
            "sessions",
            "attended",
            "invitations",
            "responses",
            "response_rate",
            "took_step",
        ]

        def cells(tally):
            return [
                count(tally.events),
                count(tally.sessions),
                count(tally.attended),
                count(tally.invitations),
                tally.response_count,
                tally.response_rate,
                tally.took_step_share,
            ]

        by_quarter = self.filters.period.kind == "year"
        return Table(
            "trend",
            _("Trend by quarter") if by_quarter else _("Trend by month"),
            _("Quarter") if by_quarter else _("Month"),
            [Column(code, str(COLUMNS[code])) for code in codes],
            [Row(part.key, part.label, cells(self.by_part[part])) for part in self.parts],
        )

    def feedback_table(self) -> Table:
        """The scale questions of the speakers' and the family centres' feedback: per format
        and for all formats the responses, the average and the share who answered 4 or 5."""
        groups = [*self.formats, None]  # None: all formats
        columns = [
            Column(
                f"{code or 'all'}_{figure}",
                _("%(format)s: %(figure)s")
                % {
                    "format": self.format_label(code) if code else str(COLUMNS["all"]),
                    "figure": label,
                },
            )
            for code in groups
            for figure, label in FEEDBACK_FIGURES.items()
        ]
        order = list(FEEDBACK)
        questions = sorted(
            self.feedback.values(),
            key=lambda item: (order.index(item.questionnaire), item.position, item.code),
        )
        return Table(
            "feedback",
            _("Feedback of speakers and family centres"),
            _("Question"),
            columns,
            [
                Row(
                    f"{item.questionnaire}.{item.code}",
                    _("%(asked)s: %(question)s")
                    % {"asked": FEEDBACK[item.questionnaire].label, "question": item.label},
                    [
                        cell
                        for code in groups
                        for cell in (item.total if code is None else item.by_format[code]).cells()
                    ],
                )
                for item in questions
            ],
        )

    def regions_table(self) -> Table:
        codes = [
            "events",
            "registered",
            "attended",
            "attendance_rate",
            "invitations",
            "responses",
            "response_rate",
            "took_step",
        ]

        def cells(tally):
            return [
                count(tally.events),
                count(tally.registered),
                count(tally.attended),
                tally.attendance_rate,
                count(tally.invitations),
                tally.response_count,
                tally.response_rate,
                tally.took_step_share,
            ]

        regions = [
            region
            for region in sorted(self.regions or [], key=lambda region: region.name)
            if self.filters.region is None or region.pk == self.filters.region.pk
        ]
        return Table(
            "regions",
            _("Results by region"),
            _("Region"),
            [Column(code, str(COLUMNS[code])) for code in codes],
            [Row(region.key, region.name, cells(self.by_region[region.pk])) for region in regions]
            + [Row(TOTAL, _("All regions"), cells(self.total))],
        )


# Free texts


@dataclass(frozen=True)
class FreeText:
    month: date
    audience: str  # who answered (an Audience value): parents, speakers or family centres
    format: str  # the format's name
    question: str
    text: str

    @property
    def audience_label(self) -> str:
        return str(Audience(self.audience).label)


@dataclass
class FreeTexts:
    """The free-text answers of a selection; ``withheld`` names the groups whose answers are not
    shown because the selection holds fewer than MIN_RESPONSES of their responses."""

    answers: list[FreeText] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # Audience values

    HEADER = (
        gettext_lazy("Month"),
        gettext_lazy("Asked"),
        gettext_lazy("Format"),
        gettext_lazy("Question"),
        gettext_lazy("Answer"),
    )

    def withheld_labels(self) -> list[str]:
        return [str(Audience(audience).label) for audience in self.withheld]

    def export(self) -> tuple[list[str], list[list]]:
        return [str(label) for label in self.HEADER], [
            [
                answer.month.strftime("%Y-%m"),
                answer.audience_label,
                answer.format,
                answer.question,
                answer.text,
            ]
            for answer in self.answers
        ]


FREE_TEXT_QUESTIONNAIRES = (PARENT_FOLLOW_UP, SPEAKER_FEEDBACK, CENTRE_FEEDBACK)


def free_texts(filters: Filters, *, limit: int | None = None) -> FreeTexts:
    """The free-text answers of parents, speakers and family centres in ``filters`` (of one
    region: the caller checks ``evaluation.read_free_texts``), newest month first. A group's
    answers only when the selection holds at least MIN_RESPONSES of its responses. Three
    queries."""
    if filters.region is None:
        raise ValueError("Free texts are shown for one region only.")
    counted = (
        SurveyResponse.objects.filter(
            _survey_scope(filters, exact=True), questionnaire__code__in=FREE_TEXT_QUESTIONNAIRES
        )
        .values("questionnaire__audience")
        .annotate(responses=Count("pk"))
    )
    responses = {row["questionnaire__audience"]: row["responses"] for row in counted}
    shown = {audience for audience, number in responses.items() if number >= MIN_RESPONSES}
    questions = {
        question.pk: question
        for question in Question.objects.filter(
            questionnaire__code__in=FREE_TEXT_QUESTIONNAIRES,
            questionnaire__audience__in=shown,
            kind=Question.Kind.FREE_TEXT,
        ).select_related("questionnaire")
    }
    rows = (
        Answer.objects.filter(
            _survey_scope(filters, "response__", exact=True), question_id__in=questions
        )
        .values_list("response__month", "response__format", "question_id", "text")
        .order_by(
            "-response__month", "question__questionnaire__audience", "response__format", "text"
        )
    )
    if limit is not None:
        rows = rows[:limit]
    labels = dict(EventFormat.choices)
    answers = sorted(  # parents first, then speakers and family centres, within each month
        rows,
        key=lambda row: (
            -row[0].toordinal(),
            Audience.values.index(questions[row[2]].questionnaire.audience),
        ),
    )
    return FreeTexts(
        [
            FreeText(
                month,
                questions[question].questionnaire.audience,
                str(labels.get(code, code or "—")),
                str(questions[question].text),
                text,
            )
            for month, code, question, text in answers
        ],
        withheld=sorted(set(responses) - shown, key=Audience.values.index),
    )
