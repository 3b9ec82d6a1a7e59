"""The navigator API through the test client with real API tokens: the taxonomy and the search
as parents see it (public), the region's offers with internal contacts for staff, and keeping
offers through the same services — round trips and bad input (4xx at the field, never 500)."""

from datetime import date

import pytest
from django.utils import timezone

from neuewege.navigator.models import Offer
from tests.api.test_api import API, assert_problem, post, token_header
from tests.factories import InstitutionFactory

from .conftest import make_offer


def valid_offer(**changes):
    body = {
        "name": "Schuldnerberatung Wesel",
        "description": "Hilfe bei Schulden, kostenlos und vertraulich.",
        "needs": ["debt"],
        "organization_name": "Diakonie Wesel",
        "languages": ["de", "tr"],
        "places": [{"street": "Korbmacherstraße 14", "postcode": "46483", "town": "Wesel"}],
        "schedules": [
            {"rrule": "FREQ=WEEKLY;BYDAY=MO,WE", "opens_at": "09:00", "closes_at": "12:00"}
        ],
        "contacts": [{"name": "Frau Demir", "phone": "0281 1234-12", "internal": True}],
        "phone": "0281 1234-0",
        "translations": {"name_tr": "Borç danışmanlığı Wesel"},
    }
    return body | changes


@pytest.fixture
def headers(coordinator):
    return token_header(coordinator)


def test_the_needs_are_public_with_labels_and_parents(client, db):
    response = client.get(API + "/public/navigator/needs", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    needs = {need["code"]: need for need in response.json()}
    assert needs["debt"] == {"code": "debt", "label": "Debt counselling", "parent": "money"}
    assert needs["money"]["parent"] is None
    narrower = client.get(API + "/public/navigator/needs", {"parent": "money"}).json()
    assert {need["code"] for need in narrower} == {"debt", "benefits"}
    assert_problem(client.get(API + "/public/navigator/needs", {"parent": "x"}), 422, "parent")


def test_the_public_search_shows_what_parents_see(client, directory, wesel):
    make_offer(wesel, "Alte Schuldnerberatung", checked_on=date(2020, 1, 1))
    response = client.get(
        API + "/public/navigator/offers/search",
        {"need": "money", "postcode": "46483", "radius_km": 5, "language": "tr"},
    )
    assert response.status_code == 200, response.content
    (hit,) = response.json()
    assert hit["name"] == "Schuldnerberatung Wesel"
    assert hit["distance_km"] == pytest.approx(0, abs=0.1)
    assert hit["required_documents"] == "Kontoauszüge, Briefe der Gläubiger"
    assert all(not contact["internal"] for contact in hit["contacts"])
    assert "0281 123459-12" not in response.content.decode()
    everything = client.get(API + "/public/navigator/offers/search").json()
    assert "Alte Schuldnerberatung" not in {hit["name"] for hit in everything}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"postcode": "00000"}, "postcode"),
        ({"postcode": "4648"}, "postcode"),
        ({"radius_km": 0}, "radius_km"),
        ({"radius_km": 500}, "radius_km"),
        ({"need": "nothing"}, "need"),
        ({"language": "xx"}, "language"),
    ],
)
def test_bad_search_input_is_a_422_at_the_field(client, db, query, field):
    assert_problem(client.get(API + "/public/navigator/offers/search", query), 422, field)


def test_a_round_trip_create_read_update_confirm(client, headers, wesel):
    response = post(client, "/regions/05170/offers", valid_offer(), headers)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["keeper_id"] is None and created["status"] == "active"
    assert created["checked_on"] == timezone.localdate().isoformat()
    assert created["places"][0]["latitude"] == pytest.approx(51.66, abs=0.05)
    assert created["translations"] == {"name_tr": "Borç danışmanlığı Wesel"}
    assert created["contacts"][0]["internal"] is True
    offer_id = created["id"]
    read = client.get(f"{API}/offers/{offer_id}", **headers).json()
    assert read == created
    listed = client.get(API + "/regions/05170/offers", **headers).json()
    assert [item["id"] for item in listed["items"]] == [offer_id]
    changed = post(
        client,
        f"/offers/{offer_id}",
        valid_offer(
            name="Schuldner- und Insolvenzberatung", organization_id=created["organization_id"]
        ),
        headers,
        method="put",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["name"] == "Schuldner- und Insolvenzberatung"
    assert changed.json()["places"][0]["id"] == created["places"][0]["id"]
    Offer.objects.filter(pk=offer_id).update(checked_on=date(2020, 1, 1))
    confirmed = post(client, f"/offers/{offer_id}/confirm", {}, headers)
    assert confirmed.status_code == 200
    assert confirmed.json()["checked_on"] == timezone.localdate().isoformat()
    assert confirmed.json()["freshness"] == "current"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "", "contacts": []}, "phone"),
        ({"needs": []}, "needs"),
        ({"places": [], "online": False}, "places"),
        (
            {"places": [{"street": "Weg 1", "postcode": "00000", "town": "Nirgends"}]},
            "places.0.postcode",
        ),
        (
            {
                "schedules": [
                    {"rrule": "FREQ=FORTNIGHTLY", "opens_at": "09:00", "closes_at": "12:00"}
                ]
            },
            "schedules.0.rrule",
        ),
        (
            {"schedules": [{"rrule": "FREQ=WEEKLY", "opens_at": "12:00", "closes_at": "09:00"}]},
            "schedules.0.closes_at",
        ),
        ({"minimum_age": 18, "maximum_age": 3}, "maximum_age"),
        ({"organization_name": ""}, "organization"),
        ({"organization_id": "00000000-0000-0000-0000-000000000000"}, "organization_id"),
        ({"keeper_id": 2**62}, "keeper_id"),
        ({"languages": ["xx"]}, "languages.0"),
        ({"translations": {"name_xx": "?"}}, "translations"),
        ({"email": "nobody"}, "email"),
        ({"name": "a\x00b"}, "name"),
        ({"minimum_age": True}, "minimum_age"),
    ],
)
def test_bad_offers_are_refused_at_the_field(client, headers, wesel, changes, field):
    response = post(client, "/regions/05170/offers", valid_offer(**changes), headers)
    assert_problem(response, 422, field)
    assert not Offer.objects.exists()


def test_staff_keep_their_own_offers_through_the_api(client, staff, family_centre, wesel):
    headers = token_header(staff)
    response = post(client, "/regions/05170/offers", valid_offer(), headers)
    assert response.status_code == 201, response.content
    assert response.json()["keeper_id"] == family_centre.pk
    other = make_offer(wesel, "Caritas", keeper=InstitutionFactory(region=wesel))
    assert_problem(post(client, f"/offers/{other.pk}/confirm", {}, headers), 403)
    assert_problem(post(client, f"/offers/{other.pk}", valid_offer(), headers, method="put"), 403)
    assert client.get(f"{API}/offers/{other.pk}", **headers).status_code == 200


def test_another_regions_offers_are_not_found(client, headers, borken):
    offer = make_offer(borken, "Schuldnerberatung Borken")
    assert_problem(client.get(f"{API}/offers/{offer.pk}", **headers), 404)
    assert_problem(post(client, f"/offers/{offer.pk}/confirm", {}, headers), 404)
    assert_problem(client.get(API + "/regions/05554/offers", **headers), 404)
    assert_problem(post(client, "/regions/05554/offers", valid_offer(), headers), 404)
    assert_problem(client.get(f"{API}/offers/not-a-uuid", **headers), 422)


def test_the_staff_api_needs_a_sign_in(client, directory):
    offer = directory["debt_tr"]
    assert_problem(client.get(f"{API}/offers/{offer.pk}"), 401)
    assert_problem(client.get(API + "/regions/05170/offers"), 401)
