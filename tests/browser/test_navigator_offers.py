"""The coordinator enters an offer in a browser on a phone (390 x 844: nothing wider than the
screen): weekdays and times for the opening hours, first with a postcode nobody knows (the
error summary links to the field), then fixed; the offer is in the region's list. axe-core on
every page."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from neuewege.core.models import User
from neuewege.navigator.models import Offer
from tests.factories import UserFactory

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


def test_the_coordinator_enters_an_offer_and_fixes_its_postcode(browser, live_server, wesel):
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de")
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True, **SCREENS["phone"]
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, "koordination@kreis-wesel.de")

    page.goto(reverse("offer-list", args=[wesel.key]))
    check(page)
    page.get_by_role("link", name="Enter an offer").click()
    page.wait_for_load_state()
    check(page)
    page.get_by_label("Name of the offer", exact=True).fill("Schuldnerberatung Wesel")
    page.get_by_label("What is offered", exact=True).fill("Hilfe bei Schulden, kostenlos.")
    page.get_by_label("– Debt counselling", exact=True).check()
    page.get_by_label("Organisation", exact=True).select_option(
        label="A new organisation (name it below)"
    )
    page.get_by_label("Name of a new organisation").fill("Diakonie Wesel")
    page.get_by_label("Turkish", exact=True).check()
    page.get_by_label("Place 1: street and number").fill("Korbmacherstraße 14")
    page.get_by_label("Place 1: postcode").fill("00000")
    page.get_by_label("Place 1: town").fill("Wesel")
    row = page.get_by_role("group", name="Opening hours 1: weekdays")
    row.get_by_label("Monday", exact=True).check()
    row.get_by_label("Wednesday", exact=True).check()
    page.get_by_label("Opening hours 1: from").fill("09:00")
    page.get_by_label("Opening hours 1: until").fill("12:30")
    page.get_by_label("Phone – optional", exact=True).fill("0281 1234-0")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    assert "We do not know this postcode" in summary.inner_text()
    check(page)
    summary.get_by_role("link", name="postcode").click()
    postcode = page.get_by_label("Place 1: postcode")
    assert postcode.evaluate("element => element === document.activeElement")
    postcode.fill("46483")
    # what was entered is still there
    assert (
        page.get_by_label("Name of the offer", exact=True).input_value()
        == "Schuldnerberatung Wesel"
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == reverse("offer-detail", args=[Offer.objects.get().pk])
    check(page)
    offer = Offer.objects.get()
    assert offer.schedules.get().rrule == "FREQ=WEEKLY;BYDAY=MO,WE"

    page.goto(reverse("offer-list", args=[wesel.key]))
    assert page.get_by_role("link", name="Schuldnerberatung Wesel").is_visible()
    check(page)
    context.close()
