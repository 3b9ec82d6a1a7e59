"""Every write of regional cooperation: Regionen-Check versions, the action plan, the steering
group and its meetings. Keyword-only arguments, one durable transaction, domain errors."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Person, Region
from neuewege.core.services import apply_fields, full_clean

from . import selectors
from .models import CHECK_FIELDS, Element, Meeting, ProgrammeOffer, RegionCheck, SteeringGroup, Task

TASK_FIELDS = ["title", "element", "owner", "institution", "due_on", "status", "notes", "meeting"]
OWNER_FIELDS = {"status", "notes"}  # what the person a task is given to may change
MEETING_FIELDS = ["kind", "starts_at", "ends_at", "place", "agenda"]
STEERING_GROUP_FIELDS = ["coordinator", "founded_on", "is_active", "institutions", "members"]
PLAN_DAYS = 91  # tasks of a new action plan are due a quarter after the Check

# The first step for each element of Neue Wege a region chooses.
ELEMENT_TASKS = {
    Element.STEERING_GROUP: gettext_lazy("Hold the first meeting of the steering group"),
    Element.REGIONAL_COORDINATION: gettext_lazy("Name the person who coordinates the region"),
    Element.TRAINING_ORIENTATION: gettext_lazy("Plan the basic module of the cooperative training"),
    Element.TRAINING_COOPERATION: gettext_lazy("Plan the training module on managing cooperation"),
    Element.TRAINING_TRANSFER: gettext_lazy("Plan the training module on knowledge transfer"),
    Element.SPEAKER_TRAINING: gettext_lazy("Register AA and JC staff for the speaker training"),
    Element.FAMILY_CENTRE_INFO_EVENT: gettext_lazy(
        "Invite the family centres to an information event"
    ),
    Element.PARENT_CAFE: gettext_lazy("Hold the first Elterncafé in a family centre"),
    Element.INFO_SESSION: gettext_lazy("Hold the first Themenveranstaltung in a family centre"),
    Element.PARENT_COURSE: gettext_lazy("Start the first Elternkurs „Neue Wege“"),
    Element.FRAMEWORK_AGREEMENT: gettext_lazy(
        "Draft the framework agreement of JC, AA and Jugendamt"
    ),
    Element.FAMILY_CENTRE_AGREEMENT: gettext_lazy(
        "Agree the cooperation with the first family centres"
    ),
    Element.NAVIGATOR_BROCHURE: gettext_lazy("Compile the navigator brochure"),
}


def _require_manage(access: Access, region_id: int):
    if not access.can_manage_cooperation(region_id):
        raise PermissionDenied(_("Only the region's coordinator may change this."))


# Regionen-Check


def save_check(*, access: Access, region: Region, data: dict, user=None) -> RegionCheck:
    """A new version of the region's Regionen-Check; earlier versions stay as they were."""
    with transaction.atomic(durable=True):
        _require_manage(access, region.id)
        Region.objects.select_for_update().get(pk=region.pk)  # one version number at a time
        check = RegionCheck(region=region, created_by=user)
        apply_fields(check, data, CHECK_FIELDS)
        _check_codes(check.elements, Element, "elements")
        _check_codes(check.offers, ProgrammeOffer, "offers")
        latest = region.checks.order_by("-version").values_list("version", flat=True).first()
        check.version = (latest or 0) + 1
        full_clean(check, exclude=["region", "created_by"])
        check.save()
        return check


def _check_codes(codes, choices, field):
    unknown = [code for code in codes or [] if code not in choices.values]
    if unknown:
        raise ValidationFailed(
            {field: _("Unknown choice: %(codes)s") % {"codes": ", ".join(unknown)}}
        )


# Action plan


def create_action_plan(*, access: Access, region_check: RegionCheck, today: date | None = None):
    """One task for each element the Check chose that the action plan does not have yet;
    clicking again adds nothing. Returns the new tasks."""
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        _require_manage(access, region_check.region_id)
        Region.objects.select_for_update().get(pk=region_check.region_id)
        tasks = [
            Task(
                region_id=region_check.region_id,
                region_check=region_check,
                element=code,
                title=str(ELEMENT_TASKS[code]),
                due_on=max(today, region_check.held_on) + timedelta(days=PLAN_DAYS),
                created_on=today,
            )
            for code in selectors.unplanned_elements(region_check)
            if code in ELEMENT_TASKS
        ]
        return Task.objects.bulk_create(tasks)


def save_task(
    *,
    access: Access,
    region: Region,
    data: dict,
    task: Task | None = None,
    today: date | None = None,
) -> Task:
    """Create (``task`` None) or change a task. The person it is given to may change its status
    and notes; everything else is the coordinator's."""
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        if task is None:
            _require_manage(access, region.id)
            task = Task(region=region, created_on=today)
        elif not access.can_update_task(task):
            raise PermissionDenied(_("You may not change this task."))
        elif not access.can_manage_cooperation(region.id) and set(data) - OWNER_FIELDS:
            raise PermissionDenied(_("You may change only the status and notes of this task."))
        was_done = task.status == Task.Status.DONE
        apply_fields(task, data, TASK_FIELDS)
        errors = _task_rule_errors(task)
        if errors:
            raise ValidationFailed(errors)
        full_clean(task, exclude=["region", "region_check", "decided_in", "event"])
        if task.status == Task.Status.DONE and not was_done:
            task.completed_on = today
        elif task.status != Task.Status.DONE:
            task.completed_on = None
        task.save()
        return task


def _task_rule_errors(task: Task) -> dict:
    errors = {}
    if not (task.title or "").strip():
        errors["title"] = _("Give the task a title.")
    if task.due_on and task.due_on < task.created_on:
        errors["due_on"] = _("A task cannot be due before it was created (%(date)s).") % {
            "date": task.created_on.strftime("%d.%m.%Y")
        }
    for field in ("owner", "institution", "meeting"):
        record = getattr(task, field)
        if record is not None and _region_of(record) != task.region_id:
            errors[field] = _("Choose one of the region's own records.")
    return errors


def _region_of(record) -> int:
    if isinstance(record, Person):
        return record.institution.region_id
    return record.region_id  # Institution, Meeting


# Steering group and meetings


def save_steering_group(*, access: Access, region: Region, data: dict) -> SteeringGroup:
    with transaction.atomic(durable=True):
        _require_manage(access, region.id)
        group, _created = SteeringGroup.objects.get_or_create(region=region)
        institutions = list(data.pop("institutions", group.institutions.all()))
        members = list(data.pop("members", group.members.all()))
        apply_fields(group, data, STEERING_GROUP_FIELDS)
        errors = {}
        if group.coordinator is not None and _region_of(group.coordinator) != region.id:
            errors["coordinator"] = _("Choose a person of the region.")
        if any(institution.region_id != region.id for institution in institutions):
            errors["institutions"] = _("Choose institutions of the region.")
        if any(_region_of(person) != region.id for person in members):
            errors["members"] = _("Choose people of the region.")
        if errors:
            raise ValidationFailed(errors)
        full_clean(group, exclude=["region"], validate_unique=False)
        group.save()
        group.institutions.set(institutions)
        group.members.set(members)
        return group


def schedule_meeting(
    *, access: Access, region: Region, data: dict, fulfils: Task | None = None
) -> Meeting:
    """Put a meeting in the region's calendar. ``fulfils``: the task it carries out (it counts
    as done from then on)."""
    with transaction.atomic(durable=True):
        _require_manage(access, region.id)
        meeting = Meeting(region=region)
        apply_fields(meeting, data, MEETING_FIELDS)
        _check_meeting(meeting)
        meeting.save()
        if fulfils is not None:
            if fulfils.region_id != region.id:
                raise ValidationFailed(_("The task belongs to another region."))
            Task.objects.filter(pk=fulfils.pk).update(meeting=meeting)
        return meeting


def update_meeting(*, access: Access, meeting: Meeting, data: dict) -> Meeting:
    with transaction.atomic(durable=True):
        _require_manage(access, meeting.region_id)
        apply_fields(meeting, data, [*MEETING_FIELDS, "is_cancelled"])
        _check_meeting(meeting)
        meeting.save()
        return meeting


def _check_meeting(meeting: Meeting):
    errors = {}
    if meeting.starts_at is None:
        errors["starts_at"] = _("A meeting needs a date and time.")
    elif meeting.ends_at is None or meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if not (meeting.place or "").strip():
        errors["place"] = _("Say where the meeting takes place.")
    if errors:
        raise ValidationFailed(errors)
    full_clean(meeting, exclude=["region", "attendees"])


def record_minutes(
    *,
    access: Access,
    meeting: Meeting,
    minutes: str,
    attendees: list[Person],
    decisions: list[dict],
    today: date | None = None,
) -> list[Task]:
    """The minutes, who was present, and the decisions: each decision with an owner and a due
    date becomes a task of the action plan. Returns the new tasks."""
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        _require_manage(access, meeting.region_id)
        if meeting.is_cancelled:
            raise ValidationFailed(_("The meeting was cancelled: it has no minutes."))
        if any(_region_of(person) != meeting.region_id for person in attendees):
            raise ValidationFailed({"attendees": _("Choose people of the region.")})
        tasks, errors = [], {}
        for number, decision in enumerate(decisions, start=1):
            task = Task(region_id=meeting.region_id, decided_in=meeting, created_on=today)
            apply_fields(task, decision, ["title", "owner", "due_on"])
            for field, message in _task_rule_errors(task).items():
                errors[f"decision_{number}_{field}"] = message
            tasks.append(task)
        if errors:
            raise ValidationFailed(errors)
        meeting.minutes = minutes
        meeting.save(update_fields=["minutes"])
        meeting.attendees.set(attendees)
        return Task.objects.bulk_create(tasks)
