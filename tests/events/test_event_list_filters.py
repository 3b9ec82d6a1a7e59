"""The filters of the staff's event list (events/filters.py): time, status, format and family
centre; only the region's family centres on offer; an invalid value reported at its field and
left out; the filters kept in the pagination links; no query more for more events."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from neuewege.events.models import ParentEvent
from tests.core.test_filters import NOT_A_CHOICE, field_error, writes
from tests.factories import InstitutionFactory, make_event

pytestmark = pytest.mark.django_db
UPCOMING_INSTEAD = "There is no such choice. The list shows the upcoming events."


@pytest.fixture
def english(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(wesel, borken, family_centre):
    other = InstitutionFactory(region=wesel, name="Familienzentrum Hamminkeln")
    far = InstitutionFactory(region=borken, name="Familienzentrum Borken")
    return {
        "cafe": make_event(family_centre, title="Elterncafé"),
        "info": make_event(other, "info_session", title="Themenabend"),
        "draft": make_event(other, title="Entwurf", status="draft"),
        "past": make_event(
            family_centre, starts=timezone.now() - timedelta(days=30), title="Winterfest"
        ),
        "borken": make_event(far, title="Borkener Elterncafé"),
        "other": other,
        "far": far,
    }


def titles(response):
    return sorted(event.title for event in response.context["page"].object_list)


def test_each_filter_narrows_the_list(english, wesel, family_centre, world):
    url = reverse("event-list", args=[wesel.key])
    assert titles(english.get(url)) == ["Elterncafé", "Entwurf", "Themenabend"]
    assert titles(english.get(url, {"when": "past"})) == ["Winterfest"]
    assert titles(english.get(url, {"status": "draft"})) == ["Entwurf"]
    assert titles(english.get(url, {"format": "info_session"})) == ["Themenabend"]
    by_centre = english.get(url, {"when": "all", "centre": family_centre.pk})
    assert titles(by_centre) == ["Elterncafé", "Winterfest"]
    both = {"centre": world["other"].pk, "format": "parent_cafe", "status": "draft"}
    assert titles(english.get(url, both)) == ["Entwurf"]


def test_only_the_regions_family_centres_are_offered(english, wesel, world):
    InstitutionFactory(region=wesel, kind="job_centre", job_centre_type="joint", name="JC Wesel")
    response = english.get(reverse("event-list", args=[wesel.key]))
    centres = dict(response.context["filters"].form.fields["centre"].choices)
    assert set(centres.values()) == {
        "All family centres",
        "Familienzentrum Sonnenschein Wesel",
        "Familienzentrum Hamminkeln",
    }
    body = response.content.decode()
    assert "Familienzentrum Borken" not in body and "JC Wesel" not in body


def test_another_regions_centre_is_reported_and_shows_nothing_of_it(english, wesel, world):
    url = reverse("event-list", args=[wesel.key])
    before = list(ParentEvent.objects.values_list("pk", "status"))
    with CaptureQueriesContext(connection) as captured:
        response = english.get(url, {"centre": world["far"].pk, "when": "all"})
    assert response.status_code == 200
    assert field_error(response.content.decode(), "centre") == NOT_A_CHOICE
    assert "Borken" not in " ".join(titles(response))
    assert titles(response) == ["Elterncafé", "Entwurf", "Themenabend", "Winterfest"]
    assert list(ParentEvent.objects.values_list("pk", "status")) == before
    assert not writes(captured)


@pytest.mark.parametrize(
    "bad",
    [
        {"when": "tomorrow"},
        {"status": "x"},
        {"format": "party"},
        {"centre": "abc"},
        {"centre": "99999999999999999999999"},
        {"centre": "-1"},
    ],
)
def test_an_invalid_value_is_reported_and_left_out(english, wesel, world, bad):
    response = english.get(reverse("event-list", args=[wesel.key]), bad)
    assert response.status_code == 200
    [(name, _value)] = bad.items()
    expected = UPCOMING_INSTEAD if name == "when" else NOT_A_CHOICE
    assert field_error(response.content.decode(), name) == expected
    # unfiltered: the upcoming events (the default time), as without the value
    assert titles(response) == ["Elterncafé", "Entwurf", "Themenabend"]


def test_the_time_sets_the_date_column(english, wesel, world):
    url = reverse("event-list", args=[wesel.key])
    assert "Next date" in english.get(url).content.decode()
    assert "Last date" in english.get(url, {"when": "past"}).content.decode()
    assert "First date" in english.get(url, {"when": "all"}).content.decode()
    assert "Next date" in english.get(url, {"when": "x"}).content.decode()


def test_pagination_keeps_the_filters(english, wesel, family_centre):
    for number in range(settings.PAGE_SIZE + 1):
        make_event(family_centre, title=f"Elterncafé {number}")
    url = reverse("event-list", args=[wesel.key])
    query = {"when": "all", "status": "published", "centre": family_centre.pk}
    body = english.get(url, query).content.decode()
    expected = f"?when=all&amp;status=published&amp;centre={family_centre.pk}&amp;page=2"
    assert f'href="{expected}"' in body
    assert len(english.get(url, {**query, "page": 2}).context["page"].object_list) == 1


def test_a_filtered_list_takes_the_same_queries_for_more_events(english, wesel, family_centre):
    url = reverse("event-list", args=[wesel.key])
    query = {"when": "all", "status": "published", "format": "parent_cafe"}

    def queries(data):
        with CaptureQueriesContext(connection) as captured:
            assert english.get(url, data).status_code == 200
        return len(captured)

    make_event(family_centre, dates=2)
    queries({})  # the session's first page also checks once whether it owes a second factor
    unfiltered = queries({"when": "all"})
    few = queries({**query, "centre": family_centre.pk})
    assert few <= unfiltered
    assert queries({**query, "centre": "abc"}) <= unfiltered
    for index in range(12):
        make_event(family_centre, dates=2, title=f"Elterncafé {index}")
    assert queries({**query, "centre": family_centre.pk}) == few
