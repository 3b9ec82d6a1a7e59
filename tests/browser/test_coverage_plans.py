"""The coverage plans in a browser, on a phone (390 x 844: nothing wider than the screen) and on a
desktop (1280 x 800): the coordinator goes from the demand to the plans, creates a scenario
compared with "BCAs only", computes its plan (the background task runs at once here), reads the
plan and opens the comparison with its headline sentence. axe-core on every page."""

import pytest
from django.urls import reverse

from neuewege.core.models import Institution, Person, User
from neuewege.coverage.models import PlanRun, Scenario
from tests.coverage.test_plan_pages import YEAR, centre, speaker
from tests.factories import InstitutionFactory, UserFactory

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture
def open_screen(browser, live_server):
    contexts = []

    def open_page(screen, locale="en-GB"):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, bypass_csp=True, **SCREENS[screen]
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


def test_journey_from_the_demand_to_the_years_draft_events(open_screen, wesel):
    """Issue 15's journey in German: the coordinator enters the southern centre's request for a
    monthly Elterncafé, creates "Nur BCA" and "Mit Fallmanagern" (compared with it), computes
    both, reads the comparison the steering group decides on, and turns the chosen scenario into
    the year's draft events — each with its planned speaker, through the events app's rules."""
    from neuewege.coverage.models import CentreRequest
    from neuewege.events.models import ParentEvent
    from tests.coverage.test_plan_pages import open_weekdays

    centre(wesel, "Familienzentrum Nord", 51.6580, 6.6170)
    south = InstitutionFactory(
        region=wesel, name="Familienzentrum Süd", latitude="51.4516", longitude="6.6260"
    )
    open_weekdays(south)
    speaker(
        wesel, Institution.Kind.EMPLOYMENT_AGENCY, Person.Function.BCA, "Berta", "Agentur",
        51.6590, 6.6180, 10,
    )  # fmt: skip
    frank = speaker(
        wesel, Institution.Kind.JOB_CENTRE, Person.Function.CASE_MANAGER, "Frank", "Werner",
        51.4520, 6.6270, 10,
    )  # fmt: skip
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de")
    page = open_screen("desktop", locale="de-DE")
    sign_in(page, "koordination@kreis-wesel.de")

    # the demand: Süd asks for an Elterncafé every month, on Tuesday mornings
    page.goto(reverse("coverage-demand", args=[wesel.key]) + f"?year={YEAR}")
    check(page, "desktop")
    page.locator(f"a[href^='{reverse('institution-request-create', args=[south.pk])}']").click()
    page.wait_for_load_state()
    check(page, "desktop")
    page.get_by_label("Dienstag").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**{reverse('coverage-demand', args=[wesel.key])}**")
    assert CentreRequest.objects.get(family_centre=south).per_year == 12

    # two scenarios: BCAs only, and everyone compared with it
    plans_url = reverse("coverage-plans", args=[wesel.key]) + f"?year={YEAR}"
    for name, bcas_only in (("Nur BCA", True), ("Mit Fallmanagern", False)):
        page.goto(plans_url)
        page.get_by_role("link", name="Neues Szenario").click()
        page.wait_for_load_state()
        page.get_by_label("Name", exact=True).fill(name)
        if bcas_only:
            page.locator("input[name=functions][value=bca]").check()
        else:
            page.get_by_label("Verglichen mit").select_option(label=f"Nur BCA ({YEAR})")
        page.get_by_role("button", name="Speichern").click()
        page.wait_for_url(f"**{plans_url}")
    check(page, "desktop")
    bcas, everyone = (
        Scenario.objects.get(name="Nur BCA"),
        Scenario.objects.get(name="Mit Fallmanagern"),
    )
    assert (bcas.functions, everyone.base) == (["bca"], bcas)

    # compute both: the background task runs at once here
    for scenario in (bcas, everyone):
        page.goto(plans_url)
        page.locator(f"#scenario-{scenario.pk}").get_by_role(
            "button", name="Plan berechnen"
        ).click()
        page.wait_for_url("**/coverage/plans/*/")
        check(page, "desktop")
    run = PlanRun.objects.get(scenario=everyone)
    assert run.work_state == PlanRun.State.DONE, run.error
    assert (
        PlanRun.objects.get(scenario=bcas).result["plan"]["objectives"]["centres_covered"]["value"]
        == 1
    )

    # the comparison the steering group decides on
    page.get_by_role("link", name="Mit „Nur BCA“ vergleichen").click()
    page.wait_for_url(f"**{reverse('plan-run-compare', args=[run.pk])}")
    check(page, "desktop")
    content = page.content()
    assert "Mit „Mit Fallmanagern“ können 2 von 2 Familienzentren versorgt werden" in content
    assert "Frank Werner" in content

    # the chosen scenario becomes the year's draft events
    page.get_by_role("link", name="„Mit Fallmanagern“ in Veranstaltungen umsetzen").click()
    page.wait_for_url(f"**{reverse('plan-run-events', args=[run.pk])}**")
    check(page, "desktop")
    page.goto(reverse("plan-run-make-events", args=[run.pk]))
    check(page, "desktop")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{reverse('plan-run-events', args=[run.pk])}**")
    check(page, "desktop")
    drafts = ParentEvent.objects.filter(status=ParentEvent.Status.DRAFT)
    assert drafts.count() == 24  # a café a month in each centre
    southern = drafts.filter(family_centre=south)
    assert southern.count() == 12
    assert {tuple(event.speakers.all()) for event in southern} == {(frank,)}
    assert {event.sessions.get().starts_at.year for event in drafts} == {YEAR}
