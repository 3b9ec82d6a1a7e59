"""A coordinator filters the lists by their forms: the labels lead to the fields, an invalid value
from an old bookmark is named at its field, "reset filters" empties the form; axe finds nothing,
also with the message shown, on a phone and on a desktop."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from neuewege.core.models import User
from tests.factories import InstitutionFactory, UserFactory, make_event

from .conftest import PHONE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(wesel, borken):
    centre = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen Moers", town="Moers")
    other = InstitutionFactory(region=wesel, name="Familienzentrum Kunterbunt Wesel")
    InstitutionFactory(region=borken, name="Familienzentrum Borkener Land", postcode="46325")
    make_event(centre, title="Elterncafé Regenbogen")
    make_event(other, "info_session", title="Themenabend Kita-Start")
    return UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="karin@kreis-wesel.de")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}])
def test_the_event_list_is_filtered_by_its_form(page, coordinator, wesel, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, "karin@kreis-wesel.de")
    url = reverse("event-list", args=[wesel.key])
    page.goto(url + "?centre=abc&format=info_session")  # an old bookmark
    form = page.get_by_role("search", name="Veranstaltungen filtern")
    expect(form.get_by_text("Diese Auswahl gibt es nicht.")).to_be_visible()
    expect(page.locator("main tbody")).to_contain_text("Themenabend Kita-Start")
    expect(page.locator("main tbody")).not_to_contain_text("Elterncafé Regenbogen")
    assert_accessible(page)

    centres = form.get_by_label("Familienzentrum")
    assert "Familienzentrum Borkener Land" not in centres.inner_text()
    centres.select_option(label="Familienzentrum Regenbogen Moers")
    form.get_by_label("Format").select_option("")
    form.get_by_role("button", name="Filtern").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_have_text("1 Veranstaltung gefunden")
    expect(page.locator("main tbody")).to_contain_text("Elterncafé Regenbogen")
    assert page.get_by_text("Diese Auswahl gibt es nicht.").count() == 0
    assert_accessible(page)

    form.get_by_role("link", name="Filter zurücksetzen").click()
    page.wait_for_url(f"**{url}")
    expect(page.get_by_role("status")).to_have_text("2 Veranstaltungen gefunden")


def test_the_institution_list_searches_by_text(page, coordinator, wesel):
    sign_in(page, "karin@kreis-wesel.de")
    page.goto(reverse("institution-list", args=[wesel.key]))
    form = page.get_by_role("search", name="Einrichtungen filtern")
    form.get_by_label("Name, Ort oder Postleitzahl").fill("Moers")
    form.get_by_label("Name, Ort oder Postleitzahl").press("Enter")
    page.wait_for_load_state()
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Familienzentrum Regenbogen Moers")
    assert_accessible(page)
