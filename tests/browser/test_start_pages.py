"""The start page of a coordinator, of a family centre's staff and of a speaker from the job
centre, on a phone and on a desktop: it shows their panels, fits the screen and passes axe."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from neuewege.agreements.models import Agreement
from neuewege.cooperation.models import Meeting, Task
from neuewege.core.models import Institution, User
from neuewege.events.models import ConsentText, Notification, Registration
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event

from .conftest import assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDER_THAN_SCREEN = """() => [...document.querySelectorAll("body *")]
    .filter(node => node.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(node => node.tagName + "." + node.className)"""
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PANELS = {
    "coordinator": ["tasks", "coming-dates", "calls", "attendance", "expiring", "figures"],
    "family_centre": ["coming-dates", "calls", "attendance"],
    "speaker": ["my-dates"],
}


def local(days, hour=9, minute=30):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def accounts(wesel):
    today = timezone.localdate()
    centre = InstitutionFactory(
        region=wesel,
        name="Städtisches Familienzentrum Regenbogen an der Lippe",
        street="Lippeweg 12",
        certified_until=today + timedelta(days=40),
    )
    InstitutionFactory(region=wesel, name="Familienzentrum Kunterbunt Hamminkeln")
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    head = PersonFactory(institution=centre, first_name="Fatma", last_name="Yılmaz")
    bca = PersonFactory(institution=job_centre, first_name="Jonas", last_name="Berger")
    Task.objects.create(
        region=wesel,
        title="Kooperationsvereinbarungen mit den Familienzentren vorbereiten",
        due_on=today - timedelta(days=2),
        created_on=today - timedelta(days=30),
        owner=head,
    )
    Meeting.objects.create(
        region=wesel,
        kind=Meeting.Kind.STEERING_GROUP,
        starts_at=local(12),
        ends_at=local(12, 12),
        place="Kreishaus Wesel, Raum 101",
    )
    Agreement.objects.create(
        kind="family_centre",
        region=wesel,
        family_centre=centre,
        title="Kooperationsvereinbarung Familienzentrum Regenbogen",
        status=Agreement.Status.IN_FORCE,
        starts_on=today - timedelta(days=300),
        ends_on=today + timedelta(days=30),
    )
    soon = make_event(centre, starts=local(3), title="Elterncafé: Zurück in den Beruf")
    make_event(centre, starts=local(5), speakers=[bca], title="Themenabend Wiedereinstieg")
    make_event(centre, starts=local(-4), status="held", speakers=[bca], title="Elterncafé")
    session = soon.sessions.get()
    registration = Registration.objects.create(
        event=soon,
        session=session,
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.STAFF,
        first_name="Ayşe",
        phone="0170 1234567",
        child_ages=[1, 4],
        language="de",
        consent=ConsentText.objects.filter(purpose="booking").order_by("-version").first(),
        consented_at=timezone.now(),
    )
    Notification.objects.create(registration=registration, kind=Notification.Kind.MOVED_UP)
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="karin@kreis-wesel.de")
    UserFactory(role=User.Role.STAFF, person=head, email="fatma@fz-regenbogen.de")
    UserFactory(role=User.Role.STAFF, person=bca, email="jonas@jobcenter-wesel.de")
    return {
        "coordinator": "karin@kreis-wesel.de",
        "family_centre": "fatma@fz-regenbogen.de",
        "speaker": "jonas@jobcenter-wesel.de",
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", ["coordinator", "family_centre", "speaker"])
def test_start_page_shows_what_needs_the_account(browser, live_server, accounts, role, viewport):
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport=viewport, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        sign_in(page, accounts[role])
        page.wait_for_url("**/regions/05170/")
        shown = page.locator("[data-panel]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.panel)"
        )
        assert [key for key in shown if key in PANELS[role]] == PANELS[role]
        if role == "speaker":
            assert page.locator("[data-calendar-link]").is_visible()
        else:
            assert page.locator("[data-missing-speaker]").count() == 1
        wide = page.evaluate(WIDER_THAN_SCREEN)  # named in the message when it fails
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
        assert_accessible(page)
    finally:
        context.close()
