"""The coverage plans in a browser, on a phone (390 x 844: nothing wider than the screen) and on a
desktop (1280 x 800): the coordinator goes from the demand to the plans, creates a scenario
compared with "BCAs only", computes its plan (the background task runs at once here), reads the
plan and opens the comparison with its headline sentence. axe-core on every page."""

import pytest
from django.urls import reverse

from neuewege.core.models import Institution, Person, User
from neuewege.coverage.models import PlanRun, Scenario
from tests.coverage.test_plan_pages import YEAR, centre, speaker
from tests.factories import UserFactory

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture
def open_screen(browser, live_server):
    contexts = []

    def open_page(screen):
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", bypass_csp=True, **SCREENS[screen]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def check(page, screen):
    width = SCREENS[screen]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    assert_accessible(page)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_coordinator_compares_a_scenario_with_bcas_only(open_screen, wesel, screen):
    centre(wesel, "Familienzentrum Nord", 51.6580, 6.6170)
    centre(wesel, "Familienzentrum Süd", 51.4516, 6.6260)
    speaker(
        wesel, Institution.Kind.EMPLOYMENT_AGENCY, Person.Function.BCA, "Berta", "Agentur",
        51.6590, 6.6180, 10,
    )  # fmt: skip
    speaker(
        wesel, Institution.Kind.JOB_CENTRE, Person.Function.CASE_MANAGER, "Frank", "Werner",
        51.4520, 6.6270, 10,
    )  # fmt: skip
    bcas = Scenario.objects.create(region=wesel, year=YEAR, name="Nur BCA", functions=["bca"])
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de")
    page = open_screen(screen)
    sign_in(page, "koordination@kreis-wesel.de")

    page.goto(reverse("coverage-demand", args=[wesel.key]) + f"?year={YEAR}")
    page.get_by_role("navigation", name="Coverage").get_by_role(
        "link", name="Plans and scenarios"
    ).click()
    page.wait_for_url(f"**{reverse('coverage-plans', args=[wesel.key])}?year={YEAR}")
    check(page, screen)

    page.get_by_role("link", name="New scenario").click()
    page.wait_for_load_state()
    check(page, screen)
    page.get_by_label("Name", exact=True).fill("Mit Fallmanagern")
    page.get_by_label("Compared with").select_option(label=str(bcas))
    page.locator("#id_extra-0-count").fill("2")  # a row without formats: an error
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Choose at least one format they may moderate." in page.content()
    assert not Scenario.objects.filter(name="Mit Fallmanagern").exists()
    check(page, screen)
    page.locator("#id_extra-0-count").fill("")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{reverse('coverage-plans', args=[wesel.key])}?year={YEAR}")
    scenario = Scenario.objects.get(name="Mit Fallmanagern")
    assert scenario.base == bcas
    check(page, screen)

    page.locator(f"#scenario-{scenario.pk}").get_by_role("button", name="Compute the plan").click()
    page.wait_for_url("**/coverage/plans/*/")
    run = PlanRun.objects.get(scenario=scenario)
    assert run.work_state == PlanRun.State.DONE, run.error
    assert "Optimal: no plan serves more family centres" in page.content()
    assert "2 / 2" in page.content()
    check(page, screen)

    page.get_by_role("link", name="Compare with “Nur BCA”").click()
    page.wait_for_url(f"**{reverse('plan-run-compare', args=[run.pk])}")
    content = page.content()
    assert (
        "With “Mit Fallmanagern” 2 of 2 family centres can be served, with “Nur BCA” 1." in content
    )
    assert "Frank Werner adds 1 family centre" in content
    check(page, screen)
