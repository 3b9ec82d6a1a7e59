"""The results pages: a region's (its people and the state level), the state-wide page (the state
level), every table as CSV and XLSX read back, filters that select nothing, and the free texts
that never reach the state level."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from neuewege.core.models import User
from tests.evaluation.test_results import build_results_world
from tests.exports import fetched
from tests.factories import UserFactory

PERIOD = {"period": "2026-Q1"}
TEXT = "Die Kinderbetreuung war super"


@pytest.fixture
def results_world(wesel, borken, family_centre):
    return build_results_world(wesel, borken, family_centre)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def as_coordinator(client, coordinator, english):
    client.force_login(coordinator)
    return client


@pytest.fixture
def as_state(client, state_user, english):
    client.force_login(state_user)
    return client


def region_page(client, **params):
    return client.get(reverse("results-region", args=["05170"]), PERIOD | params)


def test_the_region_page_shows_the_figures_charts_and_free_texts(as_coordinator, results_world):
    response = region_page(as_coordinator)
    assert response.status_code == 200
    body = response.content.decode()
    tables = response.context["tables"]
    assert set(tables) == {"summary", "events", "survey", "steps", "trend", "feedback"}
    assert tables["feedback"].rows == []  # no speaker or centre answered: no table shown
    assert str(tables["survey"].rows[-1].cells[3]) == "89 %"  # all formats: took a step
    assert str(tables["survey"].rows[0].cells[3]) == "< 5" and "&lt; 5" in body
    # the trend as line charts, each with its table behind "Show table"
    for chart in ("trend_events", "trend_parents", "trend_shares"):
        assert f'data-chart="chart-{chart}"' in body and f'id="chart-{chart}"' in body
    charts = response.context["charts"]
    labels = ["January 2026", "February 2026", "March 2026"]
    assert charts["trend_parents"]["data"]["labels"] == labels
    assert [line["values"] for line in charts["trend_parents"]["data"]["datasets"]] == [
        [3, 4, 0],  # attended
        [6, 0, 4],  # invited
        [None, None, None],  # answered: withheld, none invited, four
    ]
    assert charts["trend_shares"]["data"]["percent"] is True
    assert body.count('<details class="chart-table">') == 3
    # one figure once: the key figures as tiles only, the by-format figures as tables only;
    # every table scrolls in its own focusable region, and every table can be downloaded
    assert body.count("<table") == 6  # events, survey, steps; the three charts' tables
    assert body.count('<div class="kern-table-responsive" role="region"') == 6
    assert body.count('tabindex="0"') >= 6
    assert body.count(".csv?period=2026-Q1") == 6
    # February: no invitation sent — "–" with words for screen readers, not "< 5"
    assert '<span class="kern-sr-only">no invitations sent</span>' in body
    assert '<abbr title="fewer than 5 responses: not shown">&lt; 5</abbr>' in body
    assert TEXT in body and "Mehr Termine am Nachmittag" in body
    assert "Elternkurs 100%, Elterncafé 90%" in body  # the programme's result, quoted
    assert reverse("results-region-report", args=["05170"]) + "?period=2026-Q1" in body


def test_the_state_level_reads_a_regions_figures_but_not_its_free_texts(as_state, results_world):
    response = region_page(as_state)
    assert response.status_code == 200
    body = response.content.decode()
    assert "89 %" in body
    assert TEXT not in body and "Mehr Termine" not in body
    assert "free_texts" not in response.context
    assert reverse("results-region-comments-export", args=["05170", "csv"]) not in body
    comments = reverse("results-region-comments-export", args=["05170", "csv"])
    assert as_state.get(comments, PERIOD).status_code == 403


def test_free_texts_are_withheld_below_five_responses(as_coordinator, results_world):
    body = region_page(as_coordinator, format="parent_course").content.decode()
    assert (
        "Fewer than 5 responses in this selection, so their free-text answers are not shown: "
        "Parents." in body
    )
    assert TEXT not in body


def test_a_filter_that_selects_nothing_shows_the_empty_state(as_coordinator, results_world):
    for params in (
        {"period": "2023"},
        {"format": "parent_course", "centre": str(results_world["regenbogen"].pk)},
        {"centre": str(results_world["regenbogen"].pk), "period": "2026-01"},
    ):
        response = region_page(as_coordinator, **params)
        assert response.status_code == 200
        assert response.context["empty"] is True
        assert "Nothing to show for these filters" in response.content.decode()


def test_bad_filters_are_shown_at_the_field_not_as_an_error(as_coordinator, results_world):
    for params, field in (
        ({"period": "2025-04..2026-03"}, "period"),
        ({"period": "März"}, "period"),
        ({"format": "yoga"}, "format"),
        ({"centre": "999999"}, "centre"),
        ({"period": "2015"}, "period"),  # not offered
    ):
        response = region_page(as_coordinator, **params)
        assert response.status_code == 200, params
        assert field in response.context["form"].errors, params
        assert response.context["empty"] is True
    export = reverse("results-region-export", args=["05170", "events", "csv"])
    assert as_coordinator.get(export, {"format": "yoga"}).status_code == 400


def test_a_family_centre_of_another_region_cannot_be_chosen(as_coordinator, results_world):
    from tests.factories import InstitutionFactory

    elsewhere = InstitutionFactory(region=results_world["borken"], name="FZ Borken 2")
    response = region_page(as_coordinator, centre=str(elsewhere.pk))
    assert "centre" in response.context["form"].errors


def test_every_table_exports_as_csv_and_xlsx(as_coordinator, results_world):
    url = reverse("results-region-export", args=["05170", "survey", "csv"])
    response = as_coordinator.get(url, PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Format", "Survey invitations sent", "Responses"]
    assert rows[1] == ["Elterncafé", "6", "< 5", "< 5", "< 5", "90", "< 5"]
    assert rows[-1] == ["All formats", "10", "9", "90", "89", "", "78"]
    assert rows[3][0] == "Elternkurs „Neue Wege“" and rows[3][2] == "< 5"

    url = reverse("results-region-export", args=["05170", "steps", "xlsx"])
    sheet = load_workbook(io.BytesIO(as_coordinator.get(url, PERIOD).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == (
        "Step",
        "Elterncafé (%)",
        "Themenveranstaltung (%)",
        "Elternkurs „Neue Wege“ (%)",
        "All formats (%)",
    )
    took = values[1]
    assert took[0] == "Took a concrete step" and took[1] == "< 5" and took[4] == 89
    for table in ("summary", "events", "survey", "steps", "trend"):
        for fmt in ("csv", "xlsx"):
            url = reverse("results-region-export", args=["05170", table, fmt])
            assert as_coordinator.get(url, PERIOD).status_code == 200, (table, fmt)
    unknown = reverse("results-region-export", args=["05170", "regions", "csv"])
    assert as_coordinator.get(unknown).status_code == 404
    assert as_coordinator.get(url.replace(".xlsx", ".pdf")).status_code == 404


def test_the_free_texts_export_is_the_regions(as_coordinator, results_world):
    url = reverse("results-region-comments-export", args=["05170", "xlsx"])
    sheet = load_workbook(io.BytesIO(as_coordinator.get(url, PERIOD).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Month", "Asked", "Format", "Question", "Answer")
    assert [row[4] for row in rows[1:]] == [TEXT, "Mehr Termine am Nachmittag"]
    assert rows[1][:3] == ("2026-01", "Parents", "Elterncafé")


def test_the_state_page_sums_the_regions_and_links_each(as_state, results_world):
    response = as_state.get(reverse("results-state"), PERIOD)
    assert response.status_code == 200
    body = response.content.decode()
    regions = response.context["tables"]["regions"]
    assert len(regions.rows) == 54
    assert str(regions.rows[-1].cells[5]) == "14"  # responses of all regions
    assert reverse("results-region", args=["05554"]) + "?period=2026-Q1" in body
    assert "What parents, speakers and family centres wrote" not in body and TEXT not in body
    url = reverse("results-state-export", args=["regions", "xlsx"])
    sheet = load_workbook(io.BytesIO(fetched(as_state, as_state.get(url, PERIOD)).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 55 and rows[-1][0] == "All regions"


def test_the_state_page_filters_by_region_and_family_centre(as_state, results_world):
    response = as_state.get(reverse("results-state"), PERIOD | {"region": "05554"})
    assert [row.key for row in response.context["tables"]["regions"].rows] == ["05554", "total"]
    assert response.context["results"].total.responses == 5
    body = response.content.decode()
    assert reverse("results-region-report", args=["05554"]) in body
    centre = results_world["regenbogen"]
    response = as_state.get(
        reverse("results-state"), PERIOD | {"region": "05170", "centre": str(centre.pk)}
    )
    assert response.context["results"].total.registered == 3
    response = as_state.get(reverse("results-state"), PERIOD | {"region": "99999"})
    assert "region" in response.context["form"].errors


def test_only_the_state_level_opens_the_state_page(client, coordinator, results_world):
    client.force_login(coordinator)
    assert client.get(reverse("results-state")).status_code == 403
    export = reverse("results-state-export", args=["regions", "csv"])
    assert client.get(export).status_code == 403
    client.logout()
    assert client.get(reverse("results-state"))["Location"].startswith("/login/")


def test_other_regions_get_nothing(client, borken, results_world):
    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    assert region_page(client).status_code == 404
    report = reverse("results-region-report", args=["05170"])
    assert client.get(report).status_code == 404


def test_the_region_page_is_served_from_the_cache(
    as_coordinator, results_world, django_assert_max_num_queries
):
    region_page(as_coordinator)
    # the session, the account, its second-factor device (django-otp checks it on every
    # request), its regions, the family centres of the filter, the free texts
    with django_assert_max_num_queries(8):
        again = region_page(as_coordinator)
    assert again.status_code == 200 and TEXT in again.content.decode()


def test_the_report_asks_the_database_as_often_as_before(
    client, coordinator, state_user, english, results_world, django_assert_num_queries
):
    """The charts' tables and the dashes come from the tables already counted: the pages run the
    same queries as before the report's layout (measured then), uncached."""
    from django.core.cache import cache
    from django.db import connection

    # PostgreSQL: the counting runs with JIT off in a savepoint (SAVEPOINT, SET LOCAL, RELEASE)
    aggregating = 3 if connection.vendor == "postgresql" else 0
    client.force_login(coordinator)
    cache.clear()
    with django_assert_num_queries(QUERIES["region"] + aggregating):
        assert region_page(client).status_code == 200
    client.force_login(state_user)
    cache.clear()
    with django_assert_num_queries(QUERIES["state"] + aggregating):
        assert client.get(reverse("results-state"), PERIOD).status_code == 200


QUERIES = {"region": 20, "state": 14}


def test_a_years_quarters_without_invitations_read_a_dash(as_coordinator, results_world):
    response = region_page(as_coordinator, period="2026")
    trend = response.context["tables"]["trend"]
    assert trend.title == "Trend by quarter"
    cells = {row.key: [str(cell) for cell in row.cells] for row in trend.rows}
    # events, sessions, attended, invited, responses, response rate, took a step
    assert cells["2026-Q1"][1:] == ["8", "7", "10", "9", "90 %", "89 %"]
    assert cells["2026-Q2"] == ["0", "0", "0", "0", "–", "–", "–"]
    quarters = response.context["charts"]["trend_shares"]["data"]
    assert len(quarters["labels"]) == 4
    assert quarters["datasets"][1]["values"] == [89, None, None, None]
    body = response.content.decode()
    assert body.count('<span class="kern-sr-only">no invitations sent</span>') >= 9
