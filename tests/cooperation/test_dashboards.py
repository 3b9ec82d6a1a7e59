"""The region dashboard and the state overview: figures against hand-counted fixtures, a fixed
number of queries for all 53 regions, the XLSX export read back, and aggregates only for the
state level."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from neuewege.cooperation import dashboards, indicators, services
from neuewege.core.access import access_for
from neuewege.evaluation import aggregates
from neuewege.evaluation.models import StaleEvent
from tests.exports import fetched
from tests.factories import InstitutionFactory, make_event

TODAY = date(2026, 11, 24)  # the quarter runs from 1 October


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


@pytest.fixture
def wesel_figures(wesel, family_centre, coordinator):
    """Three family centres; two had an event in the last twelve months; this quarter one
    Elterncafé (two dates) and one Themenveranstaltung; one overdue task."""
    other = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    InstitutionFactory(region=wesel, name="Familienzentrum Ohne Termine")
    make_event(family_centre, starts=at(date(2026, 10, 6)), dates=2)
    make_event(other, "info_session", starts=at(date(2026, 3, 3)))
    make_event(other, "info_session", starts=at(date(2026, 11, 3)))
    make_event(other, starts=at(date(2026, 11, 10)), status="cancelled")
    access = access_for(coordinator)
    services.save_task(
        access=access,
        region=wesel,
        data={"title": "Lotsenbroschüre", "due_on": TODAY - timedelta(days=3)},
        today=TODAY - timedelta(days=30),
    )
    services.save_task(access=access, region=wesel, data={"title": "Offen"}, today=TODAY)


@pytest.mark.parametrize("kept", [False, True], ids=["counted from the rows", "from kept counts"])
def test_the_region_dashboard_counts_by_hand(wesel_figures, wesel, kept):
    if kept:  # the due job kept the counts: the same figures from the kept rows
        aggregates.refresh_kept_counts()
        assert not StaleEvent.objects.exists()
    figures = dashboards.region_dashboard(wesel, today=TODAY)
    assert figures.quarter == (date(2026, 10, 1), date(2027, 1, 1))
    assert (figures.coverage.covered, figures.coverage.centres, figures.coverage.percent) == (
        2,
        3,
        67,
    )
    assert figures.uncovered_centres == [{"name": "Familienzentrum Ohne Termine", "town": "Wesel"}]
    assert {row.name: row.events for row in figures.events_by_format} == {
        "Elterncafé": 1,
        "Themenveranstaltung": 1,
        "Elternkurs „Neue Wege“": 0,
    }
    assert figures.open_tasks == 2
    assert [task.title for task in figures.overdue_tasks] == ["Lotsenbroschüre"]


def test_a_regions_events_per_format_are_its_own_when_every_regions_are_kept(
    wesel_figures, wesel, borken
):
    make_event(InstitutionFactory(region=borken), starts=at(date(2026, 11, 5)))
    quarter = [
        timezone.make_aware(datetime.combine(day, time())) for day in dashboards.quarter_of(TODAY)
    ]
    # every region's counted (and kept in the cache), then one region's page
    assert indicators.events_by_format(*quarter) == {"parent_cafe": 2, "info_session": 1}
    figures = dashboards.region_dashboard(wesel, today=TODAY)
    assert {row.code: row.events for row in figures.events_by_format}["parent_cafe"] == 1


def test_quarters_turn_over_the_year():
    assert dashboards.quarter_of(date(2026, 2, 14)) == (date(2026, 1, 1), date(2026, 4, 1))
    assert dashboards.quarter_of(date(2026, 12, 31)) == (date(2026, 10, 1), date(2027, 1, 1))


def test_the_state_overview_takes_nine_queries_for_all_regions(
    wesel_figures, wesel, django_assert_num_queries
):
    with django_assert_num_queries(9):  # the events' figures from the kept counts: four
        rows = dashboards.state_overview(today=TODAY)
    assert len(rows) == 53
    row = next(row for row in rows if row.region == wesel)
    assert (row.coverage.covered, row.coverage.centres, row.events_held) == (2, 3, 3)
    assert row.steering_group_active is False and row.last_check is None


def test_the_state_overview_sorts_and_exports(client, state_user, wesel_figures):
    client.force_login(state_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("state-overview"), {"sort": "-events"})
    assert page.context["rows"][0].region.key == "05170"
    assert 'aria-sort="descending"' in page.content.decode()
    export = fetched(
        client, client.get(reverse("state-overview-export", args=["xlsx"]), {"sort": "-events"})
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Region" and len(rows) == 54
    assert rows[1][0] == "Kreis Wesel" and rows[1][2] == 2 and rows[1][7] == 3


def test_the_state_level_sees_figures_not_the_regions_records(
    client, state_user, wesel_figures, wesel, coordinator
):
    services.save_goal(
        access=access_for(coordinator),
        region=wesel,
        data={"title": "Zielgeheimnis", "target_value": 5, "target_date": date(2027, 12, 31)},
    )
    client.force_login(coordinator)
    assert (
        "Zielgeheimnis" in client.get(reverse("region-dashboard", args=["05170"])).content.decode()
    )
    client.force_login(state_user)
    body = client.get(reverse("region-dashboard", args=["05170"]), HTTP_ACCEPT_LANGUAGE="en")
    body = body.content.decode()
    assert "67 %" in body
    assert "Lotsenbroschüre" not in body  # task titles stay in the region
    # goals as in the API: how many and how many reached, not the goals themselves
    assert "Zielgeheimnis" not in body and "0 of 1 goal reached." in body
    assert reverse("task-list", args=["05170"]) not in body
    assert client.get(reverse("task-list", args=["05170"])).status_code == 403


def test_the_state_level_starts_at_the_overview(client, state_user):
    client.force_login(state_user)
    assert client.get(reverse("home"))["Location"] == reverse("state-overview")


def test_the_state_overview_table_comes_from_the_cache(
    client, state_user, wesel_figures, django_assert_max_num_queries
):
    client.force_login(state_user)
    first = client.get(reverse("state-overview"), {"sort": "-events"})
    # the session, the account and its verified second factor, no figures
    with django_assert_max_num_queries(3):
        again = client.get(reverse("state-overview"), {"sort": "-events"})
    assert again.content.count(b"<tr>") == first.content.count(b"<tr>") == 54
    other_order = client.get(reverse("state-overview"), {"sort": "name"}).content.decode()
    assert other_order.index("Bielefeld") < other_order.index("Kreis Wesel")
