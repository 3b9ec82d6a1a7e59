"""The rules of booking, at the service: the parent's details, what can be booked, one booking
per contact, the personal cancel link, staff on a parent's behalf, and the waiting list (the
invariants of capacity under any sequence of bookings, cancellations and changed places)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.core.access import access_for
from neuewege.core.errors import NotFound, ValidationFailed
from neuewege.core.models import PersonalDataLog
from neuewege.events.models import ParentEvent, Registration
from neuewege.events.services.booking import book, cancel_booking, remove_registration
from neuewege.events.services.planning import Plan, update_event
from tests.factories import make_event

pytestmark = pytest.mark.usefixtures("english_messages")


def test_bad_details_are_refused_at_their_field_and_nothing_is_saved(family_centre, booking_for):
    event = make_event(family_centre)
    session = event.sessions.get()
    cases = {
        "email": booking_for(email="", phone=""),
        "child_ages": booking_for(child_ages=[15]),
        "first_name": booking_for(first_name="  "),
        "phone": booking_for(email="", phone="abc"),
        "consent": booking_for(consent_id=None),
    }
    for field, booking in cases.items():
        with pytest.raises(ValidationFailed) as refused:
            book(event_id=event.pk, session_id=session.pk, booking=booking)
        assert field in refused.value.errors, field
    assert not Registration.objects.exists()


def test_an_e_mail_address_longer_than_254_characters_is_refused(family_centre, booking_for):
    event = make_event(family_centre)
    with pytest.raises(ValidationFailed) as refused:
        book(
            event_id=event.pk,
            session_id=event.sessions.get().pk,
            booking=booking_for(email="a" * 64 + "@" + "b" * 190 + ".de"),
        )
    assert "email" in refused.value.errors


def test_no_booking_for_past_cancelled_or_unpublished_events(family_centre, booking_for):
    past = make_event(family_centre, starts=timezone.now() - timedelta(hours=1))
    cancelled = make_event(family_centre, status="cancelled")
    draft = make_event(family_centre, status="draft")
    for event in (past, cancelled, draft):
        with pytest.raises(ValidationFailed):
            book(event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for())
    with pytest.raises(ValidationFailed):
        book(event_id=987654, session_id=None, booking=booking_for())
    assert not Registration.objects.exists()


def test_the_same_contact_cannot_book_the_same_date_twice(family_centre, booking_for):
    event = make_event(family_centre)
    session = event.sessions.get()
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(phone="0170 1234567"))
    with pytest.raises(ValidationFailed):
        book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email="", phone="+49 170 1234567"),
        )
    assert Registration.objects.count() == 1


def test_a_series_is_booked_per_date_and_a_course_as_a_whole(family_centre, booking_for):
    series = make_event(family_centre, dates=3, capacity=1)
    first, second, _third = series.sessions.all()
    book(event_id=series.pk, session_id=first.pk, booking=booking_for())
    on_second, _ = book(
        event_id=series.pk, session_id=second.pk, booking=booking_for(email="b@example.org")
    )
    assert on_second.status == Registration.Status.CONFIRMED
    course = make_event(family_centre, "parent_course", capacity=1)
    booked, _ = book(event_id=course.pk, session_id=None, booking=booking_for())
    waiting, _ = book(
        event_id=course.pk, session_id=None, booking=booking_for(email="b@example.org")
    )
    assert booked.session is None and booked.status == Registration.Status.CONFIRMED
    assert waiting.status == Registration.Status.WAITLISTED


def test_confirmed_up_to_capacity_then_waitlisted(family_centre, booking_for):
    event = make_event(family_centre, capacity=2)
    session = event.sessions.get()
    statuses = [
        book(
            event_id=event.pk, session_id=session.pk, booking=booking_for(email=f"p{i}@example.org")
        )[0].status
        for i in range(3)
    ]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_cancel_moves_the_first_waiting_up(family_centre, booking_for):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    _first, token = book(event_id=event.pk, session_id=session.pk, booking=booking_for())
    waiting, _ = book(
        event_id=event.pk, session_id=session.pk, booking=booking_for(email="b@example.org")
    )
    cancel_booking(token=token)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert waiting.notifications.filter(kind="moved_up").exists()
    cancel_booking(token=token)  # again (a double click): nothing more happens
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert waiting.notifications.filter(kind="moved_up").count() == 1


def test_forged_and_reused_cancel_links_change_nothing(family_centre, booking_for):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    registration, token = book(event_id=event.pk, session_id=session.pk, booking=booking_for())
    forged = str(registration.pk + 1) + token[token.index(".") :]
    for bad in (forged, "123", "", token + "x"):
        with pytest.raises(NotFound):
            cancel_booking(token=bad)
    cancel_booking(token=token)
    registration.refresh_from_db()
    cancelled_at = registration.cancelled_at
    cancel_booking(token=token)  # reused: no error, nothing changes
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.cancelled_at == cancelled_at
    assert registration.notifications.filter(kind="cancelled").count() == 1


def test_more_places_move_the_waiting_list_up_and_fewer_than_confirmed_are_refused(
    family_centre, coordinator, booking_for
):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    for index in range(3):
        book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email=f"p{index}@example.org"),
        )
    access = access_for(coordinator)
    update_event(
        access=access,
        event=event,
        plan=Plan(details={"capacity": 2}, sessions=[]),
        confirm_warnings=True,
    )
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    with pytest.raises(ValidationFailed) as refused:
        update_event(
            access=access,
            event=event,
            plan=Plan(details={"capacity": 1}, sessions=[]),
            confirm_warnings=True,
        )
    assert "capacity" in refused.value.errors


def test_staff_removing_a_registration_is_logged_and_moves_up(family_centre, staff, booking_for):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    first, _ = book(
        event_id=event.pk, session_id=session.pk, booking=booking_for(), access=access_for(staff)
    )
    waiting, _ = book(
        event_id=event.pk, session_id=session.pk, booking=booking_for(email="b@example.org")
    )
    remove_registration(access=access_for(staff), registration=first)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert first.source == Registration.Source.STAFF
    assert PersonalDataLog.objects.filter(user=staff).count() == 2


def test_the_personal_data_log_names_no_parent(family_centre, staff, booking_for):
    event = make_event(family_centre)
    book(
        event_id=event.pk,
        session_id=event.sessions.get().pk,
        booking=booking_for(first_name="Zeynep"),
        access=access_for(staff),
    )
    entry = PersonalDataLog.objects.get()
    assert "Zeynep" not in entry.record and entry.record.startswith("events.Registration:")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    capacity=st.integers(min_value=1, max_value=4),
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("book"), st.integers(0, 9)),
            st.tuples(st.just("cancel"), st.integers(0, 9)),
            st.tuples(st.just("capacity"), st.integers(1, 5)),
        ),
        max_size=25,
    ),
)
def test_invariants_hold_whatever_happens(family_centre, coordinator, booking_for, capacity, steps):
    """Confirmed never exceed the places; nobody waits while a place is free."""
    event = make_event(family_centre, capacity=capacity)
    session = event.sessions.get()
    tokens = {}
    for action, value in steps:
        try:
            if action == "book":
                _registration, tokens[value] = book(
                    event_id=event.pk,
                    session_id=session.pk,
                    booking=booking_for(email=f"p{value}@example.org"),
                )
            elif action == "cancel" and value in tokens:
                cancel_booking(token=tokens.pop(value))
            elif action == "capacity":
                update_event(
                    access=access_for(coordinator),
                    event=event,
                    plan=Plan(details={"capacity": value}, sessions=[]),
                    confirm_warnings=True,
                )
        except ValidationFailed:
            pass
        event.refresh_from_db()
        active = Registration.objects.filter(event=event)
        confirmed = active.filter(status="confirmed").count()
        waiting = active.filter(status="waitlisted").count()
        assert confirmed <= event.capacity
        assert waiting == 0 or confirmed == event.capacity
    ParentEvent.objects.filter(pk=event.pk).delete()
