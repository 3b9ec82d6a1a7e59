"""An event's status after planning: published, cancelled (the whole event or one date of a
series), held (a due job), closed; and the attendance recorded for its dates."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import PersonalDataLog
from neuewege.core.services import log_personal_data

from ..models import EventSession, ParentEvent, Registration
from ..permissions import RECORD_ATTENDANCE
from ._common import _locked, _require_planner, _unit_registrations
from .notifications import _notify_all


def publish_event(*, access: Access, event: ParentEvent) -> ParentEvent:
    _require_planner(access, event)
    with transaction.atomic(durable=True):
        event = _locked(event.pk)
        if event.status != ParentEvent.Status.DRAFT:
            raise ValidationFailed(_("Only a draft can be published."))
        sessions = list(event.sessions.filter(is_cancelled=False))
        if not sessions:
            raise ValidationFailed(_("The event has no dates."))
        if any(session.starts_at <= timezone.now() for session in sessions):
            raise ValidationFailed(
                {"sessions": _("A date lies in the past: change the dates before publishing.")}
            )
        event.status = ParentEvent.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        return event


def cancel_event(*, access: Access, event: ParentEvent, reason: str) -> ParentEvent:
    """Cancel the whole event; everybody registered is told."""
    _require_planner(access, event)
    with transaction.atomic(durable=True):
        event = _locked(event.pk)
        if event.status not in {ParentEvent.Status.DRAFT, ParentEvent.Status.PUBLISHED}:
            raise ValidationFailed(_("Only a draft or a published event can be cancelled."))
        event.status = ParentEvent.Status.CANCELLED
        event.cancellation_reason = (reason or "").strip()[:300]
        event.save(update_fields=["status", "cancellation_reason", "updated_at"])
        _notify_all(event.registrations.exclude(status=Registration.Status.CANCELLED), None)
        return event


def cancel_session(*, access: Access, session: EventSession) -> EventSession:
    """Cancel one date of a series; the people booked on it are told."""
    _require_planner(access, session.event)
    with transaction.atomic(durable=True):
        event = _locked(session.event_id)
        session = event.sessions.get(pk=session.pk)
        if event.shape != ParentEvent.Shape.SERIES:
            raise ValidationFailed(_("Only single dates of a series can be cancelled."))
        if session.is_cancelled or session.starts_at <= timezone.now():
            raise ValidationFailed(_("This date is past or already cancelled."))
        session.is_cancelled = True
        session.save(update_fields=["is_cancelled"])
        _notify_all(session.registrations.exclude(status=Registration.Status.CANCELLED), session)
        return session


def close_event(*, access: Access, event: ParentEvent) -> ParentEvent:
    """After it was held and attendance is recorded, the event is closed for changes."""
    _require_planner(access, event)
    with transaction.atomic(durable=True):
        event = _locked(event.pk)
        if event.status != ParentEvent.Status.HELD:
            raise ValidationFailed(_("Only an event that was held can be closed."))
        event.status = ParentEvent.Status.CLOSED
        event.save(update_fields=["status", "updated_at"])
        return event


def mark_held_events() -> str:
    """Published events whose last date has passed are held (a due job)."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        dates = EventSession.objects.filter(event=OuterRef("pk"), is_cancelled=False)
        count = (
            ParentEvent.objects.filter(Exists(dates), status=ParentEvent.Status.PUBLISHED)
            .exclude(Exists(dates.filter(ends_at__gt=now)))
            .update(status=ParentEvent.Status.HELD, updated_at=now)
        )
    return f"{count} event(s) marked as held"


# Attendance


def record_attendance(
    *,
    access: Access,
    session: EventSession,
    present_ids: list[int],
    counselling_appointments: int | None,
) -> EventSession:
    event = session.event
    if not access.has(RECORD_ATTENDANCE, event):
        raise PermissionDenied(_("You may not record the attendance of this event."))
    with transaction.atomic(durable=True):
        event = _locked(event.pk)
        session = event.sessions.get(pk=session.pk)
        if event.status in {ParentEvent.Status.DRAFT, ParentEvent.Status.CANCELLED}:
            raise ValidationFailed(_("Attendance is recorded for published events only."))
        if event.status == ParentEvent.Status.CLOSED:
            raise ValidationFailed(_("The event is closed."))
        if session.is_cancelled or session.starts_at > timezone.now():
            raise ValidationFailed(_("Attendance can be recorded once the date has begun."))
        if counselling_appointments is not None and not 0 <= counselling_appointments <= 500:
            raise ValidationFailed(
                {"counselling_appointments": _("Give a number between 0 and 500.")}
            )
        confirmed = _unit_registrations(event, session).filter(status=Registration.Status.CONFIRMED)
        present = set(present_ids)
        unknown = present - set(confirmed.values_list("pk", flat=True))
        if unknown:
            raise ValidationFailed(_("Only confirmed registrations can be marked as present."))
        session.attendees.remove(*confirmed.exclude(pk__in=present))
        session.attendees.add(*confirmed.filter(pk__in=present))
        session.attendance_recorded_at = timezone.now()
        session.counselling_appointments = counselling_appointments
        session.save(update_fields=["attendance_recorded_at", "counselling_appointments"])
        log_personal_data(
            access=access,
            region_id=event.family_centre.region_id,
            action=PersonalDataLog.Action.CHANGE,
            record=session,
            purpose=_("Attendance recorded"),
        )
        return session
