"""The demo demand and supply: every request keeps the rules, BCAs give more hours."""

from datetime import time

from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person
from neuewege.coverage.api import comparison
from neuewege.coverage.demo import (
    ONLY_BCAS,
    PLUS_FIVE,
    WITH_CASE_MANAGERS,
    generate_demo_coverage,
    generate_demo_scenarios,
)
from neuewege.coverage.models import CentreRequest, Scenario, SpeakerCapacity
from neuewege.coverage.services.demand import request_errors
from neuewege.coverage.services.plans import planning_year
from tests.factories import InstitutionFactory, PersonFactory


def test_the_demo_demand_keeps_the_rules_and_is_made_once(wesel):
    centres = [InstitutionFactory(region=wesel) for _ in range(14)]
    for centre in centres[:10]:
        for day in range(5):
            OpeningPeriod.objects.create(
                institution=centre, weekday=day, opens=time(7), closes=time(13 + day)
            )
    agency = InstitutionFactory(region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY)
    job_centre = InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE)
    bca = PersonFactory(institution=agency, function=Person.Function.BCA)
    manager = PersonFactory(institution=job_centre, function=Person.Function.CASE_MANAGER)
    PersonFactory(institution=job_centre, function=Person.Function.OTHER)

    assert generate_demo_coverage("demo", 1)
    assert generate_demo_coverage("demo", 1) is None

    requests = CentreRequest.objects.select_related("family_centre")
    assert {r.family_centre_id for r in requests} == {c.pk for c in centres}
    assert all(r.per_year == 2 for r in requests.filter(format="info_session"))
    for request in requests:
        data = {name: getattr(request, name) for name in ("year", "format", "per_year")}
        data |= {
            "weekdays": request.weekdays,
            "part_of_day": request.part_of_day,
            "avoid_months": request.avoid_months,
        }
        assert request_errors(region=wesel, family_centre=request.family_centre, data=data) == {}
    hours = dict(SpeakerCapacity.objects.values_list("person_id", "hours_per_month"))
    assert set(hours) == {bca.pk, manager.pk} and hours[bca.pk] > hours[manager.pk]


def test_the_demo_opens_with_kreis_wesels_scenarios_and_a_comparison(wesel):
    formats = [EventFormat.PARENT_CAFE, EventFormat.INFO_SESSION, EventFormat.PARENT_COURSE]
    for _ in range(6):
        centre = InstitutionFactory(region=wesel)
        for day in range(5):
            OpeningPeriod.objects.create(
                institution=centre, weekday=day, opens=time(8), closes=time(16)
            )
    agency = InstitutionFactory(region=wesel, kind=Institution.Kind.EMPLOYMENT_AGENCY)
    job_centre = InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE)
    PersonFactory(institution=agency, function=Person.Function.BCA, moderated_formats=formats)
    for _ in range(4):
        PersonFactory(
            institution=job_centre,
            function=Person.Function.CASE_MANAGER,
            moderated_formats=formats,
        )
    assert generate_demo_coverage("demo", 1)

    assert generate_demo_scenarios("demo", 1)
    assert generate_demo_scenarios("demo", 1) is None

    scenarios = {s.name: s for s in Scenario.objects.filter(region=wesel, year=planning_year())}
    assert set(scenarios) == {ONLY_BCAS, WITH_CASE_MANAGERS, PLUS_FIVE}
    assert scenarios[ONLY_BCAS].functions == ["bca"]
    assert scenarios[WITH_CASE_MANAGERS].functions == []
    assert scenarios[WITH_CASE_MANAGERS].base == scenarios[ONLY_BCAS]
    assert scenarios[PLUS_FIVE].base == scenarios[WITH_CASE_MANAGERS]
    assert scenarios[PLUS_FIVE].extra_speakers[0]["count"] == 5
    assert not scenarios[PLUS_FIVE].runs.exists()  # computed when someone asks
    assert scenarios[ONLY_BCAS].runs.get().work_state == "done"
    run = scenarios[WITH_CASE_MANAGERS].runs.get()
    assert run.work_state == "done"
    compared = comparison(run.result)
    assert (
        compared["scenario_figures"]["centres_covered"]
        > compared["base_figures"]["centres_covered"]
    )
    assert compared["gained"] and not compared["lost"]
    assert all(entry["centres"] >= 0 for entry in compared["marginal"])
