"""The groups of a training: the planner starts the balanced assignment, follows its progress bar
while the background worker solves, and reads the result — on a phone, with axe-core."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from neuewege.core.models import Institution, User
from neuewege.trainings.models import AssignmentRun
from tests.factories import InstitutionFactory, UserFactory, make_registrant, make_training

from .conftest import PHONE, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def training(wesel):
    training = make_training(wesel, sessions=2, min_size=4, max_size=10)
    for kind, count in ((Institution.Kind.FAMILY_CENTRE, 8), (Institution.Kind.JOB_CENTRE, 6)):
        institution = InstitutionFactory(
            region=wesel,
            kind=kind,
            name=f"{kind.label} Wesel",
            latitude=Decimal("51.66"),
            longitude=Decimal("6.62"),
            job_centre_type="gE" if kind == Institution.Kind.JOB_CENTRE else "",
        )
        for _ in range(count):
            make_registrant(training, institution)
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="karin@kreis-wesel.de")
    return training


def test_the_planner_forms_the_groups_with_a_progress_bar_on_a_phone(
    browser, live_server, training, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport=PHONE, is_mobile=True, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, "karin@kreis-wesel.de")
    page.goto(f"/trainings/{training.pk}/assignment/")
    assert_accessible(page)
    page.locator("input[name=time_limit_seconds]").fill("2")
    page.locator('form[action$="/assignment/"] button[type=submit]').click()

    expect(page.locator("#work-progress-bar")).to_be_visible()
    assert_accessible(page)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    page.locator("canvas[data-chart]").first.wait_for()  # htmx polled, the page reloaded

    assert AssignmentRun.objects.get().work_state == "done"
    assert page.locator("table caption[id^=mix-]").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)
    context.close()
