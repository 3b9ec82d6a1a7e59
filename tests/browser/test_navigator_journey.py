"""A mother on her phone finds debt counselling in Turkish near 46483: she switches the page to
Turkish, chooses "Money and debts", enters her postcode, opens the offer and finds the number
to call. The search in Arabic reads right to left. axe-core finds no violations on any page."""

import pytest
from playwright.sync_api import expect

from tests.factories import InstitutionFactory, PersonFactory, UserFactory, region
from tests.navigator.conftest import DINSLAKEN, make_offer

from .conftest import assert_accessible, fits_the_screen, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def offers():
    wesel = region("05170")
    turkish = make_offer(
        wesel,
        "Schuldnerberatung Wesel",
        languages=("de", "tr"),
        step_free=True,
        internal_phone="0281 123459-12",
        required_documents="Kontoauszüge, Briefe der Gläubiger",
        name_tr="Wesel Borç Danışmanlığı",
        required_documents_tr="Banka hesap özetleri, alacaklıların mektupları",
    )
    make_offer(wesel, "Schuldnerberatung Dinslaken", place=DINSLAKEN)
    make_offer(wesel, "Integrationskurs VHS Wesel", needs=("integration-course",))
    return turkish


def test_a_parent_finds_debt_counselling_in_turkish_on_a_phone(open_phone, offers):
    page = open_phone("de-DE")
    page.goto("/veranstaltungen/")
    page.locator("a[href='/hilfe/']").first.click()
    page.wait_for_url("**/hilfe/")
    page.locator("a[hreflang=tr]").click()  # the language switch
    page.wait_for_url("**/hilfe/")
    assert page.locator("html").get_attribute("lang") == "tr"
    assert fits_the_screen(page)
    assert_accessible(page)

    page.locator("select[name=bedarf]").select_option("money")
    page.locator("input[name=plz]").fill("46483")
    page.locator("select[name=radius]").select_option("10")
    page.locator("details.search-form__more summary").click()
    page.locator("select[name=sprache]").select_option("tr")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**/hilfe/?*")
    cards = page.locator(".offer-results > li")
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card).to_contain_text("Wesel Borç Danışmanlığı")
    expect(card).to_contain_text("Banka hesap özetleri")
    expect(card.locator("a[href='tel:0281123456']")).to_be_visible()
    assert "0281 123459-12" not in page.content()  # the direct number is for staff only
    assert fits_the_screen(page)
    assert_accessible(page)

    card.get_by_role("link", name="Wesel Borç Danışmanlığı").click()
    page.wait_for_url(f"**/hilfe/{offers.pk}/?*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wesel Borç Danışmanlığı")
    call = page.locator("a.offer-contact__call")
    expect(call).to_be_visible()
    assert call.get_attribute("href") == "tel:0281123456"
    expect(page.locator("a[href^='https://www.openstreetmap.org/']")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)

    page.locator(".back-link a").click()  # back to the same results
    page.wait_for_url("**/hilfe/?*")
    expect(page.locator(".offer-results > li")).to_have_count(1)
    assert page.locator("input[name=plz]").input_value() == "46483"


def test_the_search_in_arabic_reads_right_to_left(open_phone, offers):
    page = open_phone("ar")
    page.goto("/hilfe/?bedarf=money&plz=46483&radius=20")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    expect(page.locator(".offer-results > li")).to_have_count(2)
    assert fits_the_screen(page)
    assert_accessible(page)


def test_staff_see_the_direct_number_marked_for_professionals(page, offers):
    centre = InstitutionFactory(region=region("05170"), name="Familienzentrum Sonnenschein")
    person = PersonFactory(institution=centre, first_name="Fatma", last_name="Yılmaz")
    UserFactory(role="staff", person=person, email="fz@wesel.example")
    sign_in(page, "fz@wesel.example")
    page.goto("/regions/05170/")
    page.locator("a[href='/regions/05170/navigator/']").first.click()
    page.wait_for_url("**/regions/05170/navigator/")
    page.locator("select[name=bedarf]").select_option("debt")
    page.locator("input[name=plz]").fill("46483")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**/navigator/?*")
    card = page.locator(".offer-results > li").first
    expect(card).to_contain_text("0281 123459-12")
    expect(card.locator(".kern-badge--warning")).to_be_visible()
    assert_accessible(page)
