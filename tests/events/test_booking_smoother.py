"""Booking, smoother: every problem of the form named in one round, a result card per event whose
dates are booked with one tap, and the booking code a parent quotes on the phone (confirmation
page, e-mail, the family centre's registration list and its search)."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.urls import reverse

from neuewege.core.errors import ValidationFailed
from neuewege.events.models import BOOKING_CODE_ALPHABET, Registration
from neuewege.events.public_views import RESULTS_PER_PAGE
from neuewege.events.search import SHOWN_DATES
from neuewege.events.services import booking as booking_service
from neuewege.events.services.booking import book, cancel_token, check_booking
from tests.events.test_public_pages import booking_data, in_days, start_url
from tests.factories import make_event

CODE = re.compile(rf"^[{BOOKING_CODE_ALPHABET}]{{6}}$")


@pytest.fixture
def parent(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# Every problem in one round


def test_the_service_names_every_problem_at_once_with_the_booked_contact(
    family_centre, booking_for, english_messages
):
    event = make_event(family_centre)
    session = event.sessions.get()
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(email="ayse@example.org"))
    bad = booking_for(
        first_name=" ", phone="abc", email="ayse@example.org", child_ages=[15], consent_id=None
    )
    with pytest.raises(ValidationFailed) as refused:
        check_booking(bad, event=event, unit=session)
    errors = refused.value.errors
    assert set(errors) == {"first_name", "phone", "email", "child_ages", "consent"}
    assert "already registered" in " ".join(errors["email"])
    assert Registration.objects.count() == 1


def test_the_form_shows_all_five_problems_in_one_round_and_saves_nothing(
    parent, family_centre, booking_for
):
    event = make_event(family_centre)
    session = event.sessions.get()
    book(event_id=event.pk, session_id=session.pk, booking=booking_for(email="ayse@example.org"))
    data = booking_data(event, session, first_name="", phone="abc", child_ages="2, 15")
    del data["consent"]
    response = parent.post(start_url(event, session), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"first_name", "phone", "email", "child_ages", "consent"}
    assert "already registered" in " ".join(errors["email"])
    body = response.content.decode()
    summary = body[body.index("data-error-summary") : body.index('class="kern-stack-md"')]
    for field in errors:  # the summary links to each field; each field shows its message
        assert f'href="#id_{field}"' in summary, field
        assert f'id="id_{field}_error"' in body, field
    assert body.count("Enter your first name.") == 2  # once in the summary, once at the field
    assert Registration.objects.count() == 1
    assert f"neuewege.booking.{event.pk}" not in parent.session


def test_form_and_service_problems_come_together(parent, family_centre):
    """Words as ages (the form's problem) and no way of contact (the service's) at once."""
    event = make_event(family_centre)
    session = event.sessions.get()
    data = booking_data(event, session, email="", phone="", child_ages="zwei")
    response = parent.post(start_url(event, session), data)
    assert set(response.context["form"].errors) == {"email", "child_ages"}
    assert not Registration.objects.exists()


def test_a_contact_the_form_refuses_is_not_also_called_missing(parent, family_centre):
    """A phone number too long is named at the phone field, and only there."""
    event = make_event(family_centre)
    session = event.sessions.get()
    data = booking_data(event, session, email="", phone="0" * 60)
    response = parent.post(start_url(event, session), data)
    assert set(response.context["form"].errors) == {"phone"}
    assert not Registration.objects.exists()


# One card per event, its dates booked directly


def test_a_weekly_series_is_one_card_with_its_next_dates_to_book(parent, family_centre):
    series = make_event(family_centre, title="Reihe", dates=6, starts=in_days(2))
    make_event(family_centre, title="Einzeln", starts=in_days(3))
    response = parent.get(reverse("public-event-list"))
    assert [event.title for event in response.context["page"].object_list] == ["Reihe", "Einzeln"]
    card = response.context["page"].object_list[0]
    dates = list(series.sessions.order_by("starts_at"))
    assert [session.pk for session in card.next_dates] == [s.pk for s in dates[:SHOWN_DATES]]
    assert card.more_dates == 6 - SHOWN_DATES
    body = response.content.decode()
    for session in dates[:SHOWN_DATES]:
        assert f'href="{start_url(series, session)}"' in body
    assert f'href="{start_url(series, dates[SHOWN_DATES])}"' not in body
    assert "2 more dates" in body


def test_the_book_link_of_a_card_opens_the_form_of_that_date(parent, family_centre):
    series = make_event(family_centre, dates=3, starts=in_days(2))
    second = series.sessions.order_by("starts_at")[1]
    form = parent.get(start_url(series, second))
    assert form.status_code == 200
    assert form.context["session"] == second
    assert f'name="session" value="{second.pk}"' in form.content.decode()


def test_the_search_asks_the_same_number_of_queries_for_few_and_many_events(
    parent, family_centre, django_assert_num_queries, django_assert_max_num_queries
):
    url = reverse("public-event-list")
    make_event(family_centre, title="Eins", dates=2)
    parent.get(url)  # the formats of the search form are read once per test's cache
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(3) as few:  # the formats, the results (and a place)
        parent.get(url)
    for index in range(RESULTS_PER_PAGE + 3):
        make_event(family_centre, title=f"Viele {index}", dates=index % 5 + 1)
    make_event(family_centre, "parent_course")
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        many = parent.get(url)
    assert len(many.context["page"].object_list) == RESULTS_PER_PAGE


# The booking code


def test_every_booking_gets_a_short_unambiguous_code(family_centre, booking_for):
    event = make_event(family_centre, dates=2)
    first, second = event.sessions.order_by("starts_at")
    one, _token = book(event_id=event.pk, session_id=first.pk, booking=booking_for())
    two, _token = book(event_id=event.pk, session_id=second.pk, booking=booking_for())
    assert CODE.match(one.code) and CODE.match(two.code)
    assert one.code != two.code
    assert not set(one.code + two.code) & set("01OIL")


def test_a_drawn_code_that_is_taken_is_drawn_again(family_centre, booking_for, monkeypatch):
    event = make_event(family_centre, dates=2)
    first, second = event.sessions.order_by("starts_at")
    taken, _token = book(event_id=event.pk, session_id=first.pk, booking=booking_for())
    draws = iter([taken.code, "ABC234"])
    monkeypatch.setattr(booking_service, "new_booking_code", lambda: next(draws))
    registration, _token = book(event_id=event.pk, session_id=second.pk, booking=booking_for())
    assert registration.code == "ABC234"


def test_the_migration_gives_existing_registrations_a_code(family_centre, booking_for):
    event = make_event(family_centre, dates=3)
    for session in event.sessions.all():
        book(event_id=event.pk, session_id=session.pk, booking=booking_for())
    before = set(Registration.objects.values_list("code", flat=True))
    Registration.objects.filter(pk=Registration.objects.first().pk).update(code="")  # as if older
    migration = importlib.import_module("neuewege.events.migrations.0006_registration_code")
    migration.backfill(django_apps, None)
    codes = list(Registration.objects.values_list("code", flat=True))
    assert len(set(codes)) == 3 and all(CODE.match(code) for code in codes)
    assert len(before & set(codes)) == 2  # only the one without a code got a new one


def test_the_code_is_on_the_confirmation_page_and_in_the_e_mail(
    parent, family_centre, django_capture_on_commit_callbacks
):
    event = make_event(family_centre)
    session = event.sessions.get()
    parent.post(start_url(event, session), booking_data(event, session))
    with django_capture_on_commit_callbacks(execute=True):
        done = parent.post(reverse("booking-check", args=[event.pk]), {"confirm": "1"})
    registration = Registration.objects.get()
    body = parent.get(done["Location"]).content.decode()
    assert "Your booking code" in body and registration.code in body
    assert "data-share" in body and 'id="personal-link"' in body  # share or copy the link
    assert len(mail.outbox) == 1
    assert f"Booking code: {registration.code}" in mail.outbox[0].body


def test_staff_see_the_code_and_find_a_registration_by_it_or_by_name(
    staff_client, family_centre, booking_for
):
    event = make_event(family_centre, dates=2)
    first, second = event.sessions.order_by("starts_at")
    ayse, _token = book(event_id=event.pk, session_id=first.pk, booking=booking_for())
    olena, _token = book(
        event_id=event.pk,
        session_id=second.pk,
        booking=booking_for(first_name="Olena", email="olena@example.org"),
    )
    other = make_event(family_centre, title="Anderes")
    elsewhere, _token = book(
        event_id=other.pk, session_id=other.sessions.get().pk, booking=booking_for()
    )
    url = reverse("event-registrations", args=[event.pk])
    page = staff_client.get(url)
    assert ayse.code in page.content.decode() and olena.code in page.content.decode()
    assert page.context["found"] is None

    found = staff_client.get(url, {"q": f" {olena.code.lower()} "})
    assert found.context["found"] == [olena]
    assert f'data-found="{olena.code}"' in found.content.decode()
    assert staff_client.get(url, {"q": "olen"}).context["found"] == [olena]
    assert staff_client.get(url, {"q": elsewhere.code}).context["found"] == []
    assert staff_client.get(url, {"q": olena.code[:4]}).context["found"] == []  # exact code
    assert staff_client.get(url, {"q": "x" * 500}).status_code == 200


def test_the_code_stays_on_the_booking_page_behind_the_personal_link(
    parent, family_centre, booking_for
):
    event = make_event(family_centre)
    registration, token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for()
    )
    assert token == cancel_token(registration)
    page = parent.get(reverse("booking-manage", args=[token]))
    assert "Booking code" in page.content.decode() and registration.code in page.content.decode()
