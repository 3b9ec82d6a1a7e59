"""From a plan to events in a browser on a phone (390 px): the coordinator opens a family centre
of the plan, adjusts one of its events, asks for the three best speakers, pins the best one, and
makes the draft events. Nothing wider than the screen; axe-core on every page."""

import pytest
from django.urls import reverse

from neuewege.core.models import User
from neuewege.coverage.models import Pin
from neuewege.events.models import ParentEvent
from tests.coverage.test_plan_events import build_region, solve
from tests.factories import UserFactory

from .conftest import assert_accessible, fits_the_screen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page):
    page.wait_for_load_state()
    assert fits_the_screen(page)
    assert_accessible(page)


def test_the_coordinator_pins_a_suggested_speaker_and_makes_the_events(open_phone, wesel):
    region = build_region(wesel)
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de")
    run = solve(region["scenario"])
    centre = region["centres"][0]
    page = open_phone("de-DE")
    sign_in(page, "koordination@kreis-wesel.de")

    page.goto(reverse("plan-run-events", args=[run.pk]))
    checked(page)
    page.locator(f"#centre-{centre.pk} summary").click()
    adjust = reverse("plan-run-pin", args=[run.pk])
    page.locator(f"#centre-{centre.pk} a[href^='{adjust}']").first.click()
    checked(page)
    page.locator("a[href*='suggest=1']").click()
    checked(page)
    page.locator("table button[type=submit]").first.click()
    page.wait_for_url(f"**{reverse('plan-run-events', args=[run.pk])}**")
    checked(page)
    assert Pin.objects.filter(scenario=region["scenario"]).count() == 1

    page.goto(reverse("plan-run-make-events", args=[run.pk]))
    checked(page)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{reverse('plan-run-events', args=[run.pk])}**")
    checked(page)
    assert ParentEvent.objects.filter(status=ParentEvent.Status.DRAFT).count() == 5
    assert not Pin.objects.exists()  # the event keeps it now
