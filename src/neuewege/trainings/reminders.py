"""The reminder before a training session: a few days before (``TRAINING_REMINDER_DAYS``), each
person placed in the session gets an e-mail with date, time, place and trainers — once (a due
job, declared in apps.py; a failed delivery is tried again at the next run)."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import mail
from .models import Training, TrainingRegistration

logger = logging.getLogger(__name__)
REMINDER_DAYS = 3


def send_training_reminders() -> str:
    now = timezone.now()
    due = (
        TrainingRegistration.objects.filter(
            status=TrainingRegistration.Status.CONFIRMED,
            reminded_at__isnull=True,
            session__cancelled_at__isnull=True,
            session__starts_at__gt=now,
            session__starts_at__lte=now + timedelta(days=REMINDER_DAYS),
            training__status=Training.Status.ASSIGNED,
            training__published_at__isnull=False,
        )
        .select_related("training__module", "session__site")
        .prefetch_related("session__trainers")
        .order_by("pk")
    )
    sent = failed = 0
    for registration in due:
        try:
            _send(registration)
        except (SMTPException, OSError):
            logger.warning("Training reminder %s not delivered", registration.pk, exc_info=True)
            failed += 1
            continue
        TrainingRegistration.objects.filter(pk=registration.pk).update(reminded_at=now)
        sent += 1
    return f"{sent} training reminder(s) sent, {failed} failed"


def _send(registration: TrainingRegistration):
    with translation.override(settings.LANGUAGE_CODE):
        mail.message(
            "reminder",
            _("Reminder: %(title)s") % {"title": registration.training.title},
            registration.email,
            registration=registration,
            training=registration.training,
            session=registration.session,
        ).send()
