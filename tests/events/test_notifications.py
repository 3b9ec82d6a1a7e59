"""The parents' messages: sent once in the parent's language, reminders once for the next days,
and an address the mail server refuses holds up neither the other messages nor the jobs."""

from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from neuewege.events.models import Notification
from neuewege.events.services.booking import book
from neuewege.events.services.notifications import create_reminders
from neuewege.events.tasks import send_due_notifications
from tests.factories import make_event

pytestmark = pytest.mark.usefixtures("english_messages")


class RefusingBackend(EmailBackend):
    """Stands in for a mail server that refuses one address (SMTP is not reachable here)."""

    def send_messages(self, messages):
        for message in messages:
            if "refused@" in message.to[0]:
                raise SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


def test_messages_are_sent_once_in_the_parents_language(family_centre, booking_for, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(language="de"))
    book(
        event_id=event.pk,
        session_id=session.pk,
        booking=booking_for(email="", phone="0170 7654321"),
    )
    send_due_notifications()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Sie sind angemeldet: Elterncafé am Dienstag"  # her language
    assert "/anmeldung/" in mail.outbox[0].body
    send_due_notifications()
    assert len(mail.outbox) == 1
    to_call = Notification.objects.filter(sent_at__isnull=True)
    assert list(to_call.values_list("kind", flat=True)) == ["waitlisted"]


def test_reminders_are_created_once_for_the_next_days(family_centre, booking_for, settings):
    settings.EVENT_REMINDER_DAYS = 2
    soon = make_event(family_centre, starts=timezone.now() + timedelta(days=1))
    later = make_event(family_centre, starts=timezone.now() + timedelta(days=10))
    for event in (soon, later):
        book(event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for())
    create_reminders()
    create_reminders()
    reminders = Notification.objects.filter(kind="reminder")
    assert reminders.count() == 1
    assert reminders.get().registration.event == soon


def test_a_refused_address_does_not_hold_up_the_other_messages_or_jobs(
    family_centre, booking_for, settings, capsys
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    event = make_event(family_centre)
    session = event.sessions.get()
    for address in ("refused@example.org", "good@example.org"):
        book(event_id=event.pk, session_id=session.pk, booking=booking_for(email=address))
    call_command("run-due-jobs")
    assert [message.to for message in mail.outbox] == [["good@example.org"]]
    refused = Notification.objects.get(registration__email="refused@example.org")
    assert refused.sent_at is None and refused.failed_attempts == 1
    assert "purge_personal_data:" in capsys.readouterr().out
    for _ in range(6):
        call_command("run-due-jobs")
    refused.refresh_from_db()
    assert refused.failed_attempts == 5 and len(mail.outbox) == 1
