"""The training participants' questionnaire (``TRAINING_FEEDBACK``), sent through the
evaluation app: the day after a session whose attendance was recorded, every participant
who attended gets one invitation (anonymous answers; results show only from five responses).
The evaluation app's job ``send_survey_invitations`` e-mails them to the address of the
registration. A due job (``apps.py``), idempotent: one invitation per registration."""

from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from neuewege.evaluation import services as evaluation
from neuewege.evaluation.invitations import CATCH_UP_DAYS, invite
from neuewege.evaluation.models import Questionnaire
from neuewege.evaluation.questionnaires import TRAINING_FEEDBACK

from .models import TrainingRegistration


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def due_participants(today):
    """Attendees of sessions that ended before ``today`` (within the catch-up days), not yet
    invited."""
    return (
        TrainingRegistration.objects.filter(
            status=TrainingRegistration.Status.CONFIRMED,
            attended=True,
            session__cancelled_at__isnull=True,
            session__ends_at__lt=_day_start(today),
            session__ends_at__gte=_day_start(today - timedelta(days=CATCH_UP_DAYS)),
            survey_invitation__isnull=True,
        )
        .select_related("training__region", "institution__region", "session__site__region")
        .order_by("pk")
    )


def _region_of(registration):
    """The region the answers count for: the training's; for a state-wide training the
    participant's institution's, else the site's."""
    if registration.training.region_id is not None:
        return registration.training.region
    if registration.institution_id is not None:
        return registration.institution.region
    site = registration.session.site
    return site.region if site is not None else None


def invite_training_participants(today=None) -> str:
    """Invite the attendees of the sessions held, once each (a due job)."""
    today = today or timezone.localdate()
    questionnaire = Questionnaire.objects.current(TRAINING_FEEDBACK)
    if questionnaire is None:
        return "no published training questionnaire"
    invited = skipped = 0
    for registration in due_participants(today):
        region = _region_of(registration)
        if region is None:
            skipped += 1
            continue
        try:
            with transaction.atomic(durable=True):
                invite(
                    questionnaire=questionnaire,
                    training_registration=registration,
                    region=region,
                    month=timezone.localdate(registration.session.starts_at),
                    due_on=today,
                    expires_on=today + timedelta(days=evaluation.LINK_VALID_DAYS),
                )
        except IntegrityError:  # invited meanwhile by another run
            continue
        invited += 1
    return f"{invited} training participant(s) invited, {skipped} without a region"
