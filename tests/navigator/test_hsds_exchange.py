"""The exchange's pages: the datapackage download (a region for its staff, every region for the
state level in the background) and the import page with its report."""

import io
import zipfile

import pytest
from django.test import TestCase
from django.urls import reverse

from neuewege.core.models import ExportFile
from neuewege.navigator.hsds import export
from neuewege.navigator.models import HsdsImport, Offer, Organization
from tests.exports import fetched

from .test_hsds_import import delete_directory, package, rewrite, set_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def members(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.namelist(), archive.read("services.csv").decode()


def test_staff_download_their_region_and_no_other(client, staff, directory):
    client.force_login(staff)
    response = client.get("/exports/hsds-datapackage.zip", {"region_key": "05170"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names, services = members(response.content)
    assert "datapackage.json" in names and "services.csv" in names
    assert "Schuldnerberatung Wesel" in services and "Borken" not in services
    assert "0281 123459-12" not in response.content.decode("latin-1")
    other = client.get("/exports/hsds-datapackage.zip", {"region_key": "05554"})
    assert other.status_code == 404
    assert client.get("/exports/hsds-datapackage-state.zip").status_code == 403


def test_the_state_level_gets_every_region_in_the_background(client, state_user, directory):
    client.force_login(state_user)
    response = client.get("/exports/hsds-datapackage-state.zip")
    file = ExportFile.objects.get()
    assert response.url == reverse("export-file", kwargs={"pk": file.pk}) + "?download=1"
    _names, services = members(fetched(client, response).content)
    assert "Schuldnerberatung Borken" in services and "Schuldnerberatung Wesel" in services


def test_the_import_page_imports_and_shows_the_report(web, directory, wesel):
    content = package(wesel)
    delete_directory(wesel)
    page = web.get(reverse("hsds-import", kwargs={"region_key": "05170"}))
    assert page.status_code == 200 and "Open Referral" in page.content.decode()
    upload = io.BytesIO(content)
    upload.name = "wesel.zip"
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task runs (immediate backend)
        response = web.post(
            reverse("hsds-import", kwargs={"region_key": "05170"}), {"file": upload}
        )
    record = HsdsImport.objects.get()
    assert response.url == reverse(
        "hsds-import-result", kwargs={"region_key": "05170", "import_id": record.pk}
    )
    result = web.get(response.url).content.decode()
    assert "Import finished: 11 created, 0 updated." in result
    assert Offer.objects.filter(region=wesel).count() == 4
    record.refresh_from_db()
    assert record.applied_at and bytes(record.content) == b""


def test_a_refused_file_shows_every_problem_and_saves_nothing(web, directory, wesel):
    content = rewrite(package(wesel), "services.csv", set_field("status", "offen"))
    delete_directory(wesel)
    upload = io.BytesIO(content)
    upload.name = "wesel.zip"
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task runs (immediate backend)
        response = web.post(
            reverse("hsds-import", kwargs={"region_key": "05170"}), {"file": upload}
        )
    result = web.get(response.url).content.decode()
    assert "The file was refused. Nothing was saved." in result
    assert "services.csv, 2" in result and "status:" in result
    assert not Organization.objects.filter(region=wesel).exists()


def test_a_file_that_is_no_zip_nor_json_is_refused_at_the_field(web, wesel):
    upload = io.BytesIO(b"id,name")
    upload.name = "offers.csv"
    page = web.post(reverse("hsds-import", kwargs={"region_key": "05170"}), {"file": upload})
    assert page.status_code == 200
    assert "Upload a .zip or a .json file." in page.content.decode()
    assert not HsdsImport.objects.exists()


def test_staff_may_not_import(client, staff, wesel):
    client.force_login(staff)
    assert client.get(reverse("hsds-import", kwargs={"region_key": "05170"})).status_code == 403


def test_another_accounts_upload_is_not_found(web, client, wesel, coordinator):
    record = HsdsImport.objects.create(
        region=wesel, filename="x.zip", content=b"", uploaded_by=None
    )
    url = reverse("hsds-import-result", kwargs={"region_key": "05170", "import_id": record.pk})
    assert web.get(url).status_code == 404
    assert export


def test_while_the_import_waits_the_page_shows_a_progress_bar(web, directory, wesel):
    upload = io.BytesIO(package(wesel))
    upload.name = "wesel.zip"
    response = web.post(reverse("hsds-import", kwargs={"region_key": "05170"}), {"file": upload})
    page = web.get(response.url).content.decode()
    assert '<progress id="work-progress-bar"' in page and f'hx-get="{response.url}"' in page
    polled = web.get(response.url, HTTP_HX_REQUEST="true")
    assert "<html" not in polled.content.decode()
