"""The professionals' registration: through the public link (``register``), confirmed by the
e-mail link (``confirm``), cancelled with the same link (``cancel_own``); staff register people
of the region in bulk (``register_people``) and remove registrations (``cancel_registration``).
A place freed after the groups were assigned goes to the waiting list
(``fill_from_waiting_list``: the one rule for it)."""

import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import NotFound, PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person

from .. import mail
from ..models import Training, TrainingRegistration, TrainingSession
from ..permissions import PLAN
from .trainings import locked

Status = TrainingRegistration.Status


@dataclass
class Application:
    """What a professional gives on the registration page."""

    first_name: str
    last_name: str
    email: str
    institution_id: int | None = None  # None: another institution, by name and kind
    other_institution: str = ""
    other_kind: str = ""
    session_ids: list[int] = field(default_factory=list)
    preference_ids: list[int] = field(default_factory=list)  # best first


def _open_sessions(training: Training):
    return training.sessions.filter(cancelled_at__isnull=True)


def capacity(training: Training) -> int:
    """The places of a training: its live sessions' largest groups together."""
    return _open_sessions(training).aggregate(total=Sum("max_size"))["total"] or 0


def confirmed_count(training: Training) -> int:
    return training.registrations.filter(status=Status.CONFIRMED).count()


def _check_registration_open(training: Training):
    """Refuse when the training does not take registrations (now)."""
    if training.status != Training.Status.OPEN:
        raise ValidationFailed(_("Registration for this training is not open."))
    closes_on = training.registration_closes_on
    if closes_on is not None and timezone.localdate() > closes_on:
        raise ValidationFailed(_("Registration for this training has closed."))
    if not _open_sessions(training).exists():
        raise ValidationFailed(_("All sessions of this training are cancelled."))
    if confirmed_count(training) >= capacity(training):
        raise ValidationFailed(_("This training is full."))


def registration_problem(training: Training) -> str | None:
    """Why the training takes no registrations now (None: it does)."""
    try:
        _check_registration_open(training)
    except ValidationFailed as error:
        return " ".join(error.messages())
    return None


def _check_sessions(training: Training, session_ids, preference_ids) -> list[TrainingSession]:
    if not session_ids:
        raise ValidationFailed({"sessions": _("Choose at least one session you can attend.")})
    sessions = list(_open_sessions(training).filter(pk__in=session_ids))
    if len(sessions) != len(set(session_ids)):
        raise ValidationFailed(
            {"sessions": _("Choose only sessions of this training that are not cancelled.")}
        )
    chosen = {session.pk for session in sessions}
    if len(preference_ids) != len(set(preference_ids)) or not set(preference_ids) <= chosen:
        raise ValidationFailed(
            {
                "first_choice": _(
                    "Your preferences must be among the sessions you can attend, each once."
                )
            }
        )
    return sessions


def _institution(training: Training, application: Application):
    if application.institution_id is not None:
        institution = Institution.objects.filter(pk=application.institution_id).first()
        if institution is None or (
            training.region_id is not None and institution.region_id != training.region_id
        ):
            raise ValidationFailed(
                {"institution": _("Choose an institution of the training's region.")}
            )
        return institution, "", institution.kind
    name = application.other_institution.strip()
    errors = {}
    if not name:
        errors["other_institution"] = _("Give the name of your institution.")
    if application.other_kind not in Institution.Kind.values:
        errors["other_kind"] = _("Choose the kind of your institution.")
    if errors:
        raise ValidationFailed(errors)
    return None, name[:200], application.other_kind


def _duplicate():
    return ValidationFailed(
        {"email": _("This e-mail address is already registered for this training.")}
    )


def register(*, key: str, application: Application) -> tuple[TrainingRegistration, str]:
    """A registration through the public link: unconfirmed until the e-mail link is followed.
    Returns the registration and the secret of its link (only its digest is stored)."""
    email = application.email.strip()
    errors = {}
    if not application.first_name.strip():
        errors["first_name"] = _("Give your first name.")
    if not application.last_name.strip():
        errors["last_name"] = _("Give your last name.")
    if not email:
        errors["email"] = _("Give your work e-mail address.")
    if errors:
        raise ValidationFailed(errors)
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic(durable=True):
            training = Training.objects.filter(registration_key=key).first()
            if training is None:
                raise NotFound(_("This registration link does not work."))
            training = locked(training.pk)
            _check_registration_open(training)
            institution, other, kind = _institution(training, application)
            sessions = _check_sessions(
                training, application.session_ids, application.preference_ids
            )
            if training.registrations.filter(email__iexact=email).exists():
                raise _duplicate()
            registration = TrainingRegistration.objects.create(
                training=training,
                institution=institution,
                other_institution=other,
                institution_kind=kind,
                first_name=application.first_name.strip()[:100],
                last_name=application.last_name.strip()[:100],
                email=email,
                preferences=list(application.preference_ids),
                status=Status.UNCONFIRMED,
                confirmation_digest=TrainingRegistration.digest_of(token),
            )
            registration.available_sessions.set(sessions)
            mail.send_after_commit(
                [
                    mail.message(
                        "confirm",
                        _("Please confirm your registration: %(title)s")
                        % {"title": training.title},
                        email,
                        registration=registration,
                        training=training,
                        sessions=sessions,
                        link=mail.link("training-confirm", token=token),
                    )
                ]
            )
    except IntegrityError as error:  # the same address at the same moment
        raise _duplicate() from error
    return registration, token


def registration_for_token(token: str) -> TrainingRegistration:
    registration = (
        TrainingRegistration.objects.select_related("training__module", "institution", "session")
        .filter(confirmation_digest=TrainingRegistration.digest_of(token or ""))
        .exclude(confirmation_digest="")
        .first()
    )
    if registration is None:
        raise NotFound(_("This link does not work. Perhaps the registration was removed."))
    return registration


def confirm(*, token: str) -> TrainingRegistration:
    """The professional follows the e-mail link: confirmed (once; again: nothing changes), and
    linked to the person of the institution with that address, if there is one."""
    with transaction.atomic(durable=True):
        registration = registration_for_token(token)
        training = locked(registration.training_id)
        registration = TrainingRegistration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CONFIRMED:
            return registration
        if registration.status == Status.CANCELLED:
            raise ValidationFailed(_("This registration was cancelled."))
        _check_registration_open(training)
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        if registration.institution_id and registration.person_id is None:
            person = Person.objects.filter(
                institution_id=registration.institution_id, email__iexact=registration.email
            ).first()
            if person and not training.registrations.filter(person=person).exists():
                registration.person = person
        registration.save(update_fields=["status", "confirmed_at", "person"])
        return registration


def cancel_own(*, token: str) -> TrainingRegistration:
    """The professional cancels with their link."""
    with transaction.atomic(durable=True):
        registration = registration_for_token(token)
        return _cancel(registration)


def cancel_registration(*, access: Access, registration: TrainingRegistration):
    """Staff remove a registration; a place it held goes to the waiting list."""
    if not access.has(PLAN, registration.training):
        raise PermissionDenied(_("You may not change the registrations of this training."))
    with transaction.atomic(durable=True):
        return _cancel(registration)


def _cancel(registration: TrainingRegistration) -> TrainingRegistration:
    training = locked(registration.training_id)
    registration = TrainingRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        raise ValidationFailed(_("This registration is already cancelled."))
    if training.status in {Training.Status.HELD, Training.Status.CLOSED}:
        raise ValidationFailed(_("The training was held: its registrations stay as they are."))
    freed = registration.session
    registration.status = Status.CANCELLED
    registration.session = None
    registration.pinned = False
    registration.save(update_fields=["status", "session", "pinned"])
    if freed is not None:
        fill_from_waiting_list(freed)
    return registration


def fill_from_waiting_list(session: TrainingSession) -> list[TrainingRegistration]:
    """Give free places of ``session`` to the waiting list: confirmed registrants of the
    training without a session who can attend it, earliest confirmed first; each is told.
    Only after the groups were assigned, for a session that is not cancelled. Call it inside
    the caller's transaction: it locks the session row."""
    session = (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("training")
        .get(pk=session.pk)
    )
    training = session.training
    if training.status != Training.Status.ASSIGNED or session.cancelled_at:
        return []
    free = session.max_size - session.participants.filter(status=Status.CONFIRMED).count()
    if free <= 0:
        return []
    waiting = list(
        training.registrations.select_for_update(of=("self",))
        .filter(status=Status.CONFIRMED, session__isnull=True, available_sessions=session)
        .order_by("confirmed_at", "pk")[:free]
    )
    for registration in waiting:
        registration.session = session
        registration.reason = _("Moved up from the waiting list.")
        registration.save(update_fields=["session", "reason"])
    mail.send_after_commit(
        [
            mail.message(
                "moved_up",
                _("A place has become free for you: %(title)s") % {"title": training.title},
                registration.email,
                registration=registration,
                training=training,
                session=session,
            )
            for registration in waiting
        ]
    )
    return waiting


# Staff registering people of the region


@dataclass
class BulkResult:
    registered: list[Person] = field(default_factory=list)
    without_email: list[Person] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)


def register_people(
    *, access: Access, training: Training, person_ids: list[int], session_ids: list[int]
) -> BulkResult:
    """Register people of the training's region at once (confirmed): those without an e-mail
    address, or already registered (as a person or by their address), are skipped."""
    if not access.has(PLAN, training):
        raise PermissionDenied(_("You may not change the registrations of this training."))
    if not person_ids:
        raise ValidationFailed({"people": _("Tick at least one person.")})
    result = BulkResult()
    with transaction.atomic(durable=True):
        training = locked(training.pk)
        if training.status not in {
            Training.Status.DRAFT,
            Training.Status.OPEN,
            Training.Status.ASSIGNED,
        }:
            raise ValidationFailed(_("People can be registered until the training is held."))
        people = list(
            Person.objects.select_related("institution")
            .filter(pk__in=person_ids, institution__region_id=training.region_id)
            .order_by("last_name", "first_name", "pk")
        )
        if len(people) != len(set(person_ids)):
            raise ValidationFailed({"people": _("Choose only people of the training's region.")})
        sessions = _check_sessions(training, session_ids, [])
        taken = {email.lower() for email in training.registrations.values_list("email", flat=True)}
        taken_people = set(
            training.registrations.exclude(person=None).values_list("person_id", flat=True)
        )
        now = timezone.now()
        for person in people:
            if not person.email:
                result.without_email.append(person)
                continue
            if person.pk in taken_people or person.email.lower() in taken:
                result.already.append(person)
                continue
            registration = TrainingRegistration.objects.create(
                training=training,
                person=person,
                institution=person.institution,
                institution_kind=person.institution.kind,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                status=Status.CONFIRMED,
                confirmed_at=now,
            )
            registration.available_sessions.set(sessions)
            taken.add(person.email.lower())
            result.registered.append(person)
    return result
