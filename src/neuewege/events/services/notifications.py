"""The parents' messages: written in the transaction of the change that causes them and sent
after the commit (``events.tasks``); reminders before a date (a due job); messages to
parents without e-mail marked as passed on by phone."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core import start
from neuewege.core.access import Access
from neuewege.core.errors import PermissionDenied, ValidationFailed

from .. import tasks
from ..models import EventSession, Notification, ParentEvent, Registration
from ..permissions import SEE_CONTACTS


def _notify(
    registration: Registration, kind: str, session: EventSession | None = None
) -> Notification:
    notification = Notification.objects.create(
        registration=registration, kind=kind, session=session
    )
    _send_after_commit([notification.pk])
    return notification


def _notify_all(registrations, session):
    created = Notification.objects.bulk_create(
        Notification(registration=r, kind=Notification.Kind.EVENT_CANCELLED, session=session)
        for r in registrations
    )
    start.changed("events.Notification")  # bulk_create sends no signals
    _send_after_commit([notification.pk for notification in created])


def _send_after_commit(ids: list[int]):
    """The messages written are sent once the change is committed: nothing is rendered or sent
    while the transaction (and the event's row lock) is held, and each change sends only its
    own messages (``run-due-jobs`` picks up whatever is left)."""
    if ids:
        transaction.on_commit(partial(tasks.send_notifications.enqueue, ids))


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
    start.changed("events.Notification")  # the update bypasses the model signals
    return notification
