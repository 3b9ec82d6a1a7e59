"""Attendance of a training session, and what follows from it: attending a session of a module
that ``qualifies_for`` event formats (the speaker training) records the person as qualified to
moderate them (``Qualification`` with its date, and ``Person.moderated_formats``, which the event
planning checks); un-ticking removes what came only from this training.

A registration without a person is matched to the register by its e-mail address (case does
not matter); without a match, and with an institution of the register, the person is created
there, so that the qualification has someone to belong to. A registration naming an
institution outside the register cannot be recorded as qualified: the result says so.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person

from ..models import Qualification, Training, TrainingRegistration, TrainingSession
from ..permissions import RECORD_ATTENDANCE

Kind = Institution.Kind
Function = Person.Function
FUNCTION_OF_KIND = {  # the function of a person created from a registration, by institution kind
    Kind.FAMILY_CENTRE: Function.FAMILY_CENTRE_STAFF,
    Kind.YOUTH_WELFARE_OFFICE: Function.YOUTH_WELFARE_STAFF,
    Kind.EQUALITY_OFFICE: Function.EQUALITY_OFFICER,
}
NOT_RECORDED = {Training.Status.DRAFT, Training.Status.CANCELLED}


@dataclass
class AttendanceResult:
    session: TrainingSession
    present: int = 0
    absent: int = 0
    qualified: list[Person] = field(default_factory=list)
    not_qualified: list[TrainingRegistration] = field(default_factory=list)  # no institution


def has_started(session: TrainingSession) -> bool:
    return session.starts_at <= timezone.now()


def assigned(session: TrainingSession):
    """The people assigned to the session: confirmed registrations with this session."""
    return TrainingRegistration.objects.filter(
        session=session, status=TrainingRegistration.Status.CONFIRMED
    ).select_related("person", "institution")


def record_attendance(*, access: Access, session: TrainingSession, present_ids) -> AttendanceResult:
    """Save who attended ``session`` (the ids of its assigned registrations that were present;
    every other assigned registration: absent), in one go, once the session has begun."""
    if not access.has(RECORD_ATTENDANCE, session):
        raise PermissionDenied(_("You may not record the attendance of this session."))
    present = set(present_ids)
    with transaction.atomic(durable=True):
        session = (
            TrainingSession.objects.select_for_update(of=("self",))
            .select_related("training__module", "training__region")
            .get(pk=session.pk)
        )
        training = session.training
        if session.cancelled_at is not None or training.status in NOT_RECORDED:
            raise ValidationFailed(
                _("Attendance is recorded for sessions that take place, not for cancelled ones.")
            )
        if not has_started(session):
            raise ValidationFailed(_("Attendance can be recorded once the session has begun."))
        registrations = list(assigned(session))
        unknown = present - {registration.pk for registration in registrations}
        if unknown:
            raise ValidationFailed(
                {"present": _("Only people assigned to this session can be marked as present.")}
            )
        result = AttendanceResult(session)
        qualifies = bool(training.module.qualifies_for)
        for registration in registrations:
            attended = registration.pk in present
            was = registration.attended
            if attended != was:
                registration.attended = attended
                registration.save(update_fields=["attended"])
            if attended:
                result.present += 1
                if qualifies:
                    person = _qualify(registration, session)
                    if person is None:
                        result.not_qualified.append(registration)
                    else:
                        result.qualified.append(person)
            else:
                result.absent += 1
                if qualifies and was and registration.person_id is not None:
                    _unqualify(registration.person, training)
        return result


def _person_for(registration: TrainingRegistration) -> Person | None:
    """The registration's person: given, found by e-mail, or created at its institution (and
    then kept on the registration); None when the institution is not in the register."""
    if registration.person_id is not None:
        return registration.person
    person = Person.objects.filter(email__iexact=registration.email).first()
    if person is None:
        if registration.institution_id is None:
            return None
        institution = registration.institution
        person = Person.objects.create(
            institution=institution,
            first_name=registration.first_name,
            last_name=registration.last_name,
            email=registration.email,
            function=FUNCTION_OF_KIND.get(institution.kind, Function.OTHER),
        )
    taken = TrainingRegistration.objects.filter(training_id=registration.training_id, person=person)
    if not taken.exclude(pk=registration.pk).exists():
        registration.person = person
        registration.save(update_fields=["person"])
    return person


def _qualify(registration: TrainingRegistration, session: TrainingSession) -> Person | None:
    """Record the person qualified for the module's formats since the session's day (the
    earliest day stays when they were qualified before)."""
    person = _person_for(registration)
    if person is None:
        return None
    training = session.training
    day = timezone.localdate(session.starts_at)
    for code in training.module.qualifies_for:
        qualification = Qualification.objects.filter(person=person, format=code).first()
        if qualification is None:
            Qualification.objects.create(
                person=person, format=code, qualified_on=day, training=training
            )
        elif day < qualification.qualified_on:
            qualification.qualified_on = day
            qualification.training = training
            qualification.save(update_fields=["qualified_on", "training"])
    _add_formats(person, training.module.qualifies_for)
    return person


def _add_formats(person: Person, codes):
    missing = [code for code in codes if code not in (person.moderated_formats or [])]
    if missing:
        person.moderated_formats = [*(person.moderated_formats or []), *missing]
        person.save(update_fields=["moderated_formats", "updated_at"])


def _unqualify(person: Person, training: Training):
    """Remove what came from ``training``: each qualification it gave passes to the person's
    earliest other training attended that qualifies for the format; without one it goes, and
    the format leaves ``moderated_formats``."""
    others = (
        TrainingRegistration.objects.filter(person=person, attended=True, session__isnull=False)
        .exclude(training=training)
        .select_related("training__module", "session")
        .order_by("session__starts_at")
    )
    dropped = []
    for qualification in Qualification.objects.filter(person=person, training=training):
        earlier = next(
            (r for r in others if qualification.format in r.training.module.qualifies_for), None
        )
        if earlier is None:
            qualification.delete()
            dropped.append(qualification.format)
        else:
            qualification.training = earlier.training
            qualification.qualified_on = timezone.localdate(earlier.session.starts_at)
            qualification.save(update_fields=["training", "qualified_on"])
    if dropped:
        person.refresh_from_db(fields=["moderated_formats"])
        person.moderated_formats = [
            code for code in person.moderated_formats or [] if code not in dropped
        ]
        person.save(update_fields=["moderated_formats", "updated_at"])
