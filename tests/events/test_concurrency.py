"""Capacity under concurrency, with real row locks (PostgreSQL; the pass of `make test` with
NEUEWEGE_TEST_POSTGRES_URL runs these)."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection, connections

from neuewege.core.errors import ValidationFailed
from neuewege.events.models import Registration
from neuewege.events.services import booking
from tests.factories import make_event

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("reference_data")]


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at the same moment; each thread uses and
    closes its own database connection."""
    barrier = Barrier(count)

    def task(index):
        barrier.wait()
        try:
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(task, range(count)))


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_forty_parents_booking_twelve_places_at_once(family_centre, booking_for):
    event = make_event(family_centre, capacity=12)
    session = event.sessions.get()

    def book(index):
        registration, _token = booking.book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email=f"parent{index}@example.org"),
        )
        return registration.status

    statuses = run_together(40, book)
    assert statuses.count("confirmed") == 12
    assert statuses.count("waitlisted") == 28
    stored = Registration.objects.filter(session=session)
    assert stored.filter(status="confirmed").count() == 12
    assert stored.filter(status="waitlisted").count() == 28


def test_cancellations_racing_bookings_keep_the_invariants(family_centre, booking_for):
    event = make_event(family_centre, capacity=12)
    session = event.sessions.get()
    tokens = [
        booking.book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email=f"early{index}@example.org"),
        )[1]
        for index in range(16)
    ]  # 12 confirmed, 4 waiting

    def act(index):
        if index < 10:
            booking.cancel_booking(token=tokens[index])
            return "cancelled"
        try:
            return booking.book(
                event_id=event.pk,
                session_id=session.pk,
                booking=booking_for(email=f"late{index}@example.org"),
            )[0].status
        except ValidationFailed:
            return "refused"

    results = run_together(30, act)
    assert results.count("cancelled") == 10 and "refused" not in results
    stored = Registration.objects.filter(session=session)
    confirmed = stored.filter(status="confirmed").count()
    waiting = stored.filter(status="waitlisted").count()
    assert confirmed == 12  # 36 active registrations for 12 places
    assert waiting == 16 + 20 - 10 - 12
    early_waiting = stored.filter(
        email__in=[f"early{index}@example.org" for index in range(12, 16)]
    )
    assert set(early_waiting.values_list("status", flat=True)) == {"confirmed"}  # first come first


def test_two_clicks_on_confirm_at_the_same_moment_book_once_and_both_land_on_it(family_centre):
    from django.test import Client
    from django.urls import reverse

    from .test_public_pages import booking_data, start_url

    event = make_event(family_centre)
    session = event.sessions.get()
    browser = Client()
    assert browser.post(start_url(event, session), booking_data(event, session)).status_code == 302
    cookie = browser.cookies["sessionid"].value

    def click(_index):
        tab = Client()
        tab.cookies["sessionid"] = cookie
        return tab.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})

    first, second = run_together(2, click)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert first["Location"].startswith("/anmeldung/")  # the booking's own page
    assert Registration.objects.filter(event=event).count() == 1


def test_one_contact_booking_a_full_date_many_times_at_once_gets_one_place_on_the_list(
    family_centre, booking_for
):
    """Bookings that find the date full go on the waiting list side by side (a shared lock):
    the same contact still books only once."""
    event = make_event(family_centre, capacity=2)
    session = event.sessions.get()
    for index in range(2):
        booking.book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email=f"early{index}@example.org"),
        )

    def book(index):
        try:
            return booking.book(
                event_id=event.pk,
                session_id=session.pk,
                booking=booking_for(
                    email="twice@example.org" if index % 2 else "", phone="0170 1234567"
                ),
            )[0].status
        except ValidationFailed:
            return "refused"

    statuses = run_together(12, book)
    assert statuses.count("waitlisted") == 1 and statuses.count("refused") == 11
    assert Registration.objects.filter(session=session, status="waitlisted").count() == 1


def test_a_place_freed_during_a_rush_on_a_full_date_goes_to_the_first_who_waits(
    family_centre, booking_for
):
    event = make_event(family_centre, capacity=3)
    session = event.sessions.get()
    tokens = [
        booking.book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email=f"early{index}@example.org"),
        )[1]
        for index in range(4)
    ]  # 3 confirmed, 1 waiting

    def act(index):
        if index in (0, 1):
            booking.cancel_booking(token=tokens[index])
            return "cancelled"
        return booking.book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email=f"late{index}@example.org"),
        )[0].status

    run_together(20, act)
    stored = Registration.objects.filter(session=session)
    assert stored.filter(status="confirmed").count() == 3  # never more, and no place left free
    assert stored.get(email="early3@example.org").status == "confirmed"  # first come first
    assert stored.filter(status="waitlisted").count() == 4 + 18 - 2 - 3
