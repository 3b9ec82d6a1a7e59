"""The coverage app's part of the permission matrix (tests/test_permission_matrix.py): the records
of region A its URLs point at. URL names follow the record their ``pk`` is:
``centre-request-…`` a request of family centre A, ``speaker-capacity-…`` the capacity of a
speaker of region A's job centre; ``institution-request-create`` takes family centre A,
``person-speaker-capacity`` a speaker of the employment agency without a capacity yet;
``scenario-…`` a scenario of region A compared with another, ``plan-run-…`` its plan (finished,
without a result: the pages say so)."""


def add_coverage_world(world, *, region, centre_a, secret):
    from neuewege.core.models import EventFormat, Institution, Person
    from neuewege.coverage.models import CentreRequest, PlanRun, Scenario, SpeakerCapacity
    from tests.factories import InstitutionFactory, PersonFactory

    request = CentreRequest.objects.create(
        family_centre=centre_a,
        year=2026,
        format=EventFormat.PARENT_CAFE,
        per_year=12,
        note=secret,
    )
    job_centre = InstitutionFactory(
        region=region, kind=Institution.Kind.JOB_CENTRE, name=f"Jobcenter {secret}"
    )
    agency = InstitutionFactory(
        region=region, kind=Institution.Kind.EMPLOYMENT_AGENCY, name=f"Agentur {secret}"
    )
    case_manager = PersonFactory(
        institution=job_centre,
        function=Person.Function.CASE_MANAGER,
        last_name=secret,
        moderated_formats=[EventFormat.PARENT_CAFE],
    )
    capacity = SpeakerCapacity.objects.create(person=case_manager, hours_per_month=4)
    bca = PersonFactory(institution=agency, function=Person.Function.BCA, last_name=secret)
    base = Scenario.objects.create(region=region, year=2026, name=f"BCA {secret}")
    scenario = Scenario.objects.create(region=region, year=2026, name=secret, base=base)
    run = PlanRun.objects.create(scenario=scenario, work_state=PlanRun.State.DONE)
    world["pk_for"].update(
        {
            "institution-request-create": centre_a.pk,
            "centre-request-update": request.pk,
            "centre-request-delete": request.pk,
            "speaker-capacity-update": capacity.pk,
            "person-speaker-capacity": bca.pk,
            "scenario-update": scenario.pk,
            "scenario-delete": scenario.pk,
            "scenario-run": scenario.pk,
            "plan-run-detail": run.pk,
            "plan-run-compare": run.pk,
        }
    )
    return {
        "request": request,
        "capacity": capacity,
        "speaker": bca,
        "scenario": scenario,
        "run": run,
    }
