"""The second factor in the browser, on a phone and on a desktop: a coordinator without one
signs in through the real form, sets up an authenticator app (the key read as text, the code
computed from it), keeps the recovery codes, works, signs out, and signs in again with password
and code — a wrong code first, by keyboard alone. On the way every page of the second factor
(set-up, recovery codes, the manage page, removal, the region's requirement, the coordinator's
reset, the code step with and without an error) is checked with axe-core, must not be wider
than the screen, and is photographed (``tmp_path``) for a look."""

import base64
import time
from urllib.parse import urlsplit

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from neuewege.core.models import User
from tests.factories import UserFactory

from .conftest import PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # the factories' password
SCREENS = {"phone": PHONE, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(params=SCREENS)
def screen(request, browser, live_server, tmp_path):
    phone = request.param == "phone"
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        viewport=SCREENS[request.param],
        is_mobile=phone,
        has_touch=phone,
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(10000)

    def look(name):
        """axe-core finds nothing, nothing is wider than the screen, and a photograph."""
        assert page.evaluate("document.documentElement.lang") == "de"
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: {overflow} px wider than the screen"
        page.screenshot(path=tmp_path / f"{request.param}-{name}.png", full_page=True)

    yield page, look
    context.close()


@pytest.fixture
def coordinator(wesel):
    return UserFactory(
        role=User.Role.COORDINATOR,
        regions=[wesel],
        email="karin@kreis-wesel.de",
        first_name="Karin",
        last_name="Koordinatorin",
    )


@pytest.fixture
def colleague_with_a_factor(family_centre):
    colleague = UserFactory(role=User.Role.STAFF, email="fatma@kreis-wesel.de")
    colleague.person = family_centre.people.create(first_name="Fatma", last_name="Yılmaz")
    colleague.save()
    TOTPDevice.objects.create(user=colleague, name="App", confirmed=True)
    return colleague


def code_from(key_text, steps_ahead=0):
    """What an authenticator app shows for the key typed in from the page."""
    totp = TOTP(base64.b32decode("".join(key_text.split())))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def sign_in_with_password(page, email):
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def focused(page, attribute):
    return page.evaluate(f"document.activeElement.getAttribute('{attribute}')")


def test_a_coordinator_sets_up_the_second_factor_and_signs_in_with_it(
    screen, coordinator, colleague_with_a_factor, wesel
):
    page, look = screen

    # The password alone leads to the set-up, whatever page was asked for
    page.goto("/regions/05170/")
    sign_in_with_password(page, coordinator.email)
    page.wait_for_url("**/me/second-factor/setup/**")
    assert heading(page) == "Zweiten Faktor einrichten"
    qr_code = page.get_by_role("img", name="QR-Code für die Authenticator-App")
    expect(qr_code).to_be_visible()
    look("setup")

    # The app gets the key typed in (read from the page as text) and shows a code
    key = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code aus der App").fill(code_from(key))
    page.get_by_role("button", name="Bestätigen").click()

    # The recovery codes, shown once
    assert heading(page) == "Ihre Wiederherstellungscodes"
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    expect(page.get_by_role("button", name="Codes drucken")).to_be_visible()
    look("recovery-codes")
    page.get_by_role("link", name="Ich habe die Codes aufbewahrt – weiter").click()
    page.wait_for_url("**/regions/05170/")
    assert heading(page) == "Kreis Wesel"
    assert_accessible(page)

    # The manage page (the account's menu): the app and how many codes are left, never the codes
    page.locator("[data-account-menu] summary").click()
    page.get_by_role("link", name="Zweiter Faktor", exact=True).click()
    assert heading(page) == "Zweiter Faktor"
    expect(page.get_by_text("Noch 10 Wiederherstellungscodes.")).to_be_visible()
    assert codes[0] not in page.content()
    look("manage")
    page.get_by_role("link", name="Zweiten Faktor entfernen").click()
    assert heading(page) == "Zweiten Faktor entfernen"
    look("remove")

    # The coordinator's pages: the region's requirement and a colleague's reset
    page.goto("/regions/05170/accounts/")
    page.get_by_role("link", name="Ändern – Zweiter Faktor für die Region").click()
    assert heading(page).startswith("Zweiter Faktor für die Region")
    look("region-requirement")
    page.goto("/regions/05170/accounts/")
    # by keyboard: on a phone the accounts table still scrolls sideways (issue 18)
    page.get_by_role(
        "link", name=f"Zweiten Faktor zurücksetzen {colleague_with_a_factor.email}"
    ).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert heading(page).startswith("Zweiten Faktor zurücksetzen")
    look("reset")

    # Signing out, and in again: password, then the code step for the page asked for
    page.locator("[data-account-menu] summary").click()
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/login/")
    page.goto("/regions/05170/accounts/")
    sign_in_with_password(page, coordinator.email)
    page.wait_for_url("**/login/code/**")
    assert heading(page) == "Code eingeben"
    look("code-step")

    # By keyboard alone: Tab reaches the code field, then the button
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if focused(page, "name") == "code":
            break
    assert focused(page, "name") == "code"
    page.keyboard.type("123 456")  # a wrong code, typed
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Weiter"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error: the summary has the focus and links to the field, which names the error
    expect(page.locator("[data-error-summary]")).to_be_focused()
    summary = page.locator("[data-error-summary]")
    assert "Bitte korrigieren Sie Folgendes" in summary.inner_text()
    error = page.locator("#id_code_error")
    assert error.inner_text().startswith("Dieser Code ist nicht gültig.")
    assert "id_code_error" in page.locator("#id_code").get_attribute("aria-describedby")
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    look("code-step-error")

    # The second the device waits after a wrong code passes; the summary's link leads back to
    # the field, and the app's next code opens the page asked for
    TOTPDevice.objects.filter(user=coordinator).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    summary.get_by_role("link").click()
    assert focused(page, "id") == "id_code"
    page.keyboard.press("Control+A")
    page.keyboard.type(code_from(key, steps_ahead=1))
    page.keyboard.press("Enter")
    # (the browser keeps the #id_code of the summary's link through the redirect)
    page.wait_for_url(lambda url: urlsplit(url).path == "/regions/05170/accounts/")
    assert heading(page).startswith("Konten")
    assert_accessible(page)
