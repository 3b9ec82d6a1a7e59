"""The reminder before a training session: once, to those placed in a published session of the
next days, never to the cancelled or to sessions further away."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from neuewege.trainings.reminders import send_training_reminders
from tests.factories import InstitutionFactory, make_registrant, make_training


def _published(region, days):
    training = make_training(
        region, sessions=1, status="assigned", start=timezone.now() + timedelta(days=days)
    )
    training.published_at = timezone.now()
    training.save()
    return training


def test_a_placed_person_is_reminded_once_with_the_sessions_place_and_time(wesel):
    centre = InstitutionFactory(region=wesel)
    training = _published(wesel, days=2)
    session = training.sessions.get()
    placed = make_registrant(training, centre, session=session, email="kim@example.org")
    cancelled = make_registrant(training, centre, session=session, status="cancelled")
    waiting = make_registrant(training, centre)

    assert send_training_reminders().startswith("1 training reminder")
    assert send_training_reminders().startswith("0 training reminder")  # once

    [message] = mail.outbox
    assert message.to == ["kim@example.org"]
    assert training.title in message.subject
    assert session.place in message.body
    assert timezone.localtime(session.starts_at).strftime("%H:%M") in message.body
    placed.refresh_from_db()
    cancelled.refresh_from_db()
    waiting.refresh_from_db()
    assert placed.reminded_at is not None
    assert cancelled.reminded_at is None and waiting.reminded_at is None


def test_no_reminder_for_sessions_further_away_unpublished_or_cancelled(wesel):
    centre = InstitutionFactory(region=wesel)
    far = _published(wesel, days=10)
    make_registrant(far, centre, session=far.sessions.get())
    unpublished = make_training(
        wesel, sessions=1, status="assigned", start=timezone.now() + timedelta(days=1)
    )
    make_registrant(unpublished, centre, session=unpublished.sessions.get())
    called_off = _published(wesel, days=1)
    session = called_off.sessions.get()
    session.cancelled_at = timezone.now()
    session.save()
    make_registrant(called_off, centre, session=session)

    send_training_reminders()

    assert mail.outbox == []
