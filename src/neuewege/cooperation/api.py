"""API routes of regional cooperation: the Regionen-Check and its versions, the action plan,
the steering group's meetings, regional goals with their progress, and the figures of the region
dashboard and of the state overview. Handlers parse input, call a selector or a service and
return; the rules live in the access policy and in ``cooperation.services``.

Who gets what, as in the application:

- A region outside the caller's regions answers 404 on every route.
- The Check, tasks, meetings and goals are read by the people of the region. The state level
  sees a region's figures, not these records: for it they do not exist (404), as a region's
  parents' registrations do not exist for those who may not read them (events API).
- Writes are the coordinator's; others who may read the records get 403 (the person a task is
  given to may change its status and notes).
- ``/regions/{key}/figures`` is read by everyone who may read the region, the state level
  included: aggregates only. ``/state/figures`` is the state level's (others: 403).
"""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from neuewege.core.access import STATE_FIGURES, Access
from neuewege.core.api_types import (
    Day,
    Id,
    Input,
    LocalTime,
    Name,
    Page,
    RegionKeyPath,
    Text,
    api_access,
    permitted_region,
    service_caller,
)
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, Region
from neuewege.events.models import ParentEvent

from . import dashboards, indicators, selectors, services
from .documents import material_file
from .filters import MaterialFilter, TaskFilter
from .models import CHECK_FIELDS, Element, Material, Meeting, ProgrammeOffer, RegionCheck, Task
from .permissions import SEE, SEE_MATERIALS

router = Router(tags=["cooperation"])

RecordId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Version = Annotated[int, Path(ge=1, le=2**31 - 1, description="Version of the Check")]
TEXT = 20000  # longest answer of a free-text field
# The services name fields as the models do; the API names foreign keys by their id.
call = service_caller(
    {
        "owner": "owner_id",
        "institution": "institution_id",
        "meeting": "meeting_id",
        "event": "event_id",
    }
)


def found(record):
    if record is None:
        raise Http404
    return record


def given(payload: Input, model) -> dict:
    """The fields the client sent, as the model stores them: ``null`` clears (text becomes "",
    a list becomes []), lists of codes lose repetitions."""
    data = payload.model_dump(exclude_unset=True)
    for name, value in data.items():
        if isinstance(value, list):
            data[name] = list(dict.fromkeys(str(code) for code in value))
        elif value is None:
            field = model._meta.get_field(name)
            if not field.null:
                data[name] = [] if field.get_internal_type() == "JSONField" else ""
        elif isinstance(value, str):
            data[name] = str(value)  # codes (choices) as plain text
    return data


# Schemas


class CheckSummaryOut(Schema):
    region: str = Field(..., alias="region.key")
    version: int
    held_on: date
    created_at: datetime


class CheckOut(CheckSummaryOut):
    participants: str
    existing_structures: str
    conflicts: str
    expectations: str
    elements: list[Element]
    support_needed: str
    offers: list[ProgrammeOffer]
    planning: str
    agreements: str
    dates: str
    task_ids: list[int] = Field(..., description="Tasks of the action plan from this version")

    @staticmethod
    def resolve_task_ids(check):
        return [task.pk for task in check.tasks.order_by("pk")]


Answer = Text(TEXT) | None


class CheckIn(Input):
    """A new version of the Check. Answers left out are taken over from the latest version, as
    the form does; ``null`` clears one."""

    held_on: Day = Field(..., description="Date of the workshop")
    participants: Answer = None
    existing_structures: Answer = None
    conflicts: Answer = None
    expectations: Answer = None
    elements: list[Element] | None = Field(None, max_length=len(Element))
    support_needed: Answer = None
    offers: list[ProgrammeOffer] | None = Field(None, max_length=len(ProgrammeOffer))
    planning: Answer = None
    agreements: Answer = None
    dates: Answer = None


class TaskOut(Schema):
    id: int
    region: str = Field(..., alias="region.key")
    title: str
    element: Element | Literal[""] = Field(..., description="Element of Neue Wege; empty: none")
    owner_id: int | None
    institution_id: int | None
    due_on: date | None
    status: Task.Status
    notes: str
    is_done: bool = Field(..., description="Said so, or fulfilled by its linked meeting or event")
    is_overdue: bool
    meeting_id: int | None = Field(..., description="The meeting that fulfils it")
    event_id: int | None = Field(..., description="The event that fulfils it")
    decided_in_id: int | None = Field(..., description="The meeting that decided it")
    region_check_version: int | None = Field(
        None, description="The version of the Regionen-Check it follows from"
    )
    created_on: date
    completed_on: date | None

    @staticmethod
    def resolve_region_check_version(task):
        return task.region_check.version if task.region_check_id else None


class TaskChangeIn(Input):
    """The fields to change. The person a task is given to may change ``status`` and ``notes``
    only; ``null`` clears a field (not the title or the status, which every task has)."""

    title: Name(200) = None
    element: Element | None = None
    owner_id: Id | None = Field(None, description="A person of the region")
    institution_id: Id | None = Field(None, description="An institution of the region")
    due_on: Day | None = Field(None, description="Not before the day the task was created")
    status: Task.Status = None
    notes: Text(TEXT) | None = None
    meeting_id: Id | None = Field(None, description="The meeting that fulfils the task")
    event_id: Id | None = Field(None, description="The event that fulfils the task")


class TaskIn(TaskChangeIn):
    title: Name(200)


class TaskFilters(Input):
    status: Literal["open", "overdue", "done"] | None = Field(
        None, description="open: not done and not dropped; overdue: open and past its date"
    )


class MeetingOut(Schema):
    id: int
    region: str = Field(..., alias="region.key")
    kind: Meeting.Kind
    starts_at: datetime
    ends_at: datetime
    place: str
    is_cancelled: bool
    invited_at: datetime | None


class MeetingDetailOut(MeetingOut):
    agenda: str
    minutes: str
    attendee_ids: list[int]
    decision_task_ids: list[int] = Field(..., description="Tasks the meeting decided")
    fulfilled_task_ids: list[int] = Field(..., description="Tasks the meeting carries out")

    @staticmethod
    def resolve_attendee_ids(meeting):
        return sorted(person.pk for person in meeting.attendees.all())

    @staticmethod
    def resolve_decision_task_ids(meeting):
        return sorted(task.pk for task in meeting.decisions.all())

    @staticmethod
    def resolve_fulfilled_task_ids(meeting):
        return sorted(task.pk for task in meeting.fulfilled_tasks.all())


class MeetingIn(Input):
    kind: Meeting.Kind | None = Field(
        None, description="Default: steering_group when the steering group meets, else coordination"
    )
    starts_at: LocalTime = Field(..., description="ISO 8601; without offset: Europe/Berlin")
    ends_at: LocalTime = Field(..., description="After starts_at")
    place: Name(200)
    agenda: Text(TEXT) = ""
    fulfils_task_id: Id | None = Field(
        None, description="The task of the action plan the meeting carries out"
    )


class GoalOut(Schema):
    id: int = Field(..., alias="goal.pk")
    title: str = Field(..., alias="goal.title")
    indicator: Literal[("", *indicators.INDICATORS)] = Field(
        ..., alias="goal.indicator", description="Empty: measured by hand"
    )
    unit: str
    target_value: int = Field(..., alias="goal.target_value")
    target_date: date = Field(..., alias="goal.target_date")
    created_on: date = Field(..., alias="goal.created_on")
    value: int | None = Field(..., description="The current value; empty: nothing measured yet")
    measured_on: date | None
    percent: int | None = Field(..., description="Of the target value, at most 100")
    reached: bool


# The figures Neue Wege computes (others are measured by hand)
MEASURABLE = list(indicators.INDICATORS)


class GoalIn(Input):
    title: Name(200)
    indicator: Literal[("", *MEASURABLE)] = Field(
        "", description="The figure that measures the goal; empty: values entered by hand"
    )
    unit: Text(60) = Field("", description="Unit of values entered by hand")
    target_value: int = Field(..., ge=0, le=2**31 - 1)
    target_date: Day


class CoverageOut(Schema):
    covered: int = Field(..., description="Family centres with an event in the last 12 months")
    centres: int = Field(..., description="Family centres of the region")
    percent: int | None


class FormatCountOut(Schema):
    format: EventFormat
    name: str
    events: int


class RegionFiguresOut(Schema):
    region: str
    phase: Region.Phase
    quarter_from: date
    quarter_until: date
    coverage: CoverageOut
    events_held: int = Field(..., description="Events held in the last 12 months")
    parents_reached: int = Field(..., description="Parents who came in the last 12 months")
    events_this_quarter: list[FormatCountOut] = Field(
        ..., description="Events with a date this quarter, per format"
    )
    open_tasks: int
    overdue_tasks: int
    goals: int
    goals_reached: int
    steering_group_active: bool
    next_meeting_at: datetime | None
    latest_check_version: int | None
    latest_check_held_on: date | None


class StateRowOut(Schema):
    region: str
    name: str
    phase: Region.Phase
    coverage: CoverageOut
    events_held: int = Field(..., description="Events held in the last 12 months")
    parents_reached: int = Field(..., description="Parents who came in the last 12 months")
    last_check: date | None = Field(..., description="Date of the latest Regionen-Check")
    steering_group_active: bool
    latitude: float | None = Field(..., description="Mean position of the region's institutions")
    longitude: float | None


def coverage_out(coverage: dashboards.Coverage) -> dict:
    return {"covered": coverage.covered, "centres": coverage.centres, "percent": coverage.percent}


# Regionen-Check


@router.get("/regions/{key}/checks", response=list[CheckSummaryOut])
@paginate(Page)
def list_checks(request, key: RegionKeyPath):
    """The versions of the region's Regionen-Check, newest first."""
    return selectors.checks(permitted_region(api_access(request), key, SEE)).select_related(
        "region"
    )


@router.get("/regions/{key}/checks/{version}", response=CheckOut)
def get_check(request, key: RegionKeyPath, version: Version):
    region = permitted_region(api_access(request), key, SEE)
    return found(selectors.check_version(region, version))


@router.post("/regions/{key}/checks", response={201: CheckOut})
def create_check(request, key: RegionKeyPath, payload: CheckIn):
    """Save a new version of the Check (the coordinator); earlier versions stay as they were."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    latest = selectors.checks(region).first()
    data = {name: getattr(latest, name) for name in CHECK_FIELDS} if latest else {}
    data |= given(payload, RegionCheck)
    check = call(services.save_check, access=access, region=region, data=data, user=access.user)
    return Status(201, check)


# Action plan


def related_records(access: Access, payload: TaskChangeIn, data: dict) -> dict:
    """The records named by id, among those the caller may see; the service checks that they
    belong to the task's region."""
    scopes = {
        "owner_id": ("owner", lambda: access.people().select_related("institution")),
        "institution_id": ("institution", access.institutions),
        "meeting_id": ("meeting", lambda: Meeting.objects.filter(region_id__in=access.region_ids)),
        "event_id": (
            "event",
            lambda: ParentEvent.objects.visible_to(access).select_related("family_centre"),
        ),
    }
    errors = {}
    for api_name, (name, records) in scopes.items():
        if api_name not in data:
            continue
        record_id = data.pop(api_name)
        data[name] = records().filter(pk=record_id).first() if record_id else None
        if record_id and data[name] is None:
            errors[api_name] = _("Unknown record or not in your region.")
    if errors:
        raise ValidationFailed(errors)
    return data


@router.get("/regions/{key}/tasks", response=list[TaskOut])
@paginate(Page)
def list_tasks(request, key: RegionKeyPath, filters: Query[TaskFilters]):
    """The action plan: open tasks first, by due date."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    return TaskFilter(
        filters.model_dump(mode="json", exclude_none=True),
        selectors.tasks(region),
        access=access,
        region=region,
    ).qs


@router.get("/regions/{key}/tasks/{task_id}", response=TaskOut)
def get_task(request, key: RegionKeyPath, task_id: RecordId):
    region = permitted_region(api_access(request), key, SEE)
    return found(selectors.task(region, task_id))


@router.post("/regions/{key}/tasks", response={201: TaskOut})
def create_task(request, key: RegionKeyPath, payload: TaskIn):
    """Add a task to the action plan (the coordinator). It counts as done when its status says
    so or once the meeting or event it names exists in earnest."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    data = related_records(access, payload, given(payload, Task))
    task = call(services.save_task, access=access, region=region, data=data)
    return Status(201, selectors.task(region, task.pk))


@router.patch("/regions/{key}/tasks/{task_id}", response=TaskOut)
def update_task(request, key: RegionKeyPath, task_id: RecordId, payload: TaskChangeIn):
    """Change a task: the coordinator all of it, the person it is given to its status and
    notes (anything else: 403)."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    task = found(selectors.task(region, task_id))
    data = related_records(access, payload, given(payload, Task))
    call(services.save_task, access=access, region=region, data=data, task=task)
    return selectors.task(region, task.pk)


# Meetings


@router.get("/regions/{key}/meetings", response=list[MeetingOut])
@paginate(Page)
def list_meetings(request, key: RegionKeyPath):
    """The meetings of the steering group or the coordination, latest first."""
    region = permitted_region(api_access(request), key, SEE)
    return selectors.meetings(region).select_related("region")


@router.get("/regions/{key}/meetings/{meeting_id}", response=MeetingDetailOut)
def get_meeting(request, key: RegionKeyPath, meeting_id: RecordId):
    region = permitted_region(api_access(request), key, SEE)
    return found(selectors.meeting(region, meeting_id))


@router.post("/regions/{key}/meetings", response={201: MeetingDetailOut})
def schedule_meeting(request, key: RegionKeyPath, payload: MeetingIn):
    """Put a meeting in the region's calendar (the coordinator). With ``fulfils_task_id`` it
    carries out that task of the action plan, which counts as done from then on."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    fulfils = None
    if payload.fulfils_task_id:
        fulfils = selectors.task(region, payload.fulfils_task_id)
        if fulfils is None:
            raise ValidationFailed({"fulfils_task_id": _("Unknown task of this region.")})
    kind = payload.kind or (
        Meeting.Kind.STEERING_GROUP
        if selectors.has_active_steering_group(region)
        else Meeting.Kind.COORDINATION
    )
    data = {
        "kind": str(kind),
        "starts_at": payload.starts_at,
        "ends_at": payload.ends_at,
        "place": payload.place,
        "agenda": payload.agenda,
    }
    meeting = call(
        services.schedule_meeting, access=access, region=region, data=data, fulfils=fulfils
    )
    return Status(201, selectors.meeting(region, meeting.pk))


# Regional goals


@router.get("/regions/{key}/goals", response=list[GoalOut])
@paginate(Page)
def list_goals(request, key: RegionKeyPath):
    """The region's goals with their current values: figures computed from the events (over
    the last 12 months) or the latest value entered by hand."""
    return selectors.goals(permitted_region(api_access(request), key, SEE))


@router.post("/regions/{key}/goals", response={201: GoalOut})
def create_goal(request, key: RegionKeyPath, payload: GoalIn):
    """Add a regional goal (the coordinator). A figure Neue Wege cannot compute yet is refused
    (422): measure such a goal by hand."""
    access = api_access(request)
    region = permitted_region(access, key, SEE)
    goal = call(services.save_goal, access=access, region=region, data=payload.model_dump())
    return Status(201, selectors.goal_progress(region, goal.pk))


# Materials library (read; uploads through the application)


class MaterialVersionOut(Schema):
    number: int
    filename: str
    size: int = Field(..., description="Bytes")
    change_note: str
    uploaded_at: datetime
    downloads: int


class MaterialOut(Schema):
    id: int
    region: str | None = Field(..., description="Kreisschlüssel; null: the programme's, for all")
    title: str
    description: str
    kind: Material.Kind
    elements: list[str]
    updated_at: datetime
    versions: list[MaterialVersionOut] = Field(..., description="Newest first")

    @staticmethod
    def resolve_region(material):
        return material.region.key if material.region_id else None

    @staticmethod
    def resolve_versions(material):
        return material.versions.all()


class MaterialFilters(Input):
    element: Element | None = None
    q: Text(100) | None = Field(None, description="Title or description")


def listed_materials(access, region, filters: MaterialFilters):
    return list(
        MaterialFilter(
            filters.model_dump(mode="json", exclude_none=True),
            selectors.materials(region),
            access=access,
            region=region,
        ).qs
    )


@router.get("/materials", response=list[MaterialOut])
def list_programme_materials(request, filters: Query[MaterialFilters]):
    """The programme's materials, which every region reads."""
    return listed_materials(api_access(request), None, filters)


@router.get("/regions/{key}/materials", response=list[MaterialOut])
def list_region_materials(request, key: RegionKeyPath, filters: Query[MaterialFilters]):
    """The region's materials and the programme's."""
    access = api_access(request)
    return listed_materials(access, permitted_region(access, key, SEE), filters)


@router.get(
    "/materials/{material_id}/versions/{number}/file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as it was uploaded",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_material(request, material_id: RecordId, number: Version):
    """The file of one version (counted; who downloads is not recorded)."""
    access = api_access(request)
    material = selectors.material(access, material_id)
    if material is None or not access.has(SEE_MATERIALS, material.region):
        raise Http404
    version = found(selectors.material_version(material, number))
    response = material_file(version)
    services.count_download(version)
    return response


# Figures: aggregates only


@router.get("/regions/{key}/figures", response=RegionFiguresOut)
def region_figures(request, key: RegionKeyPath):
    """The figures of the region dashboard (the state level reads them too): no names, no
    titles. Figures from the events may be up to a few minutes old."""
    region = permitted_region(api_access(request), key)
    today = timezone.localdate()
    figures = dashboards.region_dashboard(region, today=today)
    quarter_from, next_quarter = figures.quarter
    group, check = figures.steering_group, figures.latest_check
    return {
        "region": region.key,
        "phase": region.phase,
        "quarter_from": quarter_from,
        "quarter_until": next_quarter - timedelta(days=1),
        "coverage": coverage_out(figures.coverage),
        "events_held": indicators.values("events_held", [region.id], today)[region.id],
        "parents_reached": figures.parents_reached,
        "events_this_quarter": [
            {"format": row.code, "name": row.name, "events": row.events}
            for row in figures.events_by_format
        ],
        "open_tasks": figures.open_tasks,
        "overdue_tasks": len(figures.overdue_tasks),
        "goals": len(figures.goals),
        "goals_reached": sum(progress.reached for progress in figures.goals),
        "steering_group_active": group is not None and group.is_active,
        "next_meeting_at": figures.next_meeting.starts_at if figures.next_meeting else None,
        "latest_check_version": check.version if check else None,
        "latest_check_held_on": check.held_on if check else None,
    }


@router.get("/state/figures", response=list[StateRowOut])
def state_figures(request):
    """Every region's figures, by name (the state level only)."""
    if not api_access(request).has(STATE_FIGURES):
        raise PermissionDenied(_("Only the state level reads the figures of all regions."))
    return [
        {
            "region": row.region.key,
            "name": row.region.name,
            "phase": row.region.phase,
            "coverage": coverage_out(row.coverage),
            "events_held": row.events_held,
            "parents_reached": row.parents_reached,
            "last_check": row.last_check,
            "steering_group_active": row.steering_group_active,
            "latitude": row.centre[0] if row.centre else None,
            "longitude": row.centre[1] if row.centre else None,
        }
        for row in dashboards.state_overview()
    ]
