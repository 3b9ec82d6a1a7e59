"""Planning an event: a draft with its sessions and speakers, changed later; the checks of
the plan, its shape, the opening hours and the speakers. Errors refuse a plan, the
format's recommendations ask for a confirmation (``NeedsConfirmation``)."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import DomainError, PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, OpeningPeriod, Person
from neuewege.core.services import full_clean

from ..models import EventSession, Format, ParentEvent, SpokenLanguage, TargetGroup, Topic
from ..permissions import PLAN
from ..recurrence import MAX_SESSIONS
from ._common import _confirmed_count, _locked, _require_planner
from .booking import _move_up

SPEAKER_KINDS = {
    Institution.Kind.EMPLOYMENT_AGENCY,
    Institution.Kind.JOB_CENTRE,
    Institution.Kind.EDUCATION_PROVIDER,
    Institution.Kind.EQUALITY_OFFICE,
}
LABOUR_MARKET_KINDS = {Institution.Kind.EMPLOYMENT_AGENCY, Institution.Kind.JOB_CENTRE}


EVENT_FIELDS = {
    "title",
    "description",
    "topics",
    "target_groups",
    "languages",
    "capacity",
    "childcare_offered",
} | {
    f"{name}_{code}"
    for name in ("title", "description")
    for code, _label in settings.LANGUAGES
    if code != settings.LANGUAGE_CODE
}


class NeedsConfirmation(DomainError):
    """The plan breaks a recommendation of the format: saved only when the planner confirms."""

    status_code = 409


@dataclass
class Plan:
    """What a planner enters for an event: its details, speakers and dates."""

    details: dict
    sessions: list[tuple[datetime, datetime]]
    speakers: list[Person] = field(default_factory=list)
    recurrence: str = ""


def plan_event(
    *,
    access: Access,
    family_centre: Institution,
    event_format: Format,
    shape: str,
    plan: Plan,
    confirm_warnings: bool = False,
) -> ParentEvent:
    """Create an event as a draft with its sessions."""
    if not access.has(PLAN, family_centre):
        raise PermissionDenied(_("You may not plan events of this family centre."))
    with transaction.atomic(durable=True):
        event = ParentEvent(
            family_centre=family_centre,
            format=event_format,
            shape=shape,
            recurrence=plan.recurrence,
            created_by=access.user,
        )
        _apply_details(event, plan.details)
        _check_plan(event, plan, confirm_warnings)
        event.save()
        event.speakers.set(plan.speakers)
        _create_sessions(event, plan.sessions)
        return event


def update_event(
    *, access: Access, event: ParentEvent, plan: Plan, confirm_warnings: bool = False
) -> ParentEvent:
    """Change details, speakers and places; the dates too while the event is a draft. More
    places move people up from the waiting list at once."""
    _require_planner(access, event)
    with transaction.atomic(durable=True):
        event = _locked(event.pk)
        if event.status in {ParentEvent.Status.CLOSED, ParentEvent.Status.CANCELLED}:
            raise ValidationFailed(_("A closed or cancelled event cannot be changed."))
        reschedule = event.status == ParentEvent.Status.DRAFT and plan.sessions
        if not reschedule:
            plan.sessions = [(s.starts_at, s.ends_at) for s in event.sessions.all()]
        _apply_details(event, plan.details)
        if reschedule:
            event.recurrence = plan.recurrence
        _check_plan(event, plan, confirm_warnings)
        for unit in _units(event):
            confirmed = _confirmed_count(event, unit)
            if event.capacity < confirmed:
                raise ValidationFailed(
                    {
                        "capacity": _(
                            "%(count)s people are already confirmed: the event needs at least "
                            "as many places."
                        )
                        % {"count": confirmed}
                    }
                )
        event.save()
        event.speakers.set(plan.speakers)
        if reschedule:
            event.sessions.all().delete()
            _create_sessions(event, plan.sessions)
        for unit in _units(event):
            _move_up(event, unit)
        return event


def _apply_details(event: ParentEvent, details: dict):
    unknown = set(details) - EVENT_FIELDS
    if unknown:
        raise ValidationFailed({name: _("This field cannot be set.") for name in unknown})
    with translation.override(settings.LANGUAGE_CODE):  # plain title/description: German
        for name, value in details.items():
            setattr(event, name, value)


def _create_sessions(event: ParentEvent, times):
    modules = list(event.format.modules.all()) if event.is_course else []
    EventSession.objects.bulk_create(
        EventSession(
            event=event,
            starts_at=start,
            ends_at=end,
            module=modules[index] if index < len(modules) else None,
        )
        for index, (start, end) in enumerate(sorted(times))
    )


def _check_plan(event: ParentEvent, plan: Plan, confirm_warnings: bool):
    """Errors refuse the plan; warnings (the format's recommendations) need a confirmation."""
    full_clean(event, exclude=["family_centre", "format", "speakers", "created_by"])
    errors, warnings = {}, []
    event_format = event.format
    for name, choices in (
        ("topics", Topic),
        ("target_groups", TargetGroup),
        ("languages", SpokenLanguage),
    ):
        unknown = set(getattr(event, name) or []) - set(choices.values)
        if unknown:
            errors[name] = _("Unknown value: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
    if event.capacity < 1:
        errors["capacity"] = _("An event needs at least one place.")
    elif event.capacity > event_format.max_capacity:
        errors["capacity"] = _("%(format)s has at most %(max)s places.") % {
            "format": event_format.name,
            "max": event_format.max_capacity,
        }
    errors.update(_check_shape(event, plan.sessions))
    if not errors.get("sessions"):
        warnings += _session_warnings(event, plan.sessions)
    speaker_errors, speaker_warnings = _check_speakers(event, plan)
    errors.update(speaker_errors)
    warnings += speaker_warnings
    if event_format.childcare_expected and not event.childcare_offered:
        warnings.append(
            _("%(format)s is meant to be held with childcare.") % {"format": event_format.name}
        )
    if errors:
        raise ValidationFailed(errors)
    if warnings and not confirm_warnings:
        raise NeedsConfirmation({None: warnings})


def _check_shape(event: ParentEvent, sessions) -> dict:
    if event.format.is_course != (event.shape == ParentEvent.Shape.COURSE):
        return {"shape": _("A course is planned with the format Elternkurs, and only with it.")}
    if not sessions:
        return {"sessions": _("Give at least one date.")}
    if any(end <= start for start, end in sessions):
        return {"sessions": _("Every date must end after it starts.")}
    if event.shape == ParentEvent.Shape.SINGLE and len(sessions) != 1:
        return {"sessions": _("A single event has exactly one date.")}
    if event.shape == ParentEvent.Shape.SERIES and not 2 <= len(sessions) <= MAX_SESSIONS:
        return {
            "sessions": _("A series has between 2 and %(max)s dates: check the rhythm and end.")
            % {"max": MAX_SESSIONS}
        }
    if event.shape == ParentEvent.Shape.COURSE:
        modules = event.format.modules.count()
        if len(sessions) != modules:
            return {
                "sessions": _("The course has %(modules)s modules: give %(modules)s dates.")
                % {"modules": modules}
            }
    ordered = sorted(sessions)
    if any(later[0] < earlier[1] for earlier, later in pairwise(ordered)):
        return {"sessions": _("Two dates of the event overlap.")}
    return {}


def _session_warnings(event: ParentEvent, sessions) -> list[str]:
    warnings = []
    low, high = event.format.min_minutes, event.format.max_minutes
    if any(not low <= (end - start).total_seconds() / 60 <= high for start, end in sessions):
        warnings.append(
            _("%(format)s usually takes %(low)s to %(high)s minutes.")
            % {"format": event.format.name, "low": low, "high": high}
        )
    periods = list(OpeningPeriod.objects.filter(institution=event.family_centre))
    if periods:
        outside = [start for start, end in sessions if not _within_opening(periods, start, end)]
        if outside:
            warnings.append(
                _("%(count)s date(s) lie outside the family centre's opening hours, e.g. %(date)s.")
                % {
                    "count": len(outside),
                    "date": date_format(timezone.localtime(outside[0]), "SHORT_DATETIME_FORMAT"),
                }
            )
    return warnings


def _within_opening(periods, starts_at, ends_at) -> bool:
    """Inside the opening hours of that weekday; early or late care counts when it adjoins the
    core hours (periods that touch are one)."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() != end.date():
        return False
    merged = []
    for period in sorted((p for p in periods if p.weekday == start.weekday()), key=_opens):
        if merged and period.opens <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], period.closes)
        else:
            merged.append([period.opens, period.closes])
    return any(opens <= start.time() and end.time() <= closes for opens, closes in merged)


def _opens(period):
    return period.opens


def _check_speakers(event: ParentEvent, plan: Plan):
    errors, warnings = {}, []
    speakers = plan.speakers
    for speaker in speakers:
        institution = speaker.institution
        if institution.region_id != event.family_centre.region_id:
            errors["speakers"] = _("%(name)s works outside the family centre's region.") % {
                "name": speaker
            }
        elif institution.kind not in SPEAKER_KINDS:
            errors["speakers"] = _(
                "%(name)s does not work at an employment agency, job centre, education provider "
                "or equality office."
            ) % {"name": speaker}
        elif event.format.code not in (speaker.moderated_formats or []):
            warnings.append(
                _("%(name)s is not recorded as qualified to moderate %(format)s.")
                % {"name": speaker, "format": event.format.name}
            )
    if errors:
        return errors, warnings
    if not any(s.institution.kind in LABOUR_MARKET_KINDS for s in speakers):
        warnings.append(_("No speaker from the employment agency or job centre yet."))
    clash = _speaker_clash(event, plan.sessions, speakers)
    if clash:
        errors["speakers"] = clash
    return errors, warnings


def _speaker_clash(event: ParentEvent, sessions, speakers) -> str | None:
    """A speaker cannot be at two events at once. The speakers' rows are locked so that two
    planners cannot book the same person for the same time concurrently."""
    if not speakers or not sessions:
        return None
    ids = sorted(speaker.pk for speaker in speakers)
    list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    first = min(start for start, _end in sessions)
    last = max(end for _start, end in sessions)
    others = (
        EventSession.objects.filter(
            event__speakers__in=ids,
            is_cancelled=False,
            starts_at__lt=last,
            ends_at__gt=first,
        )
        .exclude(event__status=ParentEvent.Status.CANCELLED)
        .select_related("event__family_centre")
        .distinct()
    )
    if event.pk:
        others = others.exclude(event_id=event.pk)
    for other in others:
        if any(start < other.ends_at and other.starts_at < end for start, end in sessions):
            busy = other.event.speakers.filter(pk__in=ids).first()
            return _(
                "%(name)s is already booked at that time: „%(event)s“ in %(centre)s on %(date)s."
            ) % {
                "name": busy,
                "event": other.event.title,
                "centre": other.event.family_centre.name,
                "date": date_format(timezone.localtime(other.starts_at), "SHORT_DATETIME_FORMAT"),
            }
    return None


def _units(event: ParentEvent):
    if event.is_course:
        return [None]
    return list(event.sessions.all())
