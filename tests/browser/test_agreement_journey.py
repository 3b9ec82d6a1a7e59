"""A centre agreement in a browser, on a phone (390 x 844: nothing wider than the screen): the
coordinator draws it up from the template for a family centre, changes a clause, sends it for
signature; a person of each of the three parties signs for their institution; it is in force;
the family centre downloads its evidence pack for the Gütesiegel, with the agreement in it.
axe-core on every page."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from neuewege.agreements.models import Agreement
from neuewege.core.models import User
from tests.agreements.test_pages import make_parties
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

from .conftest import assert_accessible, sign_in
from .test_coverage_plans import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def check(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    assert_accessible(page)


def test_a_centre_agreement_is_drawn_up_changed_and_signed_by_every_party(
    browser, live_server, wesel
):
    centre = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    parties = make_parties(wesel, centre)
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de")
    signers = {}
    for institution in (centre, parties["job_centre"], parties["agency"]):
        person = PersonFactory(institution=institution, first_name="Sigrid", last_name="Zeichner")
        email = f"sign-{institution.pk}@example.org"
        UserFactory(role=User.Role.STAFF, person=person, email=email, signs_agreements=True)
        signers[institution.name] = email
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, **SCREENS["phone"]
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, "koordination@kreis-wesel.de")

    page.goto(reverse("agreement-list", args=[wesel.key]))
    check(page)
    page.get_by_role("link", name="Draw one up for Familienzentrum Regenbogen").click()
    page.wait_for_load_state()
    check(page)
    started = timezone.localdate() - timedelta(days=30)  # in force now: evidence of this year
    page.get_by_label("In force from").fill(started.isoformat())
    page.get_by_label("In force until").fill("2020-01-01")  # before the start: refused
    page.get_by_role("button", name="Draw up").click()
    page.wait_for_load_state()
    assert "The end date must come after the start date." in page.content()
    check(page)
    page.get_by_label("In force until").fill("2029-12-31")
    page.get_by_role("button", name="Draw up").click()
    page.wait_for_url("**/agreements/*/")
    check(page)
    assert "Elterncafé: monatlich (12 Termine im Jahr)" in page.content()

    page.get_by_role("link", name="Change the text or term").click()
    page.wait_for_load_state()
    check(page)
    clause = page.get_by_label("(3) Leistungen des Familienzentrums")
    clause.fill(clause.input_value().replace("Stellung der Räume", "Stellung der Gruppenräume"))
    page.get_by_label("What changed").fill("Räume genauer")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url("**/agreements/versions/*/")
    check(page)
    assert page.locator("ins", has_text="Gruppenräume").count() == 1

    page.get_by_role("link", name="Kooperationsvereinbarung Familienzentrum Regenbogen").click()
    page.get_by_role("link", name="Send for signature").click()
    page.wait_for_load_state()
    check(page)
    page.get_by_role("button", name="Send for signature").click()
    page.wait_for_load_state()
    agreement = Agreement.objects.get()
    assert agreement.status == Agreement.Status.SIGNING
    context.close()

    for name, email in signers.items():  # the family centre's person signs first
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", bypass_csp=True, **SCREENS["phone"]
        )
        page = context.new_page()
        page.set_default_timeout(30000)
        sign_in(page, email)
        page.goto(reverse("agreement-detail", args=[agreement.pk]))
        page.get_by_role("link", name=f"Sign for {name}").click()
        page.wait_for_load_state()
        check(page)
        page.get_by_role("button", name=f"Sign for {name}").click()
        page.wait_for_load_state()
        check(page)
        context.close()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.IN_FORCE
    assert agreement.versions.first().number == 2

    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, **SCREENS["phone"]
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, signers[centre.name])
    page.goto(reverse("institution-detail", args=[centre.pk]))
    page.get_by_role("link", name="Evidence for the Gütesiegel").click()
    page.wait_for_load_state()
    check(page)
    page.get_by_label("From").fill(started.isoformat())
    page.get_by_label("Until").fill(timezone.localdate().isoformat())
    with page.expect_download() as download:  # one click: the file's page starts the download
        page.get_by_role("button", name="Download the pack (ZIP)").click()
    page.wait_for_url("**/exports/files/*/")
    check(page)
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as pack:
        names = pack.namelist()
    assert any(name.startswith("vereinbarungen/") for name in names), names
    context.close()
