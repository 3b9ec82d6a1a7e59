"""Every staff page of the permission matrix, opened by each role that may see it, on a phone
(390 x 844) and on a desktop (1280 x 800): no page is wider than the screen, and axe-core finds
nothing on it. The pages and their records come from the matrix (tests/test_permission_matrix.py:
its world, its addresses and who may open each page); answers that are no HTML page (a file, a
JSON document, a redirect to a page that waits for an export) are passed by their content type.

One browser context per role, the page opened once and measured at both sizes; the failures of
a role are listed together in one message (page, address, screen, what)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.conftest import axe_violations
from tests.second_factor import SignInClient
from tests.test_permission_matrix import allowed_roles, build_world, named_patterns, url_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# The accounts of region A (and the state level) see every staff page one of the matrix's
# accounts may see; region B's accounts see the same pages of their own region.
ROLES = ["staff_a", "viewer_a", "coordinator_a", "state"]


def staff_pages(world, role):
    """Name and address of every page of staff that ``role`` may open."""
    for pattern in named_patterns():
        allowed = allowed_roles(pattern)
        if allowed & {"public", "sign_in_step"}:
            continue  # the parents' and the signing-in pages
        if role in allowed or "signed_in" in allowed:
            yield pattern.name, url_for(pattern, world)


def signed_in_context(browser, live_server, user, screen="desktop", **options):
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        bypass_csp=True,
        viewport=SCREENS[screen],
        **options,
    )
    client = SignInClient()
    client.force_login(user)  # signing in itself is tested elsewhere
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_page_fits_a_phone_and_passes_axe(browser, live_server, wesel, borken, role):
    world = build_world(wesel, borken)
    context = signed_in_context(browser, live_server, world["users"][role])
    page = context.new_page()
    page.set_default_timeout(15000)
    failures, seen = [], 0
    for name, url in staff_pages(world, role):
        answer = context.request.get(url, max_redirects=0)
        if answer.status != 200 or not answer.headers.get("content-type", "").startswith(
            "text/html"
        ):
            continue
        seen += 1
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")  # measured in the page's fonts
        for screen, size in SCREENS.items():
            page.set_viewport_size(size)
            wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if wider > 0:
                failures.append(f"{name} {url} {screen}: {wider} px wider than the screen")
            for violation in axe_violations(page):
                failures.append(f"{name} {url} {screen}: {violation}")
        page.set_viewport_size(SCREENS["desktop"])
    context.close()
    assert seen > 10, f"{role}: only {seen} pages opened"
    assert failures == [], f"{role}, {len(failures)} failures:\n" + "\n".join(failures)


@pytest.mark.parametrize("scripts", [True, False])
def test_on_a_phone_the_region_menu_opens_behind_its_button(
    browser, live_server, wesel, coordinator, scripts
):
    context = signed_in_context(
        browser, live_server, coordinator, "phone", java_script_enabled=scripts
    )
    page = context.new_page()
    page.goto(reverse("region-home", args=[wesel.key]))
    menu, button = page.locator("#region-nav"), page.locator("[data-menu-button]")
    if not scripts:  # the menu is simply shown
        assert menu.is_visible() and not button.is_visible()
        context.close()
        return
    assert not menu.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    button.focus()
    page.keyboard.press("Enter")
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")  # from the button: nothing else is open
    page.locator("#region-nav a").first.focus()
    page.keyboard.press("Escape")
    assert not menu.is_visible() and button.get_attribute("aria-expanded") == "false"
    # the account's tools and signing out: behind the account's name
    tools = page.locator(f"[data-account-menu] a[href='{reverse('api-tokens')}']")
    assert not tools.is_visible()
    page.locator("[data-account-menu] summary").click()
    assert tools.is_visible()
    page.keyboard.press("Escape")
    assert not tools.is_visible()
    page.set_viewport_size(SCREENS["desktop"])
    assert menu.is_visible() and not button.is_visible()
    context.close()
