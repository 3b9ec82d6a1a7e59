"""A case manager of the Jobcenter finds the childcare contact for a client in one search and
gives the client the sheet: signs in, opens "Childcare (§4)" from the region's menu, searches
the client's postcode, sees the Jugendamt's contact with its direct number, downloads the
client's sheet (a PDF without that number) and opens the page to print it in Arabic. axe-core
on every page, on a desktop and on a phone."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from neuewege.core.access import system_access
from neuewege.core.models import Institution, User
from neuewege.navigator import childcare, services
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

from .conftest import assert_accessible, sign_in
from .test_coverage_plans import SCREENS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]
PUBLIC, DIRECT = "0281 207-4455", "0281 207-4499"


@pytest.fixture
def setting(wesel):
    office = InstitutionFactory(
        region=wesel, kind=Institution.Kind.YOUTH_WELFARE_OFFICE, name="Jugendamt Kreis Wesel"
    )
    services.keep_childcare(
        access=system_access(),
        youth_office=office,
        postcodes="46483 46485 46487",
        how_to_apply="Anmeldung über den Kita-Navigator.",
        contacts=[
            {
                "topic": "kita",
                "name": "Kita-Platzvergabe",
                "phone": PUBLIC,
                "internal_phone": DIRECT,
                "hours": "Mo–Fr 8–12 Uhr",
            }
        ],
    )
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    person = PersonFactory(institution=job_centre, first_name="Jonas", last_name="Fallmann")
    UserFactory(role=User.Role.STAFF, person=person, email="fallmanagement@jobcenter.example")


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_case_manager_finds_the_jugendamt_and_downloads_the_clients_sheet(
    browser, live_server, wesel, setting, screen
):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, **SCREENS[screen]
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, "fallmanagement@jobcenter.example")
    page.goto(reverse("region-home", args=[wesel.key]))
    link = page.get_by_role("link", name="Childcare (§4)")
    if screen == "phone" and not link.first.is_visible():
        page.goto(reverse("childcare-search", args=[wesel.key]))
    else:
        link.first.click()
        page.wait_for_load_state()
    assert_accessible(page)

    page.get_by_label("Postcode of the client").fill("99999")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.get_by_text("We do not know this postcode.").first.is_visible()
    assert_accessible(page)

    page.get_by_label("Postcode of the client").fill("46485")
    page.get_by_label("Language of the client's sheet").select_option("tr")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert_accessible(page)
    content = page.content()
    assert "Jugendamt Kreis Wesel" in content and PUBLIC in content and DIRECT in content

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the sheet (PDF)").click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Jugendamt Kreis Wesel" in text and PUBLIC in text and DIRECT not in text

    page.goto(reverse("childcare-sheet", args=[wesel.key]) + "?postcode=46485&language=ar&print=1")
    assert page.locator(".childcare-sheet[dir=rtl]").is_visible()
    assert DIRECT not in page.content()
    assert_accessible(page)
    context.close()


def test_the_jugendamt_keeps_its_district_and_a_postcode_of_another_is_refused(
    browser, live_server, wesel, setting
):
    office = InstitutionFactory(
        region=wesel, kind=Institution.Kind.YOUTH_WELFARE_OFFICE, name="Jugendamt Moers"
    )
    person = PersonFactory(institution=office, first_name="Mira", last_name="Amt")
    UserFactory(role=User.Role.STAFF, person=person, email="kita@moers.example")
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, **SCREENS["desktop"]
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, "kita@moers.example")
    page.goto(reverse("institution-detail", args=[office.pk]))
    page.get_by_role("link", name="Childcare information (§4)").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("postcodes of the district").fill("47441 46483")
    page.get_by_label("Topic").first.select_option("kita")
    page.get_by_label("Name or desk").first.fill("Kita-Büro Moers")
    page.get_by_label("Phone").first.fill("02841 201-100")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "already belong to the district of Jugendamt Kreis Wesel" in main, main[:1500]
    assert_accessible(page)
    page.get_by_label("postcodes of the district").fill("47441 47443")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("The childcare information is saved.").is_visible()
    assert childcare.district_for("47443").district.youth_office == office
    context.close()
