"""The coverage app's part of the permission matrix (tests/test_permission_matrix.py): the records
of region A its URLs point at. URL names follow the record their ``pk`` is:
``centre-request-…`` a request of family centre A, ``speaker-capacity-…`` the capacity of a
speaker of region A's job centre; ``institution-request-create`` takes family centre A,
``person-speaker-capacity`` a speaker of the employment agency without a capacity yet;
``scenario-…`` a scenario of region A compared with another, ``plan-run-…`` its finished plan
with one event, ``pin-delete`` a pin of that scenario.

The API (coverage/api.py): everyone who sees region A's coverage reads its requests, speakers,
scenarios and plans (else 404); requests are written by the coordinator and the staff of family
centre A, capacities, scenarios and plans by the planners (the coordinator, the state level)."""

from tests.matrix_roles import PLAN_A, READ_A, Writers

PLANNERS_A = {"coordinator_a", "state"}  # coverage.plan in region A
COVERAGE_API = {
    ("GET", "/api/v1/regions/{key}/coverage/requests"): READ_A,
    ("POST", "/api/v1/regions/{key}/coverage/requests"): Writers(PLAN_A),
    ("PATCH", "/api/v1/coverage/requests/{request_id}"): Writers(PLAN_A),
    ("GET", "/api/v1/regions/{key}/coverage/speakers"): READ_A,
    ("PATCH", "/api/v1/coverage/speakers/{speaker_id}/capacity"): Writers(PLANNERS_A),
    ("GET", "/api/v1/regions/{key}/coverage/scenarios"): READ_A,
    ("POST", "/api/v1/regions/{key}/coverage/scenarios"): Writers(PLANNERS_A),
    ("GET", "/api/v1/coverage/scenarios/{scenario_id}"): READ_A,
    ("GET", "/api/v1/coverage/plans/{plan_id}"): READ_A,
    ("GET", "/api/v1/coverage/plans/{plan_id}/comparison"): READ_A,
    ("POST", "/api/v1/coverage/scenarios/{scenario_id}/plans"): Writers(PLANNERS_A),
    # last: the request is gone for those who may delete it
    ("DELETE", "/api/v1/coverage/requests/{request_id}"): Writers(PLAN_A),
}
COVERAGE_API_BODIES = {
    ("POST", "/api/v1/regions/{key}/coverage/requests"): {
        "family_centre_id": "{family_centre_id}",
        "year": 2099,
        "format": "info_session",
    },
    ("PATCH", "/api/v1/coverage/requests/{request_id}"): {"per_year": 6},
    ("PATCH", "/api/v1/coverage/speakers/{speaker_id}/capacity"): {"hours_per_month": 5},
    ("POST", "/api/v1/regions/{key}/coverage/scenarios"): {"name": "Eingeschleust", "year": 2099},
    ("POST", "/api/v1/coverage/scenarios/{scenario_id}/plans"): {"time_limit_seconds": 1},
}


def coverage_records():
    """What a refused write must leave as it was."""
    from neuewege.coverage.models import CentreRequest, PlanRun, Scenario, SpeakerCapacity

    return {
        "requests": list(CentreRequest.objects.values_list("pk", "per_year")),
        "capacities": list(SpeakerCapacity.objects.values_list("pk", "hours_per_month")),
        "scenarios": Scenario.objects.count(),
        "plans": PlanRun.objects.count(),
    }


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
    run, pin = _plan_world(region, request, case_manager, secret)
    world.setdefault("api_ids", {}).update(
        {
            "{request_id}": str(request.pk),
            "{family_centre_id}": str(centre_a.pk),
            "{speaker_id}": str(case_manager.pk),
            "{scenario_id}": str(run.scenario_id),
            "{plan_id}": str(run.pk),
        }
    )
    world["pk_for"].update(
        {
            "plan-run-events": run.pk,
            "plan-run-pin": run.pk,
            "plan-run-make-events": run.pk,
            "plan-run-replan": run.pk,
            "pin-delete": pin.pk,
            "institution-request-create": centre_a.pk,
            "centre-request-update": request.pk,
            "centre-request-delete": request.pk,
            "speaker-capacity-update": capacity.pk,
            "person-speaker-capacity": bca.pk,
            "scenario-update": run.scenario_id,
            "scenario-delete": run.scenario_id,
            "scenario-run": run.scenario_id,
            "plan-run-detail": run.pk,
            "plan-run-compare": run.pk,
        }
    )
    return {
        "request": request,
        "capacity": capacity,
        "speaker": bca,
        "scenario": run.scenario,
        "run": run,
        "pin": pin,
    }


def _plan_world(region, request, speaker, secret):
    from neuewege.coverage.models import Pin, PlanRun, Scenario

    base = Scenario.objects.create(region=region, year=2099, name=f"BCA {secret}")
    scenario = Scenario.objects.create(region=region, year=2099, name=secret, base=base)
    plan = {
        "objectives": {
            name: {"value": value, "bound": value, "sense": sense}
            for name, value, sense in (
                ("centres_covered", 0, "max"),
                ("requests_served", 1, "max"),
                ("max_load_percent", 5, "min"),
                ("travel_km", 3.0, "min"),
            )
        },
        "centres_with_requests": 1,
        "centres": [
            {
                "id": request.family_centre_id,
                "name": secret,
                "status": "partly",
                "demand": 12,
                "served": 1,
                "reasons": [{"code": "capacity_used_up", "params": {}}],
                "point": None,
            }
        ],
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
        "speakers": [
            {
                "id": str(speaker.pk),
                "name": secret,
                "institution": "JC",
                "function": "case_manager",
                "extra": False,
                "hours": 2.0,
                "hours_available": 48.0,
                "load": 0.042,
                "events": 1,
                "travel_km": 3.0,
            }
        ],
        "status": "optimal",
        "gap": 0.0,
        "wall_seconds": 0.1,
        "solver": "cp_sat",
        "digest": "",
        "served_by_format": {request.format: [1, 12]},
        "left_out": {},
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
        scenario=scenario,
        work_state=PlanRun.State.DONE,
        result={"plan": plan, "base": plan, "base_name": base.name, "marginal": []},
    )
    pin = Pin.objects.create(scenario=scenario, centre_request=request, month=12)
    pin.speakers.set([speaker])
    return run, pin
