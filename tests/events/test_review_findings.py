"""Findings of a review of the events app, each kept from coming back."""

from datetime import date, datetime, time
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from neuewege.core.access import access_for
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import Institution, OpeningPeriod, PersonalDataLog, User
from neuewege.events.models import Notification, Registration
from neuewege.events.recurrence import Rhythm
from neuewege.events.services.booking import book, cancel_booking
from neuewege.events.services.lifecycle import cancel_session
from neuewege.events.services.planning import _within_opening
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event


class RefusingBackend(EmailBackend):
    """Stands in for a mail server that refuses one address (SMTP is not reachable here)."""

    def send_messages(self, messages):
        for message in messages:
            if "refused@" in message.to[0]:
                raise SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


@pytest.fixture
def speaker(wesel):
    job_centre = InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE)
    person = PersonFactory(institution=job_centre, moderated_formats=["parent_cafe"])
    return UserFactory(role=User.Role.STAFF, person=person)


def test_speakers_print_no_language_needs_and_their_reads_are_logged(
    client, family_centre, speaker, booking_for
):
    event = make_event(family_centre, speakers=[speaker.person])
    session = event.sessions.get()
    book(
        event_id=event.pk,
        session_id=session.pk,
        booking=booking_for(language_needs="Arabisch-Dolmetscherin"),
    )
    client.force_login(speaker)
    printed = client.get(reverse("event-print", kwargs={"pk": event.pk}))
    assert printed.status_code == 200 and "Ayşe" in printed.text
    assert "Arabisch-Dolmetscherin" not in printed.text
    client.get(reverse("event-registrations", kwargs={"pk": event.pk}))
    client.get(reverse("session-attendance", kwargs={"pk": session.pk}))
    assert PersonalDataLog.objects.filter(user=speaker, action="view").count() == 3


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


def test_a_search_date_out_of_range_is_a_field_error(client, db):
    response = client.get(reverse("public-event-list"), {"ab": "0001-01-01"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text or "24.03.2026" in response.text


def test_an_e_mail_address_longer_than_254_characters_is_refused(family_centre, booking_for):
    event = make_event(family_centre)
    with pytest.raises(ValidationFailed) as refused:
        book(
            event_id=event.pk,
            session_id=event.sessions.get().pk,
            booking=booking_for(email="a" * 64 + "@" + "b" * 190 + ".de"),
        )
    assert "email" in refused.value.errors


def test_monthly_from_the_29th_means_the_last_such_weekday_of_every_month():
    last_friday = date(2027, 1, 29)
    sessions = Rhythm(
        first_date=last_friday, starts=time(9), ends=time(10, 30), monthly=True, count=3
    ).sessions()
    assert [timezone.localtime(start).date() for start, _ in sessions] == [
        date(2027, 1, 29),
        date(2027, 2, 26),
        date(2027, 3, 26),
    ]


def test_early_care_adjoining_the_core_hours_counts_as_open(family_centre):
    OpeningPeriod.objects.create(
        institution=family_centre, weekday=1, opens=time(7), closes=time(8), is_extended_hours=True
    )
    OpeningPeriod.objects.create(
        institution=family_centre, weekday=1, opens=time(8), closes=time(16)
    )
    tuesday = date(2027, 3, 2)
    zone = timezone.get_default_timezone()
    periods = list(family_centre.opening_periods.all())
    inside = (
        datetime.combine(tuesday, time(7, 30), tzinfo=zone),
        datetime.combine(tuesday, time(9), tzinfo=zone),
    )
    assert _within_opening(periods, *inside)
    late = (
        datetime.combine(tuesday, time(15, 30), tzinfo=zone),
        datetime.combine(tuesday, time(17), tzinfo=zone),
    )
    assert not _within_opening(periods, *late)


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
