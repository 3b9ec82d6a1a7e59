"""The demo demand and supply: every request keeps the rules, BCAs give more hours."""

from datetime import time

from neuewege.core.models import Institution, OpeningPeriod, Person
from neuewege.coverage.demo import generate_demo_coverage
from neuewege.coverage.models import CentreRequest, SpeakerCapacity
from neuewege.coverage.services.demand import request_errors
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
