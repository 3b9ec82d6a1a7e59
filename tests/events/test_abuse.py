"""What one client may send without an account: limits per address and per contact, the field
only scripts fill in, and double clicks that land on the booking's current page."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from neuewege.core.models import BarrierReport
from neuewege.events.models import Registration
from tests.factories import make_event

from .test_public_pages import WESEL, book_through_pages, booking_data, start_url


@pytest.fixture
def near(family_centre):
    family_centre.latitude, family_centre.longitude = WESEL
    family_centre.save()
    return family_centre


def parent_at(address, **meta):
    """A parent's browser (English pages) connecting from ``address``."""
    client = Client(REMOTE_ADDR=address, **meta)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# Limits


def test_one_address_books_ten_times_then_is_told_to_wait(near):
    event = make_event(near, capacity=100)
    session = event.sessions.get()
    parent = parent_at("203.0.113.7")
    for number in range(10):
        done = book_through_pages(parent, event, session, email=f"p{number}@example.org")
        assert done.status_code == 302
    mail.outbox.clear()
    refused = book_through_pages(parent, event, session, email="p10@example.org")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode()
    assert Registration.objects.count() == 10 and not mail.outbox
    # another connection is not affected
    other = book_through_pages(parent_at("198.51.100.3"), event, session, email="x@example.org")
    assert other.status_code == 302 and Registration.objects.count() == 11


def test_one_contact_books_five_times_an_hour_from_any_address(near):
    events = [make_event(near, title=f"Elterncafé {number}") for number in range(6)]
    for number, event in enumerate(events[:5]):
        parent = parent_at(f"203.0.113.{number + 1}")
        assert book_through_pages(parent, event, event.sessions.get()).status_code == 302
    mail.outbox.clear()
    sixth = events[5]
    refused = book_through_pages(parent_at("203.0.113.99"), sixth, sixth.sessions.get())
    assert refused.status_code == 429
    assert not sixth.registrations.exists() and not mail.outbox


def test_behind_the_proxy_each_parent_counts_and_a_forged_header_does_not_help(near, settings):
    settings.PROXY_COUNT = 1
    event = make_event(near, capacity=100)
    session = event.sessions.get()
    proxy = "10.0.0.2"
    attacker = "203.0.113.66"
    for number in range(10):
        # whatever the client writes first, the proxy appends the address it saw
        forged = f"192.0.2.{number}, {attacker}"
        parent = parent_at(proxy, HTTP_X_FORWARDED_FOR=forged)
        book_through_pages(parent, event, session, email=f"a{number}@example.org")
    parent = parent_at(proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.200, {attacker}")
    assert book_through_pages(parent, event, session, email="a@example.org").status_code == 429
    neighbour = parent_at(proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert book_through_pages(neighbour, event, session, email="n@example.org").status_code == 302


def test_cancelling_is_limited_per_address(near, booking_for):
    from neuewege.events.services.booking import book

    event = make_event(near)
    _registration, token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for()
    )
    url = reverse("booking-manage", args=[token])
    parent = parent_at("203.0.113.8")
    statuses = [parent.post(url, {"cancel": "1"}).status_code for _ in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429


def test_staff_registering_parents_by_phone_are_not_limited(near, staff):
    event = make_event(near, capacity=30)
    session = event.sessions.get()
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(staff)
    url = reverse("registration-create", args=[event.pk])
    for number in range(15):
        response = client.post(
            url,
            {
                "session": session.pk,
                "first_name": "Ayşe",
                "phone": f"0170 12345{number:02d}",
                "language": "tr",
                "consent": "on",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
    assert event.registrations.count() == 15


def test_barrier_reports_are_limited_and_a_reload_sends_nothing(db):
    reporter = Client(REMOTE_ADDR="203.0.113.10")
    url = reverse("barrier-report")
    sent = reporter.post(url, {"description": "Der Kontrast ist zu schwach."})
    assert sent.status_code == 302
    assert "Thank you" in reporter.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert BarrierReport.objects.count() == 1
    for _ in range(4):
        reporter.post(url, {"description": "Noch einmal."})
    refused = reporter.post(url, {"description": "Zu viel."})
    assert refused.status_code == 429 and BarrierReport.objects.count() == 5


# The field only scripts fill in


def test_a_booking_with_the_hidden_field_filled_in_is_refused(near):
    event = make_event(near)
    session = event.sessions.get()
    parent = parent_at("203.0.113.12")
    page = parent.get(start_url(event, session)).content.decode()
    assert 'class="trap"' in page and 'name="homepage"' in page
    response = parent.post(
        start_url(event, session), booking_data(event, session, homepage="http://spam.example")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="http://spam.example"' not in response.content.decode()
    confirm = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    assert confirm.status_code == 302  # nothing waits to be confirmed: back to the form
    assert not Registration.objects.exists()


def test_a_barrier_report_with_the_hidden_field_filled_in_is_refused(db):
    response = Client().post(
        reverse("barrier-report"), {"description": "Kaufen Sie jetzt!", "homepage": "x"}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not BarrierReport.objects.exists()


# Double clicks


def test_a_second_confirm_read_with_the_session_of_before_lands_on_the_same_booking(near):
    """Two clicks a few milliseconds apart: the second request read the session before the first
    saved it, so it still holds the answers waiting for confirmation."""
    event = make_event(near)
    session = event.sessions.get()
    parent = parent_at("203.0.113.13")
    response = parent.post(start_url(event, session), booking_data(event, session))
    assert response.status_code == 302
    before = dict(parent.session.items())
    first = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    stale = parent.session
    stale.update(before)
    stale.save()
    second = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    assert second.status_code == 302 and second["Location"] == first["Location"]
    page = parent.get(second["Location"]).content.decode()
    assert "You have a place." in page
    assert "already registered" not in page
    assert Registration.objects.count() == 1
    assert Registration.objects.get().notifications.filter(kind="confirmed").count() == 1


def test_another_booking_of_the_same_contact_is_still_refused(near):
    """The key of a booking in progress finds only that booking: a new form with the same
    contact is a second booking, and refused as before."""
    event = make_event(near)
    session = event.sessions.get()
    book_through_pages(parent_at("203.0.113.14"), event, session)
    again = parent_at("203.0.113.15").post(start_url(event, session), booking_data(event, session))
    assert again.status_code == 200
    assert "already registered" in " ".join(again.context["form"].errors["email"])
