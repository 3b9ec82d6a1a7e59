"""The state level's start page: the programme's totals in NRW with their trend, against
hand-counted fixtures; the regions table filtered to those in the programme; old
Regionen-Checks flagged; survey figures of fewer than five responses never shown; a fixed
number of queries whatever the number of regions with data."""

import io
import json
from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from neuewege.cooperation import dashboards
from neuewege.cooperation.models import RegionCheck, check_is_old
from neuewege.core.models import Region
from tests.evaluation.test_results import build_results_world
from tests.exports import fetched
from tests.factories import InstitutionFactory, make_event

TODAY = timezone.localdate()


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def centre_with_event(region, day, format_code="parent_cafe"):
    centre = InstitutionFactory(region=region, latitude="51.6", longitude="6.6")
    make_event(centre, format_code, starts=at(day))
    return centre


@pytest.fixture
def state_world(wesel, borken):
    """Wesel (extension region): an Elterncafé a month ago and a Themenveranstaltung 14
    months ago, a centre without any, a Regionen-Check of 27 August 2015 (old). Borken (model
    region): an Elterncafé a month ago, a Check of last month. Bielefeld: not in the programme."""
    centre_with_event(wesel, TODAY - timedelta(days=30))
    centre_with_event(wesel, TODAY - timedelta(days=430), "info_session")
    InstitutionFactory(region=wesel, name="Familienzentrum Ohne Termine")
    centre_with_event(borken, TODAY - timedelta(days=30))
    RegionCheck.objects.create(region=wesel, version=1, held_on=date(2015, 8, 27))
    RegionCheck.objects.create(region=borken, version=1, held_on=TODAY - timedelta(days=30))


def test_a_check_is_old_after_two_years():
    assert check_is_old(date(2024, 3, 1), date(2026, 3, 1))
    assert not check_is_old(date(2024, 3, 2), date(2026, 3, 1))
    assert not check_is_old(None, date(2026, 3, 1))


def test_the_totals_count_by_hand(state_world, wesel, borken):
    totals = dashboards.state_totals(TODAY)
    in_programme = Region.objects.exclude(phase="").count()
    assert wesel.phase == "extension" and borken.phase == "model"
    assert totals.regions == 53
    assert (totals.in_programme.now, totals.in_programme.before) == (in_programme, in_programme)
    assert totals.centres == 4
    assert (totals.centres_reached.now, totals.centres_reached.before) == (2, 1)
    assert totals.centres_reached.change == 1
    by_format = {name: (trend.now, trend.before) for name, trend in totals.events_by_format}
    assert by_format == {
        "Elterncafé": (2, 0),
        "Themenveranstaltung": (0, 1),
        "Elternkurs „Neue Wege“": (0, 0),
    }


def test_the_regions_table_flags_old_checks_and_filters_the_programme(
    client, state_user, state_world
):
    client.force_login(state_user)
    page = client.get(reverse("state-overview"))
    rows = {row.region.key: row for row in page.context["rows"]}
    assert len(rows) == 53
    assert rows["05170"].check_is_old and not rows["05554"].check_is_old
    body = page.content.decode()
    assert body.count('data-check="old"') == 1
    assert reverse("region-dashboard", args=["05711"]) in body  # each region links to its own

    programme = client.get(reverse("state-overview"), {"show": "programme"})
    keys = [row.region.key for row in programme.context["rows"]]
    assert "05170" in keys and "05554" in keys and "05711" not in keys  # Bielefeld: no phase
    assert len(keys) == Region.objects.exclude(phase="").count()
    assert 'href="?show=programme&amp;sort=name" aria-current="page"' in programme.content.decode()
    assert programme.content.count(b"<tr>") == len(keys) + 1
    # a filter nobody knows shows every region, never an error
    assert len(client.get(reverse("state-overview"), {"show": "x"}).context["rows"]) == 53


def test_the_export_follows_the_filter(client, state_user, state_world):
    client.force_login(state_user)
    export = fetched(
        client,
        client.get(reverse("state-overview-export", args=["xlsx"]), {"show": "programme"}),
    )
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + Region.objects.exclude(phase="").count()


def test_the_map_colours_the_regions_by_phase(client, state_user, state_world, settings):
    settings.MAP_TILES_URL = "https://tiles.example.de/{z}/{x}/{y}.png"
    client.force_login(state_user)
    with translation.override("en"):
        page = client.get(reverse("state-overview"), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    points = json.loads(body.split('id="region-points" type="application/json">')[1].split("<")[0])
    wesel = next(point for point in points if point["name"].startswith("Kreis Wesel"))
    assert wesel["colour"] != "#595959" and wesel["hollow"] is False
    assert "33 %" in wesel["name"] and "Extension region" in wesel["name"]
    assert "map-legend" in body and "dot--phase-extension" in body


def test_survey_shares_keep_the_small_number_rule(wesel, borken, family_centre):
    """The evaluation's fixture in 2026: 15 invitations sent, 14 responses, 8 took a step;
    nothing in 2025: fewer than five, not shown."""
    build_results_world(wesel, borken, family_centre)
    with translation.override("en"):
        survey = dashboards.survey_totals(date(2026, 3, 10))
        assert survey.year == 2026
        assert (str(survey.response_rate.now), str(survey.took_step.now)) == ("93 %", "57 %")
        assert survey.took_step.before.shown is None
        assert survey.took_step.change is None  # no difference to a figure not shown


def test_the_start_page_shows_the_totals(client, state_user, state_world):
    client.force_login(state_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("state-overview")).content.decode()
    assert "of 4 family centres with an event in the last 12 months" in body
    assert "The 12 months before: 1 (+1)" in body


def populate(regions):
    for region in regions:
        centre_with_event(region, TODAY - timedelta(days=20))
        RegionCheck.objects.create(region=region, version=1, held_on=date(2020, 1, 1))


def test_the_queries_do_not_grow_with_the_regions(
    client, state_user, settings, django_assert_max_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MAP_TILES_URL = "https://tiles.example.de/{z}/{x}/{y}.png"
    regions = list(Region.objects.order_by("key"))
    populate(regions[:2])
    client.force_login(state_user)
    with CaptureQueriesContext(connection) as two:
        assert client.get(reverse("state-overview")).status_code == 200
    populate(regions[2:10])
    cache.clear()
    with django_assert_max_num_queries(len(two)):
        page = client.get(reverse("state-overview"))
    assert sum(row.check_is_old for row in page.context["rows"]) == 10
