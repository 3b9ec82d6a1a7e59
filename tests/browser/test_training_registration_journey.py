"""A professional on her phone registers for a cooperative training through the link the
coordinator sent, confirms with the e-mail's link and sees what happens next; the coordinator's
training page and the session form work on a phone too. axe-core finds no violations."""

import re

import pytest
from django.core import mail

from neuewege.core.models import Institution, User
from neuewege.trainings.models import TrainingRegistration
from tests.factories import InstitutionFactory, UserFactory, make_training, region

from .conftest import assert_accessible, fits_the_screen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_professional_registers_and_confirms_on_a_phone(open_phone, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    wesel = region("05170")
    InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel")
    InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    training = make_training(wesel, sessions=2, title="Basismodul Frühjahr")
    page = open_phone("en-GB")

    page.goto(f"/t/{training.registration_key}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Basismodul Frühjahr"
    assert fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("button", name="Register").click()  # nothing filled in
    summary = page.locator("[data-error-summary]")
    assert "Choose at least one session you can attend." in summary.inner_text()
    summary.get_by_role("link", name="Choose at least one session you can attend.").click()
    assert_accessible(page)

    page.get_by_label("First name").fill("Jana")
    page.get_by_label("Last name").fill("Schulte")
    page.get_by_label("Work e-mail address").fill("jana@jobcenter.example")
    page.get_by_label("Your institution", exact=True).select_option(label="Jobcenter Kreis Wesel")
    page.locator("input[name=sessions]").first.check()
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Almost done: confirm your e-mail"
    assert fits_the_screen(page)
    assert_accessible(page)

    link = re.search(r"https?://\S+(/t/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm my registration").click()
    page.get_by_text("Your registration is confirmed.").wait_for()
    assert fits_the_screen(page)
    assert_accessible(page)
    registration = TrainingRegistration.objects.get()
    assert registration.status == "confirmed"


def test_the_coordinators_training_page_on_a_phone(open_phone):
    wesel = region("05170")
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@wesel.example")
    training = make_training(wesel, sessions=2, title="Basismodul Frühjahr")
    page = open_phone("en-GB")
    sign_in(page, "koordination@wesel.example")
    for path in (
        f"/trainings/{training.pk}/",
        f"/trainings/{training.pk}/sessions/new/",
        f"/regions/{wesel.key}/trainings/",
        f"/regions/{wesel.key}/trainings/new/",
        f"/trainings/{training.pk}/registrations/add/",
        f"/trainings/{training.pk}/cancel/",
    ):
        page.goto(path)
        assert fits_the_screen(page), path
        assert_accessible(page)
