"""Sending the parents' messages. Each message is written by the service that made the change
(in the same transaction) and sent here: at once by a task after the commit, and by
``neuewege run-due-jobs`` for anything left over. Sending is idempotent."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from .models import CANCEL_TOKENS, Notification

logger = logging.getLogger(__name__)

SUBJECTS = {
    Notification.Kind.CONFIRMED: gettext_noop("Your place is booked: %(title)s"),
    Notification.Kind.WAITLISTED: gettext_noop("You are on the waiting list: %(title)s"),
    Notification.Kind.MOVED_UP: gettext_noop("A place has become free for you: %(title)s"),
    Notification.Kind.REMINDER: gettext_noop("Reminder: %(title)s"),
    Notification.Kind.CANCELLED: gettext_noop("Your booking is cancelled: %(title)s"),
    Notification.Kind.EVENT_CANCELLED: gettext_noop("Cancelled: %(title)s"),
}


@task()
def send_notifications(ids: list[int] | None = None):
    """The messages ``ids`` (written by one change, sent after its commit), or every one due."""
    return send_due_notifications(ids)


MAX_ATTEMPTS = 5


def send_due_notifications(ids: list[int] | None = None) -> str:
    """Send every unsent message (of ``ids``, if given) to parents with an e-mail address, each
    in its own transaction: an address the mail server refuses is tried again on the next runs
    (at most five times) and never holds up the others. Messages to parents without an address
    stay for the family centre, which calls them."""
    sent = failed = 0
    due = (
        Notification.objects.filter(
            sent_at__isnull=True,
            failed_attempts__lt=MAX_ATTEMPTS,
            registration__anonymised_at__isnull=True,
        )
        .exclude(registration__email="")
        .order_by("created_at", "pk")
    )
    # the messages of one change, sent after its commit: each is read (and left when not due)
    # under its lock below, so no list is read first
    pks = sorted(ids) if ids is not None else list(due.values_list("pk", flat=True))
    for pk in pks:
        try:
            with transaction.atomic(durable=True):
                notification = (
                    due.select_for_update(skip_locked=True, of=("self",))
                    .select_related(
                        "registration__event__family_centre", "registration__session", "session"
                    )
                    .filter(pk=pk)
                    .first()
                )
                if notification is None:  # sent meanwhile by another run
                    continue
                deliver(notification)
                notification.sent_at = timezone.now()
                notification.save(update_fields=["sent_at"])
                sent += 1
        except (OSError, SMTPException):
            logger.exception("Message %s could not be sent", pk)
            Notification.objects.filter(pk=pk).update(failed_attempts=F("failed_attempts") + 1)
            failed += 1
    return f"{sent} message(s) sent, {failed} failed"


def deliver(notification: Notification):
    registration = notification.registration
    event = registration.event
    with translation.override(registration.language):
        context = {
            "notification": notification,
            "kind": Notification.Kind,
            "registration": registration,
            "event": event,
            "centre": event.family_centre,
            "sessions": [notification.session]
            if notification.session
            else list(event.sessions.filter(is_cancelled=False))
            if event.is_course
            else [registration.session],
            "booking_url": settings.BASE_URL
            + reverse("booking-manage", kwargs={"token": CANCEL_TOKENS.sign(registration.pk)}),
        }
        send_mail(
            subject=_(SUBJECTS[notification.kind]) % {"title": event.title},
            message=render_to_string("events/email/notification.txt", context),
            from_email=None,
            recipient_list=[registration.email],
        )
