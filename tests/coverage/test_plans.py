"""The coverage planner on the platform's data: a scenario's year as the solver's instance
(services/plans.py ``instance_for``), and a run with its base and each added speaker's value."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from neuewege.core.access import Access
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person
from neuewege.coverage.models import CentreRequest, Pin, PlanRun, Scenario, SpeakerCapacity
from neuewege.coverage.services import plans
from tests.factories import InstitutionFactory, PersonFactory, make_event

YEAR = 2027
BEFORE = date(2026, 12, 6)  # the whole of 2027 is ahead
CAFE, TALK, COURSE = EventFormat.PARENT_CAFE, EventFormat.INFO_SESSION, EventFormat.PARENT_COURSE


class Counter:
    def __call__(self, done, total):
        self.last = (done, total)


def _centre(region, name, lat, lon):
    centre = InstitutionFactory(region=region, name=name, latitude=lat, longitude=lon)
    for day in range(5):  # mornings only
        OpeningPeriod.objects.create(
            institution=centre, weekday=day, opens=time(8), closes=time(12)
        )
    return centre


def _speaker(institution, function, formats, hours=8, km=30, **capacity):
    person = PersonFactory(institution=institution, function=function, moderated_formats=formats)
    SpeakerCapacity.objects.create(
        person=person,
        hours_per_month=hours,
        max_travel_km=km,
        max_travel_minutes=120,
        **capacity,
    )
    return person


@pytest.fixture
def region(wesel):
    """Two family centres 40 km apart; the job centre's BCA at the first, a case manager's office
    (an agency branch of the job centre) at the second; each reaches only its own."""
    north = _centre(wesel, "FZ Nord", "51.80", "6.60")
    south = _centre(wesel, "FZ Süd", "51.44", "6.60")
    jc_north = InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        name="JC Nord",
        latitude="51.80",
        longitude="6.61",
    )
    jc_south = InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        name="JC Süd",
        latitude="51.44",
        longitude="6.61",
    )
    bca = _speaker(jc_north, Person.Function.BCA, [CAFE, TALK])
    manager = _speaker(jc_south, Person.Function.CASE_MANAGER, [CAFE, TALK])
    for centre in (north, south):
        CentreRequest.objects.create(
            family_centre=centre,
            year=YEAR,
            format=CAFE,
            per_year=12,
            weekdays=[1],
            part_of_day="morning",
            avoid_months=[8],
        )
        CentreRequest.objects.create(family_centre=centre, year=YEAR, format=TALK, per_year=2)
    return {"north": north, "south": south, "bca": bca, "manager": manager, "jc": jc_south}


@pytest.mark.parametrize(
    ("per_year", "expected"),
    [
        (12, (1, "month")),
        (24, (2, "month")),
        (2, (1, "half_year")),
        (4, (2, "half_year")),
        (1, (1, "year")),
        (3, (3, "year")),
        (6, (3, "half_year")),
    ],
)
def test_frequency(per_year, expected):
    assert plans.frequency(per_year) == expected


def test_the_months_ahead_and_the_year_planned():
    assert plans.planning_months(2027, date(2026, 12, 6)) == tuple(range(1, 13))
    assert plans.planning_months(2027, date(2027, 4, 10)) == tuple(range(5, 13))
    assert plans.planning_months(2026, date(2027, 1, 2)) == ()
    assert plans.planning_year(date(2027, 9, 30)) == 2027
    assert plans.planning_year(date(2027, 10, 1)) == 2028


def test_the_instance_of_a_scenario(region, wesel):
    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Alle")
    given = plans.instance_for(scenario, today=BEFORE)
    instance = given.instance
    assert instance.months == tuple(range(1, 13))
    centres = {c.id: c for c in instance.centres}
    assert centres[region["north"].pk].opening == frozenset((d, "morning") for d in range(5))
    by_format = {(r.centre, r.format): r for r in instance.requests}
    cafe = by_format[(region["north"].pk, CAFE)]
    assert (cafe.count, cafe.per, cafe.avoid_months) == (1, "month", frozenset({8}))
    assert cafe.preferred == frozenset({(1, "morning")})
    talk = by_format[(region["north"].pk, TALK)]
    assert (talk.count, talk.per) == (1, "half_year")
    assert talk.preferred == centres[region["north"].pk].opening  # no wish: every open slot
    formats = {f.id: f for f in instance.formats}
    assert (formats[COURSE].modules, formats[COURSE].roles) == (5, ("AA", "JC"))
    assert formats[CAFE].roles == ()
    speakers = {s.id: s for s in instance.speakers}
    assert speakers[region["bca"].pk].function == "bca"
    assert speakers[region["manager"].pk].institution == "JC"
    assert speakers[region["manager"].pk].hours_per_month == 8


def test_a_scenario_keeps_the_functions_it_names_and_changes_hours(region, wesel):
    scenario = Scenario.objects.create(
        region=wesel, year=YEAR, name="Nur BCAs", functions=["bca"], hours_percent=150
    )
    (speaker,) = plans.instance_for(scenario, today=BEFORE).instance.speakers
    assert (speaker.id, speaker.hours_per_month) == (region["bca"].pk, 12)
    everyone = Scenario.objects.create(region=wesel, year=YEAR, name="Ohne Kaya")
    everyone.left_out.add(region["manager"])
    ids = [s.id for s in plans.instance_for(everyone, today=BEFORE).instance.speakers]
    assert ids == [region["bca"].pk]


def test_added_speakers_work_from_the_institutions_office(region, wesel):
    scenario = Scenario.objects.create(
        region=wesel,
        year=YEAR,
        name="+2",
        functions=["bca"],
        extra_speakers=[
            {
                "institution_kind": "job_centre",
                "function": "case_manager",
                "count": 2,
                "hours_per_month": 4,
                "formats": [CAFE],
                "max_travel_km": 20,
            }
        ],
    )
    given = plans.instance_for(scenario, today=BEFORE)
    added = [s for s in given.instance.speakers if given.speaker_info[s.id]["extra"]]
    assert len(added) == 2
    assert {(s.institution, s.function, s.hours_per_month, s.max_km) for s in added} == {
        ("JC", "case_manager", 4, 20)
    }
    assert added[0].home.lat == pytest.approx(51.80)  # "JC Nord" comes first by name


def test_events_that_exist_are_kept_and_held_ones_lower_the_demand(region, wesel):
    """Re-planning in April: the talk held in February counts for the first half-year; the café
    made for May is kept as a pin with its speaker; months past are not planned."""
    north, bca = region["north"], region["bca"]
    berlin = timezone.get_default_timezone()
    make_event(north, TALK, starts=datetime(2027, 2, 9, 9, tzinfo=berlin), speakers=[bca])
    make_event(north, CAFE, starts=datetime(2027, 5, 4, 9, tzinfo=berlin), speakers=[bca])
    cancelled = make_event(north, CAFE, starts=datetime(2027, 6, 1, 9, tzinfo=berlin))
    cancelled.status = "cancelled"
    cancelled.save()
    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Rest")
    instance = plans.instance_for(scenario, today=date(2027, 4, 10)).instance
    assert instance.months == tuple(range(5, 13))
    talks = sorted(
        (str(r.id), r.count, r.per, sorted(r.avoid_months))
        for r in instance.requests
        if r.centre == north.pk and r.format == TALK
    )
    request = CentreRequest.objects.get(family_centre=north, format=TALK)
    # the first half: its one talk is held; the second half is a request of its own
    assert talks == [(str(request.pk), 1, "year", [1, 2, 3, 4, 5, 6])]
    cafe = CentreRequest.objects.get(family_centre=north, format=CAFE)
    assert [(p.request, p.month, p.speakers) for p in instance.pins] == [(cafe.pk, 5, (bca.pk,))]


def test_a_run_plans_the_scenario_its_base_and_each_added_speakers_value(region, wesel):
    base = Scenario.objects.create(region=wesel, year=YEAR, name="Nur BCAs", functions=["bca"])
    scenario = Scenario.objects.create(
        region=wesel, year=YEAR, name="Mit Fallmanagement", base=base
    )
    run = PlanRun.objects.create(scenario=scenario, time_limit_seconds=5)
    result = plans.solve_run(run, Counter())
    assert result["plan"]["objectives"]["centres_covered"]["value"] == 2
    assert result["base"]["objectives"]["centres_covered"]["value"] == 1
    assert result["base_name"] == "Nur BCAs"
    assert result["marginal"] == [
        {"speaker": str(region["manager"].pk), "name": str(region["manager"]), "centres": 1}
    ]
    covered = {c["name"]: c["status"] for c in result["base"]["centres"]}
    assert covered == {"FZ Nord": "covered", "FZ Süd": "none"}
    (south,) = [c for c in result["base"]["centres"] if c["name"] == "FZ Süd"]
    assert {r["code"] for r in south["reasons"]} == {"no_speaker_in_reach"}
    assert result["plan"]["served_by_format"] == {CAFE: [22, 22], TALK: [4, 4]}
    for event in result["plan"]["assignments"]:
        assert event["month"] != 8 or event["format"] != CAFE


def test_a_pin_the_planner_set_is_kept(region, wesel):
    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Alle")
    talk = CentreRequest.objects.get(family_centre=region["south"], format=TALK)
    pin = Pin.objects.create(scenario=scenario, centre_request=talk, month=3)
    pin.speakers.add(region["manager"])
    run = PlanRun.objects.create(scenario=scenario, time_limit_seconds=5)
    result = plans.solve_run(run, Counter())["plan"]
    months = [a["month"] for a in result["assignments"] if a["request"] == talk.pk]
    assert 3 in months and not result["relaxations"]


def test_a_run_is_refused_for_a_year_that_is_over_and_for_a_bad_time_limit(
    region, wesel, coordinator
):
    access = Access(coordinator)
    past = Scenario.objects.create(region=wesel, year=2020, name="Alt")
    with pytest.raises(ValidationFailed, match="2020"):
        plans.start_run(access=access, scenario=past)
    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Alle")
    with pytest.raises(ValidationFailed) as refused:
        plans.start_run(access=access, scenario=scenario, time_limit_seconds=0)
    assert "time_limit_seconds" in refused.value.errors
    assert not PlanRun.objects.exists()


def test_a_scenario_may_add_a_family_centre(region, wesel):
    scenario = Scenario.objects.create(
        region=wesel,
        year=YEAR,
        name="Neues FZ",
        extra_centres=[
            {"name": "FZ Neubau", "postcode": "46483", "requests": {CAFE: 12, TALK: 0}},
            {"name": "FZ Nirgendwo", "postcode": "00000", "requests": {CAFE: 1}},
        ],
    )
    given = plans.instance_for(scenario, today=BEFORE)
    (new,) = [c for c in given.instance.centres if c.id == "new-0"]
    assert new.location.lat == pytest.approx(51.66, abs=0.05)  # Wesel
    (request,) = [r for r in given.instance.requests if r.centre == "new-0"]
    assert (request.format, request.count, request.per) == (CAFE, 1, "month")
    assert given.left_out["centres_without_location"] == [{"id": "new-1", "name": "FZ Nirgendwo"}]
    assert plans.request_pk(request.id) is None
    run = PlanRun.objects.create(scenario=scenario, time_limit_seconds=5)
    result = plans.solve_run(run, Counter())["plan"]
    names = {c["name"] for c in result["centres"]}
    assert "FZ Neubau" in names


def test_an_event_made_with_a_speaker_the_plan_lacks_serves_its_month_as_it_is(region, wesel):
    """The café in March at the northern centre is moderated by someone the scenario leaves out:
    the event stays as it is, March is served, and the plan neither reports it as a pin it could
    not keep nor plans a second café in March."""
    north = region["north"]
    berlin = timezone.get_default_timezone()
    make_event(
        north, CAFE, starts=datetime(2027, 3, 2, 9, tzinfo=berlin), speakers=[region["manager"]]
    )
    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Nur BCAs", functions=["bca"])
    instance = plans.instance_for(scenario, today=BEFORE).instance
    (cafe,) = [r for r in instance.requests if r.centre == north.pk and r.format == CAFE]
    assert cafe.avoid_months == frozenset({3, 8})
    assert not instance.pins
    run = PlanRun.objects.create(scenario=scenario, time_limit_seconds=5)
    result = plans.solve_run(run, Counter())["plan"]
    assert not result["relaxations"]
    months = [a["month"] for a in result["assignments"] if a["request"] == cafe.id]
    assert 3 not in months and len(months) == 10
    (centre,) = [c for c in result["centres"] if c["id"] == north.pk]
    assert centre["status"] == "covered"


def test_scenarios_pins_and_requests_are_in_the_regions_change_log(region, wesel):
    from auditlog.models import LogEntry

    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Protokolliert")
    talk = CentreRequest.objects.get(family_centre=region["south"], format=TALK)
    pin = Pin.objects.create(scenario=scenario, centre_request=talk, month=3)
    for record in (scenario, pin, talk):
        entry = LogEntry.objects.get_for_object(record).first()
        assert entry is not None, record
        assert entry.additional_data == {"region": wesel.pk}
