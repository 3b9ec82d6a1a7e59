"""The coverage dashboards in a browser on a phone (390 px: nothing wider than the screen, the
tables scroll inside their own region): the state level opens the state's coverage from the
menu, follows a region to its family centres. axe-core on both pages."""

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from neuewege.core.models import User
from neuewege.coverage.services.plans import planning_year
from tests.factories import InstitutionFactory, UserFactory, make_event

from .conftest import PHONE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_state_level_reads_the_coverage_of_every_region_on_a_phone(open_phone, wesel):
    centre = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen Moers")
    InstitutionFactory(region=wesel, name="Familienzentrum Sonnenschein Wesel")
    starts = datetime.combine(
        datetime(planning_year(), 11, 10), time(9, 30), tzinfo=timezone.get_default_timezone()
    )
    make_event(centre, starts=starts, status="published")
    UserFactory(role=User.Role.STATE, email="land@nrw.example")
    page = open_phone("de-DE")
    sign_in(page, "land@nrw.example")

    state = reverse("coverage-state")
    page.goto(f"/regions/{wesel.key}/")
    page.get_by_role("button", name="Menü").click()  # the region's menu on a phone
    page.locator(f"a[href='{state}']").first.click()
    page.wait_for_url(f"**{state}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    region = reverse("coverage-dashboard", args=[wesel.key])
    page.locator(f"a[href^='{region}']").first.click()
    page.wait_for_url(f"**{region}**")
    assert "Familienzentrum Sonnenschein Wesel" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
