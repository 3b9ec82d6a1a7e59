"""What a booking does while it holds the event's row lock (a rush of parents passes through it
one after another): the registration and its message are written before it, under it one query
decides and only a place writes again; a refused booking leaves nothing behind; the message is
sent after the commit, and only the booking's own."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from neuewege.core.errors import ValidationFailed
from neuewege.evaluation.models import StaleEvent
from neuewege.events.models import Notification, Registration
from neuewege.events.services.booking import book
from tests.factories import make_event

pytestmark = pytest.mark.usefixtures("english_messages")


def statements(queries) -> list[str]:
    """The statements sent, without savepoints (the tests run in a transaction)."""
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"].upper()]


def after_the_lock(sql: list[str], event) -> list[str]:
    """The statements from the (last) read of the event's row under its lock on: exclusive
    (``_locked``) or, on PostgreSQL for a full date, shared (``_locked_shared``)."""
    lock = max(
        index
        for index, statement in enumerate(sql)
        if statement.startswith("SELECT")
        and 'FROM "events_parentevent"' in statement
        and (
            f'"events_parentevent"."id" = {event.pk}' in statement
            or statement.endswith(f'WHERE "id" = {event.pk} FOR SHARE')
        )
    )
    return sql[lock:]


def test_under_the_lock_one_query_decides_and_only_a_place_writes_again(family_centre, booking_for):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    steps = []
    for address in ("first@example.org", "second@example.org"):
        with CaptureQueriesContext(connection) as queries:
            registration, _token = book(
                event_id=event.pk, session_id=session.pk, booking=booking_for(email=address)
            )
        sql = statements(queries)
        locked = after_the_lock(sql, event)
        before = sql[: len(sql) - len(locked)]
        assert any(s.startswith('INSERT INTO "events_registration"') for s in before)
        assert any(s.startswith('INSERT INTO "events_notification"') for s in before)
        steps.append((registration.status, [s.split(" ", 3)[:3] for s in locked[1:]], locked[0]))
    (first, first_locked, first_lock), (second, second_locked, second_lock) = steps
    assert first == Registration.Status.CONFIRMED
    # the place: the registration confirmed (its change marked for the kept counts) and its
    # message made a confirmation
    assert [s[0] for s in first_locked] == ["SELECT", "UPDATE", "INSERT", "UPDATE"]
    assert second == Registration.Status.WAITLISTED
    assert [s[0] for s in second_locked] == ["SELECT"]  # as written before the lock
    if connection.vendor == "postgresql":  # full: beside the others on the waiting list
        assert second_lock.endswith("FOR SHARE") and "FOR UPDATE" in first_lock
    kinds = dict(Notification.objects.values_list("registration__email", "kind"))
    assert kinds == {"first@example.org": "confirmed", "second@example.org": "waitlisted"}
    stored = Registration.objects.get(email="first@example.org")
    assert stored.status == "confirmed" and stored.confirmed_at is not None
    assert Registration.objects.get(email="second@example.org").confirmed_at is None


def test_a_booking_refused_under_the_lock_leaves_nothing_behind(family_centre, booking_for):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    other = make_event(family_centre)
    book(event_id=event.pk, session_id=session.pk, booking=booking_for())
    counts = (Registration.objects.count(), Notification.objects.count())
    stale = StaleEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        book(event_id=event.pk, session_id=session.pk, booking=booking_for())  # same contact
    assert "email" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:  # a date of another event
        book(event_id=event.pk, session_id=other.sessions.get().pk, booking=booking_for())
    assert "session" in refused.value.errors
    assert (Registration.objects.count(), Notification.objects.count()) == counts
    assert StaleEvent.objects.count() == stale


def test_the_same_contact_by_phone_is_found_however_the_number_is_written(
    family_centre, booking_for
):
    event = make_event(family_centre)
    session = event.sessions.get()
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(phone="+49 170 1234567"))
    with pytest.raises(ValidationFailed) as refused:
        book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email="", phone="0170/123 45 67"),
        )
    assert "phone" in refused.value.errors
    assert Registration.objects.count() == 1


def test_a_course_is_booked_as_a_whole_whatever_date_is_named(family_centre, booking_for):
    course = make_event(family_centre, "parent_course", capacity=1)
    second_date = course.sessions.order_by("starts_at")[1]
    registration, _token = book(
        event_id=course.pk, session_id=second_date.pk, booking=booking_for()
    )
    registration.refresh_from_db()
    assert registration.session is None and registration.status == "confirmed"
    waiting, _token = book(
        event_id=course.pk, session_id=None, booking=booking_for(email="b@example.org")
    )
    assert waiting.status == "waitlisted"


def test_the_message_leaves_after_the_commit_and_only_the_bookings_own(
    family_centre, booking_for, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = make_event(family_centre)
    session = event.sessions.get()
    book(  # its message waits (the commit's callback is not run here)
        event_id=event.pk, session_id=session.pk, booking=booking_for(email="older@example.org")
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        book(event_id=event.pk, session_id=session.pk, booking=booking_for())
        assert mail.outbox == []  # nothing sent before the commit
    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["ayse@example.org"]]
    assert Notification.objects.get(registration__email="older@example.org").sent_at is None
