from neuewege.events.models import Registration
from neuewege.events.services.booking import book, cancel_booking
from tests.factories import make_event


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
