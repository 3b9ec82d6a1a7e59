"""The evaluation's results as a report, in a browser on a phone (390x844) and a desktop
(1280x800): the key figures as tiles, the trend as line charts each with its table behind
"Show table", every table scrolling inside its own focusable region with its headers whole and
its figures at the end; a month without invitations reads a dash (with words for screen readers),
a small number "< 5". Nothing wider than the screen; axe-core finds nothing — the region's page
for its coordinator, the state-wide page for the state level."""

import pytest
from django.conf import settings
from django.urls import reverse

from neuewege.core.models import User
from tests.evaluation.test_results import build_results_world
from tests.factories import UserFactory

from .conftest import PHONE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PERIOD = "?period=2026-Q1"


@pytest.fixture
def open_at(browser, live_server):
    contexts = []

    def open_page(viewport):
        phone = viewport == PHONE
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            bypass_csp=True,
        )
        # English (the new words have no translation compiled yet); the layout is the same
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def read_as_a_report(page, width):
    """The checks every results page passes at ``width``."""
    # the charts are drawn (Chart.js) and named for screen readers
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length === 3")
    page.wait_for_function(
        "[...document.querySelectorAll('canvas[data-chart]')].every(c => c.height > 0)"
    )
    assert page.evaluate("typeof window.Chart") == "function"
    for canvas in page.locator("canvas[data-chart]").all():
        assert canvas.get_attribute("role") == "img"
        assert canvas.get_attribute("aria-label").startswith("Line chart: ")
    # each chart's table is behind "Show table", closed until asked for
    disclosures = page.locator("details.chart-table")
    assert disclosures.count() == 3
    assert not page.locator("details.chart-table table").first.is_visible()
    for summary in page.locator("details.chart-table > summary").all():
        summary.click()
    assert page.locator("details.chart-table table").first.is_visible()
    # the key figures once, as tiles: no table of them
    assert page.locator(".report-tiles > li").count() == 11
    assert page.locator("caption", has_text="Key figures").count() == 0
    # tables: in a focusable scrolling region, headers whole, labels at the start, figures
    # at the end in digits of one width
    layout = page.evaluate(
        """() => {
        const regions = [...document.querySelectorAll('.report-table')].map(table => {
          const region = table.closest('.kern-table-responsive');
          return region && region.getAttribute('role') === 'region'
            && region.tabIndex === 0 && !!region.getAttribute('aria-label');
        });
        const cut = [...document.querySelectorAll('.report-table th')]
          .filter(th => th.scrollWidth > th.clientWidth + 1).map(th => th.textContent);
        const cell = getComputedStyle(document.querySelector('.report-table td'));
        const label = getComputedStyle(document.querySelector('.report-table tbody th'));
        return {regions, cut, cellAlign: cell.textAlign, numbers: cell.fontVariantNumeric,
                labelAlign: label.textAlign};
        }"""
    )
    assert layout["regions"] and all(layout["regions"])
    assert layout["cut"] == []
    assert layout["cellAlign"] in ("end", "right") and layout["numbers"] == "tabular-nums"
    assert layout["labelAlign"] in ("start", "left")
    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_coordinator_reads_the_regions_results_as_a_report(
    open_at, viewport, wesel, borken, family_centre
):
    build_results_world(wesel, borken, family_centre)
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@wesel.example")
    page = open_at(viewport)
    sign_in(page, "koordination@wesel.example")
    page.goto(reverse("results-region", args=[wesel.key]) + PERIOD)
    read_as_a_report(page, viewport["width"])
    # February: no invitation sent — "–" with words, not "< 5"; January: withheld, "< 5"
    trend = page.locator("#chart-trend_parents-caption").locator("..").locator("table")
    february = trend.locator("tr", has_text="February 2026")
    assert february.locator("td").nth(1).inner_text() == "0"  # invited
    assert february.locator("td").nth(2).text_content() == "–no invitations sent"
    assert february.locator("td .kern-sr-only").first.text_content() == "no invitations sent"
    january = trend.locator("tr", has_text="January 2026")
    assert january.locator("td").nth(2).inner_text() == "< 5"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_state_level_reads_the_state_wide_results_as_a_report(
    open_at, viewport, wesel, borken, family_centre
):
    build_results_world(wesel, borken, family_centre)
    UserFactory(role=User.Role.STATE, email="land@nrw.example")
    page = open_at(viewport)
    sign_in(page, "land@nrw.example")
    page.goto(reverse("results-state") + PERIOD)
    read_as_a_report(page, viewport["width"])
    regions = page.locator("table", has=page.locator("caption", has_text="Results by region"))
    assert regions.locator("tbody tr").count() == 54
    # Düsseldorf: no invitations — "–"; all regions: fourteen responses
    assert regions.locator("tr", has_text="Düsseldorf").locator("td").nth(5).text_content() == (
        "–no invitations sent"
    )
    assert regions.locator("tr", has_text="All regions").locator("td").nth(5).inner_text() == "14"
