"""An event after planning, at the service: publishing, cancelling (the whole event or one date),
held when its dates have passed, attendance; and the personal data deleted after the retention."""

from datetime import timedelta

import pytest
from django.utils import timezone

from neuewege.core.access import access_for
from neuewege.core.errors import NotFound, ValidationFailed
from neuewege.core.models import PersonalDataLog
from neuewege.core.privacy import purge_personal_data
from neuewege.events.models import Notification, ParentEvent, Registration
from neuewege.events.services.booking import book, cancel_booking, registration_for_token
from neuewege.events.services.lifecycle import (
    cancel_event,
    cancel_session,
    mark_held_events,
    publish_event,
    record_attendance,
)
from tests.factories import make_event

pytestmark = pytest.mark.usefixtures("english_messages")


def test_publishing_with_a_date_in_the_past_is_refused(family_centre, coordinator):
    event = make_event(family_centre, status="draft", starts=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        publish_event(access=access_for(coordinator), event=event)
    event.refresh_from_db()
    assert event.status == ParentEvent.Status.DRAFT


def test_cancelling_an_event_tells_everyone_registered(family_centre, coordinator, booking_for):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    for index in range(2):
        book(
            event_id=event.pk,
            session_id=session.pk,
            booking=booking_for(email=f"p{index}@example.org"),
        )
    cancel_event(access=access_for(coordinator), event=event, reason="Krankheit")
    assert Notification.objects.filter(kind="event_cancelled").count() == 2
    with pytest.raises(ValidationFailed):
        book(event_id=event.pk, session_id=session.pk, booking=booking_for(email="c@x.de"))


def test_nobody_moves_up_into_a_cancelled_date_and_its_bookings_stay(
    family_centre, coordinator, booking_for
):
    event = make_event(family_centre, dates=2, capacity=1)
    first = event.sessions.first()
    _booked, token = book(event_id=event.pk, session_id=first.pk, booking=booking_for())
    waiting, _ = book(
        event_id=event.pk, session_id=first.pk, booking=booking_for(email="b@example.org")
    )
    cancel_session(access=access_for(coordinator), session=first)
    with pytest.raises(ValidationFailed):
        cancel_booking(token=token)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
    assert not waiting.notifications.filter(kind="moved_up").exists()


def test_past_events_become_held_and_personal_data_is_deleted_after_the_retention(
    family_centre, booking_for, settings
):
    event = make_event(family_centre, starts=timezone.now() + timedelta(days=1))
    registration, token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for()
    )
    event.sessions.update(
        starts_at=timezone.now() - timedelta(days=200),
        ends_at=timezone.now() - timedelta(days=200) + timedelta(hours=1),
    )
    mark_held_events()
    event.refresh_from_db()
    assert event.status == ParentEvent.Status.HELD
    settings.REGISTRATION_RETENTION_DAYS = 180
    purge_personal_data()
    registration.refresh_from_db()
    assert registration.first_name == registration.email == registration.phone == ""
    assert registration.status == Registration.Status.CONFIRMED  # the count stays
    assert registration.child_ages == [2]
    with pytest.raises(NotFound):
        registration_for_token(token)


def test_attendance_by_a_speaker_and_counselling_appointments(
    family_centre, job_centre_bca, booking_for
):
    from tests.factories import UserFactory

    speaker = UserFactory(role="staff", person=job_centre_bca)
    event = make_event(
        family_centre, starts=timezone.now() + timedelta(days=1), speakers=[job_centre_bca]
    )
    session = event.sessions.get()
    came, _ = book(event_id=event.pk, session_id=session.pk, booking=booking_for())
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(email="b@example.org"))
    with pytest.raises(ValidationFailed):
        record_attendance(
            access=access_for(speaker),
            session=session,
            present_ids=[came.pk],
            counselling_appointments=1,
        )
    event.sessions.update(starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now())
    session.refresh_from_db()
    record_attendance(
        access=access_for(speaker),
        session=session,
        present_ids=[came.pk],
        counselling_appointments=1,
    )
    session.refresh_from_db()
    assert list(session.attendees.all()) == [came]
    assert session.counselling_appointments == 1
    assert PersonalDataLog.objects.filter(user=speaker, action="change").exists()
