"""The Kreis Wesel coordinator runs the Regionen-Check workshop in the product: fills in the
four parts, creates the action plan from it, and completes the steering-group task by
scheduling the meeting; the state level looks at every region and downloads the overview (a
long export); axe-core on every page."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from neuewege.cooperation.models import Material, Meeting, RegionCheck, Task
from neuewege.core.models import User
from tests.factories import PersonFactory, UserFactory

from .conftest import assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def coordinator(wesel):
    return UserFactory(
        role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de"
    )


def test_coordinator_fills_in_the_check_plans_and_completes_a_task(page, coordinator, wesel):
    sign_in(page, "koordination@kreis-wesel.de")
    page.wait_for_url("**/regions/05170/")
    page.locator(f"nav a[href='{reverse('region-dashboard', args=[wesel.key])}']").click()
    assert_accessible(page)

    # the Check: four parts, filled in during the workshop
    page.locator(f"main a[href='{reverse('check-create', args=[wesel.key])}']").click()
    page.wait_for_selector("#id_held_on")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()  # without a date: refused
    page.wait_for_selector("[data-error-summary]")
    assert_accessible(page)
    page.locator("#id_held_on").fill("2015-08-27")
    page.locator("#id_existing_structures").fill(
        "Arbeitskreis Frühe Hilfen; Netzwerk Familienzentren"
    )
    page.locator("#id_expectations").fill("Mehr Eltern in den Familienzentren erreichen")
    page.locator("input[name=elements][value=steering_group]").check()
    page.locator("input[name=elements][value=parent_cafe]").check()
    page.locator("input[name=offers][value=speaker_training]").check()
    page.locator("#id_dates").fill("Steuerungsgruppe im Dezember")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('check-detail', args=[wesel.key, 1])}")
    assert_accessible(page)
    assert RegionCheck.objects.get().elements == ["steering_group", "parent_cafe"]

    # the action plan from it
    page.locator(f"main a[href='{reverse('action-plan-create', args=[wesel.key, 1])}']").click()
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('task-list', args=[wesel.key])}")
    assert_accessible(page)
    task = Task.objects.get(element="steering_group")

    # the steering-group task is done by scheduling the meeting
    page.locator(f"a[href='{reverse('meeting-create', args=[wesel.key])}?task={task.pk}']").click()
    page.wait_for_selector("#id_date")
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=21)
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_starts").fill("10:00")
    page.locator("#id_ends").fill("12:00")
    page.locator("#id_place").fill("Kreishaus Wesel")
    page.locator("main form button[type=submit]").click()
    meeting = Meeting.objects.get()
    page.wait_for_url(f"**{reverse('meeting-detail', args=[wesel.key, meeting.pk])}")
    assert_accessible(page)
    page.goto(reverse("task-list", args=[wesel.key]) + "?status=done")
    assert page.locator("main tbody tr").count() == 1
    assert task.title in page.locator("main tbody").inner_text()
    assert_accessible(page)
    page.goto(reverse("region-dashboard", args=[wesel.key]))
    assert page.locator("canvas[data-chart]").count() == 1
    assert_accessible(page)


def test_state_level_sees_every_region_and_drills_down(page, wesel):
    UserFactory(role=User.Role.STATE, email="land@nrw.example")
    sign_in(page, "land@nrw.example")
    page.wait_for_url("**/state/")
    assert page.locator("main tbody tr").count() == 53
    assert_accessible(page)
    page.locator(f"main a[href='{reverse('region-dashboard', args=[wesel.key])}']").click()
    page.wait_for_url(f"**{reverse('region-dashboard', args=[wesel.key])}")
    assert_accessible(page)


def test_coordinator_shares_a_template_and_a_colleague_downloads_it(
    page, coordinator, wesel, tmp_path, family_centre
):
    template = tmp_path / "Einladung Elterncafé.pdf"
    template.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sign_in(page, "koordination@kreis-wesel.de")
    page.wait_for_url("**/regions/05170/")
    page.goto(reverse("material-list", args=[wesel.key]))
    assert_accessible(page)
    page.locator(f"main a[href='{reverse('material-create', args=[wesel.key])}']").click()
    page.wait_for_selector("#id_file")
    assert_accessible(page)
    page.locator("#id_title").fill("Einladung Elterncafé")
    page.locator("#id_kind").select_option("template")
    page.locator("input[name=elements][value=parent_cafe]").check()
    page.locator("#id_file").set_input_files(str(template))
    page.locator("main form button[type=submit]").press("Enter")
    material = Material.objects.get()
    page.wait_for_url(f"**{reverse('material-detail', args=[material.pk])}")
    assert_accessible(page)

    # a colleague of the family centre finds it by its element and downloads it
    page.context.clear_cookies()
    colleague = UserFactory(
        role=User.Role.STAFF,
        person=PersonFactory(institution=family_centre),
        email="fz@kreis-wesel.de",
    )
    sign_in(page, colleague.email)
    page.wait_for_load_state()
    page.goto(reverse("material-list", args=[wesel.key]) + "?element=parent_cafe")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Einladung Elterncafé.pdf").click()
    assert download.value.suggested_filename == "Einladung Elterncafé.pdf"
    assert material.versions.get().downloads == 1


def test_the_state_overview_is_made_in_the_background_and_then_downloaded(page, wesel, settings):
    """A long export with the task queue of production: the waiting page's bar (htmx polls)
    until the worker has made the file, which then downloads by itself; the link stays."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    UserFactory(role=User.Role.STATE, email="land@nrw.example")
    sign_in(page, "land@nrw.example")
    page.wait_for_url("**/state/")
    page.get_by_role("link", name="Als XLSX herunterladen").click()
    page.wait_for_url("**/exports/files/*/?download=1")
    expect(page.get_by_role("heading", name="Alle Regionen im Überblick")).to_be_visible()
    expect(page.get_by_label("Die Datei wird erstellt")).to_be_visible()  # the bar
    expect(page.get_by_text("Warten auf den Hintergrunddienst")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as started:  # htmx polled, the page reloaded and fetched it
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert started.value.suggested_filename == "neue-wege-regionen.xlsx"
    page.get_by_text("Die Datei ist fertig.").wait_for()
    assert_accessible(page)
    with page.expect_download() as download:  # the link, for a second copy
        page.get_by_role("link", name="neue-wege-regionen.xlsx herunterladen").click()
    assert download.value.suggested_filename == "neue-wege-regionen.xlsx"
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet["A1"].value == "Region" and sheet.max_row == 54
