"""The ministry opens the platform on a phone and on a desktop: the state start page with its
totals, the map of the regions and the regions table fits the screen (the table scrolls inside
its own focusable box), the filter works without scripts, and axe-core finds nothing."""

from datetime import date

import pytest
from django.urls import reverse

from neuewege.cooperation.models import RegionCheck
from neuewege.core.models import User
from tests.factories import InstitutionFactory, UserFactory

from .conftest import PHONE, assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_state_start_page_fits_and_filters(page, wesel, live_server, settings, viewport):
    settings.MAP_TILES_URL = live_server.url + "/static/tiles/{z}/{x}/{y}.png"
    InstitutionFactory(region=wesel, latitude="51.65", longitude="6.62")
    RegionCheck.objects.create(region=wesel, version=1, held_on=date(2015, 8, 27))
    UserFactory(role=User.Role.STATE, email="land@nrw.example")
    page.set_viewport_size(viewport)
    sign_in(page, "land@nrw.example")
    page.wait_for_url("**/state/")
    assert page.locator("main tbody tr").count() == 53
    assert page.locator("[data-check=old]").count() == 1
    assert page.locator(".leaflet-interactive").count() >= 1  # Wesel's dot on the map
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + ' '"
        " + Math.round(e.getBoundingClientRect().right))"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    scroller = page.locator(".kern-table-responsive")
    assert scroller.get_attribute("tabindex") == "0"
    figures = page.locator("main tbody tr td.numeric").first
    assert figures.evaluate("cell => getComputedStyle(cell).textAlign") in ("end", "right")
    assert_accessible(page)

    page.locator(".state-filter a[href='?show=programme&sort=name']").click()
    page.wait_for_url("**/state/?show=programme*")
    assert 0 < page.locator("main tbody tr").count() < 53
    bielefeld = reverse("region-dashboard", args=["05711"])  # not in the programme
    assert page.locator(f"main a[href='{bielefeld}']").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
