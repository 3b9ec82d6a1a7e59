"""From a plan to events (issue 15, item 5): pins (pin, move, swap, unpin) and their checks, the
three best speakers, draft events made through the events service, re-planning with the events
kept. A small hand-built region: two family centres, an employment agency and a job centre with
three qualified speakers, planned by the real solver."""

from collections import Counter
from datetime import datetime, time, timedelta
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from neuewege.core import progress
from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person
from neuewege.coverage.models import CentreRequest, Pin, PlanRun, Scenario, SpeakerCapacity
from neuewege.coverage.services import events as services
from neuewege.coverage.services.plans import instance_for, request_pk, solve_run
from neuewege.events.models import EventSession, ParentEvent
from tests.factories import InstitutionFactory, PersonFactory, make_event

CAFE, INFO, COURSE = EventFormat.PARENT_CAFE, EventFormat.INFO_SESSION, EventFormat.PARENT_COURSE
YEAR = timezone.localdate().year + 1  # every month ahead


def _open(centre, *, late=False):
    for day in range(5):
        OpeningPeriod.objects.create(
            institution=centre, weekday=day, opens=time(7, 30), closes=time(16)
        )
    if late:
        OpeningPeriod.objects.create(
            institution=centre, weekday=1, opens=time(16), closes=time(19), is_extended_hours=True
        )
    return centre


def _speaker(institution, name, formats, function, hours=12, km=60):
    person = PersonFactory(
        institution=institution, last_name=name, function=function, moderated_formats=formats
    )
    SpeakerCapacity.objects.create(
        person=person, hours_per_month=hours, max_travel_km=km, max_travel_minutes=90
    )
    return person


@pytest.fixture
def region(wesel):
    return build_region(wesel)


def build_region(wesel):
    """Two centres in Wesel and Dinslaken; an agency's BCA (cafés, courses), a job centre's case
    manager (cafés, courses) and placement officer (cafés); a café per half-year and a course in
    centre A, an information session per half-year in centre B."""
    centre_a = _open(
        InstitutionFactory(region=wesel, name="FZ Aue", latitude="51.6580", longitude="6.6170")
    )
    centre_b = _open(
        InstitutionFactory(region=wesel, name="FZ Berg", latitude="51.5630", longitude="6.7320"),
        late=True,
    )
    agency = InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.EMPLOYMENT_AGENCY,
        name="Agentur Wesel",
        latitude="51.6600",
        longitude="6.6200",
    )
    job_centre = InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        name="Jobcenter Wesel",
        latitude="51.6550",
        longitude="6.6100",
    )
    bca = _speaker(agency, "Berger", [CAFE, COURSE, INFO], Person.Function.BCA)
    case = _speaker(job_centre, "Kaya", [CAFE, COURSE, INFO], Person.Function.CASE_MANAGER)
    officer = _speaker(job_centre, "Otto", [CAFE, INFO], Person.Function.PLACEMENT_OFFICER)
    requests = {
        "cafe": CentreRequest.objects.create(
            family_centre=centre_a, year=YEAR, format=CAFE, per_year=2, weekdays=[1]
        ),
        "course": CentreRequest.objects.create(
            family_centre=centre_a, year=YEAR, format=COURSE, per_year=1, weekdays=[2]
        ),
        "info": CentreRequest.objects.create(
            family_centre=centre_b, year=YEAR, format=INFO, per_year=2, weekdays=[3]
        ),
    }
    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Alle")
    return {
        "centres": (centre_a, centre_b),
        "bca": bca,
        "case": case,
        "officer": officer,
        "requests": requests,
        "scenario": scenario,
    }


@pytest.fixture(autouse=True)
def english():
    """The services' messages are read in English (the msgids), whatever the translations say."""
    with translation.override("en"):
        yield


@pytest.fixture
def planner(coordinator):
    return access_for(coordinator)


def solve(scenario, user=None) -> PlanRun:
    run = PlanRun.objects.create(scenario=scenario, started_by=user, time_limit_seconds=3)
    progress.queue(run)
    with progress.Progress(run) as work:
        result = solve_run(run, work)
        work.finish(result=result, input_digest=result["plan"]["digest"])
    run.refresh_from_db()
    return run


# Pins


def refused(planner, region, request="cafe", **changes) -> dict:
    data = {"month": 3, "speakers": [region["case"]]} | changes
    before = (Pin.objects.count(), list(Pin.objects.values_list("pk", "month")))
    with pytest.raises(ValidationFailed) as caught:
        services.pin_event(
            access=planner,
            scenario=region["scenario"],
            centre_request=region["requests"][request],
            **data,
        )
    assert (Pin.objects.count(), list(Pin.objects.values_list("pk", "month"))) == before
    return caught.value.errors


def test_a_pin_keeps_request_month_and_speakers(planner, region):
    pin = services.pin_event(
        access=planner,
        scenario=region["scenario"],
        centre_request=region["requests"]["course"],
        month=4,
        speakers=[region["case"], region["bca"]],
    )
    assert (pin.month, set(pin.speakers.all())) == (4, {region["case"], region["bca"]})
    assert services.pin_event  # the solver reads it
    pins = instance_for(region["scenario"]).instance.pins
    assert [(p.request, p.month, p.speakers) for p in pins] == [
        (region["requests"]["course"].pk, 4, (region["bca"].pk, region["case"].pk))
    ]


@pytest.mark.parametrize("month", [0, 13, "x", None])
def test_a_month_not_ahead_is_refused(planner, region, month):
    errors = refused(planner, region, month=month)
    assert errors["month"] == [
        "Choose one of the months still ahead: January, February, March, April, May, June, July, "
        "August, September, October, November, December."
    ]


def test_a_speaker_not_qualified_for_the_format_is_refused(planner, region):
    errors = refused(planner, region, request="course", speakers=[region["officer"], region["bca"]])
    assert errors["speakers"] == [
        f"{region['officer']} is not qualified to moderate Elternkurs „Neue Wege“."
    ]


def test_a_course_needs_one_speaker_of_the_agency_and_one_of_the_job_centre(planner, region):
    errors = refused(planner, region, request="course", speakers=[region["case"]])
    assert errors["speakers"] == [
        "Elternkurs „Neue Wege“ needs exactly one speaker of each: Agentur für Arbeit, Jobcenter."
    ]
    refused(planner, region, request="course", speakers=[region["case"], region["officer"]])


def test_a_cafe_has_one_speaker(planner, region):
    errors = refused(planner, region, speakers=[region["case"], region["bca"]])
    assert "speakers" in errors


def test_a_speaker_left_out_of_the_scenario_is_refused(planner, region):
    region["scenario"].left_out.add(region["case"])
    assert "speakers" in refused(planner, region)


def test_a_request_pinned_as_often_as_it_asks_is_refused(planner, region):
    scenario, cafe = region["scenario"], region["requests"]["cafe"]
    services.pin_event(
        access=planner, scenario=scenario, centre_request=cafe, month=2, speakers=[region["case"]]
    )
    errors = refused(planner, region, month=5)  # one café per half-year: the first half is full
    assert "already has 1 pinned or existing event(s) in that period" in errors["month"][0]
    services.pin_event(  # the second half is free
        access=planner, scenario=scenario, centre_request=cafe, month=9, speakers=[region["case"]]
    )
    assert sorted(Pin.objects.values_list("month", flat=True)) == [2, 9]


def test_an_existing_event_counts_as_a_pin(planner, region):
    centre_a = region["centres"][0]
    starts = datetime(YEAR, 3, 2, 9, 30, tzinfo=timezone.get_current_timezone())
    make_event(centre_a, CAFE, starts=starts, status="draft", speakers=[region["case"]])
    assert "month" in refused(planner, region, month=4)


def test_move_and_swap_replace_the_pin(planner, region):
    scenario, cafe = region["scenario"], region["requests"]["cafe"]
    pin = services.pin_event(
        access=planner, scenario=scenario, centre_request=cafe, month=2, speakers=[region["case"]]
    )
    moved = services.pin_event(
        access=planner,
        scenario=scenario,
        centre_request=cafe,
        month=5,
        speakers=[region["case"]],
        replaces=pin,
    )
    swapped = services.pin_event(
        access=planner,
        scenario=scenario,
        centre_request=cafe,
        month=5,
        speakers=[region["officer"]],
        replaces=moved,
    )
    assert list(Pin.objects.values_list("pk", flat=True)) == [swapped.pk]
    assert list(swapped.speakers.all()) == [region["officer"]]
    services.unpin(access=planner, pin=swapped)
    assert not Pin.objects.exists()


def test_the_pin_page_refuses_bad_input_with_a_message_and_saves_nothing(
    client, coordinator, region
):
    run = solve(region["scenario"])
    client.force_login(coordinator)
    response = client.post(
        reverse("plan-run-pin", kwargs={"pk": run.pk}),
        {
            "request": region["requests"]["course"].pk,
            "month": 4,
            "speakers": [region["case"].pk],
        },
        follow=True,
    )
    assert not Pin.objects.exists()
    assert "Agentur für Arbeit" in response.content.decode()
    response = client.post(
        reverse("plan-run-pin", kwargs={"pk": run.pk}),
        {
            "request": region["requests"]["course"].pk,
            "month": 4,
            "speakers": [region["case"].pk, region["bca"].pk],
        },
    )
    assert response.status_code == 302
    assert Pin.objects.get().month == 4


# The three best speakers


def test_suggestions_are_qualified_speakers_in_reach_best_first(planner, region, wesel):
    far = InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        name="Jobcenter fern",
        latitude="52.5000",
        longitude="7.5000",
    )
    far_one = _speaker(far, "Fern", [CAFE], Person.Function.CASE_MANAGER, km=20)
    _speaker(far, "Ohne", [INFO], Person.Function.CASE_MANAGER)  # not qualified for cafés
    result = services.suggest_speakers(
        scenario=region["scenario"], centre_request=region["requests"]["cafe"], month=3
    )
    people = [item.speakers for item in result.items]
    assert 1 <= len(people) <= 3
    assert all(len(group) == 1 and CAFE in group[0].moderated_formats for group in people)
    assert far_one not in {group[0] for group in people}
    assert {group[0] for group in people} <= {region["bca"], region["case"], region["officer"]}
    scores = [(-i.centres, -i.requests, i.travel_km) for i in result.items]
    assert scores == sorted(scores)
    for item in result.items:
        assert item.centres_change == item.centres - result.centres
        assert item.travel_change == pytest.approx(item.travel_km - result.travel_km, abs=0.11)


def test_suggestions_for_a_course_are_pairs_of_agency_and_job_centre(region):
    result = services.suggest_speakers(
        scenario=region["scenario"], centre_request=region["requests"]["course"], month=3
    )
    assert [set(item.speakers) for item in result.items] == [{region["bca"], region["case"]}]


# Making the draft events


def _within_opening(event) -> bool:
    periods = OpeningPeriod.objects.filter(institution=event.family_centre)
    for session in event.sessions.all():
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        day = [p for p in periods if p.weekday == start.weekday()]
        if not any(p.opens <= start.time() and end.time() <= p.closes for p in day):
            return False
    return True


def test_making_events_creates_drafts_with_the_planned_speakers_and_dates(
    planner, coordinator, region
):
    run = solve(region["scenario"], coordinator)
    planned = services.planned_events(run)
    assert len(planned) == 5  # two cafés, a course, two information sessions
    outcome = services.make_events(access=planner, run=run)
    assert outcome.failed == []
    assert len(outcome.created) == 5
    by_key = {
        (a["centre"], a["format"], a["month"]): {int(s) for s in a["speakers"]} for a in planned
    }
    for event in outcome.created:
        first = timezone.localtime(event.sessions.first().starts_at)
        key = (event.family_centre_id, event.format.code, first.month)
        assert event.status == ParentEvent.Status.DRAFT
        assert {p.pk for p in event.speakers.all()} == by_key[key]
        assert first.year == YEAR and _within_opening(event)
        assert event.capacity == event.format.default_capacity
        minutes = (event.sessions.first().ends_at - event.sessions.first().starts_at).seconds // 60
        assert minutes == event.format.default_minutes
    course = next(e for e in outcome.created if e.format.code == COURSE)
    dates = [timezone.localtime(s.starts_at).date() for s in course.sessions.all()]
    assert course.shape == ParentEvent.Shape.COURSE and len(dates) == 5
    assert all((b - a).days == 7 for a, b in pairwise(dates))
    run.refresh_from_db()
    assert run.events_made_by == coordinator and run.events_made_at is not None
    assert len(run.events_made["created"]) == 5

    again = services.make_events(access=planner, run=run)  # a second click
    assert again.created == [] and ParentEvent.objects.count() == 5


def test_a_clash_reported_by_the_events_service_is_listed_and_the_rest_are_made(
    planner, region, wesel
):
    run = solve(region["scenario"])
    planned = services.planned_events(run)
    blocked = next(a for a in planned if a["format"] == INFO)
    speaker = Person.objects.get(pk=int(blocked["speakers"][0]))
    elsewhere = InstitutionFactory(region=wesel, name="FZ Anderswo")
    zone = timezone.get_current_timezone()
    busy = make_event(
        elsewhere,
        CAFE,
        starts=datetime(YEAR, blocked["month"], 1, 6, tzinfo=zone),
        status="draft",
        speakers=[speaker],
    )
    day = datetime(YEAR, blocked["month"], 2, 6, tzinfo=zone)
    while day.month == blocked["month"]:  # every day of the month, 6 to 22 o'clock
        EventSession.objects.create(event=busy, starts_at=day, ends_at=day + timedelta(hours=16))
        day += timedelta(days=1)
    outcome = services.make_events(access=planner, run=run)
    assert len(outcome.created) == len(planned) - 1
    assert len(outcome.failed) == 1
    failure = outcome.failed[0]
    assert failure["centre"] == "FZ Berg" and failure["month"] == blocked["month"]
    assert f"{speaker} is already booked at that time" in failure["message"]


def test_a_second_click_while_events_are_made_is_refused(planner, region):
    run = solve(region["scenario"])
    PlanRun.objects.filter(pk=run.pk).update(events_claimed_at=timezone.now())
    with pytest.raises(ValidationFailed):
        services.make_events(access=planner, run=run)
    assert not ParentEvent.objects.exists()


def test_the_pages_make_events_once(client, coordinator, region):
    run = solve(region["scenario"], coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("plan-run-events", kwargs={"pk": run.pk}))
    assert page.status_code == 200
    assert "FZ Aue" in page.content.decode() and "FZ Berg" in page.content.decode()
    url = reverse("plan-run-make-events", kwargs={"pk": run.pk})
    assert client.get(url).status_code == 200
    client.post(url)
    client.post(url)
    assert ParentEvent.objects.count() == 5
    page = client.get(reverse("plan-run-events", kwargs={"pk": run.pk})).content.decode()
    assert reverse("event-detail", kwargs={"pk": ParentEvent.objects.first().pk}) in page


# Re-planning the rest of the year


def test_a_new_plan_keeps_the_events_made_and_plans_nothing_twice(planner, region):
    run = solve(region["scenario"])
    made = services.make_events(access=planner, run=run).created
    kept = {
        (
            e.family_centre_id,
            e.format.code,
            timezone.localtime(e.sessions.first().starts_at).month,
            frozenset(p.pk for p in e.speakers.all()),
        )
        for e in made
    }
    again = solve(region["scenario"])
    plan = again.result["plan"]
    assert plan["relaxations"] == []
    planned = {
        (a["centre"], a["format"], a["month"], frozenset(int(s) for s in a["speakers"]))
        for a in plan["assignments"]
    }
    assert kept == planned
    per_request = Counter(request_pk(a["request"]) for a in plan["assignments"])
    assert per_request == {r.pk: r.per_year for r in region["requests"].values()}
    assert services.make_events(access=planner, run=again).created == []


def test_a_pin_of_an_event_made_is_dropped_as_the_event_keeps_it(planner, region):
    scenario, cafe = region["scenario"], region["requests"]["cafe"]
    services.pin_event(
        access=planner, scenario=scenario, centre_request=cafe, month=2, speakers=[region["case"]]
    )
    run = solve(scenario)
    assert {(request_pk(a["request"]), a["month"]) for a in run.result["plan"]["assignments"]} >= {
        (cafe.pk, 2)
    }
    services.make_events(access=planner, run=run)
    assert not Pin.objects.exists()
    assert solve(scenario).result["plan"]["relaxations"] == []


def test_replanning_from_the_page_starts_a_new_run(client, coordinator, region):
    run = solve(region["scenario"], coordinator)
    client.force_login(coordinator)
    url = reverse("plan-run-replan", kwargs={"pk": run.pk})
    assert client.get(url).status_code == 200
    response = client.post(url)
    newer = region["scenario"].runs.first()
    assert newer.pk != run.pk
    assert response["Location"] == reverse("plan-run-events", kwargs={"pk": newer.pk})


def test_suggestions_for_a_pinned_event_replace_its_pin(planner, region):
    scenario, cafe = region["scenario"], region["requests"]["cafe"]
    services.pin_event(
        access=planner, scenario=scenario, centre_request=cafe, month=3, speakers=[region["case"]]
    )
    result = services.suggest_speakers(scenario=scenario, centre_request=cafe, month=3)
    assert region["case"] in {item.speakers[0] for item in result.items}
    assert len(result.items) == 3


def test_events_made_from_another_plan_count_by_request_and_period(region, planner):
    """Two scenarios plan the course of the year in different months: after one plan's events
    are made, the other's make no second course (nor second cafés of the half-years)."""
    first = solve(region["scenario"])
    made = services.make_events(access=planner, run=first)
    assert made.created and not made.failed
    counts = Counter(event.format.code for event in ParentEvent.objects.all())
    other = Scenario.objects.create(region=region["scenario"].region, year=YEAR, name="Andere")
    second = solve(other)
    again = services.make_events(access=planner, run=second)
    assert again.created == []
    assert Counter(event.format.code for event in ParentEvent.objects.all()) == counts
    assert counts[COURSE] == 1


def test_a_speaker_keeps_one_event_per_half_day_against_events_that_exist(region, planner):
    """Every Tuesday and Wednesday morning of the year the BCA, the case manager and the
    placement officer already speak elsewhere: nothing planned on those mornings is made."""
    run = solve(region["scenario"])
    berlin = timezone.get_default_timezone()
    elsewhere = InstitutionFactory(region=region["scenario"].region, name="FZ Anderswo")
    people = [region["bca"], region["case"], region["officer"]]
    day = datetime(YEAR, 1, 1, 8, 0, tzinfo=berlin)
    while day.year == YEAR:
        if day.weekday() in (1, 2):
            make_event(elsewhere, CAFE, starts=day, speakers=people, status="draft")
        day += timedelta(days=1)
    before = set(ParentEvent.objects.values_list("pk", flat=True))
    services.make_events(access=planner, run=run)
    for event in ParentEvent.objects.exclude(pk__in=before):
        for session in event.sessions.all():
            local = timezone.localtime(session.starts_at)
            assert not (local.weekday() in (1, 2) and local.hour < 12), (event, local)


def test_a_scenario_is_not_deleted_while_events_are_made_from_its_plan(region, planner):
    from neuewege.coverage.services.scenarios import delete_scenario

    run = solve(region["scenario"])
    PlanRun.objects.filter(pk=run.pk).update(events_claimed_at=timezone.now())
    with pytest.raises(ValidationFailed, match="being made"):
        delete_scenario(access=planner, scenario=region["scenario"])
    assert Scenario.objects.filter(pk=region["scenario"].pk).exists()
    with pytest.raises(ValidationFailed, match="being made"):
        services.make_events(access=planner, run=run)


def test_the_state_level_plans_coverage_but_makes_no_events(region, state_user):
    run = solve(region["scenario"])
    with pytest.raises(PermissionDenied):
        services.make_events(access=access_for(state_user), run=run)
    assert not ParentEvent.objects.exists()
