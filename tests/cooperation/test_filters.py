"""The filters of the action plan and the materials library (cooperation/filters.py)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from neuewege.cooperation import services
from neuewege.cooperation.models import Material, Task
from neuewege.core.access import access_for
from tests.cooperation.test_materials import add
from tests.core.test_filters import NOT_A_CHOICE, field_error, writes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coord(coordinator):
    return access_for(coordinator)


def signed_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# The action plan


@pytest.fixture
def plan(coord, wesel, borken, staff):
    today = timezone.localdate()

    def task(title, region=wesel, created=today, **data):
        if region == wesel:
            access = coord
        else:
            access = access_for(UserFactory(role="coordinator", regions=[borken]))
        return services.save_task(
            access=access, region=region, data={"title": title, **data}, today=created
        )

    task("Spät", created=today - timedelta(days=5), due_on=today - timedelta(days=3))
    task("Erledigt", status="done")
    task("Offen", owner=staff.person)
    task("Verworfen", status="dropped")
    task("Borkener Aufgabe", region=borken)


def shown(response):
    return sorted(task.title for task in response.context["tasks"])


def test_the_action_plan_narrows_by_status(client, coordinator, staff, wesel, plan):
    url = reverse("task-list", args=[wesel.key])
    coordinator_page = signed_in(client, coordinator)
    assert shown(coordinator_page.get(url)) == ["Erledigt", "Offen", "Spät", "Verworfen"]
    assert shown(coordinator_page.get(url, {"status": "open"})) == ["Offen", "Spät"]
    assert shown(coordinator_page.get(url, {"status": "overdue"})) == ["Spät"]
    assert shown(coordinator_page.get(url, {"status": "done"})) == ["Erledigt"]
    assert shown(signed_in(client, staff).get(url, {"status": "mine"})) == ["Offen"]


def test_given_to_me_is_offered_only_to_an_account_that_is_a_person(
    client, coordinator, staff, wesel, plan
):
    url = reverse("task-list", args=[wesel.key])
    assert 'href="?status=mine"' in signed_in(client, staff).get(url).content.decode()
    response = signed_in(client, coordinator).get(url, {"status": "mine"})
    body = response.content.decode()
    assert 'href="?status=mine"' not in body
    assert f'<p class="kern-error" role="alert">{NOT_A_CHOICE}</p>' in body
    assert len(shown(response)) == 4  # unfiltered, not the tasks without an owner


def test_an_unknown_status_is_reported_and_changes_nothing(client, coordinator, wesel, plan):
    before = list(Task.objects.values_list("pk", "status", "due_on"))
    page = signed_in(client, coordinator)
    with CaptureQueriesContext(connection) as captured:
        response = page.get(reverse("task-list", args=[wesel.key]), {"status": "late"})
    assert response.status_code == 200
    assert NOT_A_CHOICE in response.content.decode()
    assert shown(response) == ["Erledigt", "Offen", "Spät", "Verworfen"]
    assert list(Task.objects.values_list("pk", "status", "due_on")) == before
    assert not writes(captured)


def test_the_current_status_is_marked_and_all_resets(client, coordinator, wesel, plan):
    url = reverse("task-list", args=[wesel.key])
    body = signed_in(client, coordinator).get(url, {"status": "done"}).content.decode()
    assert '<a class="kern-link" href="?status=done" aria-current="page">Done</a>' in body
    assert f'<a class="kern-link" href="{url}">All</a>' in body
    assert 'aria-label="Show tasks"' in body


def test_the_action_plan_filtered_takes_a_fixed_number_of_queries(
    client, coordinator, coord, wesel
):
    url = reverse("task-list", args=[wesel.key])
    page = signed_in(client, coordinator)

    def queries(data):
        with CaptureQueriesContext(connection) as captured:
            assert page.get(url, data).status_code == 200
        return len(captured)

    services.save_task(access=coord, region=wesel, data={"title": "T"})
    queries({})
    unfiltered, few = queries({}), queries({"status": "open"})
    assert few <= unfiltered and queries({"status": "x"}) <= unfiltered
    for number in range(15):
        services.save_task(access=coord, region=wesel, data={"title": f"U{number}"})
    assert queries({"status": "open"}) == few


# Materials


@pytest.fixture
def library(coord, wesel, borken, state_user):
    add(coord, wesel, "Protokollvorlage", elements=["steering_group"])
    add(coord, wesel, "Einladung Elterncafé", elements=["parent_cafe"], description="Vorlage")
    add(access_for(state_user), None, "Transferhandbuch", description="Für alle Regionen")
    other = access_for(UserFactory(role="coordinator", regions=[borken]))
    add(other, borken, "Borkener Vorlage", elements=["steering_group"])


def materials(response):
    return sorted(m.title for m in response.context["own"] + response.context["programme"])


def test_the_library_narrows_by_element_and_text(client, coordinator, wesel, library):
    page = signed_in(client, coordinator)
    url = reverse("material-list", args=[wesel.key])
    assert materials(page.get(url, {"element": "steering_group"})) == ["Protokollvorlage"]
    assert materials(page.get(url, {"q": "vorlage"})) == [
        "Einladung Elterncafé",
        "Protokollvorlage",
    ]
    assert materials(page.get(url, {"q": "vorlage", "element": "parent_cafe"})) == [
        "Einladung Elterncafé"
    ]
    programme = page.get(reverse("programme-material-list"), {"q": "Regionen"})
    assert materials(programme) == ["Transferhandbuch"]


def test_another_regions_materials_never_appear(client, coordinator, wesel, library):
    page = signed_in(client, coordinator)
    url = reverse("material-list", args=[wesel.key])
    for query in ({}, {"q": "Borken"}, {"element": "steering_group"}):
        assert "Borkener Vorlage" not in materials(page.get(url, query))


def test_an_unknown_element_is_reported_and_changes_nothing(client, coordinator, wesel, library):
    before = Material.objects.count()
    page = signed_in(client, coordinator)
    with CaptureQueriesContext(connection) as captured:
        response = page.get(
            reverse("material-list", args=[wesel.key]), {"element": "moat", "q": "Protokoll"}
        )
    assert response.status_code == 200
    assert field_error(response.content.decode(), "element") == NOT_A_CHOICE
    assert materials(response) == ["Protokollvorlage"]  # the text still applies
    assert Material.objects.count() == before and not writes(captured)


def test_the_library_filtered_takes_a_fixed_number_of_queries(client, coordinator, coord, wesel):
    url = reverse("material-list", args=[wesel.key])
    page = signed_in(client, coordinator)
    query = {"q": "Vorlage", "element": "steering_group"}

    def queries(data):
        with CaptureQueriesContext(connection) as captured:
            assert page.get(url, data).status_code == 200
        return len(captured)

    add(coord, wesel, "Vorlage 0", elements=["steering_group"])
    queries({})
    few = queries(query)
    for number in range(1, 6):
        add(coord, wesel, f"Vorlage {number}", elements=["steering_group"])
    assert queries(query) == few
    assert queries({"element": "x"}) <= queries({})
