"""A family-centre head plans an Elterncafé every second week with the job centre's BCA,
publishes it, registers a mother who calls, and records who came; axe-core on every page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from neuewege.core.models import Institution, Person, User
from neuewege.events.models import EventSession, Format, ParentEvent, Registration
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

from .conftest import assert_accessible, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def head(wesel):
    centre = InstitutionFactory(region=wesel, name="Familienzentrum Sonnenschein Wesel")
    job_centre = InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )
    PersonFactory(
        institution=job_centre,
        first_name="Birgit",
        last_name="Schulte",
        function=Person.Function.BCA,
        moderated_formats=["parent_cafe"],
    )
    person = PersonFactory(institution=centre, first_name="Fatma", last_name="Yılmaz")
    return UserFactory(
        role=User.Role.STAFF, person=person, email="fatma@fz-sonnenschein.de", first_name="Fatma"
    )


def sign_in_as_fatma(page):
    sign_in(page, "fatma@fz-sonnenschein.de")
    page.wait_for_url("**/regions/05170/")


def submit(page, name=None):
    button = "main form[method=post] button[type=submit]"
    if name:
        button += f"[name={name}]"
    else:
        button += ":not([name])"
    page.locator(button).first.click()


def test_head_plans_a_series_publishes_it_and_records_attendance(page, head, wesel):
    sign_in_as_fatma(page)
    page.goto(reverse("event-list", args=[wesel.key]))
    assert_accessible(page)
    page.locator(f"a[href='{reverse('event-create', args=[wesel.key])}']").click()

    # step 1: the centre is preselected; the format and the shape are chosen
    assert_accessible(page)
    page.get_by_label("Elterncafé", exact=True).check()
    page.locator("input[name=shape][value=series]").check()
    page.locator("main form button[type=submit]").click()

    # step 2: every second Tuesday, 9:30 to 11:00, for two months
    page.wait_for_selector("#id_first_date")
    assert_accessible(page)
    today = timezone.localdate()
    first = today + timedelta(days=(1 - today.weekday()) % 7 + 7)
    page.locator("#id_first_date").fill(first.isoformat())
    page.locator("#id_starts").fill("09:30")
    page.locator("#id_ends").fill("11:00")
    page.locator("#id_frequency_0").check()
    page.locator("#id_interval").fill("2")
    page.locator("#id_until").fill((first + timedelta(weeks=8)).isoformat())
    page.locator("#id_title").fill("Elterncafé am Dienstag")
    page.get_by_label("Birgit Schulte – Jobcenter Kreis Wesel").check()
    submit(page, "preview")
    page.wait_for_selector("#preview-heading")
    assert page.locator("#preview-heading + ol li").count() == 5
    assert_accessible(page)
    page.locator("details.kern-accordion summary").click()
    page.locator("#id_title_ar").fill("مقهى الآباء والأمهات")
    assert_accessible(page)
    submit(page)

    page.wait_for_url("**/events/*/")
    event = ParentEvent.objects.get()
    assert event.status == ParentEvent.Status.DRAFT and event.sessions.count() == 5
    assert event.title_ar == "مقهى الآباء والأمهات"
    assert_accessible(page)

    # publish
    page.locator(f"a[href='{reverse('event-publish', args=[event.pk])}']").click()
    page.wait_for_url(f"**{reverse('event-publish', args=[event.pk])}")
    assert_accessible(page)
    submit(page)
    page.wait_for_url(f"**{reverse('event-detail', args=[event.pk])}")
    event.refresh_from_db()
    assert event.status == ParentEvent.Status.PUBLISHED

    # a mother calls: registered on her behalf for the first date, with childcare
    page.goto(reverse("registration-create", args=[event.pk]))
    assert_accessible(page)
    page.locator("input[name=session]").first.check()
    page.locator("#id_first_name").fill("Ayşe")
    page.locator("#id_phone").fill("0170 1234567")
    page.locator("#id_child_ages").fill("2")
    page.locator("#id_consent").check()
    submit(page)
    page.wait_for_url(f"**{reverse('event-registrations', args=[event.pk])}")
    expect(page.get_by_text("0170 1234567")).to_be_visible()
    assert_accessible(page)
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED

    page.goto(reverse("event-print", args=[event.pk]))
    assert_accessible(page)

    # the first Tuesday has come
    session = EventSession.objects.get(pk=registration.session_id)
    now = timezone.now()
    EventSession.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=60)
    )
    page.goto(reverse("session-attendance", args=[session.pk]))
    assert_accessible(page)
    page.get_by_label("Ayşe", exact=False).check()
    page.locator("#id_counselling_appointments").fill("1")
    submit(page)
    page.wait_for_url(f"**{reverse('event-detail', args=[event.pk])}")
    assert_accessible(page)
    session.refresh_from_db()
    assert list(session.attendees.all()) == [registration]
    assert session.counselling_appointments == 1


def test_warnings_and_format_errors_are_accessible(page, head, wesel):
    sign_in_as_fatma(page)
    today = timezone.localdate()
    monday = today + timedelta(days=(0 - today.weekday()) % 7 + 7)
    page.goto(reverse("event-create", args=[wesel.key]))
    page.get_by_label("Elterncafé", exact=True).check()
    page.locator("input[name=shape][value=single]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#id_first_date")
    page.locator("#id_first_date").fill(monday.isoformat())
    page.locator("#id_starts").fill("09:00")
    page.locator("#id_ends").fill("12:30")  # longer than an Elterncafé takes
    page.locator("#id_capacity").fill("40")  # more than it may have
    submit(page)
    page.wait_for_selector("[data-error-summary]")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(page)
    page.locator("#id_capacity").fill("12")
    page.get_by_label("Birgit Schulte – Jobcenter Kreis Wesel").check()
    submit(page)
    page.wait_for_selector("#id_confirm_warnings")
    assert_accessible(page)
    page.locator("#id_confirm_warnings").check()
    submit(page)
    page.wait_for_url("**/events/*/")
    assert ParentEvent.objects.get().sessions.get().minutes == 210

    state = UserFactory(role=User.Role.STATE, email="land@nrw.example")
    page.context.clear_cookies()
    sign_in(page, state.email)
    page.wait_for_load_state()
    page.goto(reverse("format-list"))
    assert_accessible(page)
    course = Format.objects.get(code="parent_course")
    page.goto(reverse("format-update", args=[course.pk]))
    assert_accessible(page)
    page.locator("#id_default_capacity").fill("20")
    submit(page)
    page.wait_for_selector("[data-error-summary]")
    expect(page.locator("#id_default_capacity_error")).to_be_visible()
    assert_accessible(page)
