"""The figures of the trainings in a browser: the coordinator opens them from the region's
training list on a phone (390 px: nothing wider than the screen, the tables scroll inside their
own region), the charts are drawn next to their tables; the state level opens every region's
figures from the menu and downloads the table. axe-core on every page."""

import io
from datetime import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from neuewege.core.models import Institution, User
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    UserFactory,
    make_registrant,
    make_training,
)

from .conftest import assert_accessible, fits_the_screen, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures_world(wesel):
    centres = [InstitutionFactory(region=wesel, name=f"Familienzentrum {n}") for n in (1, 2)]
    jobcentre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    training = make_training(
        wesel, status="held", start=timezone.make_aware(datetime(2025, 3, 10, 8))
    )
    for institution in (centres[0], jobcentre):
        make_registrant(training, institution, attended=True)
    PersonFactory(institution=jobcentre, moderated_formats=["parent_cafe", "info_session"])
    return training


def test_the_coordinator_reads_the_figures_on_a_phone(open_phone, figures_world, wesel):
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="koordination@kreis-wesel.de")
    page = open_phone("de-DE")
    sign_in(page, "koordination@kreis-wesel.de")
    page.goto(reverse("training-list", args=[wesel.key]))
    page.locator(f"main a[href='{reverse('training-overview', args=[wesel.key])}']").click()
    page.wait_for_url(f"**{reverse('training-overview', args=[wesel.key])}")
    assert fits_the_screen(page)
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length === 2")
    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))"
    )
    assert drawn  # both charts, each with its table
    page.locator("#speakers-caption").wait_for()
    assert "(50 %)" in page.content()  # one of the two family centres
    assert_accessible(page)


def test_the_state_level_opens_every_region_and_downloads_the_table(page, figures_world):
    UserFactory(role=User.Role.STATE, email="land@nrw.example")
    sign_in(page, "land@nrw.example")
    page.goto("/regions/05170/")
    page.locator(f"nav a[href='{reverse('training-state-overview')}']").click()
    page.wait_for_url(f"**{reverse('training-state-overview')}")
    assert page.locator("#regions-caption").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator(
            f"a[href='{reverse('training-state-overview-export', args=['xlsx'])}?table=regions']"
        ).click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    wesel = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "05170")
    assert wesel[2:4] == (1, 2)  # one training held, two participants
