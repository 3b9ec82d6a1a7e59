"""API round-trips through the Django test client with real API tokens and a real database."""

import json

import pytest
from auditlog.models import LogEntry
from django.test import Client

from neuewege.core import services
from neuewege.core.models import Institution, Person, User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory
from tests.second_factor import SignInClient

API = "/api/v1"


def token_header(user):
    _, secret = services.create_api_token(user=user, name="Test script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, headers, method="post"):
    content = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(API + url, content, content_type="application/json", **headers)


def patch(client, url, body, headers):
    return post(client, url, body, headers, method="patch")


def assert_problem(response, status, *fields):
    """Every error has the same shape; ``fields`` must be among its field errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
        assert error["field"] is None or isinstance(error["field"], str)
        assert isinstance(error["message"], str) and error["message"]
    reported = {error["field"] for error in body["errors"]}
    assert set(fields) <= reported, body
    return body


@pytest.fixture
def headers(coordinator):
    return token_header(coordinator)


@pytest.fixture
def borken_centre(borken):
    return InstitutionFactory(
        region=borken, name="Familienzentrum Borken Mitte", postcode="46325", town="Borken"
    )


def valid_institution(**changes):
    return {
        "region": "05170",
        "kind": "family_centre",
        "name": "Familienzentrum Regenbogen",
        "street": "Hauptstraße 1",
        "postcode": "46483",
        "town": "Wesel",
        **changes,
    }


# Authentication


@pytest.mark.django_db
def test_without_token_the_api_answers_401_with_a_problem(client):
    response = client.get(API + "/regions")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_a_write_without_token_is_401_not_a_csrf_failure():
    client = Client(enforce_csrf_checks=True)
    response = post(client, "/institutions", valid_institution(), {})
    assert_problem(response, 401)
    assert not Institution.objects.filter(name="Familienzentrum Regenbogen").exists()


def test_a_forged_token_is_401(client, coordinator):
    token_header(coordinator)
    for value in ["Bearer nw_forged", "Bearer ", "Basic dXNlcjpwYXNz", "nw_without_scheme"]:
        assert_problem(client.get(API + "/regions", HTTP_AUTHORIZATION=value), 401)


def test_a_revoked_token_is_401(client, coordinator):
    token, secret = services.create_api_token(user=coordinator, name="Old script")
    header = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(API + "/regions", **header).status_code == 200
    services.revoke_api_token(user=coordinator, token_id=token.pk)
    assert_problem(client.get(API + "/regions", **header), 401)


def test_the_token_of_an_inactive_account_is_401(client, coordinator, headers):
    coordinator.is_active = False
    coordinator.save()
    assert_problem(client.get(API + "/regions", **headers), 401)


def test_the_token_records_its_use(client, coordinator):
    token, secret = services.create_api_token(user=coordinator, name="Script")
    client.get(API + "/regions", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_signed_in_session_may_read_and_needs_csrf_to_write(coordinator):
    client = SignInClient(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.get(API + "/regions").status_code == 200
    assert_problem(post(client, "/institutions", valid_institution(), {}), 403)
    assert not Institution.objects.filter(name="Familienzentrum Regenbogen").exists()


# Regions


def test_a_coordinator_sees_only_their_region(client, headers):
    response = client.get(API + "/regions", **headers)
    assert response.status_code == 200
    assert [region["key"] for region in response.json()] == ["05170"]
    assert response.json()[0]["name"] == "Kreis Wesel"
    assert client.get(API + "/regions/05170", **headers).json()["key"] == "05170"
    assert_problem(client.get(API + "/regions/05554", **headers), 404)
    assert_problem(client.get(API + "/regions/nonsense", **headers), 422)


def test_the_state_level_sees_all_53_regions(client, state_user):
    response = client.get(API + "/regions", **token_header(state_user))
    assert response.status_code == 200
    keys = [region["key"] for region in response.json()]
    assert len(keys) == len(set(keys)) == 53
    assert {"05170", "05554"} <= set(keys)


# Institutions: scope, filters, pagination


def test_a_coordinator_never_sees_institutions_of_another_region(
    client, headers, family_centre, borken_centre
):
    response = client.get(API + "/institutions", **headers)
    assert response.status_code == 200
    names = [item["name"] for item in response.json()["items"]]
    assert names == ["Familienzentrum Sonnenschein Wesel"]
    assert response.json()["items"][0]["region"] == "05170"

    body = assert_problem(client.get(API + "/institutions?region=05554", **headers), 422, "region")
    assert "Borken" not in json.dumps(body)
    assert_problem(client.get(API + f"/institutions/{borken_centre.pk}", **headers), 404)
    assert client.get(API + f"/institutions/{family_centre.pk}", **headers).status_code == 200


def test_institutions_are_filtered_by_kind_text_and_region(client, state_user, wesel, borken):
    InstitutionFactory(region=wesel, name="FZ Sonnenschein", town="Wesel", postcode="46483")
    InstitutionFactory(region=wesel, name="FZ Regenbogen", town="Hamminkeln", postcode="46499")
    InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        job_centre_type=Institution.JobCentreType.JOINT,
        name="Jobcenter Kreis Wesel",
        town="Moers",
        postcode="47441",
    )
    InstitutionFactory(region=borken, name="FZ Borken", town="Borken", postcode="46325")
    headers = token_header(state_user)

    def names(query):
        response = client.get(API + "/institutions" + query, **headers)
        assert response.status_code == 200, response.content
        return [item["name"] for item in response.json()["items"]]

    assert names("?kind=job_centre") == ["Jobcenter Kreis Wesel"]
    assert names("?q=regen") == ["FZ Regenbogen"]
    assert names("?q=hamminkeln") == ["FZ Regenbogen"]
    assert names("?q=46") == ["FZ Borken", "FZ Regenbogen", "FZ Sonnenschein"]
    assert names("?q=464") == ["FZ Regenbogen", "FZ Sonnenschein"]
    assert names("?q=4648") == ["FZ Sonnenschein"]
    assert names("?region=05554") == ["FZ Borken"]
    assert names("?region=05170&kind=family_centre") == ["FZ Regenbogen", "FZ Sonnenschein"]
    assert_problem(client.get(API + "/institutions?kind=castle", **headers), 422, "kind")
    assert_problem(client.get(API + "/institutions?region=99999", **headers), 422, "region")


def test_institutions_are_paginated(client, headers, wesel):
    for number in range(7):
        InstitutionFactory(region=wesel, name=f"FZ {number:02d}")

    first = client.get(API + "/institutions?page_size=3", **headers).json()
    assert first["count"] == 7
    assert [item["name"] for item in first["items"]] == ["FZ 00", "FZ 01", "FZ 02"]
    last = client.get(API + "/institutions?page_size=3&page=3", **headers).json()
    assert [item["name"] for item in last["items"]] == ["FZ 06"]
    assert client.get(API + "/institutions", **headers).json()["count"] == 7

    assert_problem(client.get(API + "/institutions?page_size=201", **headers), 422, "page_size")
    assert client.get(API + "/institutions?page_size=200", **headers).status_code == 200
    assert_problem(client.get(API + "/institutions?page_size=0", **headers), 422, "page_size")
    assert_problem(client.get(API + "/institutions?page=0", **headers), 422, "page")
    assert_problem(client.get(API + "/institutions?page=abc", **headers), 422, "page")


# Institutions: create


def test_creating_a_valid_institution_answers_201_with_it(client, headers, coordinator):
    response = post(client, "/institutions", valid_institution(email="fz@example.org"), headers)
    assert response.status_code == 201, response.content
    body = response.json()
    institution = Institution.objects.get(pk=body["id"])
    assert institution.name == body["name"] == "Familienzentrum Regenbogen"
    assert body["region"] == "05170" and institution.region.key == "05170"
    assert body["email"] == "fz@example.org"
    # placed at its postcode's centre
    assert body["latitude"] is not None and body["longitude"] is not None
    # the change is recorded with the token's account as actor
    entry = LogEntry.objects.get_for_object(institution).get()
    assert entry.actor == coordinator


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postcode": "4648"}, "postcode"),
        ({"postcode": "4648a"}, "postcode"),
        ({"region": "99999"}, "region"),
        ({"region": "05554"}, "region"),
        ({"region": "Wesel"}, "region"),
        ({"region": None}, "region"),
        ({"latitude": "48.85", "longitude": "2.35"}, "longitude"),
        ({"latitude": "60.0", "longitude": "7.0"}, "latitude"),
        ({"kind": "job_centre"}, "job_centre_type"),
        ({"kind": "castle"}, "kind"),
        ({"job_centre_type": "joint"}, "job_centre_type"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"childcare_places": 500}, "childcare_places"),
        ({"childcare_places": -1}, "childcare_places"),
        ({"certified_from": "2025-01-01", "certified_until": "2024-01-01"}, "certified_until"),
        ({"youth_welfare_office_id": 2**62}, "youth_welfare_office_id"),
        ({"youth_welfare_office_id": 10**30}, "youth_welfare_office_id"),
        ({"name": "Familien\x00zentrum"}, "name"),
    ],
)
def test_invalid_institutions_are_refused_with_field_errors(client, headers, changes, field):
    response = post(client, "/institutions", valid_institution(**changes), headers)
    body = assert_problem(response, 422, field)
    assert body["errors"]
    assert not Institution.objects.exists()


def test_a_state_account_and_a_viewer_cannot_create_institutions(client, state_user, wesel):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    for user in [state_user, viewer]:
        response = post(client, "/institutions", valid_institution(), token_header(user))
        assert_problem(response, 422, "region")
    assert not Institution.objects.exists()


# Institutions: change


def test_a_coordinator_patches_only_given_fields(client, headers, family_centre):
    response = patch(client, f"/institutions/{family_centre.pk}", {"phone": "0281 123"}, headers)
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0281 123"
    family_centre.refresh_from_db()
    assert family_centre.phone == "0281 123"
    assert family_centre.name == "Familienzentrum Sonnenschein Wesel"


def test_an_institution_cannot_move_to_another_region(client, state_user, headers, family_centre):
    response = patch(client, f"/institutions/{family_centre.pk}", {"region": "05554"}, headers)
    assert_problem(response, 422, "region")
    family_centre.refresh_from_db()
    assert family_centre.region.key == "05170"


def test_staff_change_their_own_institution_only(client, staff, family_centre, wesel):
    other = InstitutionFactory(region=wesel, name="Familienzentrum Nachbar")
    headers = token_header(staff)

    response = patch(client, f"/institutions/{family_centre.pk}", {"town": "Hamminkeln"}, headers)
    assert response.status_code == 200, response.content
    family_centre.refresh_from_db()
    assert family_centre.town == "Hamminkeln"

    response = patch(client, f"/institutions/{other.pk}", {"town": "Hamminkeln"}, headers)
    assert_problem(response, 403)
    other.refresh_from_db()
    assert other.town == "Wesel"


def test_a_patch_of_another_regions_institution_is_404(client, headers, borken_centre):
    response = patch(client, f"/institutions/{borken_centre.pk}", {"town": "Wesel"}, headers)
    assert_problem(response, 404)
    borken_centre.refresh_from_db()
    assert borken_centre.town == "Borken"


# People


def test_people_are_scoped_and_filtered(client, headers, family_centre, borken_centre):
    PersonFactory(institution=family_centre, last_name="Schmidt", email="schmidt@example.org")
    PersonFactory(
        institution=family_centre,
        last_name="Weber",
        function=Person.Function.FAMILY_CENTRE_STAFF,
        email="weber@example.org",
    )
    outsider = PersonFactory(institution=borken_centre, last_name="Becker")

    def last_names(query=""):
        response = client.get(API + "/people" + query, **headers)
        assert response.status_code == 200, response.content
        return [item["last_name"] for item in response.json()["items"]]

    assert last_names() == ["Schmidt", "Weber"]
    assert last_names("?function=family_centre_staff") == ["Weber"]
    assert last_names("?q=schmi") == ["Schmidt"]
    assert last_names(f"?institution_id={family_centre.pk}") == ["Schmidt", "Weber"]
    assert last_names(f"?institution_id={borken_centre.pk}") == []
    assert last_names(f"?institution_id={10**18}") == []
    assert_problem(client.get(API + "/people?region=05554", **headers), 422, "region")
    assert_problem(client.get(API + f"/people?institution_id={10**30}", **headers), 422)
    assert_problem(client.get(API + f"/people/{outsider.pk}", **headers), 404)


def test_creating_a_person(client, headers, family_centre):
    response = post(
        client,
        "/people",
        {
            "institution_id": family_centre.pk,
            "first_name": "Lena",
            "last_name": "Hoffmann",
            "function": "family_centre_head",
            "email": "Lena.Hoffmann@Example.org",
            "moderated_formats": ["parent_cafe"],
        },
        headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert body["institution_id"] == family_centre.pk == person.institution_id
    assert body["email"] == person.email == "lena.hoffmann@example.org"
    assert body["moderated_formats"] == person.moderated_formats == ["parent_cafe"]


def person(institution, **changes):
    return {
        "institution_id": institution.pk,
        "first_name": "Lena",
        "last_name": "Hoffmann",
        "function": "family_centre_head",
        **changes,
    }


def test_a_person_with_a_taken_email_is_refused(client, headers, family_centre):
    PersonFactory(institution=family_centre, email="taken@example.org")
    response = post(client, "/people", person(family_centre, email="Taken@example.org"), headers)
    assert_problem(response, 422, "email")
    assert Person.objects.filter(email="taken@example.org").count() == 1


def test_a_person_cannot_be_added_at_another_regions_institution(client, headers, borken_centre):
    response = post(client, "/people", person(borken_centre), headers)
    assert_problem(response, 422, "institution_id")
    assert not Person.objects.filter(institution=borken_centre).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"function": "king"}, "function"),
        ({"moderated_formats": ["juggling"]}, "moderated_formats.0"),
        ({"moderated_formats": "parent_cafe"}, "moderated_formats"),
        ({"first_name": None}, "first_name"),
        ({"institution_id": None}, "institution_id"),
        ({"institution_id": "abc"}, "institution_id"),
        ({"email": "nobody"}, "email"),
    ],
)
def test_invalid_people_are_refused_with_field_errors(
    client, headers, family_centre, changes, field
):
    response = post(client, "/people", person(family_centre, **changes), headers)
    assert_problem(response, 422, field)
    assert not Person.objects.exists()


def test_no_formats_given_as_null_means_none(client, headers, family_centre):
    response = post(client, "/people", person(family_centre, moderated_formats=None), headers)
    assert response.status_code == 201, response.content
    assert response.json()["moderated_formats"] == []


def test_staff_add_people_to_their_own_institution_only(client, staff, family_centre, wesel):
    other = InstitutionFactory(region=wesel)
    headers = token_header(staff)
    assert post(client, "/people", person(family_centre), headers).status_code == 201
    assert_problem(post(client, "/people", person(other), headers), 403)
    assert not Person.objects.filter(institution=other).exists()


def test_patching_a_person(client, headers, family_centre, youth_welfare_office, borken_centre):
    someone = PersonFactory(institution=family_centre, phone="")

    response = patch(client, f"/people/{someone.pk}", {"phone": "0281 1", "email": None}, headers)
    assert response.status_code == 200, response.content
    someone.refresh_from_db()
    assert (someone.phone, someone.email) == ("0281 1", None)

    moved = patch(
        client, f"/people/{someone.pk}", {"institution_id": youth_welfare_office.pk}, headers
    )
    assert moved.status_code == 200 and moved.json()["institution_id"] == youth_welfare_office.pk

    away = patch(client, f"/people/{someone.pk}", {"institution_id": borken_centre.pk}, headers)
    assert_problem(away, 422, "institution_id")
    someone.refresh_from_db()
    assert someone.institution == youth_welfare_office


def test_staff_cannot_patch_people_of_another_institution(client, staff, wesel):
    colleague_elsewhere = PersonFactory(institution=InstitutionFactory(region=wesel))
    response = patch(
        client, f"/people/{colleague_elsewhere.pk}", {"last_name": "X"}, token_header(staff)
    )
    assert_problem(response, 403)
    colleague_elsewhere.refresh_from_db()
    assert colleague_elsewhere.last_name != "X"


# Never a 500


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "",
        "null",
        "[]",
        "42",
        '"a string"',
        '{"region": 5170, "latitude": "north", "childcare_places": "many"}',
        '{"certified_from": "yesterday", "kind": ["family_centre"]}',
        '{"latitude": "NaN", "longitude": "Infinity"}',
        '{"latitude": 1e400}',
        '{"name": {"de": "Familienzentrum"}}',
        '{"youth_welfare_office_id": -1}',
        '{"youth_welfare_office_id": 1.5}',
    ],
)
def test_malformed_bodies_are_4xx_problems(client, headers, family_centre, body):
    for method, url in [("post", "/institutions"), ("patch", f"/institutions/{family_centre.pk}")]:
        response = post(client, url, body, headers, method=method)
        assert 400 <= response.status_code < 500
        assert_problem(response, response.status_code)
    assert Institution.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        "{",
        '{"institution_id": "first"}',
        '{"moderated_formats": [1, 2]}',
        '{"moderated_formats": {"a": 1}}',
        '{"email": 42, "first_name": ["Anna"]}',
        '{"last_name": "Null\\u0000Byte"}',
    ],
)
def test_malformed_people_are_4xx_problems(client, headers, family_centre, body):
    response = post(client, "/people", body, headers)
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)
    assert not Person.objects.exists()


def test_a_form_encoded_body_is_a_4xx_problem(client, headers):
    response = client.post(API + "/institutions", {"name": "FZ"}, **headers)
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/institutions/abc",
        f"/institutions/{10**30}",
        "/people/-1",
        "/regions/%00",
        "/institutions?q=" + "x" * 101,
        "/institutions?q=%00",
        "/people?institution_id=zero",
        "/people?function=king",
        f"/people?page={10**30}",
    ],
)
def test_odd_urls_are_4xx_problems(client, headers, url):
    response = client.get(API + url, **headers)
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)


def test_unknown_routes_and_methods_are_4xx(client, headers):
    assert 400 <= client.get(API + "/nothing", **headers).status_code < 500
    assert client.delete(API + "/regions", **headers).status_code == 405


def test_an_unexpected_error_is_a_500_problem(client, headers, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("neuewege.core.selectors.institutions", broken)
    client.raise_request_exception = False
    assert_problem(client.get(API + "/institutions", **headers), 500)


# What the OpenAPI document states is what the server does (found by make fuzz)


def test_a_change_may_clear_what_may_be_empty_but_not_what_every_institution_has(
    client, headers, family_centre
):
    response = patch(client, f"/institutions/{family_centre.pk}", {"name": None}, headers)
    body = assert_problem(response, 422, "name")
    assert body["errors"][0]["message"] != "Input should be a valid string"
    for blank in ("", "   ", "\t\u3000"):
        response = patch(client, f"/institutions/{family_centre.pk}", {"town": blank}, headers)
        assert_problem(response, 422, "town")
    response = patch(client, f"/institutions/{family_centre.pk}", {"street": None}, headers)
    assert response.status_code == 200 and response.json()["street"] == ""
    family_centre.refresh_from_db()
    assert family_centre.name == "Familienzentrum Sonnenschein Wesel" and family_centre.town


def test_a_position_is_stored_to_five_places_and_must_lie_in_germany(
    client, headers, family_centre
):
    """The document says "number within Germany"; a string or six decimal places were refused
    before although the document allowed them."""
    url = f"/institutions/{family_centre.pk}"
    response = patch(client, url, {"latitude": 51.6543219, "longitude": 6.61}, headers)
    assert response.status_code == 200, response.content
    assert response.json()["latitude"] == "51.65432"
    assert_problem(patch(client, url, {"latitude": 48.0, "longitude": 30.0}, headers), 422)
    assert_problem(patch(client, url, {"longitude": ""}, headers), 422, "longitude")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"website": "javascript:alert(1)"}, "website", "Geben Sie eine gültige"),
        ({"email": "nope"}, "email", "E-Mail"),
        ({"postcode": "4648"}, "postcode", "fünf Ziffern"),
        ({"postcode": "٤٦٤٨٣"}, "postcode", "fünf Ziffern"),
        ({"region": "0517"}, "region", "fünf Ziffern"),
        ({"name": "Zentrum\x00"}, "name", "NUL"),
        ({"name": "x" * 201}, "name", "200"),
        ({"kind": "handbook"}, "kind", "family_centre"),
    ],
)
def test_what_the_schema_refuses_is_refused_at_its_field_in_words(
    client, headers, changes, field, message
):
    response = post(client, "/institutions", valid_institution(**changes), headers)
    body = assert_problem(response, 422, field)
    assert message in body["errors"][0]["message"], body
    assert not Institution.objects.filter(name__startswith="Familienzentrum Regenbogen").exists()


def test_people_must_have_names_a_change_cannot_clear(client, headers, family_centre):
    someone = PersonFactory(institution=family_centre)
    for change in ({"first_name": None}, {"last_name": ""}, {"function": None}):
        assert_problem(patch(client, f"/people/{someone.pk}", change, headers), 422, *change)
    response = post(client, "/people", {"institution_id": family_centre.pk}, headers)
    assert_problem(response, 422, "first_name", "last_name", "function")
