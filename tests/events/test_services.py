"""The rules of planning, booking, waiting list, notifications and retention, at the service."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.core.access import access_for
from neuewege.core.errors import NotFound, PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, OpeningPeriod, Person, PersonalDataLog
from neuewege.core.privacy import purge_personal_data
from neuewege.events.models import Format, Notification, ParentEvent, Registration
from neuewege.events.recurrence import Rhythm
from neuewege.events.services.booking import (
    book,
    cancel_booking,
    registration_for_token,
    remove_registration,
)
from neuewege.events.services.lifecycle import (
    cancel_event,
    mark_held_events,
    publish_event,
    record_attendance,
)
from neuewege.events.services.notifications import create_reminders
from neuewege.events.services.planning import NeedsConfirmation, Plan, plan_event, update_event
from neuewege.events.tasks import send_due_notifications
from tests.factories import InstitutionFactory, PersonFactory, make_event

BERLIN = timezone.get_default_timezone()


@pytest.fixture(autouse=True)
def english_messages():
    """The messages are compared in English (the staff's second language)."""
    with translation.override("en"):
        yield


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def next_weekday(weekday: int, weeks_ahead: int = 1) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


@pytest.fixture
def job_centre_bca(wesel):
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    job_centre.job_centre_type = Institution.JobCentreType.JOINT
    job_centre.save()
    return PersonFactory(
        institution=job_centre,
        first_name="Birgit",
        last_name="Schulte",
        function=Person.Function.BCA,
        moderated_formats=["parent_cafe", "info_session", "parent_course"],
    )


def plan(family_centre, coordinator, *, code="parent_cafe", shape="single", sessions, **kwargs):
    details = {"title": "Elterncafé", "capacity": 12} | kwargs.pop("details", {})
    return plan_event(
        access=access_for(coordinator),
        family_centre=family_centre,
        event_format=Format.objects.get(code=code),
        shape=shape,
        plan=Plan(details=details, sessions=sessions, speakers=kwargs.pop("speakers", [])),
        **kwargs,
    )


# Planning rules


def test_capacity_above_the_formats_maximum_is_refused(family_centre, coordinator, job_centre_bca):
    tuesday = next_weekday(1)
    with pytest.raises(ValidationFailed) as refused:
        plan(
            family_centre,
            coordinator,
            code="parent_course",
            shape="course",
            sessions=[
                (local(tuesday + timedelta(weeks=i), 9), local(tuesday, 11)) for i in range(5)
            ],
            details={"capacity": 13},
            speakers=[job_centre_bca],
        )
    assert "capacity" in refused.value.errors
    assert not ParentEvent.objects.exists()


def test_duration_outside_the_range_is_a_warning_the_planner_confirms(
    family_centre, coordinator, job_centre_bca
):
    tuesday = next_weekday(1)
    too_long = [(local(tuesday, 9), local(tuesday, 12))]
    with pytest.raises(NeedsConfirmation) as warned:
        plan(family_centre, coordinator, sessions=too_long, speakers=[job_centre_bca])
    assert any("75 to 120 minutes" in message for message in warned.value.messages())
    assert not ParentEvent.objects.exists()
    event = plan(
        family_centre,
        coordinator,
        sessions=too_long,
        speakers=[job_centre_bca],
        confirm_warnings=True,
    )
    assert event.status == ParentEvent.Status.DRAFT and event.sessions.count() == 1


def test_session_outside_opening_hours_is_a_warning(family_centre, coordinator, job_centre_bca):
    OpeningPeriod.objects.create(
        institution=family_centre, weekday=1, opens=time(8), closes=time(14)
    )
    tuesday = next_weekday(1)
    with pytest.raises(NeedsConfirmation) as warned:
        plan(
            family_centre,
            coordinator,
            sessions=[(local(tuesday, 17), local(tuesday, 18, 30))],
            speakers=[job_centre_bca],
        )
    assert any("opening hours" in message for message in warned.value.messages())
    inside = plan(
        family_centre,
        coordinator,
        sessions=[(local(tuesday, 9, 30), local(tuesday, 11))],
        speakers=[job_centre_bca],
    )
    assert inside.pk


def test_a_speaker_booked_twice_at_the_same_time_is_refused_naming_the_other_event(
    family_centre, coordinator, job_centre_bca, wesel
):
    tuesday = next_weekday(1)
    plan(
        family_centre,
        coordinator,
        sessions=[(local(tuesday, 9, 30), local(tuesday, 11))],
        speakers=[job_centre_bca],
        details={"title": "Elterncafé Sonnenschein"},
    )
    other_centre = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    with pytest.raises(ValidationFailed) as refused:
        plan(
            other_centre,
            coordinator,
            sessions=[(local(tuesday, 10, 30), local(tuesday, 12))],
            speakers=[job_centre_bca],
        )
    message = refused.value.errors["speakers"][0]
    assert "Birgit Schulte" in message and "Elterncafé Sonnenschein" in message
    after = plan(
        other_centre,
        coordinator,
        sessions=[(local(tuesday, 11), local(tuesday, 12, 30))],
        speakers=[job_centre_bca],
    )
    assert after.pk


def test_speakers_come_from_the_labour_market_side_of_the_same_region(
    family_centre, coordinator, borken
):
    tuesday = next_weekday(1)
    colleague = PersonFactory(institution=family_centre)
    with pytest.raises(ValidationFailed) as refused:
        plan(
            family_centre,
            coordinator,
            sessions=[(local(tuesday, 9, 30), local(tuesday, 11))],
            speakers=[colleague],
        )
    assert "speakers" in refused.value.errors
    outsider = PersonFactory(
        institution=InstitutionFactory(
            region=borken, kind=Institution.Kind.EMPLOYMENT_AGENCY, postcode="46325"
        )
    )
    with pytest.raises(ValidationFailed) as refused:
        plan(
            family_centre,
            coordinator,
            sessions=[(local(tuesday, 9, 30), local(tuesday, 11))],
            speakers=[outsider],
        )
    assert "region" in refused.value.errors["speakers"][0]


def test_a_course_has_one_date_per_module_labelled_with_its_motto(
    family_centre, coordinator, job_centre_bca
):
    rhythm = Rhythm(first_date=next_weekday(2), starts=time(9), ends=time(11), count=5)
    event = plan(
        family_centre,
        coordinator,
        code="parent_course",
        shape="course",
        sessions=rhythm.sessions(),
        details={"capacity": 12},
        speakers=[job_centre_bca],
    )
    mottos = [session.module.motto for session in event.sessions.all()]
    assert mottos == [
        "„Ich habe Vorfahrt“",
        "„TÜV“",
        "„Routenplanung“",
        "„Etappenziel“",
        "„Nachtanken“",
    ]
    with pytest.raises(ValidationFailed) as refused:
        plan(
            family_centre,
            coordinator,
            code="parent_course",
            shape="course",
            sessions=rhythm.sessions()[:3],
            speakers=[job_centre_bca],
        )
    assert "5" in refused.value.errors["sessions"][0]


def test_a_series_from_a_rhythm_keeps_local_time_across_the_change_to_summer_time():
    rhythm = Rhythm(
        first_date=date(2027, 3, 16),
        starts=time(9, 30),
        ends=time(11),
        interval=2,
        until=date(2027, 4, 30),
    )
    sessions = rhythm.sessions()
    assert [timezone.localtime(start).date() for start, _end in sessions] == [
        date(2027, 3, 16),
        date(2027, 3, 30),
        date(2027, 4, 13),
        date(2027, 4, 27),
    ]
    assert {timezone.localtime(start).time() for start, _end in sessions} == {time(9, 30)}
    assert sessions[0][0].utcoffset() != sessions[-1][0].utcoffset()
    assert rhythm.rrule_text() == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270430T235959"


def test_monthly_rhythm_keeps_the_weekday_of_the_month():
    second_tuesday = date(2027, 1, 12)
    sessions = Rhythm(
        first_date=second_tuesday, starts=time(9), ends=time(10, 30), monthly=True, count=3
    ).sessions()
    assert [timezone.localtime(start).date() for start, _ in sessions] == [
        date(2027, 1, 12),
        date(2027, 2, 9),
        date(2027, 3, 9),
    ]


def test_publishing_with_a_date_in_the_past_is_refused(family_centre, coordinator):
    event = make_event(family_centre, status="draft", starts=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        publish_event(access=access_for(coordinator), event=event)
    event.refresh_from_db()
    assert event.status == ParentEvent.Status.DRAFT


def test_staff_of_another_centre_cannot_plan_here(family_centre, staff, wesel):
    other = InstitutionFactory(region=wesel)
    tuesday = next_weekday(1)
    with pytest.raises(PermissionDenied):
        plan(other, staff, sessions=[(local(tuesday, 9, 30), local(tuesday, 11))])


# Booking rules


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


# Notifications, reminders, status and retention


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
