"""The trainings API, round trips through the Django test client with real API tokens: plan a
training and its session, register a person, read the registrations and a run of the
assignment; refusals with field errors that save nothing."""

import pytest

from neuewege.core.models import User
from neuewege.trainings.models import AssignmentRun, Training, TrainingRegistration
from tests.api.test_api import API, assert_problem, post, token_header
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    UserFactory,
    make_registrant,
    make_training,
)


@pytest.fixture
def headers(coordinator):
    return token_header(coordinator)


@pytest.fixture
def training(wesel):
    return make_training(wesel, sessions=2, title="Basismodul Wesel")


def plan(client, headers, **changes):
    body = {"region": "05170", "module": "basismodul", "title": "Basismodul Frühjahr"} | changes
    return post(client, "/trainings", body, headers)


SESSION = {
    "starts_at": "2099-03-02T09:00:00",
    "ends_at": "2099-03-02T16:00:00",
    "site_address": "Rathaus Wesel, Klever-Tor-Platz 1",
    "site_postcode": "46483",
    "min_size": 15,
    "max_size": 25,
}


def test_a_training_planned_through_the_api_is_read_back(client, headers, family_centre):
    response = plan(client, headers, description="Für Fachkräfte", registration_closes_on=None)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["region"] == "05170"
    assert created["module"] == "basismodul" and created["module_kind"] == "cooperative"
    assert created["sessions"] == []
    training = Training.objects.get(pk=created["id"])
    assert len(training.registration_key) >= 40  # a new secret link

    url = f"/trainings/{created['id']}/sessions"
    session = post(client, url, SESSION | {"trainer_names": "Frau Beispiel"}, headers)
    assert session.status_code == 201, session.content
    at_centre = post(client, url, SESSION | {"site_id": family_centre.pk}, headers)
    assert at_centre.status_code == 201, at_centre.content
    assert at_centre.json()["place"].startswith(family_centre.name)

    detail = client.get(f"{API}/trainings/{created['id']}", **headers).json()
    assert detail["title"] == "Basismodul Frühjahr"
    assert detail["description"] == "Für Fachkräfte"
    assert [s["starts_at"] for s in detail["sessions"]] == ["2099-03-02T08:00:00Z"] * 2  # UTC
    assert detail["sessions"][0]["trainer_names"] == "Frau Beispiel"
    listed = client.get(f"{API}/trainings", {"region": "05170", "status": "draft"}, **headers)
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]


def test_wrong_plans_are_refused_at_their_field_and_save_nothing(client, headers, borken, training):
    before = Training.objects.count(), training.sessions.count()
    assert_problem(plan(client, headers, module="gibt-es-nicht"), 422, "module")
    assert_problem(plan(client, headers, region="05554"), 422, "region")  # not theirs
    assert_problem(plan(client, headers, title="   "), 422, "title")
    assert_problem(plan(client, headers, registration_closes_on="2020-01-01"), 422)
    assert_problem(post(client, "/trainings", "[1, 2", headers), 400)
    url = f"/trainings/{training.pk}/sessions"
    # the module's range is 15 to 25 people
    assert_problem(post(client, url, SESSION | {"min_size": 5}, headers), 422, "min_size")
    borken_site = InstitutionFactory(region=borken, postcode="46325")
    assert_problem(post(client, url, SESSION | {"site_id": borken_site.pk}, headers), 422)
    late = SESSION | {"ends_at": "2099-03-03T10:00:00"}
    assert_problem(post(client, url, late, headers), 422, "ends_at")
    backwards = SESSION | {"ends_at": "2099-03-02T08:00:00"}
    assert_problem(post(client, url, backwards, headers), 422)
    past = SESSION | {"starts_at": "2020-03-02T09:00:00", "ends_at": "2020-03-02T16:00:00"}
    assert_problem(post(client, url, past, headers), 422, "starts_at")
    nowhere = {key: value for key, value in SESSION.items() if key != "site_address"}
    assert_problem(post(client, url, nowhere, headers), 422, "site_id")
    assert (Training.objects.count(), training.sessions.count()) == before


def test_a_person_of_the_region_is_registered_and_read_back(
    client, headers, training, family_centre
):
    person = PersonFactory(institution=family_centre, first_name="Mira", email="mira@fz.example")
    session = training.sessions.first()
    url = f"/trainings/{training.pk}/registrations"
    response = post(client, url, {"person_id": person.pk, "session_ids": [session.pk]}, headers)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "confirmed" and created["person_id"] == person.pk
    assert created["available_session_ids"] == [session.pk]
    assert created["institution"] == family_centre.name
    assert created["institution_kind"] == "family_centre"
    listed = client.get(API + url, **headers).json()["items"]
    assert [(item["first_name"], item["email"]) for item in listed] == [("Mira", "mira@fz.example")]


def test_registrations_that_break_a_rule_are_refused_and_save_nothing(
    client, headers, wesel, borken, training, family_centre
):
    person = PersonFactory(institution=family_centre, email="mira@fz.example")
    session = training.sessions.first()
    url = f"/trainings/{training.pk}/registrations"
    body = {"person_id": person.pk, "session_ids": [session.pk]}
    assert post(client, url, body, headers).status_code == 201
    saved = TrainingRegistration.objects.count()

    assert_problem(post(client, url, body, headers), 422, "person_id")  # twice
    other_region = PersonFactory(
        institution=InstitutionFactory(region=borken, postcode="46325"), email="b@borken.example"
    )
    assert_problem(
        post(client, url, body | {"person_id": other_region.pk}, headers), 422, "person_id"
    )
    another = make_training(wesel, sessions=1, title="Anderes Basismodul")
    newcomer = PersonFactory(institution=family_centre, email="neu@fz.example")
    foreign_session = {"person_id": newcomer.pk, "session_ids": [another.sessions.get().pk]}
    assert_problem(post(client, url, foreign_session, headers), 422, "session_ids")
    assert_problem(
        post(client, url, body | {"person_id": newcomer.pk, "session_ids": []}, headers),
        422,
        "session_ids",
    )
    no_email = PersonFactory(institution=family_centre, email=None)
    assert_problem(post(client, url, body | {"person_id": no_email.pk}, headers), 422, "person_id")
    assert_problem(post(client, url, body | {"person_id": 2**63}, headers), 422, "person_id")
    assert TrainingRegistration.objects.count() == saved
    assert not TrainingRegistration.objects.filter(person__in=[other_region, newcomer]).exists()


def test_a_run_of_the_assignment_is_read_with_its_progress_and_result(
    client, headers, training, state_user
):
    running = AssignmentRun.objects.create(
        training=training, work_state="running", work_done=3, work_total=4
    )
    done = AssignmentRun.objects.create(
        training=training, work_state="done", result={"status": "OPTIMAL", "placed": 30}
    )
    first = client.get(f"{API}/trainings/runs/{running.pk}", **headers).json()
    assert (first["state"], first["percent"], first["training_id"]) == ("running", 75, training.pk)
    second = client.get(f"{API}/trainings/runs/{done.pk}", **token_header(state_user)).json()
    assert (second["state"], second["percent"]) == ("done", 100)
    assert second["result"] == {"status": "OPTIMAL", "placed": 30}


def test_outsiders_and_readers_get_nothing_of_the_planners(
    client, wesel, borken, training, family_centre
):
    run = AssignmentRun.objects.create(training=training)
    viewer = token_header(UserFactory(role=User.Role.VIEWER, regions=[wesel]))
    outsider = token_header(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    # the viewer reads the training, not its registrations or runs
    assert client.get(f"{API}/trainings/{training.pk}", **viewer).status_code == 200
    for path in (f"/trainings/{training.pk}/registrations", f"/trainings/runs/{run.pk}"):
        assert_problem(client.get(API + path, **viewer), 404)
    for path in (
        f"/trainings/{training.pk}",
        f"/trainings/{training.pk}/registrations",
        f"/trainings/runs/{run.pk}",
    ):
        assert_problem(client.get(API + path, **outsider), 404)
    assert client.get(f"{API}/trainings", **outsider).json()["items"] == []
    person = PersonFactory(institution=family_centre, email="x@fz.example")
    body = {"person_id": person.pk, "session_ids": [training.sessions.first().pk]}
    url = f"/trainings/{training.pk}/registrations"
    assert_problem(post(client, url, body, outsider), 404)
    assert_problem(post(client, url, body, viewer), 403)
    assert_problem(post(client, f"/trainings/{training.pk}/assignment", {}, viewer), 403)
    assert_problem(post(client, f"/trainings/{training.pk}/assignment", {}, outsider), 404)
    assert not TrainingRegistration.objects.exists()
    assert_problem(client.get(f"{API}/trainings/{training.pk}"), 401)


def test_odd_ids_and_filters_are_answered_without_a_server_error(client, headers, training):
    for path in ("/trainings/0", "/trainings/abc", "/trainings/runs/99999999999999999999"):
        assert client.get(API + path, **headers).status_code in {404, 422}
    assert_problem(client.get(f"{API}/trainings/{2**62}", **headers), 404)
    assert_problem(client.get(f"{API}/trainings", {"region": "x"}, **headers), 422, "region")
    assert_problem(client.get(f"{API}/trainings", {"status": "gone"}, **headers), 422, "status")
    assert (
        client.get(f"{API}/trainings", {"module": "wissenstransfer"}, **headers).json()["items"]
        == []
    )


def test_a_run_started_through_the_api_is_read_back_with_its_result(
    client, coordinator, wesel, django_capture_on_commit_callbacks
):
    headers = token_header(coordinator)
    training = make_training(wesel, sessions=1, min_size=2, max_size=10)
    centre = InstitutionFactory(region=wesel)
    for _ in range(3):
        make_registrant(training, centre)
    url = f"/trainings/{training.pk}/assignment"

    with django_capture_on_commit_callbacks(execute=True):  # the task starts after the commit
        response = post(client, url, {"time_limit_seconds": 5}, headers)

    assert response.status_code == 202, response.content
    run = response.json()
    assert run["training_id"] == training.pk and run["time_limit_seconds"] == 5
    again = client.get(f"{API}/trainings/runs/{run['id']}", **headers).json()
    assert again["id"] == run["id"] and again["state"] == "done"  # immediate backend in tests
    assert again["result"]["sessions"][0]["size"] == 3
    assert training.registrations.filter(session__isnull=False).count() == 3
    assert_problem(post(client, url, {"time_limit_seconds": 0}, headers), 422, "time_limit_seconds")
    assert AssignmentRun.objects.filter(training=training).count() == 1
