"""A coordinator's first hour: sign in, see only Kreis Wesel, import a list, open a centre."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from neuewege.core.models import Institution, User
from tests.factories import InstitutionFactory, UserFactory

from .conftest import assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CSV = (
    "Kreisschlüssel;Art;Name;Straße;PLZ;Ort;Träger;Trägerart;Jugendamt\n"
    "05170;Jugendamt;Jugendamt Moers;Unterwallstraße 9;47441;Moers;;;\n"
    "05170;Familienzentrum;Familienzentrum Regenbogen Moers;Rheinberger Straße 12;47441;Moers;"
    "Ev. Kirchengemeinde Moers;evangelisch;Jugendamt Moers\n"
)


@pytest.fixture
def coordinator(wesel, borken):
    InstitutionFactory(region=wesel, name="Städt. Familienzentrum Kunterbunt Wesel")
    InstitutionFactory(region=borken, name="Familienzentrum Borkener Land", postcode="46325")
    return UserFactory(
        role=User.Role.COORDINATOR,
        regions=[wesel],
        email="karin@kreis-wesel.de",
        first_name="Karin",
        last_name="Koordinatorin",
    )


def test_coordinator_signs_in_imports_a_list_and_opens_a_family_centre(page, coordinator, tmp_path):
    page.goto("/login/")
    assert_accessible(page)
    sign_in(page, "karin@kreis-wesel.de")

    page.wait_for_url("**/regions/05170/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kreis Wesel"
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_role("link", name="Einrichtungen", exact=True).click()
    expect(page.get_by_text("Städt. Familienzentrum Kunterbunt Wesel")).to_be_visible()
    assert page.get_by_text("Borkener Land").count() == 0
    assert_accessible(page)
    assert page.goto("/regions/05554/").status == 404

    page.goto("/regions/05170/")
    page.get_by_role("navigation", name="Region").get_by_role("link", name="Import").click()
    assert_accessible(page)
    page.get_by_label("Einrichtungen").check()
    upload = tmp_path / "familienzentren.csv"
    upload.write_bytes(CSV.encode("utf-8-sig"))
    page.get_by_label("Datei").set_input_files(str(upload))
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.get_by_text("Alle Zeilen sind korrekt.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import bestätigen").click()
    assert (
        page.get_by_role("alert")
        .or_(page.get_by_role("status"))
        .first.inner_text()
        .startswith("Import abgeschlossen")
    )
    assert_accessible(page)

    centre = Institution.objects.get(name="Familienzentrum Regenbogen Moers")
    assert centre.youth_welfare_office.name == "Jugendamt Moers"
    page.get_by_role("link", name="Einrichtungen anzeigen").click()
    page.get_by_role("link", name="Familienzentrum Regenbogen Moers").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Familienzentrum Regenbogen Moers"
    expect(page.get_by_text("DSG-EKD", exact=True)).to_be_visible()
    assert_accessible(page)


def test_form_errors_are_announced_and_reachable_by_keyboard(page, coordinator):
    sign_in(page, "karin@kreis-wesel.de")
    page.wait_for_url("**/regions/05170/")
    page.goto("/regions/05170/institutions/new/")
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Familienzentrum ohne PLZ")
    page.get_by_role("button", name="Speichern").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(page)
    summary.get_by_role("link", name="Postleitzahl").first.click()
    assert page.evaluate("document.activeElement.id") == "id_postcode"
    assert not Institution.objects.filter(name="Familienzentrum ohne PLZ").exists()


def test_institution_map_appears_only_with_tiles_switched_on(
    page, coordinator, live_server, settings
):
    centre = Institution.objects.get(name="Städt. Familienzentrum Kunterbunt Wesel")
    centre.latitude, centre.longitude = 51.6583, 6.6178
    centre.save()
    sign_in(page, "karin@kreis-wesel.de")
    page.wait_for_url("**/regions/05170/")
    page.goto(f"/institutions/{centre.pk}/")
    assert page.locator(".leaflet-container").count() == 0
    # tiles from the test server itself: no request leaves the machine
    settings.MAP_TILES_URL = live_server.url + "/static/tiles/{z}/{x}/{y}.png"
    page.goto(f"/institutions/{centre.pk}/")
    page.locator(".leaflet-marker-icon").wait_for()
    assert page.locator(".leaflet-marker-icon").get_attribute("title") == centre.name
    assert_accessible(page)


def test_the_progress_bar_follows_the_background_worker(page, coordinator, tmp_path, settings):
    """With the task queue of production: the page polls (htmx) while the worker checks and
    imports, and shows the result once it is done, without a reload by hand."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sign_in(page, "karin@kreis-wesel.de")
    page.wait_for_url("**/regions/05170/")
    page.goto("/regions/05170/import/")
    page.get_by_label("Einrichtungen").check()
    upload = tmp_path / "familienzentren.csv"
    upload.write_bytes(CSV.encode("utf-8-sig"))
    page.get_by_label("Datei").set_input_files(str(upload))
    page.get_by_role("button", name="Datei prüfen").click()

    bar = page.get_by_label("Die Zeilen werden geprüft")
    expect(bar).to_be_visible()
    expect(page.get_by_text("Warten auf den Hintergrunddienst")).to_be_visible()
    assert_accessible(page)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    page.get_by_text("Alle Zeilen sind korrekt.").wait_for()  # htmx polled, the page reloaded

    page.get_by_role("button", name="Import bestätigen").click()
    expect(page.get_by_label("Die Zeilen werden importiert")).to_be_visible()
    assert_accessible(page)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    page.get_by_text("Import abgeschlossen: 2 angelegt, 0 aktualisiert.").wait_for()
    assert_accessible(page)
    assert Institution.objects.filter(name="Familienzentrum Regenbogen Moers").exists()
