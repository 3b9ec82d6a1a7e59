import os
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from neuewege.core.models import User
from tests.second_factor import recovery_code_for

CHROMIUM = os.environ.get("NEUEWEGE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop


# The test server answers one request at a time. On SQLite its threads would share the test's
# one in-memory connection, so that two requests at once (a double click without scripts) ran
# inside each other's transaction — which no real server does (PostgreSQL: tests/*/
# test_concurrency.py). Django closes each connection after its answer then.
class OneRequestAtATime(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the server's own thread holds the connection


LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def regions(reference_data):
    """Transactional tests empty the database afterwards, migration data included."""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling (a phone's browser would zoom out)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def open_phone(browser, live_server):
    """Opens a phone-sized page whose browser asks for pages in ``locale``."""
    contexts = []

    def open_page(locale):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            bypass_csp=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def assert_accessible(page):
    """axe-core finds no violations (WCAG 2.1 A and AA rules) on the current page — the page
    a click has just led to, once it has loaded (a navigation that replaces the document while
    axe runs is waited for and the page checked again)."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: " + "; ".join(violations)


def axe_violations(page) -> list[str]:
    """What axe-core finds on the current page (WCAG 2.1 A and AA rules, best practice): one
    line per rule with up to three of its elements."""
    for attempt in (1, 2):
        page.wait_for_load_state()
        try:
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(AXE.read_text())
            result = page.evaluate(
                "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',"
                " 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})"
            )
            break
        except PlaywrightError:
            if attempt == 2:
                raise
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in result["violations"]
    ]


def sign_in(page, email, password="correct horse battery"):  # noqa: S107
    """Sign in through the real forms: the password, then — for an account that must use a
    second factor — a one-time recovery code at the code step (tests/second_factor.py)."""
    code = recovery_code_for(User.objects.get(email=email))
    page.goto("/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state()
    if code is not None:
        page.wait_for_url("**/login/code/**")
        page.locator("input[name=code]").fill(code)
        page.locator("input[name=code]").press("Enter")
        page.wait_for_load_state()
