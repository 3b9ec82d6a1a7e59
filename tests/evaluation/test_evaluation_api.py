"""The evaluation API through the test client with real API tokens: the questionnaires, the
results of a region and of the state (the same tables and the same "< 5" rule as the pages),
the free texts for the region's people only, and bad filters answered with field errors."""

import pytest
from django.utils import translation

from neuewege.core.models import User
from tests.api.test_api import assert_problem, token_header
from tests.evaluation.test_results import build_results_world
from tests.factories import PersonFactory, UserFactory

API = "/api/v1"
PERIOD = {"period": "2026-Q1"}
TEXT = "Die Kinderbetreuung war super"


@pytest.fixture
def results_world(wesel, borken, family_centre):
    return build_results_world(wesel, borken, family_centre)


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    yield
    translation.deactivate()


def get(client, url, headers, **params):
    return client.get(API + url, params, **headers)


def figures(body, table):
    chosen = next(item for item in body["tables"] if item["name"] == table)
    return {row["key"]: row["figures"] for row in chosen["rows"]}


def test_every_account_reads_the_current_questionnaires(client, wesel):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    response = get(client, "/questionnaires", token_header(viewer))
    assert response.status_code == 200
    by_code = {item["code"]: item for item in response.json()}
    assert set(by_code) == {
        "parent_follow_up",
        "speaker_feedback",
        "centre_feedback",
        "training_feedback",
    }
    follow_up = by_code["parent_follow_up"]
    assert follow_up["version"] == 1 and follow_up["audience"] == "parents"
    questions = {question["code"]: question for question in follow_up["questions"]}
    assert list(questions) == ["took_step", "steps", "useful", "missing"]
    assert questions["took_step"]["choices"] == [
        {"code": "yes", "label": "Yes"},
        {"code": "no", "label": "No"},
    ]
    steps = questions["steps"]
    assert (steps["shown_if_question"], steps["shown_if_choice"]) == ("took_step", "yes")
    assert steps["choices"][0] == {
        "code": "counselling",
        "label": "Counselling appointment at the employment agency or the job centre",
    }
    assert questions["useful"]["kind"] == "scale_1_5" and questions["useful"]["choices"] == []
    assert client.get(API + "/questionnaires").status_code == 401


def test_a_region_reads_its_results_with_the_small_number_rule(client, coordinator, results_world):
    response = get(client, "/regions/05170/results", token_header(coordinator), **PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["period"]) == ("05170", "2026-Q1")
    assert (body["since"], body["until"]) == ("2026-01-01", "2026-03-01")
    assert body["min_responses"] == 5
    assert {item["format"]: item["took_step_percent"] for item in body["benchmark"]} == {
        "parent_course": 100,
        "parent_cafe": 90,
    }
    assert "Elternkurs 100%, Elterncafé 90%" in body["benchmark_quote"]
    assert [table["name"] for table in body["tables"]] == [
        "summary",
        "events",
        "survey",
        "steps",
        "trend",
        "feedback",
    ]
    survey = figures(body, "survey")
    # the café's five: all formats hold four more (the course's), so withheld too
    assert survey["parent_cafe"]["took_step"] == {"value": None, "suppressed": True}
    assert survey["total"]["took_step"] == {"value": 89, "suppressed": False}
    assert survey["parent_course"]["took_step"] == {"value": None, "suppressed": True}
    assert survey["parent_course"]["responses"] == {"value": None, "suppressed": True}
    assert survey["total"]["response_rate"] == {"value": 90, "suppressed": False}
    assert figures(body, "events")["total"]["registered"] == {"value": 10, "suppressed": False}
    assert figures(body, "steps")["counselling"]["all"]["value"] == 78
    assert TEXT not in response.content.decode()  # never free texts among the results


def test_the_api_and_the_page_agree(client, coordinator, results_world):
    from django.urls import reverse

    body = get(client, "/regions/05170/results", token_header(coordinator), **PERIOD).json()
    client.force_login(coordinator)
    page = client.get(reverse("results-region", args=["05170"]), PERIOD)
    for table in page.context["tables"].values():
        api_rows = figures(body, table.name)
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                assert api_rows[row.key][column.code] == cell.as_dict(), (table.name, row.key)


def test_filters_narrow_and_bad_filters_are_field_errors(client, coordinator, results_world):
    headers = token_header(coordinator)
    course = get(client, "/regions/05170/results", headers, format="parent_course", **PERIOD).json()
    assert figures(course, "summary")["events"]["value"]["value"] == 1
    centre = results_world["regenbogen"].pk
    narrow = get(client, "/regions/05170/results", headers, family_centre_id=centre, **PERIOD)
    assert figures(narrow.json(), "summary")["registered"]["value"]["value"] == 3
    assert narrow.json()["family_centre_id"] == centre
    nothing = get(client, "/regions/05170/results", headers, period="2019-02")
    assert nothing.status_code == 200
    assert figures(nothing.json(), "summary")["events"]["value"]["value"] == 0
    for params, field in (
        ({"period": "2026-13"}, "period"),
        ({"period": "2026-01..2026-03"}, "period"),
        ({"period": "1999"}, "period"),
        ({"format": "yoga"}, "format"),
        ({"family_centre_id": 10**9}, "family_centre_id"),
    ):
        assert_problem(get(client, "/regions/05170/results", headers, **params), 422, field)


def test_the_state_level_reads_every_region_but_no_free_texts(client, state_user, results_world):
    headers = token_header(state_user)
    body = get(client, "/state/results", headers, **PERIOD).json()
    regions = figures(body, "regions")
    assert len(regions) == 54
    assert regions["total"]["responses"] == {"value": 14, "suppressed": False}
    assert regions["05554"]["took_step"] == {"value": 0, "suppressed": False}
    assert regions["05111"]["responses"] == {"value": None, "suppressed": True}
    only = get(client, "/state/results", headers, region="05554", **PERIOD).json()
    assert list(figures(only, "regions")) == ["05554", "total"] and only["region"] == "05554"
    assert_problem(get(client, "/state/results", headers, region="99999"), 422, "region")
    region = get(client, "/regions/05170/results", headers, **PERIOD)
    assert region.status_code == 200 and TEXT not in region.content.decode()
    texts = get(client, "/regions/05170/results/free-texts", headers, **PERIOD)
    assert_problem(texts, 404)
    assert TEXT not in texts.content.decode()


def test_the_regions_people_read_its_free_texts(client, wesel, results_world):
    staff = UserFactory(
        role=User.Role.STAFF, person=PersonFactory(institution=results_world["regenbogen"])
    )
    response = get(client, "/regions/05170/results/free-texts", token_header(staff), **PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert body["withheld"] == []
    assert body["answers"] == [
        {
            "month": "2026-01-01",
            "audience": "parents",
            "format": "Elterncafé",
            "question": "What was missing? What could we do better?",
            "text": TEXT,
        },
        {
            "month": "2026-01-01",
            "audience": "parents",
            "format": "Elterncafé",
            "question": "What was missing? What could we do better?",
            "text": "Mehr Termine am Nachmittag",
        },
    ]
    few = get(
        client,
        "/regions/05170/results/free-texts",
        token_header(staff),
        format="parent_course",
        **PERIOD,
    ).json()
    assert few == {"withheld": ["parents"], "answers": []}


def test_others_are_refused(client, coordinator, borken, results_world):
    outsider = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    headers = token_header(outsider)
    assert_problem(get(client, "/regions/05170/results", headers), 404)
    assert_problem(get(client, "/regions/05170/results/free-texts", headers), 404)
    assert_problem(get(client, "/state/results", token_header(coordinator)), 403)
    assert client.get(API + "/regions/05170/results").status_code == 401
