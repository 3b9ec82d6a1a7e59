"""A trainer records the attendance of their training session on a phone-sized tablet page:
ticks two of three by their names, saves; the coordinator then downloads a certificate from
the page and reads it back. No sideways scrolling at 390 px, and axe-core finds no violations.

Texts are asserted through names and the pages' structure, so the test holds before and after
the interface's translations are merged."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from neuewege.core.models import Institution, User
from neuewege.trainings.models import TrainingRegistration
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    UserFactory,
    make_registrant,
    make_training,
    region,
)

from .conftest import PHONE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_trainer_records_attendance_and_a_certificate_is_downloaded(open_phone):
    wesel = region("05170")
    centre = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen Wesel")
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    start = (timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    training = make_training(
        wesel, sessions=1, start=start, status="assigned", title="Basismodul Frühjahr"
    )
    session = training.sessions.get()
    trainer = PersonFactory(institution=centre, first_name="Tina", last_name="Trainerin")
    session.trainers.add(trainer)
    UserFactory(role=User.Role.STAFF, person=trainer, email="tina@fz.example")
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="karin@kreis-wesel.de")
    people = [
        make_registrant(training, centre, first_name="Anna", last_name="Albers", session=session),
        make_registrant(
            training, job_centre, first_name="Ben", last_name="Brandt", session=session
        ),
        make_registrant(training, job_centre, first_name="Cem", last_name="Celik", session=session),
    ]

    page = open_phone("de-DE")
    sign_in(page, "tina@fz.example")
    page.goto(f"/training-sessions/{session.pk}/attendance/")
    assert fits(page)
    assert_accessible(page)
    page.get_by_label("Anna Albers", exact=False).check()
    page.get_by_label("Cem Celik", exact=False).check()
    page.locator(".attendance-form button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    assert [TrainingRegistration.objects.get(pk=person.pk).attended for person in people] == [
        True,
        False,
        True,
    ]
    assert page.get_by_label("Anna Albers", exact=False).is_checked()
    assert not page.get_by_label("Ben Brandt", exact=False).is_checked()
    assert fits(page)
    assert_accessible(page)
    assert page.locator("a[href$='certificate.pdf']").count() == 0  # trainers issue none

    page.context.clear_cookies()
    sign_in(page, "karin@kreis-wesel.de")
    page.goto(f"/training-sessions/{session.pk}/attendance/")
    with page.expect_download() as download:
        page.locator(f"a[href='/training-registrations/{people[0].pk}/certificate.pdf']").click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(pdf_page.extract_text() for pdf_page in reader.pages)
    assert "Anna Albers" in text and "Basismodul Frühjahr" in text
