"""A mother on her phone: finds an event near her postcode, books a place with childcare, sees
the confirmation, and cancels with her personal link. The same pages in Arabic read right to
left. axe-core finds no violations on any page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from neuewege.events.models import Registration
from tests.factories import InstitutionFactory, make_event, region

from .conftest import assert_accessible, fits_the_screen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def phone(open_phone):
    """A phone-sized browser asking for English pages (the texts' msgids)."""
    return open_phone("en-GB")


@pytest.fixture
def events():
    near = InstitutionFactory(
        region=region("05170"),
        name="Familienzentrum Regenbogen",
        street="Am Markt 1",
        postcode="46483",
        town="Wesel",
        latitude=51.6583,
        longitude=6.6178,
        phone="0281 12345",
    )
    far = InstitutionFactory(
        region=region("05554"),
        name="Familienzentrum Borken",
        postcode="46325",
        town="Borken",
        latitude=51.8436,
        longitude=6.8578,
    )
    cafe = make_event(near, title="Elterncafé am Dienstag", capacity=12)
    make_event(far, title="Elterncafé in Borken")
    return cafe


def test_find_book_with_childcare_and_cancel_on_a_phone(phone, events):
    page = phone
    page.goto("/veranstaltungen/")
    assert page.get_by_role("heading", level=1).inner_text() == "Events for parents near you"
    assert fits_the_screen(page)
    assert_accessible(page)

    page.get_by_label("Postcode").fill("46483")
    page.get_by_label("Distance").select_option("10")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".event-results > li")
    assert results.count() == 1
    assert "Familienzentrum Regenbogen, Wesel" in results.first.inner_text()
    assert "km away" in results.first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Elterncafé am Dienstag", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Elterncafé am Dienstag"
    expect(page.get_by_text("Am Markt 1, 46483 Wesel")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("link", name="Book", exact=False).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Book a place"
    assert_accessible(page)

    # forgetting the phone number: the error summary gets the focus and leads to the field
    page.get_by_label("First name").fill("Ayşe")
    page.get_by_label("Ages of the children who need care").fill("zwei")
    page.get_by_label("Yes, I agree to this.").check()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(page)
    summary.get_by_role("link", name="Write the ages as numbers", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_child_ages"
    assert not Registration.objects.exists()

    page.get_by_label("Ages of the children who need care").fill("2")
    page.get_by_label("Phone number").fill("0170 1234567")
    page.get_by_label("Yes, I agree to this.").check()
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers"
    expect(page.get_by_text("For one child, age 2")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Book now").click()

    expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
    expect(page.get_by_text("Keep this link.")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.child_ages == [2]
    assert registration.phone == "0170 1234567"
    link = page.url

    # later: the personal link, cancel, confirm
    page.goto(link)
    page.get_by_role("link", name="Cancel my booking").click()
    expect(page.get_by_text("Do you really want to cancel your booking?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cancel my booking").click()
    expect(page.get_by_role("heading", name="Your booking is cancelled")).to_be_visible()
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    # the narrowest phones still show everything
    page.set_viewport_size({"width": 320, "height": 640})
    for url in ("/veranstaltungen/", f"/veranstaltungen/{events.pk}/", link):
        page.goto(url)
        assert fits_the_screen(page), url


def test_the_pages_in_arabic_read_right_to_left(phone, events):
    page = phone
    session = events.sessions.get()
    page.goto(f"/veranstaltungen/{events.pk}/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.locator(".language-choice a[lang=ar]").click()
    page.wait_for_url(f"**/veranstaltungen/{events.pk}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.get_by_text("مقهى الآباء والأمهات").first.is_visible()  # the format in Arabic
    assert fits_the_screen(page)
    assert_accessible(page)

    page.goto("/veranstaltungen/?plz=46483")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(".event-results > li").count() == 1
    assert fits_the_screen(page)
    assert_accessible(page)

    page.goto(f"/veranstaltungen/{events.pk}/anmelden/?session={session.pk}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("#id_first_name").fill("Amal")
    page.locator("#id_email").fill("amal@example.org")
    page.locator("#id_child_ages").fill("1, 3")
    page.locator("#id_consent").check()
    assert fits_the_screen(page)
    assert_accessible(page)
    page.locator("form.booking-form button[type=submit]").click()
    page.wait_for_url("**/anmelden/pruefen/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)
    page.locator("button[name=confirm]").click()
    page.wait_for_url("**/anmeldung/**")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert fits_the_screen(page)
    assert_accessible(page)
    registration = Registration.objects.get()
    assert registration.language == "ar" and registration.child_ages == [1, 3]
    assert registration.consented_at <= timezone.now()

    page.goto("/leichte-sprache/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)


def test_easy_read_page_and_keyboard_use(phone, events):
    page = phone
    page.goto("/leichte-sprache/")
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Find events").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Events for parents near you"


@pytest.mark.parametrize("scripts", [True, False], ids=["with-scripts", "without-scripts"])
def test_double_clicks_land_on_the_booking_and_on_its_cancellation(
    browser, live_server, events, scripts
):
    """A double click on "Book now" and on "Yes, cancel": the page shown is always the booking's
    current page. Without scripts both clicks reach the server, which recognises the second."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=scripts
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    session = events.sessions.get()
    page.goto(f"/veranstaltungen/{events.pk}/anmelden/?session={session.pk}")
    page.locator("#id_first_name").fill("Ayşe")
    page.locator("#id_phone").fill("0170 1234567")
    page.locator("#id_consent").check()
    page.locator("form.booking-form button[type=submit]").click()
    page.wait_for_url("**/anmelden/pruefen/")
    page.locator("button[name=confirm]").dblclick()
    expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
    expect(page.get_by_text("Keep this link.")).to_be_visible()
    assert Registration.objects.count() == 1

    page.get_by_role("link", name="Cancel my booking").click()
    page.get_by_role("button", name="Yes, cancel my booking").dblclick()
    expect(page.get_by_role("heading", name="Your booking is cancelled")).to_be_visible()
    assert page.get_by_role("button", name="Yes, cancel my booking").count() == 0
    assert Registration.objects.get().status == Registration.Status.CANCELLED
    context.close()
