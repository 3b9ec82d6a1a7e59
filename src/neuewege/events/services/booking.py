"""Booking a place, by a parent or by staff on their behalf; the parent's personal link to
cancel; staff removing a registration; the waiting list moving up.

Capacity: every booking, cancellation, removal and change of places locks the event row
(``select_for_update``) before counting, so concurrent requests are decided one after
another and a unit never holds more confirmed registrations than places, nor a free place
while someone waits. On PostgreSQL a booking that finds the unit full takes the row's shared
lock instead (``_locked_shared``): such bookings go on the waiting list side by side, and none
of them runs while a change that gives or frees a place holds the exclusive one."""

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import NotFound, PermissionDenied, ValidationFailed
from neuewege.core.models import PersonalDataLog
from neuewege.core.services import log_personal_data

from ..models import (
    CANCEL_TOKENS,
    ConsentText,
    EventSession,
    Notification,
    ParentEvent,
    Registration,
    free_places,
    new_booking_code,
)
from ..permissions import SEE_CONTACTS
from ._common import _confirmed_count, _locked, _unit_registrations
from .notifications import _notify

MAX_CHILDREN = 8
MAX_CHILD_AGE = 14


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


def check_booking(
    booking: Booking, *, event: ParentEvent | None = None, unit: EventSession | None = None
) -> Booking:
    """The parent's details, cleaned; every problem named at its field, all in one round. With
    the ``event`` (and ``unit``: the date, none for a course) it also names a booking of the
    same contact for that unit (a read to tell the parent early; ``book`` decides again under
    the lock)."""
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
    if event is not None:
        errors = _unit_problems(event, unit, booking, valid=errors.keys()) | errors
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
    a second time with the same ``submission_key`` (a double click) returns the first one.

    The event's row lock is held for the capacity decision alone (a rush of parents books one
    after another through it while there are places; once the date is full, side by side
    through the shared lock). Everything else is done before it, in the same transaction:
    the details are checked, the registration is written on the waiting list with its message
    (invisible to the others until the commit), a drawn booking code or a submission key that
    another registration has is met there (the code is drawn again, the earlier booking of a
    double click returned). Under the lock one query reads the date with its counts; a place
    turns the registration and its message into confirmed ones. On PostgreSQL a booking tries
    the shared lock first; when it finds a free place there it is made again under the
    exclusive one. The message is sent after the commit (``_notify``)."""
    booking = check_booking(booking)
    shared = connection.vendor == "postgresql"
    for _attempt in range(CODE_ATTEMPTS):
        code = new_booking_code()
        try:
            try:
                return _book(event_id, session_id, booking, access, submission_key, code, shared)
            except _PlaceFree:  # decided again under the exclusive lock, with the same code
                return _book(event_id, session_id, booking, access, submission_key, code, False)
        except IntegrityError:
            if submission_key:
                earlier = Registration.objects.filter(
                    event_id=event_id, submission_key=submission_key, anonymised_at__isnull=True
                ).first()
                if earlier is not None:  # confirmed twice at the same moment
                    return earlier, cancel_token(earlier)
            if not Registration.objects.filter(code=code).exists():
                raise  # another rule of the database, not the code
    raise RuntimeError("no free booking code drawn")  # (one in 10^9 per booking)


CODE_ATTEMPTS = 5


class _PlaceFree(Exception):
    """Under the shared lock the unit has a free place: only the exclusive lock may give it."""


def _book(event_id, session_id, booking, access, submission_key, code, shared):
    now = timezone.now()
    with transaction.atomic(durable=True):
        # before the lock: the booking as it stands when there is no place
        registration = Registration.objects.create(
            event_id=event_id,
            session_id=session_id,
            status=Registration.Status.WAITLISTED,
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
            submission_key=submission_key,
            code=code,
        )
        notification = _notify(registration, Notification.Kind.WAITLISTED)
        # the capacity decision
        try:
            event = _locked_shared(event_id, booking) if shared else _locked(event_id)
        except NotFound as error:
            raise ValidationFailed({"event": _("This event does not exist.")}) from error
        if access is not None and not access.has(SEE_CONTACTS, event):
            raise PermissionDenied(_("You may not register parents for this event."))
        session = _unit_state(event, session_id, booking.email, registration)
        _check_bookable(event, session)
        unit = None if event.is_course else session
        problems = _unit_problems(
            event, unit, booking, email_taken=session.email_taken, besides=registration
        )
        if problems:
            raise ValidationFailed(problems)
        has_place = free_places(event.capacity, session.confirmed, session.waiting) > 0
        if has_place and shared:
            raise _PlaceFree
        registration.event, registration.session = event, unit
        if has_place or session_id != registration.session_id:
            if has_place:
                registration.status = Registration.Status.CONFIRMED
                registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at", "session"])
        if has_place:
            notification.kind = Notification.Kind.CONFIRMED
            notification.save(update_fields=["kind"])
        if access is not None:
            log_personal_data(
                access=access,
                region_id=event.family_centre.region_id,
                action=PersonalDataLog.Action.CHANGE,
                record=registration,
                purpose=_("Registered on behalf of a parent"),
            )
    return registration, cancel_token(registration)


def _locked_shared(event_id, booking: Booking) -> ParentEvent:
    """The event's row under a shared lock (PostgreSQL ``FOR SHARE``): bookings that find the
    unit full go on the waiting list side by side, while every change that can give or free a
    place (a booking with a place, a cancellation, changed places, a cancelled date) takes the
    exclusive lock (``_locked``) and waits for them, as they wait for it. What they still must
    not do side by side, two bookings of one contact, is kept apart by a transaction lock per
    contact and event, taken first (the exclusive path holds the row alone anyway)."""
    digits = phone_digits(booking.phone)
    keys = sorted(
        {
            _contact_key(event_id, kind, value)
            for kind, value in (("e", booking.email), ("p", digits))
            if value
        }
    )
    with connection.cursor() as cursor:
        for key in keys:  # always in the same order: no two bookings wait for each other
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    event = next(
        iter(
            ParentEvent.objects.raw(
                'SELECT * FROM "events_parentevent" WHERE "id" = %s FOR SHARE', [event_id]
            )
        ),
        None,
    )
    if event is None:
        raise NotFound(_("This event does not exist."))
    return event


def _contact_key(event_id, kind: str, value: str) -> int:
    digest = hashlib.blake2b(f"booking\n{event_id}\n{kind}\n{value}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _unit_state(event: ParentEvent, session_id, email: str, registration: Registration):
    """The date booked (for a course: its first date not cancelled), read under the event's
    row lock in one query with what the decision needs besides the ``registration`` being
    made: ``confirmed`` (the unit's confirmed registrations), ``waiting`` (anyone on its
    waiting list) and ``email_taken`` (an active registration of the unit with this e-mail
    address). None when the date is not there or cancelled.

    Written out in SQL: it runs for every booking of a rush, and building the same query with
    its three subqueries through the ORM took twice as long as running it."""
    if not event.is_course and not session_id:
        return None
    registrations = connection.ops.quote_name(Registration._meta.db_table)
    sessions = connection.ops.quote_name(EventSession._meta.db_table)
    unit = "r.event_id = %s AND r.id <> %s"
    if not event.is_course:
        unit += " AND r.session_id = s.id"
    date = "" if event.is_course else "AND s.id = %s"
    query = f"""SELECT s.*,
            (SELECT COUNT(*) FROM {registrations} r WHERE {unit} AND r.status = %s) AS confirmed,
            EXISTS (SELECT 1 FROM {registrations} r WHERE {unit} AND r.status = %s) AS waiting,
            EXISTS (
                SELECT 1 FROM {registrations} r
                WHERE {unit} AND r.status <> %s AND r.email = %s AND r.email <> ''
            ) AS email_taken
        FROM {sessions} s
        WHERE s.event_id = %s AND NOT s.is_cancelled {date}
        ORDER BY s.starts_at, s.id
        LIMIT 1"""  # noqa: S608 - the names of our tables; every value a parameter
    mine = [event.pk, registration.pk]
    params = [
        *mine,
        Registration.Status.CONFIRMED.value,
        *mine,
        Registration.Status.WAITLISTED.value,
        *mine,
        Registration.Status.CANCELLED.value,
        email or "",
        event.pk,
        *([] if event.is_course else [session_id]),
    ]
    session = next(iter(EventSession.objects.raw(query, params)), None)
    if session is not None:  # SQLite answers EXISTS with 0 or 1
        session.waiting, session.email_taken = bool(session.waiting), bool(session.email_taken)
    return session


def _check_bookable(event: ParentEvent, session: EventSession | None):
    """The event can be booked and the date (for a course: its first) is there and ahead."""
    if not event.is_bookable:
        raise ValidationFailed({"event": _("This event cannot be booked (any more).")})
    if session is None:
        raise ValidationFailed({"session": _("This date does not exist or was cancelled.")})
    if session.starts_at <= timezone.now():
        raise ValidationFailed({"session": _("This date has already begun.")})


def _unit_problems(event, unit, booking: Booking, valid=(), email_taken=None, besides=None) -> dict:
    """What stops this booking of the unit besides the parent's details: a booking with the same
    contact (of the contacts not already named wrong in ``valid``'s keys), and children's
    ages where the event offers no childcare. ``email_taken`` when the caller has asked already
    (``_unit_state``); ``besides``: the registration being made, not counted as another."""
    errors = {}
    if event.childcare_offered is False and booking.child_ages:
        errors["child_ages"] = _("This event offers no childcare.")
    email = booking.email if "email" not in valid else ""
    digits = phone_digits(booking.phone) if "phone" not in valid else ""
    if not email and not digits:
        return errors

    def active():  # built only when asked (a booking of a rush has its answer already)
        registrations = _unit_registrations(event, unit).exclude(
            status=Registration.Status.CANCELLED
        )
        return registrations if besides is None else registrations.exclude(pk=besides.pk)

    if email and email_taken is None:
        email_taken = active().filter(email=email).exists()
    if (email and email_taken) or (digits and _phone_taken(active(), digits)):
        field_name = "email" if email else "phone"
        errors[field_name] = _("Someone with this contact is already registered for this date.")
    return errors


def _phone_taken(registrations, digits: str) -> bool:
    """A phone number is compared by its digits, however it was written: only the numbers
    of registrations with one are read."""
    return any(
        phone_digits(phone) == digits
        for phone in registrations.exclude(phone="").values_list("phone", flat=True).iterator()
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


def _still_ahead(event: ParentEvent, unit: EventSession | None) -> bool:
    """The unit's date (for a course: its first date) is neither cancelled nor begun."""
    session = unit or event.sessions.filter(is_cancelled=False).first()
    return session is not None and not session.is_cancelled and session.starts_at > timezone.now()
