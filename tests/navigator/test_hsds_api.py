"""The HSDS 3.0 API profile: public, read-only, its answers valid against the official
schemas, bad ids and filters answered with 404 or 422, a page in a few queries."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from neuewege.navigator.hsds import export, schemas
from neuewege.navigator.models import Contact

from .conftest import make_offer

pytestmark = pytest.mark.django_db
API = "/api/v1/hsds"


def get(client, path, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_root_names_the_version(client):
    root = get(client, "/")
    assert root["version"] == "3.0"
    assert root["openapi_url"].endswith("/api/v1/openapi.json")


def test_services_are_a_page_of_valid_full_services_without_internal_contacts(client, directory):
    Contact.objects.create(offer=directory["debt_tr"], name="Empfang", email="info@example.org")
    result = get(client, "/services", per_page=2)
    assert (result["total_items"], result["total_pages"], result["size"]) == (5, 3, 2)
    assert result["first_page"] and not result["last_page"] and not result["empty"]
    everything = get(client, "/services", per_page=100)["contents"]
    assert len(everything) == 5
    for service in everything:
        assert schemas.validate("service", service) == []
    text = str(everything)
    assert "Empfang" in text and "0281 123459-12" not in text and "Durchwahl" not in text
    last = get(client, "/services", per_page=2, page=3)
    assert last["last_page"] and last["size"] == 1
    beyond = get(client, "/services", per_page=2, page=9)
    assert beyond["empty"] and beyond["contents"] == []


def test_filters_by_need_organisation_region_and_change(client, directory, borken):
    names = lambda result: {s["name"] for s in result["contents"]}
    money = get(client, "/services", taxonomy_term_id=export.term_id("money"))
    assert names(money) == {
        "Schuldnerberatung Wesel",
        "Schuldnerberatung Dinslaken",
        "Schuldnerberatung Borken",
    }
    assert names(get(client, "/services", region=borken.key)) == {"Schuldnerberatung Borken"}
    organization = directory["german"].organization_id
    assert names(get(client, "/services", organization_id=organization)) == {
        "Integrationskurs VHS Wesel"
    }
    later = (timezone.now() + timezone.timedelta(minutes=1)).isoformat()
    assert get(client, "/services", modified_after=later)["total_items"] == 0


def test_bad_ids_and_filters_are_404_or_422(client, directory):
    assert client.get(f"{API}/services/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{API}/services/not-a-uuid").status_code == 422
    assert client.get(f"{API}/services", {"taxonomy_term_id": str(uuid.uuid4())}).status_code == 422
    assert client.get(f"{API}/services", {"taxonomy_term_id": "x"}).status_code == 422
    assert client.get(f"{API}/services", {"region": "99999"}).status_code == 422
    assert client.get(f"{API}/services", {"page": 0}).status_code == 422
    assert client.get(f"{API}/services", {"per_page": 1000}).status_code == 422
    assert client.get(f"{API}/services", {"modified_after": "gestern"}).status_code == 422
    assert client.get(f"{API}/organizations/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{API}/service_at_locations/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{API}/taxonomies/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{API}/taxonomy_terms/{uuid.uuid4()}").status_code == 404


def test_an_inactive_offer_is_not_found(client, directory):
    offer = directory["german"]
    offer.status = "defunct"
    offer.save()
    assert client.get(f"{API}/services/{offer.id}").status_code == 404


def test_one_service_organisations_places_and_the_taxonomy(client, directory):
    offer = directory["debt_tr"]
    service = get(client, f"/services/{offer.id}")
    assert service["name"] == "Schuldnerberatung Wesel"
    assert schemas.validate("service", service) == []
    organization = get(client, f"/organizations/{offer.organization_id}")
    assert schemas.validate("organization", organization) == []
    assert organization["locations"][0]["addresss"][0]["city"] == "Wesel"
    organizations = get(client, "/organizations")
    assert organizations["total_items"] == 5
    places = get(client, "/service_at_locations", region="05170")
    assert places["total_items"] == 3
    for place in places["contents"]:
        assert schemas.validate("service_at_location", place) == []
    one = get(client, f"/service_at_locations/{places['contents'][0]['id']}")
    assert one == places["contents"][0]
    (taxonomy,) = get(client, "/taxonomies")["contents"]
    assert get(client, f"/taxonomies/{taxonomy['id']}") == taxonomy
    terms = get(client, "/taxonomy_terms", per_page=100)
    assert terms["total_items"] == len(export.taxonomy.TERMS)
    for term in terms["contents"]:
        assert schemas.validate("taxonomy_term", term) == []
    children = get(client, "/taxonomy_terms", parent_id=export.term_id("childcare"))
    assert {term["code"] for term in children["contents"]} == {
        "kita",
        "day-care",
        "short-notice-care",
    }
    assert get(client, f"/taxonomy_terms/{export.term_id('kita')}")["code"] == "kita"


def test_a_page_of_services_takes_the_same_few_queries_for_many_offers(client, wesel):
    for number in range(3):
        make_offer(wesel, f"Angebot {number}", internal_phone="0281 9")
    with CaptureQueriesContext(connection) as few:
        get(client, "/services")
    for number in range(3, 30):
        make_offer(wesel, f"Angebot {number}", needs=("debt", "kita"), languages=("de", "ar"))
    with CaptureQueriesContext(connection) as many:
        assert get(client, "/services")["total_items"] == 30
    assert len(many) == len(few) <= 12


def test_filters_that_no_database_stores_are_422(client, directory):
    assert client.get(f"{API}/services", {"search": "a\x00b"}).status_code == 422
    edge = {"modified_after": "0001-01-01T00:00:00+14:00"}
    assert client.get(f"{API}/services", edge).status_code == 422
    # a number is no time (pydantic would read it as seconds since 1970)
    assert client.get(f"{API}/services", {"modified_after": "0.5"}).status_code == 422
    assert get(client, "/services", search="Dinslaken")["total_items"] == 1
