"""API routes of the coverage planning: the family centres' requests (demand), the speakers with
their capacities and qualifications (supply), the scenarios, their plans (started in the
background, read back with their progress and result) and a plan compared with its base.
Handlers parse input, call a selector or a service and return; the rules live in the access
policy and in ``coverage.services``.

Who gets what, as in the application:

- A region outside the caller's regions answers 404 on every route, and so does a record of it.
- Requests, speakers, scenarios and plans are read by everyone who sees the region's coverage
  (``coverage.see``: its people, the viewer, the state level).
- Requests are written by those who may enter them (``coverage.request``: the coordinator, the
  staff of the family centre for their own); capacities, scenarios and plans by the planners
  (``coverage.plan``: the coordinator, the state level). Others who may read get 403.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, StrictBool, StrictInt, field_validator

from neuewege.core import progress
from neuewege.core.access import Access
from neuewege.core.api_types import (
    Day,
    Input,
    Name,
    Page,
    Postcode,
    RegionKeyPath,
    Text,
    api_access,
    permitted_region,
    service_caller,
)
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import BackgroundWork, EventFormat, Institution, Person

from . import plan_report, selectors
from .models import PartOfDay, PlanRun, Scenario
from .permissions import SEE
from .services import demand, plans, scenarios

router = Router(tags=["coverage"])

RecordId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Year = Annotated[int, Field(ge=2000, le=2100)]
BodyId = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]  # in a body: JSON's true is no id
Month = Annotated[StrictInt, Field(ge=1, le=12)]
Weekday = Annotated[StrictInt, Field(ge=0, le=6, description="0 Monday … 6 Sunday")]
call = service_caller(
    {"family_centre": "family_centre_id", "left_out": "left_out_ids", "base": "base_id"}
)


# Schemas


class CentreRequestOut(Schema):
    id: int
    region: str = Field(..., alias="family_centre.region.key")
    family_centre_id: int
    family_centre: str = Field(..., alias="family_centre.name")
    year: int
    format: EventFormat
    per_year: int = Field(..., description="Events a year")
    weekdays: list[int] = Field(..., description="Preferred weekdays, 0 Monday … 6 Sunday")
    part_of_day: PartOfDay | Literal[""] = Field(..., description="Empty: any")
    avoid_months: list[int]
    note: str
    updated_at: datetime


class CentreRequestChangeIn(Input):
    """The fields to change; those not sent keep their values."""

    year: Year = None
    format: EventFormat = None
    per_year: StrictInt | None = Field(
        None, ge=1, le=demand.MAX_PER_YEAR, description="null: the format's default"
    )
    weekdays: list[Weekday] = Field(None, max_length=7)
    part_of_day: PartOfDay | Literal[""] = None
    avoid_months: list[Month] = Field(None, max_length=12)
    note: Text(2000) = None


class CentreRequestIn(CentreRequestChangeIn):
    family_centre_id: BodyId = Field(..., description="A family centre of the region")
    year: Year
    format: EventFormat
    weekdays: list[Weekday] = Field(default_factory=list, max_length=7)
    part_of_day: PartOfDay | Literal[""] = ""
    avoid_months: list[Month] = Field(default_factory=list, max_length=12)
    note: Text(2000) = ""


class YearFilter(Input):
    year: Year | None = Field(None, description="Default: the year being planned")


class CapacityOut(Schema):
    hours_per_month: int
    max_travel_km: int
    max_travel_minutes: int
    unavailable_months: list[int]
    unavailable_dates: list[date]
    active: bool


class QualificationOut(Schema):
    format: EventFormat
    qualified_on: date | None = Field(None, description="Empty: no training recorded it")


class SpeakerOut(Schema):
    person_id: int
    first_name: str
    last_name: str
    function: Person.Function
    institution_id: int
    institution: str
    institution_kind: Institution.Kind
    capacity: CapacityOut | None = Field(None, description="Empty: no hours recorded (not planned)")
    qualifications: list[QualificationOut] = Field(..., description="The formats they moderate")


class CapacityIn(Input):
    """The fields to change; those not sent keep their values (a new capacity: the defaults)."""

    hours_per_month: StrictInt = Field(None, ge=demand.MIN_HOURS, le=demand.MAX_HOURS)
    max_travel_km: StrictInt = Field(None, ge=1, le=demand.MAX_TRAVEL_KM)
    max_travel_minutes: StrictInt = Field(None, ge=1, le=demand.MAX_TRAVEL_MINUTES)
    unavailable_months: list[Month] = Field(None, max_length=12)
    unavailable_dates: list[Day] = Field(None, max_length=366)
    active: StrictBool = None


Function = Literal[scenarios.FUNCTIONS]
Limit = scenarios.EXTRA_LIMITS


class ExtraSpeaker(Input):
    institution_kind: Literal["employment_agency", "job_centre", "education_provider"]
    function: Function = Field(..., description="Other functions than these three: other")
    count: StrictInt = Field(..., ge=Limit["count"][0], le=Limit["count"][1])
    hours_per_month: StrictInt = Field(
        ..., ge=Limit["hours_per_month"][0], le=Limit["hours_per_month"][1]
    )
    formats: list[EventFormat] = Field(..., min_length=1, max_length=len(EventFormat))
    max_travel_km: StrictInt = Field(
        ..., ge=Limit["max_travel_km"][0], le=Limit["max_travel_km"][1]
    )
    label: Text(60) = ""


def known_postcode(value: str) -> str:
    if not scenarios.known_postcode(value):
        raise ValueError(_("Give a German postcode of five digits."))
    return value


CentreEvents = Annotated[StrictInt, Field(ge=0, le=scenarios.MAX_CENTRE_EVENTS)]


class ExtraCentre(Input):
    name: Name(scenarios.MAX_CENTRE_NAME)
    postcode: Annotated[Postcode, AfterValidator(known_postcode)] = Field(
        ..., description="A German postcode: the planner places the centre there"
    )
    requests: dict[EventFormat, CentreEvents] = Field(
        ...,
        description="Events a year by format, 0 to 24; at least one above 0. The centre is "
        "taken to be open on weekday mornings and afternoons",
    )

    @field_validator("requests")
    @classmethod
    def some_events(cls, value):
        if not any(value.values()):
            raise ValueError(_("Ask for at least one event a year of some format."))
        return value


class ScenarioOut(Schema):
    id: int
    region: str = Field(..., alias="region.key")
    year: int
    name: str
    description: str
    functions: list[str] = Field(..., description="Functions of the speakers planned; empty: all")
    hours_percent: int
    left_out_ids: list[int]
    extra_speakers: list[dict]
    extra_centres: list[dict] = Field(
        ..., description="Family centres added: name, postcode, requests (events a year by format)"
    )
    base_id: int | None = Field(None, description="The scenario it is compared with")
    latest_run_id: int | None = Field(None, description="Its latest plan")
    created_at: datetime

    @staticmethod
    def resolve_left_out_ids(scenario):
        return [person.pk for person in scenario.left_out.all()]

    @staticmethod
    def resolve_latest_run_id(scenario):
        runs = scenario.runs.all()  # prefetched, newest first
        return runs[0].pk if runs else None


class ScenarioIn(Input):
    name: Name(100)
    year: Year = Field(None, description="Default: the year being planned")
    description: Text(2000) = ""
    functions: list[Function] = Field(
        default_factory=list, max_length=4, description="Of the speakers planned; empty: all"
    )
    hours_percent: StrictInt = Field(
        100, ge=scenarios.MIN_HOURS_PERCENT, le=scenarios.MAX_HOURS_PERCENT
    )
    left_out_ids: list[BodyId] = Field(default_factory=list, max_length=500)
    extra_speakers: list[ExtraSpeaker] = Field(default_factory=list, max_length=20)
    extra_centres: list[ExtraCentre] = Field(
        default_factory=list,
        max_length=20,
        description="Family centres that do not exist yet; each in the plans as new-<i> "
        "(0 the first)",
    )
    base_id: BodyId | None = Field(None, description="A scenario of the same region and year")


class RunIn(Input):
    time_limit_seconds: StrictInt = Field(
        plans.DEFAULT_TIME_LIMIT_SECONDS,
        ge=1,
        le=plans.MAX_TIME_LIMIT_SECONDS,
        description="The solver's time limit (with a base: for each of the two plans)",
    )


class RunOut(Schema):
    id: int
    scenario_id: int
    state: BackgroundWork.State = Field(..., alias="work_state")
    percent: int = Field(..., ge=0, le=100)
    status_url: str = Field(..., description="Where to read the run")
    time_limit_seconds: int
    created_at: datetime
    error: str
    result: dict = Field(
        ...,
        description="Once done: {plan, base, base_name, marginal, year, months}; the plan with "
        "status, gap, objectives, centres (status, demand, served, reasons), requests, "
        "served_by_format, speakers (hours, load, travel), assignments (the events)",
    )

    @staticmethod
    def resolve_percent(run):
        return progress.percent(run)

    @staticmethod
    def resolve_status_url(run):
        return reverse("api:coverage_run", kwargs={"plan_id": run.pk})


class FiguresOut(Schema):
    centres_with_requests: int
    centres_covered: int
    centres_partly: int
    requests_served: int = Field(..., description="Events planned of those asked for")
    demand: int = Field(..., description="Events asked for")
    status: str
    gap: float | None


class MarginalOut(Schema):
    speaker: str
    name: str
    centres: int = Field(..., description="Centres covered more with this speaker alone added")


class CentreNameOut(Schema):
    id: int | str = Field(..., description="new-<i>: a family centre the scenario adds")
    name: str


class ComparisonOut(Schema):
    run_id: int
    scenario: str
    base: str
    scenario_figures: FiguresOut
    base_figures: FiguresOut
    covered_difference: int
    gained: list[CentreNameOut] = Field(..., description="Covered only in the scenario")
    lost: list[CentreNameOut] = Field(..., description="Covered only in the base")
    served_by_format: dict[str, list[int]] = Field(
        ..., description="Per format: [events in the base, events in the scenario]"
    )
    marginal: list[MarginalOut]


# A scenario's runs, for the id of its latest: without their results
RUN_IDS = Prefetch("runs", queryset=PlanRun.objects.only("pk", "scenario_id", "created_at"))


# Lookups: what lies outside the caller's reach does not exist (404)


def _see(access: Access, record):
    if not access.has(SEE, record):
        raise Http404
    return record


def api_request(access: Access, request_id: int):
    return _see(access, get_object_or_404(selectors.centre_requests(access), pk=request_id))


def api_scenario(access: Access, scenario_id: int) -> Scenario:
    scenario = get_object_or_404(
        Scenario.objects.filter(region_id__in=access.region_ids)
        .select_related("region", "base")
        .prefetch_related("left_out", RUN_IDS),
        pk=scenario_id,
    )
    return _see(access, scenario)


def api_run(access: Access, run_id: int) -> PlanRun:
    run = get_object_or_404(
        PlanRun.objects.filter(scenario__region_id__in=access.region_ids).select_related(
            "scenario__region", "scenario__base"
        ),
        pk=run_id,
    )
    return _see(access, run)


# Demand


@router.get("/regions/{key}/coverage/requests", response=list[CentreRequestOut])
@paginate(Page)
def list_requests(request, key: RegionKeyPath, filters: Query[YearFilter]):
    """The requests of the region's family centres for a year, by family centre."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    year = filters.year or plans.planning_year()
    return selectors.centre_requests(access).filter(family_centre__region=region, year=year)


@router.post("/regions/{key}/coverage/requests", response={201: CentreRequestOut})
def create_request(request, key: RegionKeyPath, payload: CentreRequestIn):
    """Add a family centre's request for a format in a year. The rules (422 at the field):
    weekdays and part of day within the centre's opening hours, not every month avoided, one
    request per format and year; without ``per_year`` the format's default."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    centre = selectors.family_centres(access, region).filter(pk=payload.family_centre_id).first()
    if centre is None:
        raise ValidationFailed(
            {"family_centre_id": _("Unknown family centre or not of this region.")}
        )
    data = payload.model_dump(exclude={"family_centre_id"})
    saved = call(
        demand.save_centre_request, access=access, region=region, family_centre=centre, data=data
    )
    return Status(201, api_request(access, saved.pk))


@router.patch("/coverage/requests/{request_id}", response=CentreRequestOut)
def update_request(request, request_id: RecordId, payload: CentreRequestChangeIn):
    """Change a request; the fields not sent keep their values. The rules as for a new one."""
    access = api_access(request)
    centre_request = api_request(access, request_id)
    data = {name: getattr(centre_request, name) for name in demand.REQUEST_FIELDS}
    data |= payload.model_dump(exclude_unset=True)
    call(
        demand.save_centre_request,
        access=access,
        region=centre_request.family_centre.region,
        family_centre=centre_request.family_centre,
        data=data,
        centre_request=centre_request,
    )
    return api_request(access, request_id)


@router.delete("/coverage/requests/{request_id}", response={204: None})
def delete_request(request, request_id: RecordId):
    access = api_access(request)
    call(
        demand.delete_centre_request,
        access=access,
        centre_request=api_request(access, request_id),
    )
    response = HttpResponse(status=204)  # no body, and so no type of one
    del response["Content-Type"]
    return response


# Supply


def speaker_out(speaker: selectors.Speaker) -> dict:
    person, capacity = speaker.person, speaker.capacity
    return {
        "person_id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "function": person.function,
        "institution_id": person.institution_id,
        "institution": person.institution.name,
        "institution_kind": person.institution.kind,
        "capacity": None
        if capacity is None
        else {
            "hours_per_month": capacity.hours_per_month,
            "max_travel_km": capacity.max_travel_km,
            "max_travel_minutes": capacity.max_travel_minutes,
            "unavailable_months": capacity.unavailable_months,
            "unavailable_dates": capacity.unavailable_dates,
            "active": capacity.active,
        },
        "qualifications": [
            {
                "format": code,
                "qualified_on": getattr(speaker.qualifications.get(code), "qualified_on", None),
            }
            for code in person.moderated_formats
        ],
    }


@router.get("/regions/{key}/coverage/speakers", response=list[SpeakerOut])
@paginate(Page)
def list_speakers(request, key: RegionKeyPath):
    """The people of the region's employment agency, job centre and education providers, with
    the hours they give to events and the formats they moderate."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    return [speaker_out(speaker) for speaker in selectors.region_speakers(access, region)]


@router.patch("/coverage/speakers/{speaker_id}/capacity", response=SpeakerOut)
def update_capacity(request, speaker_id: RecordId, payload: CapacityIn):
    """Record or change what a speaker gives to events; the fields not sent keep their values
    (a speaker without a capacity yet: 4 hours a month, 30 km, 45 minutes)."""
    access = api_access(request)
    person = get_object_or_404(selectors.speakers(access), pk=speaker_id)
    _see(access, person)
    capacity = getattr(person, "speaker_capacity", None)  # none yet: the reverse raises
    data = {
        "hours_per_month": 4,
        "max_travel_km": 30,
        "max_travel_minutes": 45,
        "unavailable_months": [],
        "unavailable_dates": [],
        "active": True,
    }
    if capacity is not None:
        data |= {name: getattr(capacity, name) for name in data}
        data["unavailable_dates"] = [date.fromisoformat(day) for day in data["unavailable_dates"]]
    data |= payload.model_dump(exclude_unset=True)
    call(demand.save_speaker_capacity, access=access, person=person, data=data)
    speaker = next(
        s
        for s in selectors.region_speakers(access, person.institution.region)
        if s.person == person
    )
    return speaker_out(speaker)


# Scenarios and plans


@router.get("/regions/{key}/coverage/scenarios", response=list[ScenarioOut])
@paginate(Page)
def list_scenarios(request, key: RegionKeyPath, filters: Query[YearFilter]):
    """The region's scenarios of a year, by name."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    year = filters.year or plans.planning_year()
    return (
        Scenario.objects.filter(region=region, year=year)
        .select_related("region")
        .prefetch_related("left_out", RUN_IDS)
    )


@router.get("/coverage/scenarios/{scenario_id}", response=ScenarioOut)
def get_scenario(request, scenario_id: RecordId):
    return api_scenario(api_access(request), scenario_id)


@router.post("/regions/{key}/coverage/scenarios", response={201: ScenarioOut})
def create_scenario(request, key: RegionKeyPath, payload: ScenarioIn):
    """Add a scenario of the region's year (the planners): the functions of the speakers
    planned (none: all), their hours in per cent, people left out, speakers and family centres
    added who do not exist yet, and the scenario it is compared with."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    year = payload.year or plans.planning_year()
    left_out = list(selectors.speakers(access, region).filter(pk__in=set(payload.left_out_ids)))
    if len(left_out) != len(set(payload.left_out_ids)):
        raise ValidationFailed({"left_out_ids": _("Unknown speaker or not of this region.")})
    base = None
    if payload.base_id is not None:
        base = Scenario.objects.filter(region=region, pk=payload.base_id).first()
        if base is None:
            raise ValidationFailed({"base_id": _("Unknown scenario or not of this region.")})
    data = payload.model_dump(exclude={"left_out_ids", "base_id", "year"}, mode="json")
    data["extra_speakers"] = [
        {name: value for name, value in entry.items() if value != "" or name != "label"}
        for entry in data["extra_speakers"]
    ]
    data |= {"left_out": left_out, "base": base}
    scenario = call(scenarios.save_scenario, access=access, region=region, year=year, data=data)
    return Status(201, api_scenario(access, scenario.pk))


@router.post("/coverage/scenarios/{scenario_id}/plans", response={202: RunOut})
def start_run(request, scenario_id: RecordId, payload: RunIn):
    """Plan the scenario in the background (the planners); follow the run at its
    ``status_url`` until its state is done (or failed). With a base, the run also plans the
    base on the same data and each added speaker's value."""
    access = api_access(request)
    scenario = api_scenario(access, scenario_id)
    run = call(
        plans.start_run,
        access=access,
        scenario=scenario,
        time_limit_seconds=payload.time_limit_seconds,
    )
    run.refresh_from_db()
    return Status(202, run)


@router.get("/coverage/plans/{plan_id}", response=RunOut, url_name="coverage_run")
def get_run(request, plan_id: RecordId):
    """A plan: its state, how far it is and, once done, the plan."""
    return api_run(api_access(request), plan_id)


def figures(plan: dict) -> dict:
    statuses = [centre["status"] for centre in plan["centres"]]
    return {
        "centres_with_requests": plan["centres_with_requests"],
        "centres_covered": statuses.count("covered"),
        "centres_partly": statuses.count("partly"),
        "requests_served": sum(request["served"] for request in plan["requests"]),
        "demand": sum(request["demand"] for request in plan["requests"]),
        "status": plan["status"],
        "gap": plan["gap"],
    }


def comparison(result: dict) -> dict:
    """A run's plan beside its base's (both on the same data): figures, the centres gained and
    lost, the events per format (the facts: ``plan_report.compared``) and each added speaker's
    value."""
    facts = plan_report.compared(result)
    return {
        "base_figures": figures(result["base"]),
        "scenario_figures": figures(result["plan"]),
        "covered_difference": facts["covered_difference"],
        "gained": [{"id": c["id"], "name": c["name"]} for c in facts["gained"]],
        "lost": [{"id": c["id"], "name": c["name"]} for c in facts["lost"]],
        "served_by_format": {
            code: [row["base"], row["scenario"]] for code, row in facts["formats"].items()
        },
        "marginal": result.get("marginal", []),
    }


@router.get("/coverage/plans/{plan_id}/comparison", response=ComparisonOut)
def get_comparison(request, plan_id: RecordId):
    """A finished plan beside its base's plan. A run not done yet, or of a scenario without a
    base: 422."""
    run = api_run(api_access(request), plan_id)
    if run.work_state != BackgroundWork.State.DONE or not run.result.get("base"):
        raise ValidationFailed(
            _("Only a finished plan of a scenario compared with another can be compared.")
        )
    return {
        "run_id": run.pk,
        "scenario": run.scenario.name,
        "base": run.result.get("base_name", ""),
        **comparison(run.result),
    }
