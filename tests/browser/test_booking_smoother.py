"""Booking on a phone, smoother: a mother books the second date of a weekly series straight from
its result card, is told every problem of her answers in one round, gets a booking code and
copies her personal link; the family centre finds her booking by the code she quotes on the
phone. axe-core finds no violations on any page."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from neuewege.core.models import User
from neuewege.events.models import ConsentText, Registration
from neuewege.events.services.booking import Booking, book
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event, region

from .conftest import assert_accessible, fits_the_screen, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def consent():
    return ConsentText.objects.get(purpose=ConsentText.Purpose.BOOKING, version=1).pk


@pytest.fixture
def series():
    centre = InstitutionFactory(
        region=region("05170"),
        name="Familienzentrum Regenbogen",
        street="Am Markt 1",
        postcode="46483",
        town="Wesel",
        latitude=51.6583,
        longitude=6.6178,
    )
    person = PersonFactory(institution=centre, first_name="Fatma", last_name="Yılmaz")
    UserFactory(role=User.Role.STAFF, person=person, email="fz@regenbogen.example")
    day = timezone.localdate() + timedelta(days=2)
    starts = datetime.combine(day, time(9, 30), tzinfo=timezone.get_default_timezone())
    return make_event(centre, title="Elterncafé am Dienstag", dates=5, starts=starts)


def test_book_a_date_from_its_card_with_all_errors_in_one_round_and_the_code(open_phone, series):
    page = open_phone("en-GB")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    second = series.sessions.order_by("starts_at")[1]
    book(
        event_id=series.pk,
        session_id=second.pk,
        booking=Booking(first_name="Olena", email="taken@example.org", consent_id=consent()),
    )

    # one card for the weekly series, its next four dates each with a "Book" button
    page.goto("/veranstaltungen/?plz=46483")
    cards = page.locator(".event-results > li")
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card.locator("[data-book]")).to_have_count(4)
    expect(card.get_by_role("link", name="1 more date", exact=False)).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)

    # the second date, booked straight from the card
    card.locator(f'[data-book="{second.pk}"]').click()
    page.wait_for_url(f"**/anmelden/?session={second.pk}")
    assert page.get_by_role("heading", level=1).inner_text() == "Book a place"
    assert page.locator("input[name=session]").input_value() == str(second.pk)
    assert_accessible(page)

    # five problems, all named in the first round, nothing saved
    page.get_by_label("Phone number").fill("abc")
    page.get_by_label("E-mail address").fill("taken@example.org")
    page.get_by_label("Ages of the children who need care").fill("2, 15")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(5)
    targets = [links.nth(index).get_attribute("href") for index in range(5)]
    assert targets == [
        "#id_first_name",
        "#id_phone",
        "#id_email",
        "#id_child_ages",
        "#id_consent",
    ]
    for target in targets:
        expect(page.locator(f"{target}_error")).to_be_visible()
    expect(summary).to_contain_text("already registered")
    assert fits_the_screen(page)
    assert_accessible(page)
    assert Registration.objects.count() == 1
    summary.get_by_role("link", name="already registered", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_email"

    # corrected in the second round
    page.get_by_label("First name").fill("Ayşe")
    page.get_by_label("Phone number").fill("")
    page.get_by_label("E-mail address").fill("ayse@example.org")
    page.get_by_label("Ages of the children who need care").fill("2")
    page.get_by_label("Yes, I agree to this.").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/anmelden/pruefen/")
    page.get_by_role("button", name="Book now").click()

    # the booking code to quote on the phone, and the personal link to copy
    expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
    registration = Registration.objects.get(first_name="Ayşe")
    assert registration.session == second
    expect(page.locator("[data-booking-code]")).to_have_text(registration.code)
    link = page.locator("#personal-link").get_attribute("href")
    share = page.locator("[data-share-button]")
    expect(share).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page)
    if "Copy link" in share.inner_text():  # no share sheet in this browser: the clipboard
        share.click()
        expect(page.locator("[data-share-status]")).to_contain_text("The link is copied")
        assert page.evaluate("navigator.clipboard.readText()") == link


def test_the_link_can_be_selected_without_scripts(browser, live_server, series):
    registration, token = book(
        event_id=series.pk,
        session_id=series.sessions.order_by("starts_at").first().pk,
        booking=Booking(first_name="Ayşe", phone="0170 1234567", consent_id=consent()),
    )
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"/anmeldung/{token}/")
    expect(page.locator("#personal-link")).to_be_visible()
    expect(page.locator("[data-share]")).to_be_hidden()  # the button needs the script
    expect(page.get_by_text(registration.code).first).to_be_visible()
    context.close()


def test_the_family_centre_finds_a_booking_by_its_code(open_phone, series):
    session = series.sessions.order_by("starts_at").first()
    registration, _token = book(
        event_id=series.pk,
        session_id=session.pk,
        booking=Booking(first_name="Ayşe", phone="0170 1234567", consent_id=consent()),
    )
    book(
        event_id=series.pk,
        session_id=session.pk,
        booking=Booking(first_name="Olena", phone="0170 7654321", consent_id=consent()),
    )
    page = open_phone("de-DE")
    sign_in(page, "fz@regenbogen.example")
    page.goto(f"/events/{series.pk}/registrations/")
    assert_accessible(page)
    search = page.locator("#registration-query")
    search.fill(registration.code.lower())
    search.press("Enter")
    rows = page.locator("[data-found]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ayşe")
    assert rows.first.get_attribute("data-found") == registration.code
    assert fits_the_screen(page)
    assert_accessible(page)


BROKEN_WORDS = """() => {
  // words (up to 25 letters: no links or e-mail addresses) that run over two lines
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.checkVisibility() || node.parentElement.closest(".personal-link"))
      continue;
    for (const match of node.data.matchAll(/[\\p{L}]{2,25}/gu)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


def test_no_word_is_broken_inside_on_the_narrowest_phone(open_phone, series):
    _registration, token = book(
        event_id=series.pk,
        session_id=series.sessions.order_by("starts_at").first().pk,
        booking=Booking(
            first_name="Ayşe", phone="0170 1234567", child_ages=[2, 4], consent_id=consent()
        ),
    )
    page = open_phone("de-DE")
    page.set_viewport_size({"width": 320, "height": 640})
    for url in (
        "/veranstaltungen/?plz=46483",
        f"/veranstaltungen/{series.pk}/",
        f"/anmeldung/{token}/",
    ):
        page.goto(url)
        expect(page.get_by_text("Kinderbetreuung").first).to_be_visible()
        assert page.evaluate(BROKEN_WORDS) == [], url
        assert fits_the_screen(page), url
