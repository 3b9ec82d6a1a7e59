"""Every write of regional cooperation: Regionen-Check versions, the action plan, the steering
group and its meetings. Keyword-only arguments, one durable transaction, domain errors."""

import logging
from datetime import date, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Person, Region
from neuewege.core.services import apply_fields, full_clean
from neuewege.core.uploads import MB, FileRefused, ZipLimits, check_zip
from neuewege.events.models import ParentEvent

from . import indicators, selectors
from .calendars import meeting_calendar
from .models import (
    CHECK_FIELDS,
    Element,
    GoalMeasurement,
    Material,
    MaterialVersion,
    Meeting,
    ProgrammeOffer,
    RegionalGoal,
    RegionCheck,
    SteeringGroup,
    Task,
)
from .permissions import MANAGE, MANAGE_MATERIALS, UPDATE_TASK

TASK_FIELDS = [
    "title",
    "element",
    "owner",
    "institution",
    "due_on",
    "status",
    "notes",
    "meeting",
    "event",
]
OWNER_FIELDS = {"status", "notes"}  # what the person a task is given to may change
MEETING_FIELDS = ["kind", "starts_at", "ends_at", "place", "agenda"]
STEERING_GROUP_FIELDS = ["coordinator", "founded_on", "is_active", "institutions", "members"]
logger = logging.getLogger(__name__)
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
    if not access.has(MANAGE, region_id):
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
        elif not access.has(UPDATE_TASK, task):
            raise PermissionDenied(_("You may not change this task."))
        elif not access.has(MANAGE, region.id) and set(data) - OWNER_FIELDS:
            raise PermissionDenied(_("You may change only the status and notes of this task."))
        was_done = task.status == Task.Status.DONE
        apply_fields(task, data, TASK_FIELDS)
        errors = _task_rule_errors(task)
        if errors:
            raise ValidationFailed(errors)
        full_clean(task, exclude=["region", "region_check", "decided_in"])
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
    for field in ("owner", "institution", "meeting", "event"):
        record = getattr(task, field)
        if record is not None and _region_of(record) != task.region_id:
            errors[field] = _("Choose one of the region's own records.")
    return errors


def _region_of(record) -> int:
    if isinstance(record, Person):
        return record.institution.region_id
    if isinstance(record, ParentEvent):
        return record.family_centre.region_id
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


def send_invitations(*, access: Access, meeting: Meeting) -> list[str]:
    """E-mail the steering group's members (and the coordinator) an invitation with the
    meeting as a calendar file. Returns the addresses written to."""
    _require_manage(access, meeting.region_id)
    if meeting.is_cancelled or meeting.starts_at <= timezone.now():
        raise ValidationFailed(_("Invitations go out only for meetings ahead."))
    addresses = [person.email for person in selectors.invitation_recipients(meeting.region)]
    if not addresses:
        raise ValidationFailed(
            _("Nobody to invite: add members with an e-mail address to the steering group.")
        )
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            subject=_("Invitation: %(meeting)s") % {"meeting": f"{meeting} – {meeting.region}"},
            body=render_to_string(
                "cooperation/email/meeting_invitation.txt",
                {"meeting": meeting, "link": _link("meeting-detail", meeting.region, meeting.pk)},
            ),
            bcc=addresses,
        )
    message.attach("einladung.ics", meeting_calendar(meeting), "text/calendar")
    message.send()
    Meeting.objects.filter(pk=meeting.pk).update(invited_at=timezone.now())
    return addresses


def _link(name, region, *args):
    return settings.BASE_URL + reverse(name, args=[region.key, *args])


REMINDER_DAYS_AHEAD = 7
REMINDER_EVERY_DAYS = 7


def remind_task_owners(today: date | None = None) -> str:
    """A due job: owners of open tasks due within a week, or overdue, get a reminder — at most
    once a week per task. Each task on its own: a refused address holds up no other."""
    today = today or timezone.localdate()
    due = (
        Task.objects.exclude(status__in=[Task.Status.DONE, Task.Status.DROPPED])
        .exclude(Task.fulfilled())
        .filter(due_on__lte=today + timedelta(days=REMINDER_DAYS_AHEAD))
        .filter(owner__email__isnull=False)
        .exclude(reminded_on__gt=today - timedelta(days=REMINDER_EVERY_DAYS))
        .values_list("pk", flat=True)
    )
    sent = failed = 0
    for pk in list(due):
        try:
            with transaction.atomic(durable=True):
                task = (
                    Task.objects.select_for_update(of=("self",))
                    .select_related("owner", "region")
                    .get(pk=pk)
                )
                if task.reminded_on and task.reminded_on > today - timedelta(
                    days=REMINDER_EVERY_DAYS
                ):
                    continue  # another run was quicker
                with translation.override(settings.LANGUAGE_CODE):
                    EmailMessage(
                        subject=_("Task of the action plan: %(title)s") % {"title": task.title},
                        body=render_to_string(
                            "cooperation/email/task_reminder.txt",
                            {
                                "task": task,
                                "overdue": task.due_on < today,
                                "link": _link("task-list", task.region),
                            },
                        ),
                        to=[task.owner.email],
                    ).send()
                task.reminded_on = today
                task.save(update_fields=["reminded_on"])
                sent += 1
        except Exception:  # an address the mail server refuses: try again next run
            logger.exception("Reminder for task %s failed", pk)
            failed += 1
    return f"{sent} task reminder(s) sent, {failed} failed"


# Regional goals

GOAL_FIELDS = ["title", "indicator", "unit", "target_value", "target_date"]


def save_goal(
    *,
    access: Access,
    region: Region,
    data: dict,
    goal: RegionalGoal | None = None,
    today: date | None = None,
) -> RegionalGoal:
    """Create (``goal`` None) or change a regional goal: a target by a date, measured by a
    figure the platform computes or by values entered by hand."""
    with transaction.atomic(durable=True):
        _require_manage(access, region.id)
        goal = goal or RegionalGoal(region=region, created_on=today or timezone.localdate())
        apply_fields(goal, data, GOAL_FIELDS)
        errors = {}
        if not (goal.title or "").strip():
            errors["title"] = _("Say what the region wants to reach.")
        if not goal.target_value:
            errors["target_value"] = _("A goal needs a target value above 0.")
        if goal.target_date is None:
            errors["target_date"] = _("Say by when the goal is to be reached.")
        indicator = indicators.INDICATORS.get(goal.indicator) if goal.indicator else None
        if goal.indicator and indicator is None:
            errors["indicator"] = _("Unknown figure.")
        if errors:
            raise ValidationFailed(errors)
        if indicator is not None:
            goal.unit = ""  # the figure's own unit, in the reader's language
        full_clean(goal, exclude=["region"])
        goal.save()
        return goal


def record_measurement(*, access: Access, goal: RegionalGoal, data: dict) -> GoalMeasurement:
    """A value of a goal measured by hand, with its date."""
    with transaction.atomic(durable=True):
        _require_manage(access, goal.region_id)
        if goal.indicator:
            raise ValidationFailed(
                {"value": _("Neue Wege computes this goal's figure from the data.")}
            )
        measurement = GoalMeasurement(goal=goal)
        apply_fields(measurement, data, ["value", "measured_on", "note"])
        if measurement.measured_on is None:
            raise ValidationFailed({"measured_on": _("Give the date of the value.")})
        if measurement.measured_on > timezone.localdate():
            raise ValidationFailed({"measured_on": _("A value cannot be measured in the future.")})
        full_clean(measurement, exclude=["goal"])
        measurement.save()
        return measurement


# Materials library

MATERIAL_FIELDS = ["title", "description", "kind", "elements"]
MAX_MATERIAL_MB = 20
MAX_MATERIAL_BYTES = MAX_MATERIAL_MB * MB
# Office documents are zip containers: a real one, even with many images, stays far below these.
MATERIAL_ZIP_LIMITS = ZipLimits(entries=5000, unpacked_bytes=250 * MB)
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# The file types of a materials library, each with how its content starts: a file whose
# content does not match its ending is refused (a renamed program, a broken upload).
MATERIAL_FILE_TYPES = {
    ".pdf": b"%PDF",
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".pptx": ZIP,
    ".odt": ZIP,
    ".ods": ZIP,
    ".odp": ZIP,
    ".doc": OLE,
    ".xls": OLE,
    ".ppt": OLE,
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}


def save_material(
    *,
    access: Access,
    region: Region | None,
    data: dict,
    material: Material | None = None,
    upload=None,
    change_note: str = "",
    user=None,
) -> Material:
    """Create (``material`` None, with its first file) or describe a material of ``region``
    (None: the programme's, for every region). A new ``upload`` becomes its next version; the
    earlier versions stay."""
    with transaction.atomic(durable=True):
        if not access.has(MANAGE_MATERIALS, region):
            raise PermissionDenied(_("You may not change the materials of this library."))
        if material is None:
            material = Material(region=region)
        else:
            material = Material.objects.select_for_update().get(pk=material.pk)
        apply_fields(material, data, MATERIAL_FIELDS)
        _check_codes(material.elements, Element, "elements")
        errors = {}
        if not (material.title or "").strip():
            errors["title"] = _("Give the material a title.")
        if material.pk is None and upload is None:
            errors["file"] = _("Choose the file to upload.")
        elif upload is not None:
            errors.update(_upload_errors(upload))
        if errors:
            raise ValidationFailed(errors)
        material.updated_at = timezone.now()
        full_clean(material, exclude=["region"])
        material.save()
        if upload is not None:
            _add_version(material, upload, change_note[:200], user)
        return material


def _upload_errors(upload) -> dict:
    ending = PurePath(upload.name or "").suffix.lower()
    signature = MATERIAL_FILE_TYPES.get(ending)
    if signature is None:
        endings = ", ".join(MATERIAL_FILE_TYPES)
        return {
            "file": _("Upload a file of one of these types: %(endings)s.") % {"endings": endings}
        }
    if not upload.size:
        return {"file": _("The file is empty.")}
    if upload.size > MAX_MATERIAL_BYTES:
        return {"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_MATERIAL_MB}}
    upload.seek(0)
    starts_with = upload.read(len(OLE))
    upload.seek(0)
    if signature == ZIP and starts_with == OLE:
        return {
            "file": _(
                "The document is protected with a password. Save it without a password: the "
                "library's readers could not open it."
            )
        }
    if not starts_with.startswith(signature):
        return {
            "file": _("The file's content does not match its ending %(ending)s.")
            % {"ending": ending}
        }
    if signature == ZIP:
        try:
            check_zip(upload, MATERIAL_ZIP_LIMITS)
        except FileRefused as refused:
            return {"file": str(refused)}
        finally:
            upload.seek(0)
    return {}


def _add_version(material: Material, upload, change_note: str, user) -> MaterialVersion:
    latest = material.versions.order_by("-number").values_list("number", flat=True).first()
    version = MaterialVersion(
        material=material,
        number=(latest or 0) + 1,
        filename=PurePath(upload.name).name[-200:],
        size=upload.size,
        change_note=change_note,
        uploaded_by=user,
    )
    version.file.save(version.filename, upload, save=False)
    version.save()
    return version


def delete_material(*, access: Access, material: Material):
    """Remove a material with all its versions; the files go once the deletion is committed."""
    with transaction.atomic(durable=True):
        if not access.has(MANAGE_MATERIALS, material.region):
            raise PermissionDenied(_("You may not change the materials of this library."))
        files = [version.file for version in material.versions.all()]
        material.delete()
        transaction.on_commit(lambda: [file.delete(save=False) for file in files])


def count_download(version: MaterialVersion):
    """Downloads are counted — never who downloaded."""
    MaterialVersion.objects.filter(pk=version.pk).update(downloads=F("downloads") + 1)
