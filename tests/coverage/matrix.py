"""The coverage app's part of the permission matrix (tests/test_permission_matrix.py): the records
of region A its URLs point at. URL names follow the record their ``pk`` is:
``centre-request-…`` a request of family centre A, ``speaker-capacity-…`` the capacity of a
speaker of region A's job centre; ``institution-request-create`` takes family centre A,
``person-speaker-capacity`` a speaker of the employment agency without a capacity yet;
``plan-run-…`` a finished plan of a scenario of region A with one event, ``pin-delete`` a pin of
that scenario."""


def add_coverage_world(world, *, region, centre_a, secret):
    from neuewege.core.models import EventFormat, Institution, Person
    from neuewege.coverage.models import CentreRequest, SpeakerCapacity
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
    plan_run, pin = _plan_world(region, request, case_manager, secret)
    world["pk_for"].update(
        {
            "plan-run-events": plan_run.pk,
            "plan-run-pin": plan_run.pk,
            "plan-run-make-events": plan_run.pk,
            "plan-run-replan": plan_run.pk,
            "pin-delete": pin.pk,
            "institution-request-create": centre_a.pk,
            "centre-request-update": request.pk,
            "centre-request-delete": request.pk,
            "speaker-capacity-update": capacity.pk,
            "person-speaker-capacity": bca.pk,
        }
    )
    return {"request": request, "capacity": capacity, "speaker": bca}


def _plan_world(region, request, speaker, secret):
    from neuewege.coverage.models import Pin, PlanRun, Scenario

    scenario = Scenario.objects.create(region=region, year=2026, name=f"Szenario {secret}")
    plan = {
        "objectives": {"centres_covered": {"value": 1}, "requests_served": {"value": 1}},
        "centres_with_requests": 1,
        "centres": [{"id": request.family_centre_id, "name": secret}],
        "requests": [
            {
                "id": request.pk,
                "centre": request.family_centre_id,
                "format": request.format,
                "demand": 12,
                "served": 1,
                "reason": {"code": "capacity_used_up", "params": {}},
            }
        ],
        "speakers": [{"id": str(speaker.pk), "name": secret}],
        "assignments": [
            {
                "request": request.pk,
                "centre": request.family_centre_id,
                "format": request.format,
                "month": 12,
                "speakers": [str(speaker.pk)],
                "slots": [[1, "morning"]],
            }
        ],
        "relaxations": [],
    }
    run = PlanRun.objects.create(
        scenario=scenario, work_state=PlanRun.State.DONE, result={"plan": plan}
    )
    pin = Pin.objects.create(scenario=scenario, centre_request=request, month=12)
    pin.speakers.set([speaker])
    return run, pin
