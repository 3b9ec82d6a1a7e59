"""A mother reading in Arabic on her phone opens the privacy statement from the event search:
it reads right to left, fits the screen, and axe-core finds nothing; the way back leads to the
events. The barrier report opens the same way."""

import pytest
from django.urls import reverse

from .conftest import assert_accessible, fits_the_screen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_privacy_statement_in_arabic_on_a_phone(open_phone, settings):
    settings.OPERATOR_NAME = "Kreis Wesel – Fachdienst Jugend und Familie"
    settings.OPERATOR_ADDRESS = "Reeser Landstraße 31, 46483 Wesel"
    settings.OPERATOR_EMAIL = "neuewege-datenschutzanfragen@kreis-wesel.example"
    settings.DPO_CONTACT = "Behördlicher Datenschutzbeauftragter, datenschutz@kreis-wesel.example"
    page = open_phone("ar")
    page.goto(reverse("public-event-list"))
    page.locator(f"footer a[href='{reverse('privacy')}']").click()
    page.wait_for_url(f"**{reverse('privacy')}")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#category-registrations").is_visible()
    assert fits_the_screen(page)
    assert_accessible(page)

    page.locator(f"main a[href='{reverse('public-event-list')}']").click()
    page.wait_for_url(f"**{reverse('public-event-list')}")
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_barrier_report_in_arabic_on_a_phone(open_phone):
    page = open_phone("ar")
    page.goto(reverse("barrier-report"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert fits_the_screen(page)
    assert_accessible(page)
