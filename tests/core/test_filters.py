"""List filters (django-filter) of master data, and what every list filter does: narrow the
list, report an invalid value at its field and leave that filter out, render an accessible
form, keep the filters in the pagination links, cap free text, offer only what the account may
see, and cost no more queries for a longer list."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from neuewege.core.access import access_for
from neuewege.core.filters import InstitutionFilter, PersonFilter
from neuewege.core.models import Institution, Person
from neuewege.core.selectors import institutions
from tests.factories import InstitutionFactory, PersonFactory

pytestmark = pytest.mark.django_db
NOT_A_CHOICE = "There is no such choice. The list is shown without this filter."


@pytest.fixture
def english(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def listed(response, attribute="name"):
    return [getattr(record, attribute) for record in response.context["page"].object_list]


def field_error(body, name):
    """The error shown inside the field group of ``name`` (label, error, input)."""
    group = re.search(
        rf'<div class="kern-form-input[^"]*">\s*<label[^>]*for="id_{name}".*?</div>', body, re.S
    )
    assert group, f"no field {name}"
    error = re.search(r'<p class="kern-error" id="id_\w+_error" role="alert">(.*?)</p>', group[0])
    return error[1] if error else None


def writes(captured):
    """What a request wrote, but for its session."""
    return [
        query["sql"]
        for query in captured
        if query["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}
        and "django_session" not in query["sql"]
    ]


# Institutions


def test_the_institution_list_narrows_by_kind_and_text(english, wesel):
    InstitutionFactory(region=wesel, name="FZ Regenbogen", town="Moers", postcode="47441")
    InstitutionFactory(region=wesel, kind="job_centre", job_centre_type="joint", name="JC Wesel")
    url = reverse("institution-list", args=[wesel.key])
    assert listed(english.get(url)) == ["FZ Regenbogen", "JC Wesel"]
    assert listed(english.get(url, {"kind": "job_centre"})) == ["JC Wesel"]
    assert listed(english.get(url, {"kind": "family_centre", "q": " moers "})) == ["FZ Regenbogen"]
    assert listed(english.get(url, {"q": "4744"})) == ["FZ Regenbogen"]
    assert listed(english.get(url, {"kind": "job_centre", "q": "Moers"})) == []


def test_an_unknown_kind_is_reported_at_its_field_and_left_out(english, wesel):
    InstitutionFactory(region=wesel, name="FZ Regenbogen", town="Moers")
    InstitutionFactory(region=wesel, name="FZ Xanten", town="Xanten")
    before = Institution.objects.count()
    url = reverse("institution-list", args=[wesel.key])
    with CaptureQueriesContext(connection) as captured:
        response = english.get(url, {"kind": "castle", "q": "Moers"})
    body = response.content.decode()
    assert response.status_code == 200
    assert field_error(body, "kind") == NOT_A_CHOICE and field_error(body, "q") is None
    assert listed(response) == ["FZ Regenbogen"]  # the valid filter still applies
    assert Institution.objects.count() == before and not writes(captured)


def test_free_text_is_capped_at_100_characters(english, wesel):
    InstitutionFactory(region=wesel, name="A" * 100)
    url = reverse("institution-list", args=[wesel.key])
    response = english.get(url, {"q": "a" * 100 + "zzz"})
    assert listed(response) == ["A" * 100]  # the part past 100 characters is not searched
    assert response.context["filters"].form.cleaned_data["q"] == "a" * 100
    assert 'maxlength="100"' in response.content.decode()


def test_other_regions_never_appear_whatever_the_filter(english, wesel, borken):
    InstitutionFactory(region=borken, name="FZ Regenbogen Borken", postcode="46325")
    url = reverse("institution-list", args=[wesel.key])
    for query in ({}, {"q": "Borken"}, {"q": "46325"}, {"kind": "family_centre"}):
        assert "Borken" not in " ".join(listed(english.get(url, query)))


def test_the_filter_form_has_labels_a_button_and_a_reset_link(english, wesel):
    url = reverse("institution-list", args=[wesel.key])
    body = english.get(url).content.decode()
    form = re.search(r'<form method="get" class="filter-form".*?</form>', body, re.S)[0]
    for name in ("q", "kind"):
        assert f'<label class="kern-label" for="id_{name}">' in form
        assert f'id="id_{name}"' in form
    assert 'type="search"' in form and "– optional" not in form
    assert '<button class="kern-btn kern-btn--secondary" type="submit">' in form
    assert 'aria-label="Filter institutions"' in form
    assert "Reset filters" not in form  # nothing to reset yet
    filtered = english.get(url, {"kind": "job_centre"}).content.decode()
    assert f'<a class="kern-link" href="{url}">Reset filters</a>' in filtered
    assert '<option value="job_centre" selected>' in filtered


def test_pagination_keeps_the_filters(english, wesel):
    for number in range(settings.PAGE_SIZE + 1):
        InstitutionFactory(region=wesel, name=f"FZ Moers {number:02}", town="Moers")
    InstitutionFactory(region=wesel, kind="job_centre", job_centre_type="joint", name="JC Moers")
    url = reverse("institution-list", args=[wesel.key])
    body = english.get(url, {"kind": "family_centre", "q": "Moers"}).content.decode()
    assert 'href="?kind=family_centre&amp;q=Moers&amp;page=2"' in body
    second = english.get(url, {"kind": "family_centre", "q": "Moers", "page": "2"})
    assert listed(second) == [f"FZ Moers {settings.PAGE_SIZE:02}"]
    assert 'href="?kind=family_centre&amp;q=Moers&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("institution-list", {"kind": "family_centre", "q": "Familienzentrum"}),
        ("institution-list", {"kind": "castle"}),
        ("person-list", {"function": "family_centre_head", "q": "Anna"}),
        ("person-list", {"function": "king"}),
    ],
)
def test_a_filtered_list_takes_a_fixed_number_of_queries(
    client, coordinator, wesel, url_name, query
):
    client.force_login(coordinator)
    url = reverse(url_name, args=[wesel.key])

    def queries(data):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, data).status_code == 200
        return len(captured)

    PersonFactory(institution=InstitutionFactory(region=wesel))
    queries({})  # the session's first page also checks once whether it owes a second factor
    unfiltered, few = queries({}), queries(query)
    assert few <= unfiltered  # filtering costs no query of its own
    for _ in range(30):
        PersonFactory(institution=InstitutionFactory(region=wesel))
    assert queries(query) == few


# People


def test_the_person_list_narrows_by_function_and_text(english, wesel, family_centre):
    PersonFactory(institution=family_centre, last_name="Kaya", function="family_centre_staff")
    PersonFactory(institution=family_centre, last_name="Schmitz", email="schmitz@fz.example")
    url = reverse("person-list", args=[wesel.key])
    people = lambda query: listed(english.get(url, query), "last_name")
    assert people({"function": "family_centre_staff"}) == ["Kaya"]
    assert people({"q": "schmitz@"}) == ["Schmitz"]
    assert people({"q": "Sonnenschein"}) == ["Kaya", "Schmitz"]  # the institution's name


def test_an_unknown_function_is_reported_and_the_list_shown_unfiltered(english, wesel):
    PersonFactory(institution=InstitutionFactory(region=wesel), last_name="Kaya")
    before = Person.objects.count()
    response = english.get(reverse("person-list", args=[wesel.key]), {"function": "king"})
    assert response.status_code == 200
    assert field_error(response.content.decode(), "function") == NOT_A_CHOICE
    assert listed(response, "last_name") == ["Kaya"] and Person.objects.count() == before


def test_people_of_other_regions_never_appear(english, wesel, borken):
    PersonFactory(institution=InstitutionFactory(region=borken), last_name="Borkener")
    url = reverse("person-list", args=[wesel.key])
    for query in ({}, {"q": "Borkener"}, {"function": "family_centre_head"}):
        assert listed(english.get(url, query), "last_name") == []


def test_the_error_message_is_german_by_default(client, coordinator, wesel):
    client.force_login(coordinator)
    body = client.get(reverse("person-list", args=[wesel.key]), {"function": "x"}).content
    assert "Diese Auswahl gibt es nicht." in body.decode()
    assert "Filter zurücksetzen" in body.decode()


# The FilterSet on its own: it filters what the selector returns


def test_a_filterset_filters_only_the_selectors_queryset(coordinator, wesel, borken):
    InstitutionFactory(region=borken, name="FZ Borken")
    access = access_for(coordinator)
    scoped = institutions(access, region=wesel)
    filters = InstitutionFilter({"q": "Borken"}, scoped, access=access, region=wesel)
    assert list(filters.qs) == []
    assert PersonFilter({}, Person.objects.none(), access=access).is_filtered is False
