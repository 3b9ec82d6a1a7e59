"""Imports as background work (issue 12, defect 7): the upload and the confirmation return at
once, a progress bar follows the check and the import, the result is kept with the upload, a
second confirmation imports nothing twice, and work that fails or stalls says so."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from neuewege.core import progress, services
from neuewege.core.access import system_access
from neuewege.core.imports import Importer
from neuewege.core.models import ImportBatch, Institution, Region
from neuewege.core.tasks import apply_import, check_import
from tests.conftest import WESEL
from tests.core.test_imports import centre, confirm, institutions_csv, upload
from tests.events.test_concurrency import run_together
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def preview_url(batch):
    return reverse("import-preview", kwargs={"region_key": batch.region.key, "pk": batch.pk})


def rows(count):
    return institutions_csv(
        *(centre(external_id=f"FZ-{n:05d}", name=f"Familienzentrum {n}") for n in range(count))
    )


def upload_without_running_the_check(client, content):
    """The upload as a worker that has not yet taken the task sees it."""
    file = io.BytesIO(content)
    file.name = "liste.csv"
    return client.post(
        reverse("import-upload", kwargs={"region_key": "05170"}),
        {"kind": "institutions", "file": file},
    )


def test_while_the_check_waits_the_page_shows_a_progress_bar_that_htmx_polls(web):
    response = upload_without_running_the_check(web, rows(3))
    batch = ImportBatch.objects.get()
    assert response.url == preview_url(batch)
    page = web.get(preview_url(batch)).content.decode()
    assert f'hx-get="{preview_url(batch)}"' in page
    assert 'hx-trigger="every 1s"' in page
    assert '<progress id="work-progress-bar" max="100" value="0">' in page
    assert "Waiting for the background service" in page
    assert "Nothing is saved yet" in page

    polled = web.get(preview_url(batch), HTTP_HX_REQUEST="true")
    assert polled.status_code == 200
    assert polled.content.decode().lstrip().startswith('<div class="kern-progress')
    assert "<html" not in polled.content.decode()

    web.post(preview_url(batch))  # a confirmation sent before the check has finished
    batch.refresh_from_db()
    assert batch.confirmed_at is None

    check_import.call(batch_id=batch.pk)  # the worker takes the task
    polled = web.get(preview_url(batch), HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"  # htmx reloads the page, which shows the report
    page = web.get(preview_url(batch)).content.decode()
    assert "All rows are correct." in page and "Confirm import" in page
    assert "work-progress" not in page


def test_the_report_is_kept_with_the_upload_in_the_uploaders_language(client, coordinator):
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    upload(client, institutions_csv(centre(postcode="4648X")))
    batch = ImportBatch.objects.get()
    assert batch.language == "de"
    assert batch.work_state == "done" and batch.work_done == batch.work_total == 1
    assert batch.report["rows"][0][3] == [["PLZ", "Eine Postleitzahl hat genau 5 Ziffern."]]


def test_progress_counts_the_rows_checked():
    calls = []
    Importer(access=system_access(), kind="institutions").check(
        "l.csv", rows(450), progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(0, 450), (200, 450), (400, 450), (450, 450)]


def test_confirming_twice_imports_once(web):
    upload(web, rows(5))
    batch = ImportBatch.objects.get()
    first = confirm(web, preview_url(batch))
    second = confirm(web, preview_url(batch))
    assert first.url == second.url == preview_url(batch)
    assert Institution.objects.count() == 5
    batch.refresh_from_db()
    assert (batch.created_count, batch.updated_count) == (5, 0)
    page = web.get(preview_url(batch)).content.decode()
    assert "Import finished: 5 created, 0 updated." in page
    assert "5 created" in web.get(reverse("import-upload", args=["05170"])).content.decode()


def test_the_import_page_shows_progress_until_the_import_is_done(web):
    upload(web, rows(2))
    batch = ImportBatch.objects.get()
    web.post(preview_url(batch))  # confirmed; the worker has not yet taken the task
    page = web.get(preview_url(batch)).content.decode()
    assert "Importing the rows" in page and "all of them or none" in page
    assert not Institution.objects.exists()
    apply_import.call(batch_id=batch.pk)
    assert web.get(preview_url(batch), HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    assert "Import finished: 2 created" in web.get(preview_url(batch)).content.decode()


def test_a_task_that_fails_shows_what_happened_and_saves_nothing(web):
    upload(web, rows(2))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(kind="bogus")  # the importer cannot run it
    web.post(preview_url(batch))
    with pytest.raises(ValueError):
        apply_import.call(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.work_state == "failed" and batch.applied_at is None
    assert web.get(preview_url(batch), HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    page = web.get(preview_url(batch)).content.decode()
    assert "The import could not be finished. Nothing was saved." in page
    assert "An error occurred in the application; it has been logged." in page
    assert "work-progress" not in page
    assert not Institution.objects.exists()


def test_the_immediate_backend_marks_a_failed_check(web):
    upload_without_running_the_check(web, rows(1))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(kind="bogus")
    result = check_import.enqueue(batch_id=batch.pk)  # the backend of the tests runs it at once
    assert result.status == "FAILED"
    page = web.get(preview_url(batch)).content.decode()
    assert "The check could not be finished." in page


def test_work_that_stalls_is_reported_not_waited_for_forever(web):
    upload_without_running_the_check(web, rows(1))
    batch = ImportBatch.objects.get()
    assert "work-progress" in web.get(preview_url(batch)).content.decode()
    stalled = timezone.now() - progress.STALLED_AFTER - timedelta(seconds=1)
    ImportBatch.objects.filter(pk=batch.pk).update(work_updated_at=stalled)
    assert web.get(preview_url(batch), HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    page = web.get(preview_url(batch)).content.decode()
    assert "The background service did not finish the work in time" in page
    assert "Upload the file again" in page


def test_the_progress_is_the_uploaders_only(client, web, coordinator, wesel):
    upload_without_running_the_check(web, rows(1))
    batch = ImportBatch.objects.get()
    client.force_login(UserFactory(role="coordinator", regions=[wesel]))
    assert client.get(preview_url(batch), HTTP_HX_REQUEST="true").status_code == 404
    assert client.post(preview_url(batch)).status_code == 404


def test_the_upload_page_lists_the_uploaders_unfinished_uploads(web):
    upload_without_running_the_check(web, rows(1))
    batch = ImportBatch.objects.get()
    page = web.get(reverse("import-upload", args=["05170"])).content.decode()
    assert "Your uploads not yet imported" in page and preview_url(batch) in page


# The database backend, with its worker, for real


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_the_database_backends_worker_checks_and_imports(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    coordinator = UserFactory(role="coordinator", regions=[Region.objects.get(key=WESEL)])
    client.force_login(coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    upload_without_running_the_check(client, rows(3))
    batch = ImportBatch.objects.get()
    assert "Waiting for the background service" in client.get(preview_url(batch)).content.decode()

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert "All rows are correct." in client.get(preview_url(batch)).content.decode()
    client.post(preview_url(batch))
    client.post(preview_url(batch))  # a second click
    assert not Institution.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert Institution.objects.count() == 3
    assert "Import finished: 3 created" in client.get(preview_url(batch)).content.decode()
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == [
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]


# PostgreSQL: progress seen while the import's transaction is open; confirmations at once


def read_aside(sql, params):
    """What another connection (another web worker) reads."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        other.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_progress_inside_the_imports_transaction_is_seen_by_other_connections(coordinator):
    batch = ImportBatch.objects.create(
        region=coordinator.regions.get(), kind="institutions", filename="l.csv", content=b""
    )
    with progress.Progress(batch) as work:
        with transaction.atomic(durable=True):
            Institution.objects.create(
                region=batch.region, kind="other", name="X", postcode="46483", town="Wesel"
            )
            work(300, 1000)
            seen = read_aside(
                "SELECT work_state, work_done, work_total FROM core_importbatch WHERE id = %s",
                [batch.pk],
            )
            assert seen == ("running", 300, 1000)
            assert read_aside("SELECT count(*) FROM core_institution WHERE name = 'X'", []) == (0,)
        work.finish()
    batch.refresh_from_db()
    assert (batch.work_state, batch.work_done) == ("done", 1000)
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_confirmations_at_the_same_moment_start_one_import(coordinator):
    batch = ImportBatch.objects.create(
        region=coordinator.regions.get(),
        kind="institutions",
        filename="l.csv",
        content=rows(4),
        uploaded_by=coordinator,
    )
    check_import.call(batch_id=batch.pk)
    batch.refresh_from_db()
    started = run_together(6, lambda _index: services.confirm_import(batch=batch))
    assert sorted(started) == [False] * 5 + [True]
    assert Institution.objects.count() == 4


def test_uploads_are_discarded_after_a_day_but_not_while_their_import_may_run(web):
    from neuewege.core.privacy import purge_personal_data

    for _ in range(3):
        upload(web, rows(2))
    _unconfirmed, importing, imported = ImportBatch.objects.order_by("pk")
    confirm(web, preview_url(imported))
    web.post(preview_url(importing))  # confirmed now; the worker has not yet taken it
    two_days_ago = timezone.now() - timedelta(days=2)
    ImportBatch.objects.update(created_at=two_days_ago)
    ImportBatch.objects.filter(pk=imported.pk).update(applied_at=two_days_ago)

    erased = purge_personal_data().split(": ", 1)[1].split(", ")
    assert "unconfirmed_uploads 1" in erased and "import_reports 1" in erased
    assert set(ImportBatch.objects.values_list("pk", flat=True)) == {importing.pk, imported.pk}
    imported.refresh_from_db()
    assert imported.report is None and imported.content == b""  # no names kept
    page = web.get(preview_url(imported)).content.decode()
    assert "Import finished: 2 created, 0 updated." in page
