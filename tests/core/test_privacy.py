"""The privacy registry and its one purge: every category's rows older than its retention are
erased (deleted, or anonymised where the figures stay), younger ones stay; the archive is
written first, and when it cannot be written nothing is erased; a configuration that would
delete parents' contacts before the survey is refused; the operator sees every category."""

import io
import json
import stat
from datetime import timedelta

import pypdf
import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from neuewege.core.models import BarrierReport, ExportFile, ImportBatch, PersonalDataLog, User
from neuewege.core.privacy import CATEGORIES, purge_personal_data
from neuewege.events.models import CalendarFeed, Registration
from neuewege.events.services.booking import book
from neuewege.trainings.models import TrainingRegistration
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    UserFactory,
    make_event,
    make_registrant,
    make_training,
)

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


# One maker per category: a row that is ``days`` old by the category's clock, and how to tell
# whether it was erased. A category without a maker fails the test below.


def registration(days, wesel, family_centre, booking_for):
    event = make_event(family_centre, starts=timezone.now() + timedelta(days=1))
    booked, _token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for()
    )
    event.sessions.update(starts_at=days_ago(days) - timedelta(hours=2), ends_at=days_ago(days))
    return booked, lambda: Registration.objects.get(pk=booked.pk).email == ""


def personal_data_log(days, wesel, *_):
    entry = PersonalDataLog.objects.create(
        region=wesel, action="view", record="registration 1", purpose="test"
    )
    PersonalDataLog.objects.filter(pk=entry.pk).update(at=days_ago(days))
    return entry, lambda: not PersonalDataLog.objects.filter(pk=entry.pk).exists()


def upload(days, wesel, *_):
    batch = ImportBatch.objects.create(region=wesel, kind="people", filename="a.csv", content=b"x")
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=days_ago(days))
    return batch, lambda: not ImportBatch.objects.filter(pk=batch.pk).exists()


def hsds_upload(days, wesel, *_):
    from neuewege.navigator.models import HsdsImport

    upload = HsdsImport.objects.create(region=wesel, filename="a.zip", content=b"x")
    HsdsImport.objects.filter(pk=upload.pk).update(created_at=days_ago(days))
    return upload, lambda: not HsdsImport.objects.filter(pk=upload.pk).exists()


def import_report(days, wesel, *_):
    batch = ImportBatch.objects.create(
        region=wesel, kind="people", filename="a.csv", content=b"x", report={"rows": ["Olena"]}
    )
    ImportBatch.objects.filter(pk=batch.pk).update(applied_at=days_ago(days))
    return batch, lambda: ImportBatch.objects.get(pk=batch.pk).report is None


def barrier_report(days, *_):
    report = BarrierReport.objects.create(
        page_url="/", description="Kontrast", contact="olena@example.org"
    )
    BarrierReport.objects.filter(pk=report.pk).update(created_at=days_ago(days))
    return report, lambda: not BarrierReport.objects.filter(pk=report.pk).exists()


def axes_row(model):
    def make(days, *_):
        extra = {"failures_since_start": 1} if model is AccessAttempt else {}
        row = model.objects.create(
            username="karin@kreis-wesel.de",
            ip_address="192.0.2.1",
            user_agent=f"test {days}",
            **extra,
        )
        model.objects.filter(pk=row.pk).update(attempt_time=days_ago(days))
        return row, lambda: not model.objects.filter(pk=row.pk).exists()

    return make


def session(days, *_):
    row = Session.objects.create(
        session_key=f"test{days}", session_data="x", expire_date=days_ago(days)
    )
    return row, lambda: not Session.objects.filter(pk=row.pk).exists()


def change_log_of_people(days, *_):
    person = PersonFactory(first_name="Karin")
    entry = LogEntry.objects.get_for_object(person).first()
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=days_ago(days))
    return entry, lambda: not LogEntry.objects.filter(pk=entry.pk).exists()


def revoked_calendar_feed(days, wesel, family_centre, *_):
    feed = CalendarFeed.objects.create(
        institution=family_centre, digest=f"{days:064d}", prefix="x", revoked_at=days_ago(days)
    )
    return feed, lambda: not CalendarFeed.objects.filter(pk=feed.pk).exists()


def export_file(days, *_):
    owner = UserFactory(role=User.Role.STATE, email=f"land{days}@nrw.example")
    file = ExportFile.objects.create(owner=owner, exporter="x", fmt="xlsx", content=b"Olena")
    ExportFile.objects.filter(pk=file.pk).update(created_at=days_ago(days))
    return file, lambda: not ExportFile.objects.filter(pk=file.pk).exists()


def training_registration(days, wesel, family_centre, *_):
    training = make_training(wesel, sessions=1)
    training.sessions.update(starts_at=days_ago(days) - timedelta(hours=8), ends_at=days_ago(days))
    registration = make_registrant(training, family_centre, first_name="Olena")
    return (
        registration,
        lambda: TrainingRegistration.objects.get(pk=registration.pk).first_name == "",
    )


def ended_agreement(days, wesel, family_centre, *_):
    from neuewege.agreements import services
    from neuewege.agreements.models import Agreement
    from neuewege.core.access import system_access
    from tests.agreements.test_pages import make_parties

    parties = make_parties(wesel, InstitutionFactory(region=wesel, name=f"FZ {days}"))
    agreement = services.create_agreement(
        access=system_access(),
        kind="family_centre",
        region=wesel,
        family_centre=parties["centre"],
        parties=[parties["job_centre"], parties["agency"]],
        starts_on=(days_ago(days) - timedelta(days=700)).date(),
        ends_on=days_ago(days).date(),
    )
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.EXPIRED)
    return agreement, lambda: not Agreement.objects.filter(pk=agreement.pk).exists()


MAKERS = {
    "agreement_signatures": ended_agreement,
    "registrations": registration,
    "personal_data_log": personal_data_log,
    "unconfirmed_uploads": upload,
    "import_reports": import_report,
    "hsds_uploads": hsds_upload,
    "export_files": export_file,
    "barrier_reports": barrier_report,
    "sign_in_attempts": axes_row(AccessAttempt),
    "sign_in_failures": axes_row(AccessFailureLog),
    "sign_ins": axes_row(AccessLog),
    "sessions": session,
    "change_log_of_people": change_log_of_people,
    "revoked_calendar_feeds": revoked_calendar_feed,
    "training_registrations": training_registration,
}


def test_every_category_erases_what_is_older_than_its_retention_and_keeps_the_rest(
    wesel, family_centre, booking_for
):
    assert set(CATEGORIES) == set(MAKERS), "a data category without a test"
    made = {}
    for name, make in MAKERS.items():
        retention = CATEGORIES[name].retention_days
        made[name] = (
            make(retention + 2, wesel, family_centre, booking_for),  # past its retention
            make(max(retention - 1, 0) - 1, wesel, family_centre, booking_for),  # within it
        )
    result = purge_personal_data()
    for name, ((_old, old_erased), (_young, young_erased)) in made.items():
        assert old_erased(), name
        assert not young_erased(), name
        assert f"{name} 1" in result.split(": ", 1)[1].split(", "), (name, result)
    assert purge_personal_data().count(" 0") == len(CATEGORIES)  # nothing left: idempotent


def test_anonymised_registrations_keep_what_the_figures_need(family_centre, booking_for):
    booked, erased = registration(400, None, family_centre, booking_for)
    purge_personal_data()
    kept = Registration.objects.get(pk=booked.pk)
    assert erased() and kept.first_name == kept.phone == "" and kept.anonymised_at
    assert kept.status == booked.status and kept.child_ages == booked.child_ages


def test_the_archive_is_written_first_and_only_the_owner_reads_it(
    settings, tmp_path, wesel, family_centre, booking_for
):
    settings.PURGE_ARCHIVE_DIR = str(tmp_path / "archive")
    booked, _erased = registration(400, wesel, family_centre, booking_for)
    barrier_report(400)
    purge_personal_data()
    (archive,) = (tmp_path / "archive").iterdir()
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    lines = [json.loads(line) for line in archive.read_text().splitlines()]
    assert sorted(line["category"] for line in lines) == ["barrier_reports", "registrations"]
    (parent,) = [line["row"] for line in lines if line["category"] == "registrations"]
    assert (parent["pk"], parent["email"]) == (booked.pk, booked.email)


def test_nothing_is_erased_when_the_archive_cannot_be_written(
    settings, tmp_path, wesel, family_centre, booking_for
):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    settings.PURGE_ARCHIVE_DIR = str(blocked)
    booked, erased = registration(400, wesel, family_centre, booking_for)
    with pytest.raises(CommandError, match="purge_personal_data"):
        call_command("run-due-jobs", "--job", "purge_personal_data")
    assert not erased() and Registration.objects.get(pk=booked.pk).email == booked.email


def test_a_retention_shorter_than_the_survey_is_refused(settings):
    settings.REGISTRATION_RETENTION_DAYS = 60
    settings.SURVEY_WEEKS, settings.SURVEY_REMINDER_DAYS = 8, 14
    (error,) = [item for item in run_checks() if item.id == "neuewege.E001"]
    assert "NEUEWEGE_RETENTION_DAYS is 60" in error.msg and "71" in error.hint
    settings.REGISTRATION_RETENTION_DAYS = 71
    assert not [item for item in run_checks() if item.id == "neuewege.E001"]


def test_the_operator_sees_every_category_with_its_retention_and_the_rows_due(
    client, wesel, family_centre, booking_for
):
    registration(400, wesel, family_centre, booking_for)
    operator = User.objects.create_superuser("operator@example.org", "correct horse battery")
    client.force_login(operator)
    page = client.get("/admin/privacy/")
    assert page.status_code == 200
    rows = {row["category"].name: row["due"] for row in page.context["rows"]}
    assert rows["registrations"] == 1 and set(rows) == set(CATEGORIES)
    assert "NEUEWEGE_RETENTION_DAYS" in page.content.decode()
    assert page.context["last_purge"] is None
    purge_run = call_command("run-due-jobs", "--job", "purge_personal_data")
    assert purge_run is None and "registrations 1" in client.get("/admin/privacy/").content.decode()
    coordinator = UserFactory(role=User.Role.COORDINATOR, regions=[wesel])
    client.force_login(coordinator)
    assert client.get("/admin/privacy/").status_code == 302  # to the admin's sign-in


# A parent's rights (DSGVO Art. 15 and 17)


def booked(family_centre, booking_for, **contact):
    event = make_event(family_centre, starts=timezone.now() + timedelta(days=3))
    registration, _token = book(
        event_id=event.pk, session_id=event.sessions.get().pk, booking=booking_for(**contact)
    )
    return registration


@pytest.fixture
def as_coordinator(client, wesel):
    coordinator = UserFactory(role=User.Role.COORDINATOR, regions=[wesel])
    client.force_login(coordinator)
    return client


def test_a_parent_is_found_by_e_mail_or_phone_however_written(
    as_coordinator, wesel, borken, family_centre, booking_for
):
    by_mail = booked(family_centre, booking_for, email="Olena@Example.org")
    by_phone = booked(family_centre, booking_for, email="", phone="+49 170 1234567")
    other = booked(family_centre, booking_for, email="someone@example.org")
    elsewhere = InstitutionFactory(region=borken, name="FZ Borken")
    booked(elsewhere, booking_for, email="olena@example.org")  # another region: not found
    url = reverse("parent-data", args=[wesel.key])
    page = as_coordinator.post(url, {"email": "OLENA@example.org", "phone": "0170 1234567"})
    assert page.status_code == 200
    (found,) = page.context["found"]
    assert sorted(found.rows.values_list("pk", flat=True)) == sorted([by_mail.pk, by_phone.pk])
    body = page.content.decode()
    assert by_mail.email in body and "+49 170 1234567" in body
    assert "someone@example.org" not in body and other.pk not in [r.pk for r in found.rows]
    logged = PersonalDataLog.objects.filter(action="view").values_list("record", flat=True)
    assert sorted(logged) == sorted(f"events.Registration:{r.pk}" for r in (by_mail, by_phone))


def test_the_copy_for_the_parent_reads_back_as_json_and_pdf(
    as_coordinator, wesel, family_centre, booking_for
):
    registration = booked(family_centre, booking_for, email="olena@example.org")
    url = reverse("parent-data", args=[wesel.key])
    data = json.loads(
        as_coordinator.post(url, {"email": "olena@example.org", "step": "json"}).content
    )
    (category,) = data["categories"]
    assert category["name"] == "registrations"
    (row,) = category["rows"]
    assert (row["email"], row["first_name"], row["child_ages"]) == (
        "olena@example.org",
        "Ayşe",
        [2],
    )
    response = as_coordinator.post(url, {"email": "olena@example.org", "step": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "olena@example.org" in text and "Ayşe" in text and registration.event.title in text
    assert "Vorname" in text  # the labels in the language of the page
    assert "Türkisch" in text  # the language of the booking in words, not its code
    exported = PersonalDataLog.objects.filter(action="export")
    assert exported.count() == 2 and {e.record for e in exported} == {
        f"events.Registration:{registration.pk}"
    }


def test_erasing_a_parent_needs_a_confirmation_and_keeps_the_figures(
    as_coordinator, wesel, family_centre, booking_for
):
    registration = booked(family_centre, booking_for, email="olena@example.org")
    keep = booked(family_centre, booking_for, email="someone@example.org")
    url = reverse("parent-data", args=[wesel.key])
    refused = as_coordinator.post(url, {"email": "olena@example.org", "step": "erase"})
    assert refused.context["confirm_missing"]
    assert Registration.objects.get(pk=registration.pk).email == "olena@example.org"
    done = as_coordinator.post(
        url, {"email": "olena@example.org", "step": "erase", "confirm": "yes"}
    )
    assert done.status_code == 302
    erased = Registration.objects.get(pk=registration.pk)
    assert erased.email == erased.first_name == "" and erased.anonymised_at
    assert erased.status == registration.status and erased.child_ages == [2]  # figures stay
    assert Registration.objects.get(pk=keep.pk).email == "someone@example.org"
    assert PersonalDataLog.objects.filter(
        action="delete", record=f"events.Registration:{registration.pk}"
    ).exists()
    again = as_coordinator.post(url, {"email": "olena@example.org"})
    assert again.context["found"] == []


def test_a_search_without_a_contact_is_refused_at_the_field(as_coordinator, wesel):
    url = reverse("parent-data", args=[wesel.key])
    page = as_coordinator.post(url, {"email": "", "phone": ""})
    assert "Geben Sie die E-Mail-Adresse oder die Telefonnummer an." in page.content.decode()
    page = as_coordinator.post(url, {"email": "not-an-address"})
    assert page.context["form"].errors["email"]
    assert not PersonalDataLog.objects.exists()
