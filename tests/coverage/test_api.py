"""The coverage API, round trips through the Django test client with real API tokens: requests
entered, scenarios made, a plan computed (the immediate task backend, after the commit), read
back and compared with its base; refusals at their field that save nothing; other regions'
records do not exist; a viewer reads but plans nothing."""

from datetime import time

import pytest

from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person, User
from neuewege.coverage.models import CentreRequest, PlanRun, Scenario, SpeakerCapacity
from neuewege.coverage.services.plans import planning_year
from tests.api.test_api import API, assert_problem, patch, post, token_header
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

YEAR = planning_year()


@pytest.fixture
def headers(coordinator):
    return token_header(coordinator)


def centre(wesel, name, latitude, longitude):
    place = InstitutionFactory(
        region=wesel, name=name, latitude=str(latitude), longitude=str(longitude)
    )
    for day in range(5):  # Monday to Friday, 8 to 16
        OpeningPeriod.objects.create(institution=place, weekday=day, opens=time(8), closes=time(16))
    return place


def speaker(wesel, kind, function, latitude, longitude):
    office = InstitutionFactory(
        region=wesel, kind=kind, latitude=str(latitude), longitude=str(longitude)
    )
    person = PersonFactory(
        institution=office, function=function, moderated_formats=[EventFormat.PARENT_CAFE]
    )
    SpeakerCapacity.objects.create(person=person, hours_per_month=12, max_travel_km=10)
    return person


@pytest.fixture
def region_world(wesel):
    """Two family centres 23 km apart: one in Wesel near the employment agency's BCA, one in
    Moers near the job centre's case manager; each speaker travels at most 10 km."""
    return {
        "wesel": centre(wesel, "Familienzentrum Wesel", 51.660, 6.620),
        "moers": centre(wesel, "Familienzentrum Moers", 51.450, 6.630),
        "bca": speaker(
            wesel, Institution.Kind.EMPLOYMENT_AGENCY, Person.Function.BCA, 51.658, 6.617
        ),
        "manager": speaker(
            wesel, Institution.Kind.JOB_CENTRE, Person.Function.CASE_MANAGER, 51.452, 6.627
        ),
    }


def cafe(place, **changes):
    return {"family_centre_id": place.pk, "year": YEAR, "format": "parent_cafe"} | changes


def test_requests_scenarios_and_a_plan_make_a_round_trip(
    client, headers, region_world, django_capture_on_commit_callbacks
):
    url = "/regions/05170/coverage/requests"
    first = post(
        client, url, cafe(region_world["wesel"], weekdays=[1], part_of_day="morning"), headers
    )
    assert first.status_code == 201, first.content
    assert first.json()["per_year"] == 12  # the format's default
    second = post(client, url, cafe(region_world["moers"], per_year=6), headers)
    assert second.status_code == 201, second.content
    changed = patch(client, f"/coverage/requests/{second.json()['id']}", {"per_year": 12}, headers)
    assert changed.status_code == 200 and changed.json()["per_year"] == 12
    assert changed.json()["family_centre"] == "Familienzentrum Moers"
    listed = client.get(f"{API}{url}", {"year": YEAR}, **headers).json()
    assert [r["family_centre"] for r in listed["items"]] == [
        "Familienzentrum Moers",
        "Familienzentrum Wesel",
    ]

    speakers = client.get(f"{API}/regions/05170/coverage/speakers", **headers).json()["items"]
    by_id = {s["person_id"]: s for s in speakers}
    manager = by_id[region_world["manager"].pk]
    assert manager["capacity"]["hours_per_month"] == 12
    assert manager["qualifications"] == [{"format": "parent_cafe", "qualified_on": None}]
    capacity_url = f"/coverage/speakers/{region_world['manager'].pk}/capacity"
    changed = patch(client, capacity_url, {"hours_per_month": 10}, headers)
    assert changed.status_code == 200, changed.content
    assert changed.json()["capacity"]["hours_per_month"] == 10
    assert changed.json()["capacity"]["max_travel_km"] == 10  # kept

    scenarios = "/regions/05170/coverage/scenarios"
    bcas = post(client, scenarios, {"name": "Nur BCAs", "functions": ["bca"]}, headers)
    assert bcas.status_code == 201, bcas.content
    assert bcas.json()["year"] == YEAR
    everyone = post(client, scenarios, {"name": "Alle", "base_id": bcas.json()["id"]}, headers)
    assert everyone.status_code == 201, everyone.content
    assert everyone.json()["base_id"] == bcas.json()["id"]

    with django_capture_on_commit_callbacks(execute=True):  # the task starts after the commit
        started = post(
            client,
            f"/coverage/scenarios/{everyone.json()['id']}/plans",
            {"time_limit_seconds": 2},
            headers,
        )
    assert started.status_code == 202, started.content
    status_url = started.json()["status_url"]
    assert status_url == f"{API}/coverage/plans/{started.json()['id']}"

    run = client.get(status_url, **headers).json()
    assert (run["state"], run["percent"]) == ("done", 100)  # the immediate backend in tests
    plan = run["result"]["plan"]
    statuses = {c["name"]: c["status"] for c in plan["centres"]}
    assert statuses == {"Familienzentrum Wesel": "covered", "Familienzentrum Moers": "covered"}
    in_moers = [a for a in plan["assignments"] if a["centre"] == region_world["moers"].pk]
    assert len(in_moers) == 12
    assert all(a["speakers"] == [str(region_world["manager"].pk)] for a in in_moers)
    base = run["result"]["base"]
    assert {c["name"]: c["status"] for c in base["centres"]}["Familienzentrum Moers"] != "covered"

    compared = client.get(f"{status_url}/comparison", **headers).json()
    assert compared["base"] == "Nur BCAs" and compared["scenario"] == "Alle"
    assert compared["base_figures"]["centres_covered"] == 1
    assert compared["scenario_figures"]["centres_covered"] == 2
    assert compared["covered_difference"] == 1
    assert compared["gained"] == [{"id": region_world["moers"].pk, "name": "Familienzentrum Moers"}]
    assert compared["lost"] == []
    assert compared["served_by_format"]["parent_cafe"] == [12, 24]
    assert compared["marginal"][0]["speaker"] == str(region_world["manager"].pk)
    assert compared["marginal"][0]["centres"] == 1

    scenario = client.get(f"{API}/coverage/scenarios/{everyone.json()['id']}", **headers).json()
    assert scenario["latest_run_id"] == run["id"]
    # the scenario without a base has no comparison
    with django_capture_on_commit_callbacks(execute=True):
        alone = post(client, f"/coverage/scenarios/{bcas.json()['id']}/plans", {}, headers)
    assert alone.status_code == 202
    assert_problem(
        client.get(f"{API}/coverage/plans/{alone.json()['id']}/comparison", **headers), 422
    )

    deleted = client.delete(f"{API}/coverage/requests/{first.json()['id']}", **headers)
    assert deleted.status_code == 204
    assert CentreRequest.objects.count() == 1


def test_wrong_input_is_refused_at_its_field_and_saves_nothing(
    client, headers, region_world, borken
):
    url = "/regions/05170/coverage/requests"
    wesel_centre = region_world["wesel"]
    assert_problem(post(client, url, cafe(wesel_centre, weekdays=[6]), headers), 422, "weekdays")
    assert_problem(
        post(client, url, cafe(wesel_centre, part_of_day="evening"), headers), 422, "part_of_day"
    )
    assert_problem(post(client, url, cafe(wesel_centre, per_year=99), headers), 422, "per_year")
    assert_problem(
        post(client, url, cafe(wesel_centre, avoid_months=list(range(1, 13))), headers),
        422,
        "avoid_months",
    )
    assert_problem(post(client, url, cafe(wesel_centre, format="gala"), headers), 422, "format")
    elsewhere = InstitutionFactory(region=borken, postcode="46325", town="Borken")
    assert_problem(post(client, url, cafe(elsewhere), headers), 422, "family_centre_id")
    assert not CentreRequest.objects.exists()
    assert post(client, url, cafe(wesel_centre), headers).status_code == 201
    assert_problem(post(client, url, cafe(wesel_centre), headers), 422, "format")  # one a year

    capacity_url = f"/coverage/speakers/{region_world['bca'].pk}/capacity"
    assert_problem(
        patch(client, capacity_url, {"hours_per_month": 0}, headers), 422, "hours_per_month"
    )
    assert_problem(patch(client, capacity_url, {"max_travel_km": 0}, headers), 422, "max_travel_km")
    assert SpeakerCapacity.objects.get(person=region_world["bca"]).hours_per_month == 12

    scenarios = "/regions/05170/coverage/scenarios"
    assert_problem(post(client, scenarios, {"name": " "}, headers), 422, "name")
    assert_problem(post(client, scenarios, {"name": "X", "functions": ["boss"]}, headers), 422)
    no_speaker = PersonFactory(institution=wesel_centre)
    assert_problem(
        post(client, scenarios, {"name": "X", "left_out_ids": [no_speaker.pk]}, headers),
        422,
        "left_out_ids",
    )
    extra = {"institution_kind": "job_centre", "function": "case_manager", "count": 0}
    assert_problem(
        post(client, scenarios, {"name": "X", "extra_speakers": [extra]}, headers),
        422,
        "extra_speakers.0.count",
    )
    older = Scenario.objects.create(region=wesel_centre.region, year=YEAR - 1, name="Alt")
    assert_problem(
        post(client, scenarios, {"name": "X", "base_id": older.pk}, headers), 422, "base_id"
    )
    assert not Scenario.objects.exclude(pk=older.pk).exists()
    made = post(client, scenarios, {"name": "X"}, headers)
    assert made.status_code == 201
    assert_problem(post(client, scenarios, {"name": "X"}, headers), 422, "name")
    runs = f"/coverage/scenarios/{made.json()['id']}/plans"
    assert_problem(
        post(client, runs, {"time_limit_seconds": 0}, headers), 422, "time_limit_seconds"
    )
    assert_problem(
        post(client, runs, {"time_limit_seconds": 61}, headers), 422, "time_limit_seconds"
    )
    assert not PlanRun.objects.exists()


def test_other_regions_records_do_not_exist_and_a_viewer_plans_nothing(
    client, wesel, borken, region_world
):
    request = CentreRequest.objects.create(
        family_centre=region_world["wesel"], year=YEAR, format="parent_cafe", per_year=12
    )
    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Nur BCAs")
    run = PlanRun.objects.create(scenario=scenario, work_state="done", result={"plan": {}})
    outsider = token_header(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    viewer = token_header(UserFactory(role=User.Role.VIEWER, regions=[wesel]))
    for path in (
        "/regions/05170/coverage/requests",
        "/regions/05170/coverage/speakers",
        "/regions/05170/coverage/scenarios",
        f"/coverage/scenarios/{scenario.pk}",
        f"/coverage/plans/{run.pk}",
        f"/coverage/plans/{run.pk}/comparison",
    ):
        assert_problem(client.get(API + path, **outsider), 404)
        assert client.get(API + path, **viewer).status_code in {200, 422}, path
    assert_problem(
        patch(client, f"/coverage/requests/{request.pk}", {"per_year": 2}, outsider), 404
    )
    assert_problem(client.delete(f"{API}/coverage/requests/{request.pk}", **outsider), 404)
    capacity_url = f"/coverage/speakers/{region_world['bca'].pk}/capacity"
    assert_problem(patch(client, capacity_url, {"hours_per_month": 2}, outsider), 404)
    assert_problem(post(client, f"/coverage/scenarios/{scenario.pk}/plans", {}, outsider), 404)

    assert_problem(patch(client, f"/coverage/requests/{request.pk}", {"per_year": 2}, viewer), 403)
    assert_problem(patch(client, capacity_url, {"hours_per_month": 2}, viewer), 403)
    assert_problem(post(client, "/regions/05170/coverage/scenarios", {"name": "V"}, viewer), 403)
    assert_problem(post(client, f"/coverage/scenarios/{scenario.pk}/plans", {}, viewer), 403)
    assert PlanRun.objects.count() == 1 and Scenario.objects.count() == 1
    assert CentreRequest.objects.get().per_year == 12
    assert_problem(client.get(f"{API}/coverage/plans/{run.pk}"), 401)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weekdays": [False]}, "weekdays"),
        ({"avoid_months": [True]}, "avoid_months"),
        ({"per_year": True}, "per_year"),
        ({"active": 0}, "active"),
        ({"hours_per_month": True}, "hours_per_month"),
        ({"unavailable_dates": [0]}, "unavailable_dates"),
        ({"unavailable_dates": ["1970-01-01"]}, "unavailable_dates"),
    ],
)
def test_booleans_and_numbers_are_not_taken_for_each_other(
    client, headers, region_world, body, field
):
    """JSON's true is not the month 1, nor 0 the answer "no": refused at the field, nothing
    changed."""
    request = CentreRequest.objects.create(
        family_centre=region_world["wesel"], year=YEAR, format="parent_cafe", per_year=12
    )
    if field in {"active", "hours_per_month", "unavailable_dates"}:
        url = f"/coverage/speakers/{region_world['bca'].pk}/capacity"
    else:
        url = f"/coverage/requests/{request.pk}"
    response = patch(client, url, body, headers)
    assert response.status_code == 422, response.content
    assert field in str(response.json())
    request.refresh_from_db()
    assert (request.weekdays, request.avoid_months, request.per_year) == ([], [], 12)
    assert SpeakerCapacity.objects.get(person=region_world["bca"]).active


def test_a_scenario_adds_family_centres_and_its_comparison_names_them(
    client, headers, region_world, django_capture_on_commit_callbacks
):
    scenarios = "/regions/05170/coverage/scenarios"
    added = {"name": "FZ Neubau", "postcode": "46483", "requests": {"parent_cafe": 2}}
    for changes, field in [
        ({"postcode": "00000"}, "extra_centres.0.postcode"),  # five digits, but no postcode
        ({"postcode": "4648"}, "extra_centres.0.postcode"),
        ({"name": " "}, "extra_centres.0.name"),
        ({"requests": {"parent_cafe": 0}}, "extra_centres.0.requests"),
        ({"requests": {"parent_cafe": 25}}, "extra_centres.0.requests.parent_cafe"),
        ({"requests": {"gala": 1}}, "extra_centres.0.requests.gala"),
    ]:
        body = {"name": "Neues FZ", "extra_centres": [added | changes]}
        assert_problem(post(client, scenarios, body, headers), 422, field)
    twice = {"name": "Neues FZ", "extra_centres": [added, added | {"name": "fz neubau"}]}
    body = assert_problem(post(client, scenarios, twice, headers), 422, "extra_centres")
    assert "einen eigenen Namen" in body["errors"][0]["message"]
    assert not Scenario.objects.exists()

    CentreRequest.objects.create(
        family_centre=region_world["wesel"], year=YEAR, format="parent_cafe", per_year=12
    )
    bcas = post(client, scenarios, {"name": "Nur BCAs", "functions": ["bca"]}, headers).json()
    made = post(
        client,
        scenarios,
        {"name": "Neues FZ", "functions": ["bca"], "extra_centres": [added], "base_id": bcas["id"]},
        headers,
    )
    assert made.status_code == 201, made.content
    assert made.json()["extra_centres"] == [added]
    read = client.get(f"{API}/coverage/scenarios/{made.json()['id']}", **headers).json()
    assert read["extra_centres"] == [added]
    assert bcas["extra_centres"] == []

    with django_capture_on_commit_callbacks(execute=True):
        started = post(
            client, f"/coverage/scenarios/{made.json()['id']}/plans", {"time_limit_seconds": 2},
            headers,
        )  # fmt: skip
    assert started.status_code == 202, started.content
    compared = client.get(f"{started.json()['status_url']}/comparison", **headers).json()
    assert compared["gained"] == [{"id": "new-0", "name": "FZ Neubau"}]
    assert compared["covered_difference"] == 1
    assert compared["lost"] == []
    assert compared["served_by_format"] == {"parent_cafe": [12, 14]}
