"""The coverage dashboards: each family centre counted once as with events, events planned or
none, by the definition the pages state; the state's page in the same few queries whatever the
number of regions; the state page is the state level's."""

from datetime import datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from neuewege.core.models import Region, User
from neuewege.coverage import figures
from neuewege.coverage.models import PlanRun, Scenario
from neuewege.coverage.services.plans import planning_year
from tests.factories import InstitutionFactory, UserFactory, make_event

YEAR = planning_year()


def in_year(month, year=YEAR):
    return datetime.combine(
        datetime(year, month, 10), time(9, 30), tzinfo=timezone.get_default_timezone()
    )


def plan_covering(region, *centres, name="Nur BCAs", year=YEAR):
    scenario, _ = Scenario.objects.get_or_create(region=region, year=year, name=name)
    result = {
        "plan": {"centres": [{"id": c.pk, "status": "covered", "served": 12} for c in centres]}
    }
    return PlanRun.objects.create(scenario=scenario, work_state="done", result=result)


@pytest.fixture
def centres(wesel):
    """Six family centres of Kreis Wesel, one of each kind of year."""
    made = {
        name: InstitutionFactory(region=wesel, name=f"FZ {name}", latitude="51.6", longitude="6.6")
        for name in ("published", "held", "draft", "plan", "cancelled", "nothing")
    }
    make_event(made["published"], starts=in_year(11), status="published")
    make_event(made["held"], starts=in_year(2), status="held")
    make_event(made["draft"], starts=in_year(5), status="draft")
    make_event(made["cancelled"], starts=in_year(5), status="cancelled")
    make_event(made["nothing"], starts=in_year(5, YEAR - 1), status="held")  # another year
    plan_covering(wesel, made["nothing"], name="Älter")  # an earlier plan: not the latest
    plan_covering(wesel, made["plan"], made["published"])
    return made


def test_each_centre_counts_once_by_the_pages_definition(
    client, coordinator, centres, wesel, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read the msgids
    client.force_login(coordinator)
    response = client.get(f"/regions/{wesel.key}/coverage/")
    assert response.status_code == 200
    coverage = response.context["coverage"]
    statuses = {row.name: row.status for row in coverage.centres}
    assert statuses == {
        "FZ published": "events",
        "FZ held": "events",
        "FZ draft": "planned",
        "FZ plan": "planned",
        "FZ cancelled": "none",
        "FZ nothing": "none",
    }
    counts = coverage.counts
    assert (counts.centres, counts.events, counts.planned, counts.none) == (6, 2, 2, 2)
    assert counts.events_share == 33
    assert coverage.plan.scenario == "Nur BCAs"
    page = response.content.decode()
    assert "the region's latest plan" in page
    assert len(coverage.map_points) == 6
    # the year before: the held event of that year, no plan
    before = client.get(f"/regions/{wesel.key}/coverage/?year={YEAR - 1}").context["coverage"]
    assert before.counts.events == 1 and before.plan is None


def test_the_state_page_counts_per_region_in_the_same_queries_for_any_number(
    client, state_user, centres, wesel, borken
):
    client.force_login(state_user)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/coverage/")
    assert response.status_code == 200
    rows = {row.region.key: row for row in response.context["coverage"].rows}
    assert (rows[wesel.key].counts.events, rows[wesel.key].counts.planned) == (2, 2)
    assert rows[wesel.key].plan.scenario == "Nur BCAs"
    assert response.context["coverage"].total.centres == 6

    for region in Region.objects.exclude(pk__in=[wesel.pk, borken.pk])[:10]:
        centre = InstitutionFactory(region=region, postcode="46483")
        make_event(centre, starts=in_year(3), status="published")
        plan_covering(region, InstitutionFactory(region=region, postcode="46483"))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/coverage/")
    assert response.context["coverage"].total.centres == 26
    assert response.context["coverage"].total.events == 12
    assert len(many) == len(few) <= 20, [q["sql"] for q in many.captured_queries]


def test_the_indicator_counts_centres_with_events_or_events_planned(centres, wesel, borken):
    since, until = timezone.now(), timezone.now()
    values = figures.centres_with_events_planned(since, until)
    assert values.get(wesel.pk) == 4 and borken.pk not in values


def test_the_state_page_is_the_state_levels(client, coordinator, wesel):
    client.force_login(coordinator)
    assert client.get("/coverage/").status_code == 403
    assert client.get(f"/regions/{wesel.key}/coverage/").status_code == 200
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    client.force_login(viewer)
    assert client.get(f"/regions/{wesel.key}/coverage/").status_code == 200


def test_a_goal_measured_by_planned_coverage_shows_the_figure(client, coordinator, centres, wesel):
    from datetime import date

    from neuewege.cooperation.models import RegionalGoal

    RegionalGoal.objects.create(
        region=wesel,
        title="Jedes Familienzentrum mit Veranstaltungen",
        indicator="centres_with_events_planned",
        target_value=8,
        target_date=date(YEAR, 12, 31),
        created_on=date(YEAR - 1, 10, 1),
    )
    client.force_login(coordinator)
    form = client.get(f"/regions/{wesel.key}/goals/new/").content.decode()
    assert 'value="centres_with_events_planned"' in form
    response = client.get(f"/regions/{wesel.key}/goals/")
    goal = next(g for g in response.context["goals"] if g.goal.indicator)
    assert (goal.value, goal.percent) == (4, 50)  # events: 2, planned: 2 of 6
    assert "Jedes Familienzentrum mit Veranstaltungen" in response.content.decode()
