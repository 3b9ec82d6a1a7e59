"""Pages without signing in: the start page sending on, the barrier report, the health check
and the language switch."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_sends_a_single_region_account_to_its_region(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("region-home", kwargs={"region_key": "05170"})


def test_barrier_report_is_stored_and_sent_to_the_operator(
    client, settings, django_capture_on_commit_callbacks
):
    from neuewege.core.models import BarrierReport

    settings.BARRIER_REPORT_EMAIL = "barrierefreiheit@kreis-wesel.example"

    response = client.post(reverse("barrier-report"), {"page_url": "/login/", "description": ""})
    assert "description" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("barrier-report"), {"page_url": "/login/", "description": "Kontrast zu gering"}
        )
    assert BarrierReport.objects.get().description == "Kontrast zu gering"
    assert mail.outbox[0].to == ["barrierefreiheit@kreis-wesel.example"]
    assert "Kontrast zu gering" in mail.outbox[0].body


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_language_switch_to_english(client, coordinator):
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("institution-list", kwargs={"region_key": "05170"})).content.decode()
    assert 'lang="en"' in body and "Institutions" in body
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    body = client.get(reverse("institution-list", kwargs={"region_key": "05170"})).content.decode()
    assert 'lang="de"' in body and "Einrichtungen" in body
