"""API routes of the cooperative trainings: trainings with their sessions, the registrations of
professionals, a run of the balanced assignment and its result. Handlers parse input, call a
selector or a service and return; the rules live in the access policy and in
``trainings.services``.

Who gets what, as in the application:

- A training outside the caller's regions answers 404 on every route.
- Trainings and their sessions are read by everyone who sees the region's trainings
  (``trainings.see``).
- The registrations (names and work e-mail addresses of professionals) and the assignment's
  runs are the planners' (``trainings.plan``: the coordinator, the state level); for everyone
  else they do not exist (404).
- Writes are the planners'; others who may read the training get 403.
"""

from datetime import date, datetime
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import model_validator

from neuewege.core import progress
from neuewege.core.access import Access
from neuewege.core.api_types import (
    Day,
    Id,
    Input,
    LocalTime,
    Name,
    Page,
    Postcode,
    RegionKey,
    Text,
    api_access,
    service_caller,
    visible_region,
)
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import BackgroundWork, Institution

from . import selectors
from .models import AssignmentRun, Module, Training, TrainingRegistration
from .permissions import PLAN
from .services.assignment import start_assignment
from .services.registrations import register_people
from .services.trainings import SessionPlan, add_session, plan_training

router = Router(tags=["trainings"])

RecordId = Annotated[int, Path(ge=1, le=2**63 - 1)]
# The services name fields as the forms do; the API names records by their id.
call = service_caller(
    {
        "site": "site_id",
        "trainers": "trainer_ids",
        "day": "starts_at",
        "ends": "ends_at",
        "people": "person_id",
        "sessions": "session_ids",
    }
)


# Schemas


class TrainingSessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    site_id: int | None = Field(None, description="The hosting institution; else the address")
    site_address: str
    site_postcode: str
    place: str = Field(..., description="The site's name and address, or the address")
    min_size: int
    max_size: int
    trainer_ids: list[int]
    trainer_names: str = Field(..., description="Trainers from outside")
    cancelled_at: datetime | None

    @staticmethod
    def resolve_trainer_ids(session):
        return [person.pk for person in session.trainers.all()]


class TrainingOut(Schema):
    id: int
    region: str | None = Field(None, description="Kreisschlüssel; empty: the state level's offer")
    module: str = Field(..., alias="module.code", description="Code of the catalogue's module")
    module_kind: Module.Kind = Field(..., alias="module.kind")
    module_title: str = Field(..., alias="module.title")
    title: str
    description: str
    status: Training.Status
    registration_closes_on: date | None
    published_at: datetime | None = Field(..., description="When the groups were published")
    cancelled_reason: str
    created_at: datetime

    @staticmethod
    def resolve_region(training):
        return training.region.key if training.region_id else None


class TrainingDetailOut(TrainingOut):
    sessions: list[TrainingSessionOut]

    @staticmethod
    def resolve_sessions(training):
        return training.sessions.all()


class TrainingRegistrationOut(Schema):
    id: int
    person_id: int | None = Field(None, description="Empty: registered through the link")
    first_name: str
    last_name: str
    email: str = Field(..., description="Work e-mail address")
    institution_id: int | None = Field(None, description="Empty: another institution, by name")
    institution: str = Field(..., description="The institution's name")
    institution_kind: Institution.Kind
    status: TrainingRegistration.Status
    available_session_ids: list[int]
    preferences: list[int] = Field(..., description="Session ids, best first")
    session_id: int | None = Field(None, description="The session the assignment gave")
    pinned: bool
    attended: bool | None = Field(None, description="Empty: not recorded yet")
    created_at: datetime

    @staticmethod
    def resolve_institution(registration):
        return registration.institution_name

    @staticmethod
    def resolve_available_session_ids(registration):
        return [session.pk for session in registration.available_sessions.all()]


class AssignmentRunOut(Schema):
    id: int
    training_id: int
    state: BackgroundWork.State = Field(..., alias="work_state")
    percent: int = Field(..., ge=0, le=100, description="How far the run is")
    time_limit_seconds: int
    created_at: datetime
    result: dict = Field(
        ..., description="Once done: the plan's report (mix per session, rules, status, gap)"
    )

    @staticmethod
    def resolve_percent(run):
        return progress.percent(run)


class TrainingIn(Input):
    region: RegionKey
    module: Annotated[
        str,
        Field(
            min_length=1,
            max_length=40,
            pattern=r"^[-a-zA-Z0-9_]+$",
            description="Code of an offered module of the catalogue, e.g. basismodul",
        ),
    ]
    title: Name(200)
    description: Text(10000) = ""
    registration_closes_on: Day | None = None


class TrainingSessionIn(Input):
    starts_at: LocalTime = Field(..., description="ISO 8601; without offset: Europe/Berlin")
    ends_at: LocalTime = Field(..., description="After starts_at, on the same day")
    site_id: Id | None = Field(None, description="An institution of the training's region")
    site_address: Text(300) = Field("", description="Without a site: the address")
    site_postcode: Postcode | None = None
    min_size: int = Field(..., ge=1, le=200, description="Within the module's range")
    max_size: int = Field(..., ge=1, le=200, description="Within the module's range")
    trainer_ids: list[Id] = Field(default_factory=list, max_length=20)
    trainer_names: Text(300) = ""

    @model_validator(mode="after")
    def ends_after_start(self):
        if self.ends_at <= self.starts_at:
            raise ValueError(_("The session must end after it starts."))
        return self


class TrainingRegistrationIn(Input):
    person_id: Id = Field(..., description="A person of the training's region with an e-mail")
    session_ids: list[Id] = Field(
        ..., min_length=1, max_length=50, description="Sessions of the training they can attend"
    )


class AssignmentIn(Input):
    time_limit_seconds: int = Field(10, ge=1, le=60, description="The solver's time limit")


class TrainingFilters(Input):
    region: RegionKey | None = None
    status: Training.Status | None = None
    module: Annotated[str, Field(max_length=40, pattern=r"^[-a-zA-Z0-9_]*$")] | None = None


class RegistrationFilters(Input):
    status: TrainingRegistration.Status | None = None


# Lookups: what lies outside the caller's reach does not exist (404)


def api_training(access: Access, training_id: int) -> Training:
    return get_object_or_404(
        selectors.trainings(access).prefetch_related("sessions__trainers"), pk=training_id
    )


def planned_training(access: Access, training_id: int) -> Training:
    """A training whose registrations and runs the caller may read (the planners)."""
    training = api_training(access, training_id)
    if not access.has(PLAN, training):
        raise Http404
    return training


# Trainings


@router.get("/trainings", response=list[TrainingOut])
@paginate(Page)
def list_trainings(request, filters: Query[TrainingFilters]):
    """The trainings of the caller's regions (the state level: also its own offers), newest
    first."""
    access = api_access(request)
    rows = selectors.trainings(access)
    if filters.region:
        rows = rows.filter(region=visible_region(access, filters.region))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.module:
        rows = rows.filter(module__code=filters.module)
    return rows


@router.get("/trainings/{training_id}", response=TrainingDetailOut)
def get_training(request, training_id: RecordId):
    return api_training(api_access(request), training_id)


@router.post("/trainings", response={201: TrainingDetailOut})
def create_training(request, payload: TrainingIn):
    """Plan a training of a region as a draft (the planners), with a new registration link.
    Its sessions follow through ``POST /trainings/{training_id}/sessions``."""
    access = api_access(request)
    region = visible_region(access, payload.region)
    module = Module.objects.filter(code=payload.module).first()
    if module is None:
        raise ValidationFailed({"module": _("This module is not in the catalogue.")})
    training = call(
        plan_training,
        access=access,
        region=region,
        module=module,
        title=payload.title,
        description=payload.description,
        registration_closes_on=payload.registration_closes_on,
    )
    return Status(201, api_training(access, training.pk))


@router.post("/trainings/{training_id}/sessions", response={201: TrainingSessionOut})
def create_session(request, training_id: RecordId, payload: TrainingSessionIn):
    """Add a session to a training that is not yet held: a day in the future, at an
    institution of the region or an address, with a group size within the module's range."""
    access = api_access(request)
    training = api_training(access, training_id)
    if not access.has(PLAN, training):  # before the details are checked
        raise PermissionDenied(_("You may not plan this training."))
    starts, ends = timezone.localtime(payload.starts_at), timezone.localtime(payload.ends_at)
    if starts.date() != ends.date():
        raise ValidationFailed({"ends_at": _("A session begins and ends on the same day.")})
    site = None
    if payload.site_id is not None:
        site = access.institutions().filter(pk=payload.site_id).first()
        if site is None:
            raise ValidationFailed({"site_id": _("Unknown institution or not in your region.")})
    trainer_ids = set(payload.trainer_ids)
    trainers = list(access.people().filter(pk__in=trainer_ids).select_related("institution"))
    if len(trainers) != len(trainer_ids):
        raise ValidationFailed({"trainer_ids": _("Unknown person or not in your region.")})
    plan = SessionPlan(
        day=starts.date(),
        starts=starts.time(),
        ends=ends.time(),
        min_size=payload.min_size,
        max_size=payload.max_size,
        site=site,
        site_address=payload.site_address,
        site_postcode=payload.site_postcode or "",
        trainers=trainers,
        trainer_names=payload.trainer_names,
    )
    session = call(add_session, access=access, training=training, plan=plan)
    return Status(201, training.sessions.prefetch_related("trainers").get(pk=session.pk))


# Registrations (names and e-mail addresses of professionals: the planners only)


@router.get("/trainings/{training_id}/registrations", response=list[TrainingRegistrationOut])
@paginate(Page)
def list_registrations(request, training_id: RecordId, filters: Query[RegistrationFilters]):
    training = planned_training(api_access(request), training_id)
    rows = (
        training.registrations.select_related("institution")
        .prefetch_related("available_sessions")
        .order_by("created_at", "pk")
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows


@router.post("/trainings/{training_id}/registrations", response={201: TrainingRegistrationOut})
def register_person(request, training_id: RecordId, payload: TrainingRegistrationIn):
    """Register a person of the training's region (confirmed at once) for the sessions they can
    attend. A person registered already, or without an e-mail address: 422."""
    access = api_access(request)
    training = api_training(access, training_id)
    result = call(
        register_people,
        access=access,
        training=training,
        person_ids=[payload.person_id],
        session_ids=list(payload.session_ids),
    )
    if result.already:
        raise ValidationFailed(
            {"person_id": _("This person is already registered for this training.")}
        )
    if result.without_email:
        raise ValidationFailed(
            {"person_id": _("This person has no e-mail address: add one to the person first.")}
        )
    registration = (
        training.registrations.select_related("institution")
        .prefetch_related("available_sessions")
        .get(person_id=payload.person_id)
    )
    return Status(201, registration)


# The balanced assignment


@router.post("/trainings/{training_id}/assignment", response={202: AssignmentRunOut})
def start_run(request, training_id: RecordId, payload: AssignmentIn):
    """Start a run of the balanced assignment in the background; follow it at
    ``GET /trainings/runs/{run_id}`` until its state is done (or failed)."""
    access = api_access(request)
    training = api_training(access, training_id)
    if not access.has(PLAN, training):
        raise PermissionDenied(_("You may not plan this training."))
    run = call(
        start_assignment,
        access=access,
        training=training,
        time_limit_seconds=payload.time_limit_seconds,
    )
    run.refresh_from_db()
    return Status(202, run)


@router.get("/trainings/runs/{run_id}", response=AssignmentRunOut)
def get_run(request, run_id: RecordId):
    """A run of the balanced assignment: its state, how far it is and, once done, its result."""
    access = api_access(request)
    run = (
        AssignmentRun.objects.select_related("training")
        .filter(training__in=selectors.trainings(access))
        .filter(pk=run_id)
        .first()
    )
    if run is None or not access.has(PLAN, run.training):
        raise Http404
    return run
