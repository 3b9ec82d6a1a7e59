"""A parent on the phone quotes her booking code: staff type it on their start page and land on
the registrations of her event, the booking found — only among the centres whose registrations
they keep."""

import pytest
from django.urls import reverse

from neuewege.events.services.booking import book
from tests.factories import InstitutionFactory, make_event


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def booked(centre, booking_for, **changes):
    event = make_event(centre)
    registration, _token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for(**changes)
    )
    return registration


def test_the_code_opens_the_registrations_of_the_event_with_the_booking_found(
    staff_client, wesel, family_centre, booking_for
):
    registration = booked(family_centre, booking_for)
    url = reverse("booking-code", args=[wesel.key])

    answer = staff_client.get(url, {"code": f" {registration.code.lower()} "})

    target = reverse("event-registrations", args=[registration.event_id])
    assert answer.status_code == 302
    assert answer["Location"] == f"{target}?q={registration.code}#found-heading"
    found = staff_client.get(answer["Location"])
    assert found.context["found"] == [registration]


def test_a_code_of_another_centre_or_region_is_not_found(
    staff_client, wesel, borken, family_centre, booking_for
):
    neighbour = booked(InstitutionFactory(region=wesel), booking_for)
    far_away = booked(InstitutionFactory(region=borken), booking_for)
    url = reverse("booking-code", args=[wesel.key])

    for code in (neighbour.code, far_away.code, "ZZZZZZ", "x" * 500):
        answer = staff_client.get(url, {"code": code})
        assert answer.status_code == 200
        assert answer.context["code"] == code[:20]
        assert 'aria-invalid="true"' in answer.content.decode()


def test_the_coordinator_finds_a_booking_of_any_centre_of_the_region(
    client, coordinator, wesel, family_centre, booking_for
):
    registration = booked(family_centre, booking_for)
    client.force_login(coordinator)
    answer = client.get(reverse("booking-code", args=[wesel.key]), {"code": registration.code})
    assert answer.status_code == 302


def test_the_start_page_offers_the_code_search_to_who_keeps_registrations(staff_client, wesel):
    form = f'action="{reverse("booking-code", args=[wesel.key])}"'
    assert form in staff_client.get(reverse("region-home", args=[wesel.key])).content.decode()
