"""The kept counts of the results (``evaluation/aggregates.py``): after any sequence of
bookings, cancellations, cancelled dates, attendance, time passing, survey responses, purges
and runs of the due job — through the services — the kept rows equal a full recount once the
job ran, and the figures of the results equal those counted from the rows alone, before and
after; the rebuild command; the results and the region dashboard read a fixed number of
queries however much there is to count."""

import itertools
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.core.access import system_access
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import Region
from neuewege.core.privacy import purge_personal_data
from neuewege.evaluation import aggregates, results, services
from neuewege.evaluation.disclosure import Period
from neuewege.evaluation.models import (
    Answer,
    AnswerCount,
    DayCount,
    EventCount,
    Questionnaire,
    StaleEvent,
    StaleMonth,
    SurveyCount,
    SurveyInvitation,
    SurveyResponse,
)
from neuewege.evaluation.questionnaires import PARENT_FOLLOW_UP, SPEAKER_FEEDBACK
from neuewege.events.models import ParentEvent, Registration
from neuewege.events.services.booking import book, cancel_booking, remove_registration
from neuewege.events.services.lifecycle import cancel_session, record_attendance
from tests.factories import InstitutionFactory, make_event
from tests.second_factor import SignInClient

parents = itertools.count()

ACTIONS = st.one_of(
    st.tuples(st.just("book"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("remove"), st.integers(0, 30)),
    st.tuples(st.just("cancel_date"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("time_passes"), st.integers(0, 2), st.integers(1, 40)),
    st.tuples(st.just("attend"), st.integers(0, 2), st.integers(0, 4), st.integers(0, 63)),
    st.tuples(st.just("respond"), st.integers(0, 2), st.integers(0, 14), st.booleans()),
    st.tuples(st.just("feedback"), st.integers(0, 2), st.integers(0, 14), st.integers(1, 5)),
    st.tuples(
        st.just("purge"),
    ),
    st.tuples(
        st.just("refresh"),
    ),
)


def kept_registrations() -> Counter:
    return Counter(
        EventCount.objects.exclude(registered=0).values_list(
            "event_id", "month", "region_id", "family_centre_id", "format", "registered", "attended"
        )
    )


def recounted_registrations() -> Counter:
    return Counter(
        (event, month, region, centre, code, registered, attended)
        for region, centre, code, month, event, registered, attended in aggregates.registrations(
            dates=[Q()], courses=[Q()], by_event=True
        )
    )


def kept_dates() -> Counter:
    fields = ["event_id", "region_id", "family_centre_id", "format", "month"]
    return Counter(
        EventCount.objects.exclude(sessions=0).values_list(*fields, "sessions", "counselling")
    )


def recounted_dates() -> Counter:
    return Counter(aggregates.held_dates([Q()]))


def kept_days() -> Counter:
    fields = ["event_id", "region_id", "family_centre_id", "format", "day"]
    return Counter(
        DayCount.objects.exclude(sessions=0, registered=0).values_list(
            *fields, "sessions", "registered", "attended"
        )
    )


def recounted_days() -> Counter:
    """The dates held and the registrations per event and day, counted from the rows."""
    days = defaultdict(Counter)
    for event, region, centre, code, day, sessions, _counselling in aggregates.held_dates(
        [Q()], by_day=True
    ):
        days[event, region, centre, code, day] += Counter(sessions=sessions)
    for region, centre, code, day, event, registered, attended in aggregates.registrations(
        dates=[Q()], courses=[Q()], by_event=True, by_day=True
    ):
        days[event, region, centre, code, day] += Counter(registered=registered, attended=attended)
    return Counter(
        (*key, counts["sessions"], counts["registered"], counts["attended"])
        for key, counts in days.items()
    )


def kept_survey() -> tuple[Counter, Counter]:
    context = ("month", "region_id", "family_centre_id", "format", "questionnaire_id")
    invitations, responses = Counter(), Counter()
    for row in SurveyCount.objects.values(*context, "invitations", "responses"):
        key = tuple(row[name] for name in context)
        invitations[key] += row["invitations"]
        responses[key] += row["responses"]
    return +invitations, +responses


def recounted_survey() -> tuple[Counter, Counter]:
    context = ("month", "region_id", "family_centre_id", "format", "questionnaire_id")

    def count(rows):
        return Counter(
            {
                tuple(row[name] for name in context): row["n"]
                for row in rows.values(*context).annotate(n=Count("pk")).order_by()
            }
        )

    return count(SurveyInvitation.objects.filter(sent_at__isnull=False)), count(
        SurveyResponse.objects.all()
    )


def kept_answers() -> Counter:
    return Counter(
        {
            (row[:-3]): row[-3:]
            for row in AnswerCount.objects.values_list(
                "month",
                "region_id",
                "family_centre_id",
                "format",
                "question_id",
                "choice",
                "answers",
                "helpful",
                "total",
            )
        }
    )


def recounted_answers() -> Counter:
    rows = (
        Answer.objects.filter(aggregates.COUNTED_ANSWERS)
        .values_list(
            "response__month",
            "response__region_id",
            "response__family_centre_id",
            "response__format",
            "question_id",
            "choice",
        )
        .annotate(
            n=Count("pk"),
            helpful=Count("pk", filter=Q(number__gte=aggregates.HELPFUL_FROM)),
            total=Coalesce(Sum("number"), 0),
        )
        .order_by()
    )
    return Counter({row[:-3]: row[-3:] for row in rows})


def figures(now) -> dict:
    """Every table of the results, as shown, for the state and for one region, in the years
    the sequences can reach."""
    regions = list(Region.objects.all())
    shown = {}
    for year in (now.year - 1, now.year):
        for region in (None, Region.objects.get(key="05170")):
            filters = results.Filters(Period.year(year), region=region)
            tables = results.Results(
                filters, results.compute(filters, now=now), regions=regions
            ).tables()
            shown[year, region] = {
                name: [(row.key, [str(cell) for cell in row.cells]) for row in table.rows]
                for name, table in tables.items()
            }
    # the twelve months of the dashboards (whole days) and a window that begins and ends
    # within a day, of every region and of one
    midnight = timezone.make_aware(
        datetime.combine(timezone.localdate(now) + timedelta(days=1), time())
    )
    for since, until in [
        (midnight - timedelta(days=365), midnight),
        (now - timedelta(days=200), now),
    ]:
        for chosen in (None, [Region.objects.get(key="05170").pk]):
            held, present = aggregates.window_counts(since, until, regions=chosen)
            dates, attended = Counter(), Counter()
            for event, region, centre, code, sessions in held:
                dates[event, region, centre, code] += sessions
            for region, centre, number in present:
                attended[region, centre] += number
            shown["window", since, str(chosen)] = (+dates, +attended)
    return shown


def counted_from_rows(now) -> dict:
    """The figures when nothing kept is trusted: every event and month marked stale."""
    aggregates.mark_events(ParentEvent.objects.values_list("pk", flat=True))
    aggregates.mark_months(
        {*SurveyInvitation.objects.values_list("month", flat=True)}
        | {*SurveyResponse.objects.values_list("month", flat=True)}
    )
    return figures(now)


@pytest.fixture
def world(family_centre, borken, coordinator):
    borken_centre = InstitutionFactory(region=borken, name="Familienzentrum Borken")
    return {
        "centres": [family_centre, family_centre, borken_centre],
        "access": system_access(),
        "questionnaire": Questionnaire.objects.current(PARENT_FOLLOW_UP),
    }


def new_events(world) -> list[ParentEvent]:
    soon = timezone.now() + timedelta(days=2)
    return [
        make_event(world["centres"][0], "parent_cafe", starts=soon, dates=2, capacity=2),
        make_event(world["centres"][1], "parent_course", starts=soon, capacity=3),
        make_event(world["centres"][2], "info_session", starts=soon, dates=2, capacity=2),
    ]


def run(world, booking_for, steps, events=None):
    """Apply ``steps`` through the services to ``events`` (three new ones by default)."""
    events = events or new_events(world)
    tokens = world.setdefault("tokens", [])
    access = world["access"]
    for action, *values in steps:
        try:
            if action == "book":
                event = events[values[0]]
                dates = list(event.sessions.order_by("starts_at"))
                session = None if event.is_course else dates[values[1] % len(dates)]
                _registration, token = book(
                    event_id=event.pk,
                    session_id=session and session.pk,
                    booking=booking_for(email=f"parent{next(parents)}@example.org"),
                )
                tokens.append(token)
            elif action == "cancel" and tokens:
                cancel_booking(token=tokens[values[0] % len(tokens)])
            elif action == "remove":
                rows = list(Registration.objects.filter(event__in=events).order_by("pk"))
                if rows:
                    remove_registration(access=access, registration=rows[values[0] % len(rows)])
            elif action == "cancel_date":
                dates = list(events[values[0]].sessions.order_by("starts_at"))
                cancel_session(access=access, session=dates[values[1] % len(dates)])
            elif action == "time_passes":  # the event's dates lie weeks back now
                event = events[values[0]]
                for session in event.sessions.all():
                    session.starts_at -= timedelta(weeks=values[1])
                    session.ends_at -= timedelta(weeks=values[1])
                    session.save()
                if not event.sessions.filter(ends_at__gt=timezone.now()).exists():
                    event.status = ParentEvent.Status.HELD
                    event.save()
            elif action == "attend":
                event = events[values[0]]
                dates = list(event.sessions.order_by("starts_at"))
                session = dates[values[1] % len(dates)]
                confirmed = list(
                    Registration.objects.filter(event=event, status="confirmed").order_by("pk")
                )
                record_attendance(
                    access=access,
                    session=session,
                    present_ids=[
                        row.pk
                        for index, row in enumerate(confirmed)
                        if values[2] >> index & 1
                        and (row.session_id is None or row.session_id == session.pk)
                    ],
                    counselling_appointments=values[2] % 3,
                )
            elif action == "respond":
                event = events[values[0]]
                month = (date.today() - timedelta(days=31 * values[1])).replace(day=1)
                invitation, token = services.create_invitation(
                    questionnaire=world["questionnaire"],
                    event=event,
                    month=month,
                    due_on=date.today(),
                )
                invitation.sent_at = timezone.now()
                invitation.save()
                if values[2]:
                    services.submit_response(
                        token=token,
                        answers={"took_step": "yes", "steps": ["counselling"], "useful": 4},
                    )
            elif action == "feedback":  # a speaker's, counted with the results too
                month = (date.today() - timedelta(days=31 * values[1])).replace(day=1)
                invitation, token = services.create_invitation(
                    questionnaire=Questionnaire.objects.current(SPEAKER_FEEDBACK),
                    event=events[values[0]],
                    month=month,
                    due_on=date.today(),
                )
                invitation.sent_at = timezone.now()
                invitation.save()
                services.submit_response(
                    token=token,
                    answers={"setting": values[2], "access": 4, "openness": 6 - values[2]},
                )
            elif action == "purge":
                purge_personal_data()
            elif action == "refresh":
                aggregates.refresh_kept_counts()
        except ValidationFailed:
            pass


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(ACTIONS, max_size=18))
def test_the_kept_counts_equal_a_full_recount_whatever_happens(world, booking_for, steps):
    run(world, booking_for, steps)
    now = timezone.now()
    shown = figures(now)  # the kept counts, and the rows of what changed since
    aggregates.refresh_kept_counts()
    assert not StaleEvent.objects.exists() and not StaleMonth.objects.exists()
    assert kept_registrations() == recounted_registrations()
    assert kept_dates() == recounted_dates()
    assert kept_days() == recounted_days()
    assert kept_survey() == recounted_survey()
    assert kept_answers() == recounted_answers()
    assert figures(now) == shown  # the kept counts alone
    assert counted_from_rows(now) == shown  # the rows alone
    aggregates.refresh_kept_counts()


def test_the_rebuild_command_counts_everything_again(world, booking_for):
    run(
        world,
        booking_for,
        [("book", 0, 0), ("book", 1, 0), ("time_passes", 0, 3), ("attend", 0, 0, 1)]
        + [("respond", 0, 1, True)] * 2,
    )
    aggregates.refresh_kept_counts()
    EventCount.objects.update(registered=99, sessions=7)  # however they came to be wrong
    SurveyCount.objects.all().delete()
    DayCount.objects.update(attended=99)
    call_command("rebuild-counts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert kept_registrations() == recounted_registrations() != Counter()
    assert kept_dates() == recounted_dates() != Counter()
    assert kept_days() == recounted_days() != Counter()
    assert kept_survey() == recounted_survey()
    assert kept_answers() == recounted_answers() != Counter()
    assert not StaleEvent.objects.exists() and not StaleMonth.objects.exists()


def test_more_stale_events_than_a_query_lists_are_read_and_recounted_alike(
    world, booking_for, monkeypatch
):
    """After a migration marks every event (more than a query names as parameters: SQLite takes
    at most 32,766), the figures read them through a subquery and the job recounts them all."""
    run(world, booking_for, [("book", 0, 0), ("book", 1, 0), ("time_passes", 0, 3)])
    aggregates.refresh_kept_counts()
    now = timezone.now()
    shown = figures(now)
    EventCount.objects.update(registered=99)  # wrong until recounted
    DayCount.objects.update(attended=99, sessions=7)
    aggregates.mark_events(ParentEvent.objects.values_list("pk", flat=True))
    assert StaleEvent.objects.count() > 1
    monkeypatch.setattr(aggregates, "LISTED_EVENTS", 1)
    assert figures(now) == shown  # the stale events from their rows
    aggregates.refresh_kept_counts()
    assert not StaleEvent.objects.exists()
    assert kept_registrations() == recounted_registrations()
    assert kept_days() == recounted_days()
    assert figures(now) == shown


def test_a_change_marks_what_it_touched_and_the_job_clears_it(world, booking_for):
    aggregates.refresh_kept_counts()
    run(world, booking_for, [("book", 0, 0)])
    events = set(StaleEvent.objects.values_list("event_id", flat=True))
    assert events  # the new events and the booking
    assert "event(s)" in aggregates.refresh_kept_counts()
    assert not StaleEvent.objects.exists()


def test_the_pages_read_a_fixed_number_of_queries_however_much_there_is(
    world, booking_for, state_user, coordinator
):
    """The state-wide results and the region dashboard: the same number of queries with one
    event as with many more, counted or kept."""

    def signed_in(user):
        client = SignInClient()
        client.force_login(user)
        return client

    pages = {
        "/state/results/": signed_in(state_user),
        "/regions/05170/dashboard/": signed_in(coordinator),
    }

    def queries():
        counted = {}
        for path, client in pages.items():
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            counted[path] = len(captured)
        return counted

    run(world, booking_for, [("book", 0, 0), ("time_passes", 0, 2), ("respond", 0, 1, True)])
    first = queries()
    aggregates.refresh_kept_counts()
    run(
        world,
        booking_for,
        [("book", 0, 0), ("book", 1, 0), ("book", 2, 1), ("time_passes", 1, 5)]
        + [("respond", 2, 3, True)] * 3,
    )
    assert queries() == first
    aggregates.refresh_kept_counts()
    assert queries() == first


@pytest.mark.parametrize(
    "steps",
    [
        [("book", 0, 0), ("refresh",), ("cancel_date", 0, 0)],
        [("book", 0, 1), ("book", 1, 0), ("refresh",), ("time_passes", 1, 6)],
        [("book", 0, 0), ("time_passes", 0, 2), ("refresh",), ("attend", 0, 0, 1)],
        [("book", 1, 0), ("refresh",), ("cancel", 0)],
        [("book", 2, 0), ("refresh",), ("remove", 0)],
        [("respond", 0, 2, True), ("refresh",), ("respond", 0, 2, False)],
        [("feedback", 1, 1, 5), ("refresh",), ("feedback", 1, 1, 2)],
        [("book", 0, 0), ("time_passes", 0, 30), ("attend", 0, 0, 1), ("refresh",), ("purge",)],
    ],
    ids=[
        "date cancelled",
        "time passes",
        "attendance",
        "cancelled",
        "removed",
        "survey",
        "feedback",
        "purge",
    ],
)
def test_each_change_after_a_refresh_is_counted(world, booking_for, steps):
    """Every write path, after the kept counts were refreshed: the results count it at
    once, and the next refresh keeps it."""
    events = new_events(world)
    run(world, booking_for, steps[:-1], events)
    before = (kept_registrations(), kept_dates(), kept_survey())
    run(world, booking_for, steps[-1:], events)
    now = timezone.now()
    shown = figures(now)
    assert counted_from_rows(now) == shown
    aggregates.refresh_kept_counts()
    assert kept_registrations() == recounted_registrations()
    assert kept_dates() == recounted_dates()
    assert kept_days() == recounted_days()
    assert kept_survey() == recounted_survey()
    assert kept_answers() == recounted_answers()
    assert figures(now) == shown
    if steps[-1][0] != "purge":  # a purge anonymises: status and attendance stay
        assert (kept_registrations(), kept_dates(), kept_survey()) != before
