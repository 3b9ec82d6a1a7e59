"""Certificates of attendance and the list by institution, fetched as a person does and read
back (PDF with pypdf, XLSX with openpyxl)."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from neuewege.core.access import access_for
from neuewege.core.models import Institution, User
from neuewege.trainings.services.attendance import record_attendance
from tests.factories import InstitutionFactory, UserFactory, make_training
from tests.factories import make_registrant as registrant


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def held(region, module_code="basismodul", **values):
    start = (timezone.now() - timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)
    return make_training(region, module_code, start=start, status="assigned", **values)


@pytest.fixture
def job_centre(wesel):
    return InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Wesel"
    )


@pytest.fixture
def training(wesel):
    return held(wesel, title="Basismodul Herbst Wesel")


@pytest.fixture
def registrations(coordinator, training, family_centre, job_centre):
    first, second = training.sessions.order_by("starts_at")
    people = [
        registrant(training, family_centre, first_name="Anna", last_name="Albers", session=first),
        registrant(training, job_centre, first_name="Ben", last_name="Brandt", session=first),
        registrant(training, job_centre, first_name="Cem", last_name="Celik", session=first),
        registrant(training, family_centre, first_name="Dora", last_name="Dahl", session=second),
    ]
    access = access_for(coordinator)
    record_attendance(access=access, session=first, present_ids=[people[0].pk, people[1].pk])
    # the second session is still to come (a week after the first): Dora not yet recorded
    return people


def certificate_url(registration):
    return reverse("training-registration-certificate", kwargs={"pk": registration.pk})


def test_a_participant_gets_their_certificate(client, coordinator, training, registrations):
    anna = registrations[0]
    client.force_login(coordinator)
    response = client.get(certificate_url(anna))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    text = flat(text)
    assert pages == 1
    assert "Anna Albers" in text
    assert "Familienzentrum Sonnenschein Wesel" in text
    assert "Basismodul Herbst Wesel" in text
    assert training.module.title in text
    assert re.search(r"\b7 (hours|Stunden)\b", text)  # the module's hours of further training
    assert "Kreis Wesel" in text  # the issuer
    assert timezone.localdate(anna.session.starts_at).strftime("%Y") in text


def test_refused_for_someone_who_did_not_attend(client, coordinator, registrations):
    client.force_login(coordinator)
    for absent in (registrations[2], registrations[3]):  # ticked absent; not yet recorded
        response = client.get(certificate_url(absent))
        assert response.status_code == 400
        assert absent.full_name in response.content.decode()


def test_other_regions_and_accounts_without_planning_are_refused(
    client, borken, registrations, training, family_centre
):
    url = certificate_url(registrations[0])
    all_url = reverse("training-certificates", kwargs={"pk": training.pk})
    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    assert client.get(url).status_code == 404
    assert client.get(all_url).status_code == 404
    client.force_login(UserFactory(role=User.Role.VIEWER, regions=[training.region]))
    assert client.get(url).status_code == 403
    assert client.get("/exports/training-certificate.pdf?pk=abc").status_code == 404


def test_every_attendee_gets_a_page(client, coordinator, training, registrations):
    client.force_login(coordinator)
    response = client.get(reverse("training-certificates", kwargs={"pk": training.pk}))
    assert response.status_code == 200
    pages, text = pdf_text(response.content)
    assert pages == 2
    assert "Anna Albers" in text and "Ben Brandt" in text
    assert "Cem Celik" not in text and "Dora Dahl" not in text


def test_no_certificates_before_anyone_attended(client, coordinator, wesel):
    training = held(wesel)
    client.force_login(coordinator)
    response = client.get(reverse("training-certificates", kwargs={"pk": training.pk}))
    assert response.status_code == 400


def test_the_speaker_certificate_names_the_formats(client, coordinator, wesel, job_centre):
    training = held(wesel, "referentenschulung", title="Referentenschulung Wesel")
    session = training.sessions.order_by("starts_at").first()
    person = registrant(training, job_centre, first_name="Eva", last_name="Ernst", session=session)
    record_attendance(access=access_for(coordinator), session=session, present_ids=[person.pk])
    client.force_login(coordinator)
    _pages, text = pdf_text(client.get(certificate_url(person)).content)
    text = flat(text)
    assert "Eva Ernst" in text
    for label in ("Elterncafé", "Themenveranstaltung"):
        assert label in text


def test_the_list_by_institution_as_xlsx(client, coordinator, training, registrations):
    client.force_login(coordinator)
    url = reverse("training-institution-list", kwargs={"pk": training.pk, "fmt": "xlsx"})
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    body = [(row[0], row[2], row[5]) for row in rows[1:]]
    assert body == [
        ("Familienzentrum Sonnenschein Wesel", "Anna Albers", 7),
        ("Jobcenter Wesel", "Ben Brandt", 7),
    ]
    first_day = timezone.localdate(registrations[0].session.starts_at)
    assert rows[1][3].date() == first_day


def test_the_list_by_institution_as_pdf_and_for_one_institution(
    client, coordinator, training, registrations, job_centre
):
    client.force_login(coordinator)
    url = reverse("training-institution-list", kwargs={"pk": training.pk, "fmt": "pdf"})
    _pages, text = pdf_text(client.get(url).content)
    assert "Jobcenter Wesel" in text and "Familienzentrum Sonnenschein Wesel" in text
    assert "Ben Brandt" in text and "Cem Celik" not in text
    _pages, text = pdf_text(client.get(url, {"institution": job_centre.pk}).content)
    assert "Ben Brandt" in text and "Anna Albers" not in text
    assert client.get(url, {"institution": "x"}).status_code == 404
    assert client.get(url.replace(".pdf", ".docx")).status_code == 404


def test_each_attendee_is_sent_their_certificate_once(
    client, coordinator, borken, training, registrations, django_capture_on_commit_callbacks
):
    from django.core import mail

    url = reverse("training-certificates-send", kwargs={"pk": training.pk})
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [registrations[0].email, registrations[1].email]
    )
    for message in mail.outbox:
        ((filename, content, mimetype),) = message.attachments
        assert filename.endswith(".pdf")
        assert mimetype == "application/pdf"
        recipient = next(r for r in registrations if r.email == message.to[0])
        assert recipient.full_name in pdf_text(content)[1]
    # again: nobody twice, and the page says so
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 200
    assert len(mail.outbox) == 2
    # another region's coordinator sends nothing
    client.force_login(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    assert client.post(url).status_code == 404
