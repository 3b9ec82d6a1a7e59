"""Staff registering people of the region.

The API's minimal version (branch trainings-overview): the planning part brings the full one
with the same names and signatures (``BulkResult``, ``register_people``)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Person

from ..models import Training, TrainingRegistration
from ..permissions import PLAN


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
        training = Training.objects.select_for_update().get(pk=training.pk)
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
        if not session_ids:
            raise ValidationFailed({"sessions": _("Choose at least one session.")})
        sessions = list(training.sessions.filter(cancelled_at__isnull=True, pk__in=session_ids))
        if len(sessions) != len(set(session_ids)):
            raise ValidationFailed(
                {"sessions": _("Choose only sessions of this training that are not cancelled.")}
            )
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
                status=TrainingRegistration.Status.CONFIRMED,
                confirmed_at=now,
            )
            registration.available_sessions.set(sessions)
            taken.add(person.email.lower())
            result.registered.append(person)
    return result
