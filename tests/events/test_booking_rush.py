"""What a booking does while it holds the event's row lock (a rush of parents passes through it
one after another): the registration and its message are written before it, under it one query
decides and only a place writes again; a refused booking leaves nothing behind; the message is
sent after the commit, and only the booking's own."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from neuewege.core.errors import ValidationFailed
from neuewege.evaluation.models import StaleEvent
from neuewege.events.models import Notification, ParentEvent, Registration
from neuewege.events.services.booking import book
from tests.events.test_public_pages import booking_data, start_url
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


def answered(event, session, address: str) -> Client:
    """A parent's browser standing before "confirm" (the form sent, the check page next)."""
    parent = Client()
    sent = parent.post(start_url(event, session), booking_data(event, session, email=address))
    assert sent.status_code == 302
    return parent


def confirm(parent: Client, event):
    return parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})


def test_confirming_reads_the_event_once_and_sends_in_a_fixed_number_of_statements(
    family_centre, consent, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    parents = [answered(event, session, f"p{n}@example.org") for n in range(6)]
    counts = []
    for parent in parents:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            done = confirm(parent, event)
        assert done.status_code == 302
        sql = statements(queries)
        counts.append(len(sql))
        if parent is not parents[0]:  # (the place is decided again under the exclusive lock)
            # the event's row: read once, under its lock (nothing before it)
            assert [s for s in sql if 'FROM "events_parentevent"' in s] == [
                after_the_lock(sql, event)[0]
            ]
        # the message: read once, to be sent (no list of the messages due first)
        assert len([s for s in sql if s.startswith('SELECT "events_notification"')]) == 1
    # a waiting list of one or of four: the same statements (booking, message, session)
    assert counts[2:] == [counts[1]] * 4
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed"] + ["waitlisted"] * 5
    assert [message.to for message in mail.outbox] == [[f"p{n}@example.org"] for n in range(6)]


def test_an_event_taken_off_the_parents_pages_before_the_confirm_books_nothing(
    family_centre, consent
):
    event = make_event(family_centre)
    session = event.sessions.get()
    parent = answered(event, session, "late@example.org")
    ParentEvent.objects.filter(pk=event.pk).update(status=ParentEvent.Status.DRAFT)
    assert confirm(parent, event).status_code == 404
    ParentEvent.objects.filter(pk=event.pk).update(status=ParentEvent.Status.PUBLISHED)
    assert not Registration.objects.exists()
    assert confirm(parent, event).status_code == 302  # the answers still wait for "confirm"
    assert Registration.objects.get().email == "late@example.org"


def test_parents_without_e_mail_are_not_taken_for_the_same_contact(family_centre, booking_for):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    for phone in ("0170 1111111", "0170 2222222"):
        book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email="", phone=phone),
        )
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "waitlisted"]
