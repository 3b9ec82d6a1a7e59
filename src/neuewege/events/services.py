"""Every write to events, sessions and registrations. Keyword-only arguments, one durable
transaction, domain errors on broken rules.

Capacity: every booking, cancellation, removal and change of places locks the event row
(``select_for_update``) before counting, so concurrent requests are decided one after another
and a unit never holds more confirmed registrations than places, nor a free place while
someone waits.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, OpeningPeriod, Person, PersonalDataLog
from neuewege.core.services import full_clean, log_personal_data

from . import tasks
from .models import (
    CANCEL_TOKENS,
    ConsentText,
    EventSession,
    Format,
    Notification,
    ParentEvent,
    Registration,
    SpokenLanguage,
    TargetGroup,
    Topic,
)
from .permissions import PLAN, RECORD_ATTENDANCE, SEE_CONTACTS
from .recurrence import MAX_SESSIONS

SPEAKER_KINDS = {
    Institution.Kind.EMPLOYMENT_AGENCY,
    Institution.Kind.JOB_CENTRE,
    Institution.Kind.EDUCATION_PROVIDER,
    Institution.Kind.EQUALITY_OFFICE,
}
LABOUR_MARKET_KINDS = {Institution.Kind.EMPLOYMENT_AGENCY, Institution.Kind.JOB_CENTRE}
MAX_CHILDREN = 8
MAX_CHILD_AGE = 14
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


# Planning


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


# Status


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


# Booking


@dataclass
class Booking:
    """What a parent (or staff on their behalf) gives when booking."""

    first_name: str
    email: str = ""
    phone: str = ""
    child_ages: list = field(default_factory=list)
    language_needs: str = ""
    language: str = settings.LANGUAGE_CODE
    consent_id: int | None = None
    survey_consent_id: int | None = None


PHONE = re.compile(r"^\+?[\d\s/()\-]{6,30}$")


def check_booking(booking: Booking) -> Booking:
    """The parent's details, cleaned; every problem named at its field."""
    errors = {}
    booking.first_name = (booking.first_name or "").strip()
    booking.email = (booking.email or "").strip().lower()
    booking.phone = (booking.phone or "").strip()
    booking.language_needs = (booking.language_needs or "").strip()
    if not booking.first_name:
        errors["first_name"] = _("Enter your first name.")
    elif len(booking.first_name) > 100:
        errors["first_name"] = _("The first name can have at most 100 characters.")
    if not booking.email and not booking.phone:
        errors["email"] = _("Enter a phone number or an e-mail address, so we can reach you.")
    if booking.email:
        try:
            if len(booking.email) > 254:
                raise ValidationError("too long")
            validate_email(booking.email)
        except ValidationError:
            errors["email"] = _("Enter an e-mail address like name@example.de.")
    if booking.phone and (
        not PHONE.match(booking.phone) or sum(c.isdigit() for c in booking.phone) < 6
    ):
        errors["phone"] = _("Enter a phone number with digits only, like 0170 1234567.")
    ages = booking.child_ages or []
    if len(ages) > MAX_CHILDREN:
        errors["child_ages"] = _("At most %(max)s children can be registered for childcare.") % {
            "max": MAX_CHILDREN
        }
    elif any(
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_CHILD_AGE
        for age in ages
    ):
        errors["child_ages"] = _("A child's age must be a whole number from 0 to %(max)s.") % {
            "max": MAX_CHILD_AGE
        }
    if len(booking.language_needs) > 200:
        errors["language_needs"] = _("Please keep this to 200 characters.")
    if booking.language not in dict(settings.LANGUAGES):
        booking.language = settings.LANGUAGE_CODE
    if not ConsentText.objects.filter(
        pk=booking.consent_id, purpose=ConsentText.Purpose.BOOKING
    ).exists():
        errors["consent"] = _("Please agree to the processing of your details.")
    if (
        booking.survey_consent_id is not None
        and not ConsentText.objects.filter(
            pk=booking.survey_consent_id, purpose=ConsentText.Purpose.SURVEY
        ).exists()
    ):
        errors["survey_consent"] = _("This consent text does not exist.")
    if errors:
        raise ValidationFailed(errors)
    return booking


def book(
    *,
    event_id: int,
    session_id: int | None,
    booking: Booking,
    access: Access | None = None,
    submission_key: str = "",
) -> tuple[Registration, str]:
    """Book a place (or a place on the waiting list). Returns the registration and its personal
    cancel token. ``access`` is given when staff book on a parent's behalf. A booking confirmed
    a second time with the same ``submission_key`` (a double click) returns the first one."""
    booking = check_booking(booking)
    now = timezone.now()
    with transaction.atomic(durable=True):
        try:
            event = _locked(event_id)
        except NotFound as error:
            raise ValidationFailed({"event": _("This event does not exist.")}) from error
        if access is not None and not access.has(SEE_CONTACTS, event):
            raise PermissionDenied(_("You may not register parents for this event."))
        if submission_key:
            earlier = event.registrations.filter(
                submission_key=submission_key, anonymised_at__isnull=True
            ).first()
            if earlier is not None:
                return earlier, cancel_token(earlier)
        session = _bookable_session(event, session_id)
        unit = None if event.is_course else session
        _check_not_booked(event, unit, booking)
        if event.childcare_offered is False and booking.child_ages:
            raise ValidationFailed({"child_ages": _("This event offers no childcare.")})
        has_place = _confirmed_count(event, unit) < event.capacity and not _waiting(event, unit)
        registration = Registration.objects.create(
            event=event,
            session=unit,
            status=Registration.Status.CONFIRMED if has_place else Registration.Status.WAITLISTED,
            source=Registration.Source.STAFF if access else Registration.Source.ONLINE,
            first_name=booking.first_name,
            email=booking.email,
            phone=booking.phone,
            child_ages=booking.child_ages,
            language_needs=booking.language_needs,
            language=booking.language,
            consent_id=booking.consent_id,
            consented_at=now,
            survey_consent_id=booking.survey_consent_id,
            survey_consented_at=now if booking.survey_consent_id else None,
            booked_by=access.user if access else None,
            confirmed_at=now if has_place else None,
            submission_key=submission_key,
        )
        _notify(
            registration,
            Notification.Kind.CONFIRMED if has_place else Notification.Kind.WAITLISTED,
        )
        if access is not None:
            log_personal_data(
                access=access,
                region_id=event.family_centre.region_id,
                action=PersonalDataLog.Action.CHANGE,
                record=registration,
                purpose=_("Registered on behalf of a parent"),
            )
        return registration, cancel_token(registration)


def _bookable_session(event: ParentEvent, session_id) -> EventSession:
    """The session booked (for a course: its first session, which must still be ahead)."""
    if not event.is_bookable:
        raise ValidationFailed({"event": _("This event cannot be booked (any more).")})
    sessions = event.sessions.filter(is_cancelled=False)
    session = sessions.first() if event.is_course else sessions.filter(pk=session_id).first()
    if session is None:
        raise ValidationFailed({"session": _("This date does not exist or was cancelled.")})
    if session.starts_at <= timezone.now():
        raise ValidationFailed({"session": _("This date has already begun.")})
    return session


def _check_not_booked(event, unit, booking: Booking):
    digits = phone_digits(booking.phone)
    for other in _unit_registrations(event, unit).exclude(status=Registration.Status.CANCELLED):
        if (booking.email and other.email == booking.email) or (
            digits and phone_digits(other.phone) == digits
        ):
            raise ValidationFailed(
                {
                    "email" if booking.email else "phone": _(
                        "Someone with this contact is already registered for this date."
                    )
                }
            )


def phone_digits(phone: str) -> str:
    """A phone number as its digits, +49 as the leading 0: one number however it is written."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    return "0" + digits[2:] if (phone or "").strip().startswith("+49") else digits


def cancel_token(registration: Registration) -> str:
    """The parent's personal link to their booking (``CANCEL_TOKENS``). After the details are
    deleted the link no longer works."""
    return CANCEL_TOKENS.sign(registration.pk)


def registration_for_token(token: str) -> Registration:
    pk = CANCEL_TOKENS.unsign(token)
    registration = (
        Registration.objects.select_related("event__family_centre", "session")
        .filter(pk=pk, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound(
            _("This link is not valid. Use the link from your confirmation, or call the centre.")
        )
    return registration


def cancel_booking(*, token: str) -> Registration:
    """The parent cancels with the personal link; a freed place goes to the first who waits.
    Cancelling a cancelled booking changes nothing and is no error."""
    with transaction.atomic(durable=True):
        registration = registration_for_token(token)
        event = _locked(registration.event_id)
        registration = event.registrations.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return registration  # cancelled a moment ago (a double click): nothing to do
        if event.status == ParentEvent.Status.CANCELLED or (
            registration.session and registration.session.is_cancelled
        ):
            raise ValidationFailed(_("This date was cancelled by the family centre."))
        if not _still_ahead(event, registration.session):
            raise ValidationFailed(_("The event has already begun and cannot be cancelled here."))
        _cancel(event, registration)
        return registration


def remove_registration(*, access: Access, registration: Registration) -> Registration:
    """Staff cancel a registration (the parent called in, or a duplicate)."""
    if not access.has(SEE_CONTACTS, registration.event):
        raise PermissionDenied(_("You may not change the registrations of this event."))
    with transaction.atomic(durable=True):
        event = _locked(registration.event_id)
        registration = event.registrations.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise ValidationFailed(_("This registration is already cancelled."))
        _cancel(event, registration)
        log_personal_data(
            access=access,
            region_id=event.family_centre.region_id,
            action=PersonalDataLog.Action.CHANGE,
            record=registration,
            purpose=_("Registration cancelled by staff"),
        )
        return registration


def _cancel(event, registration):
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    _notify(registration, Notification.Kind.CANCELLED)
    if was_confirmed:
        _move_up(event, registration.session)


def _move_up(event: ParentEvent, unit: EventSession | None):
    """Fill free places from the waiting list, first come first served. Call with the event
    row locked."""
    if not event.is_bookable or not _still_ahead(event, unit):
        return
    free = event.capacity - _confirmed_count(event, unit)
    if free <= 0:
        return
    waiting = list(
        _unit_registrations(event, unit)
        .filter(status=Registration.Status.WAITLISTED)
        .order_by("created_at", "pk")[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        _notify(registration, Notification.Kind.MOVED_UP)


# Units and counting


def _locked(event_id) -> ParentEvent:
    event = (
        ParentEvent.objects.select_for_update(of=("self",))
        .select_related("format", "family_centre")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise NotFound(_("This event does not exist."))
    return event


def _still_ahead(event: ParentEvent, unit: EventSession | None) -> bool:
    """The unit's date (for a course: its first date) is neither cancelled nor begun."""
    session = unit or event.sessions.filter(is_cancelled=False).first()
    return session is not None and not session.is_cancelled and session.starts_at > timezone.now()


def _units(event: ParentEvent):
    if event.is_course:
        return [None]
    return list(event.sessions.all())


def _unit_registrations(event: ParentEvent, unit: EventSession | None):
    if event.is_course:
        return event.registrations.all()
    return event.registrations.filter(session=unit)


def _confirmed_count(event, unit) -> int:
    return _unit_registrations(event, unit).filter(status=Registration.Status.CONFIRMED).count()


def _waiting(event, unit) -> bool:
    return _unit_registrations(event, unit).filter(status=Registration.Status.WAITLISTED).exists()


def _require_planner(access: Access, event: ParentEvent):
    if not access.has(PLAN, event.family_centre):
        raise PermissionDenied(_("You may not plan events of this family centre."))


# Notifications


def _notify(registration: Registration, kind: str, session: EventSession | None = None):
    Notification.objects.create(registration=registration, kind=kind, session=session)
    transaction.on_commit(_send_soon)


def _notify_all(registrations, session):
    Notification.objects.bulk_create(
        Notification(registration=r, kind=Notification.Kind.EVENT_CANCELLED, session=session)
        for r in registrations
    )
    transaction.on_commit(_send_soon)


def _send_soon():
    tasks.send_notifications.enqueue()


def create_reminders() -> str:
    """Reminders for the sessions of the next days (``NEUEWEGE_REMINDER_DAYS``), once per
    registration and session, for parents with an e-mail address (a due job)."""
    now = timezone.now()
    sessions = EventSession.objects.filter(
        is_cancelled=False,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(days=settings.EVENT_REMINDER_DAYS),
        event__status=ParentEvent.Status.PUBLISHED,
    ).select_related("event")
    reminders = []
    for session in sessions:
        unit = Q(event=session.event) if session.event.is_course else Q(session=session)
        for registration_id in (
            Registration.objects.filter(unit, status=Registration.Status.CONFIRMED)
            .exclude(email="")
            .values_list("pk", flat=True)
        ):
            reminders.append(
                Notification(
                    registration_id=registration_id,
                    kind=Notification.Kind.REMINDER,
                    session=session,
                )
            )
    with transaction.atomic(durable=True):
        created = Notification.objects.bulk_create(reminders, ignore_conflicts=True)
    return f"{len(created)} reminder(s) considered"


def mark_called(*, access: Access, notification: Notification) -> Notification:
    """A parent without e-mail was told by phone."""
    if not access.has(SEE_CONTACTS, notification.registration.event):
        raise PermissionDenied(_("You may not change the registrations of this event."))
    with transaction.atomic(durable=True):
        updated = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    if not updated:
        raise ValidationFailed(_("This message was already passed on."))
    return notification
