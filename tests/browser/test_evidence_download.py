"""A family centre downloads its evidence for the Gütesiegel in one click: the button on the
centre's evidence page leads to the waiting page of the background export, whose bar htmx polls
while the worker (the task queue of production) makes the PDF; once it is done the download
starts by itself, said in the page's status, with the link kept for a second copy. axe-core on
the pages."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from neuewege.core.models import User
from tests.agreements.test_evidence import world  # noqa: F401 - the centre's year 2025
from tests.factories import PersonFactory, UserFactory

from .conftest import assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_the_evidence_pack_downloads_in_one_click(browser, live_server, world, settings):  # noqa: F811
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    centre = world["centre"]
    person = PersonFactory(institution=centre, first_name="Hanna", last_name="Leitung")
    UserFactory(role=User.Role.STAFF, person=person, email="leitung@fz-sonnenschein.example")
    context = browser.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, "leitung@fz-sonnenschein.example")
    page.goto(reverse("centre-evidence", args=[centre.pk]))
    page.get_by_label("From").fill("2025-01-01")
    page.get_by_label("Until").fill("2025-12-31")
    downloads = []
    page.on("download", lambda download: downloads.append(download))

    page.get_by_role("button", name="Download the overview (PDF)").click()  # the one click
    page.wait_for_url("**/exports/files/*/?download=1")
    expect(page.get_by_label("Making the file")).to_be_visible()  # the bar, polled
    assert_accessible(page)
    with page.expect_download() as download:  # no second click: the worker, then the page
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert download.value.suggested_filename.startswith("nachweise-guetesiegel-")
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Frühstück für Eltern" in text and "09/02/2025, 09/16/2025" in text

    status = page.get_by_role("status")
    expect(status).to_contain_text("The file is ready.")
    expect(status).to_contain_text("The download starts by itself.")
    assert page.url.endswith("/")  # the marker gone: a reload shows the link only
    assert_accessible(page)
    page.reload()
    expect(page.get_by_text("The download starts by itself.")).to_have_count(0)
    with page.expect_download() as again:  # the link stays for a second copy
        page.get_by_role("link", name="Download nachweise-guetesiegel-").click()
    assert again.value.suggested_filename == download.value.suggested_filename
    assert len(downloads) == 2  # the one of the first click, and the one asked for again
    context.close()
