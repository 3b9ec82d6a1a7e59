"""A training from start to end, through the pages: the Kreis Wesel coordinator plans a
Basismodul with two sessions and opens registration; professionals register through the link and
confirm by e-mail; the coordinator forms the groups (the background worker solves while the
progress bar runs), publishes them (each person gets their session with a calendar file),
records attendance on the day and downloads a certificate, read back with pypdf. axe-core on
every page."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from neuewege.core.models import Institution, User
from neuewege.trainings.models import Training, TrainingRegistration
from tests.factories import InstitutionFactory, UserFactory, region

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROFESSIONALS = [  # first name, institution
    ("Jana", "Jobcenter Kreis Wesel"),
    ("Ömer", "Jobcenter Kreis Wesel"),
    ("Lea", "Familienzentrum Regenbogen"),
    ("Mia", "Familienzentrum Regenbogen"),
    ("Tom", "Jugendamt Kreis Wesel"),
    ("Eva", "Agentur für Arbeit Wesel"),
]


@pytest.fixture
def wesel_world(reference_data):
    wesel = region("05170")
    for kind, name in (
        (Institution.Kind.JOB_CENTRE, "Jobcenter Kreis Wesel"),
        (Institution.Kind.FAMILY_CENTRE, "Familienzentrum Regenbogen"),
        (Institution.Kind.YOUTH_WELFARE_OFFICE, "Jugendamt Kreis Wesel"),
        (Institution.Kind.EMPLOYMENT_AGENCY, "Agentur für Arbeit Wesel"),
    ):
        InstitutionFactory(
            region=wesel,
            kind=kind,
            name=name,
            job_centre_type="joint" if kind == Institution.Kind.JOB_CENTRE else "",
        )
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de")
    return wesel


def submit(page, form="main form"):
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def test_a_training_from_planning_to_the_certificate(browser, live_server, wesel_world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    context = browser.new_context(base_url=live_server.url, locale="de-DE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, "koordination@kreis-wesel.de")

    # plan the training: module, title, two sessions, open registration
    page.goto("/regions/05170/trainings/")
    assert_accessible(page)
    page.locator("a[href='/regions/05170/trainings/new/']").click()
    assert_accessible(page)
    page.locator("#id_module").select_option(label="Basismodul „Aufbau von Orientierungswissen“")
    page.locator("#id_title").fill("Basismodul Frühjahr")
    submit(page)
    training = Training.objects.get()
    assert page.url.endswith(f"/trainings/{training.pk}/")
    assert_accessible(page)
    first_day = timezone.localdate() + timedelta(days=30)
    for number, day in enumerate((first_day, first_day + timedelta(days=7))):
        page.goto(f"/trainings/{training.pk}/sessions/new/")
        page.locator("#id_site_address").fill(f"Kreishaus Wesel, Raum {number + 1}")
        page.locator("#id_site_postcode").fill("46483")
        page.locator("#id_day").fill(day.isoformat())
        page.locator("#id_starts").fill("09:00")
        page.locator("#id_ends").fill("16:00")
        page.locator("#id_min_size").fill("15")  # the module's range: 15–25
        page.locator("#id_max_size").fill("14")
        submit(page)
        expect(page.locator("[data-error-summary]")).to_be_visible()  # refused, named
        assert_accessible(page)
        page.locator("#id_min_size").fill("2")
        page.locator("#id_max_size").fill("25")
        submit(page)
        expect(page.locator("[data-error-summary]")).to_be_visible()  # 2 is outside 15–25
        page.locator("#id_min_size").fill("15")
        submit(page)
    assert training.sessions.count() == 2
    page.goto(f"/trainings/{training.pk}/open/")
    assert_accessible(page)
    submit(page)
    training.refresh_from_db()
    assert training.status == "open"

    # the professionals register through the link and confirm by e-mail
    link = f"/t/{training.registration_key}/"
    assert link in page.content()  # the link to send, on the training page
    sessions = list(training.sessions.order_by("starts_at"))
    # the minimum of 15 per session is for the real training; this one is small
    training.sessions.update(min_size=2)
    for number, (name, institution) in enumerate(PROFESSIONALS):
        guest = browser.new_context(base_url=live_server.url, locale="de-DE", bypass_csp=True)
        tab = guest.new_page()
        tab.goto(link)
        if number == 0:
            assert_accessible(tab)
        tab.locator("#id_first_name").fill(name)
        tab.locator("#id_last_name").fill("Beispiel")
        tab.locator("#id_email").fill(f"{name.lower().replace('ö', 'oe')}@wesel.example")
        tab.locator("#id_institution").select_option(label=institution)
        for session in sessions if number % 2 else sessions[:1]:
            tab.locator(f"input[name=sessions][value='{session.pk}']").check()
        submit(tab)
        confirm = re.search(r"https?://\S+(/t/confirm/\S+/)", mail.outbox[-1].body).group(1)
        tab.goto(confirm)
        submit(tab)
        expect(tab.get_by_text("Ihre Anmeldung ist bestätigt.")).to_be_visible()
        if number == 0:
            assert_accessible(tab)
        guest.close()
    assert training.registrations.filter(status="confirmed").count() == len(PROFESSIONALS)

    # the groups: the worker solves while the page shows the progress bar
    page.goto(f"/trainings/{training.pk}/assignment/")
    assert_accessible(page)
    page.locator("input[name=time_limit_seconds]").fill("3")
    page.locator('form[action$="/assignment/"] button[type=submit]').click()
    expect(page.locator("#work-progress-bar")).to_be_visible()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    page.locator("canvas[data-chart]").first.wait_for()  # htmx polled, the page reloaded
    assert_accessible(page)
    placed = TrainingRegistration.objects.filter(training=training, session__isnull=False)
    assert placed.count() == len(PROFESSIONALS)
    for row in placed:  # availability held: the first-session-only people are there
        assert row.available_sessions.filter(pk=row.session_id).exists()
        assert row.reason

    # publish: each person gets their session with a calendar file
    mail.outbox.clear()
    page.goto(f"/trainings/{training.pk}/publish/")
    assert_accessible(page)
    submit(page)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert len(mail.outbox) == len(PROFESSIONALS)
    jana = TrainingRegistration.objects.get(first_name="Jana")
    message = next(m for m in mail.outbox if m.to == ["jana@wesel.example"])
    (_name, ics, _type) = next(a for a in message.attachments if a[0].endswith(".ics"))
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("DTSTART") == jana.session.starts_at

    # the day comes: attendance on the session's page, then Jana's certificate
    session = jana.session
    session_start = timezone.now() - timedelta(hours=2)
    training.sessions.filter(pk=session.pk).update(
        starts_at=session_start, ends_at=session_start + timedelta(hours=7)
    )
    page.goto(f"/training-sessions/{session.pk}/attendance/")
    assert_accessible(page)
    page.locator(f"input[value='{jana.pk}']").check()
    submit(page)
    assert_accessible(page)
    jana.refresh_from_db()
    assert jana.attended is True
    others = session.participants.exclude(pk=jana.pk)
    assert all(row.attended is False for row in others)  # not ticked: absent
    with page.expect_download() as download:
        page.locator(f"a[href$='/training-registrations/{jana.pk}/certificate.pdf']").click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "".join(page_.extract_text() for page_ in reader.pages)
    assert "Jana Beispiel" in text
    assert "Basismodul Frühjahr" in text
    assert "7 Stunden" in text  # the module's hours of further training
    page.goto(f"/trainings/{training.pk}/")  # the training page with every section
    assert_accessible(page)
    context.close()
