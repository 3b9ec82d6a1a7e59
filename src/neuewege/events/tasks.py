"""Sending the parents' messages. Each message is written by the service that made the change
(in the same transaction) and sent here: at once by a task after the commit, and by
``neuewege run-due-jobs`` for anything left over. Sending is idempotent."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from .models import Notification
from .services import cancel_token

SUBJECTS = {
    Notification.Kind.CONFIRMED: gettext_noop("Your place is booked: %(title)s"),
    Notification.Kind.WAITLISTED: gettext_noop("You are on the waiting list: %(title)s"),
    Notification.Kind.MOVED_UP: gettext_noop("A place has become free for you: %(title)s"),
    Notification.Kind.REMINDER: gettext_noop("Reminder: %(title)s"),
    Notification.Kind.CANCELLED: gettext_noop("Your booking is cancelled: %(title)s"),
    Notification.Kind.EVENT_CANCELLED: gettext_noop("Cancelled: %(title)s"),
}


@task()
def send_notifications():
    return send_due_notifications()


def send_due_notifications(batch_size=200) -> str:
    """Send every unsent message to parents with an e-mail address. Messages to parents without
    one stay for the family centre, which calls them."""
    sent = 0
    while True:
        with transaction.atomic(durable=True):
            due = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(sent_at__isnull=True, registration__anonymised_at__isnull=True)
                .exclude(registration__email="")
                .select_related(
                    "registration__event__family_centre", "registration__session", "session"
                )
                .order_by("created_at", "pk")[:batch_size]
            )
            for notification in due:
                deliver(notification)
                notification.sent_at = timezone.now()
                notification.save(update_fields=["sent_at"])
        sent += len(due)
        if len(due) < batch_size:
            return f"{sent} message(s) sent"


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
            + reverse("booking-manage", kwargs={"token": cancel_token(registration)}),
        }
        send_mail(
            subject=_(SUBJECTS[notification.kind]) % {"title": event.title},
            message=render_to_string("events/email/notification.txt", context),
            from_email=None,
            recipient_list=[registration.email],
        )
