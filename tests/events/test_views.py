"""The staff pages of events: planning the three formats through the form, warnings and refusals,
status changes, booking on a parent's behalf, childcare, attendance, the format catalogue."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from neuewege.core.models import Institution, Person, PersonalDataLog, User
from neuewege.events.models import (
    EventSession,
    Format,
    Notification,
    ParentEvent,
    Registration,
)
from neuewege.events.services import booking
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event

BERLIN = timezone.get_default_timezone()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def next_weekday(weekday: int, weeks_ahead: int = 1) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def next_spring_clock_change() -> date:
    """The last Sunday of March (clocks go forward) at least three weeks ahead."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        march_end = date(year, 3, 31)
        change = march_end - timedelta(days=(march_end.weekday() - 6) % 7)
        if change - timedelta(days=21) > today:
            return change
    raise AssertionError("unreachable")


@pytest.fixture
def job_centre(wesel):
    return InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        name="Jobcenter Kreis Wesel",
        job_centre_type=Institution.JobCentreType.JOINT,
    )


@pytest.fixture
def bca(job_centre):
    return PersonFactory(
        institution=job_centre,
        first_name="Birgit",
        last_name="Schulte",
        function=Person.Function.BCA,
        moderated_formats=["parent_cafe", "info_session", "parent_course"],
    )


@pytest.fixture
def speaker_account(bca):
    return UserFactory(role=User.Role.STAFF, person=bca, email="bca@jobcenter.example")


@pytest.fixture
def speaker(wesel):
    job_centre = InstitutionFactory(region=wesel, kind=Institution.Kind.JOB_CENTRE)
    person = PersonFactory(institution=job_centre, moderated_formats=["parent_cafe"])
    return UserFactory(role=User.Role.STAFF, person=person)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def create_url(region, centre, code, shape=""):
    event_format = Format.objects.get(code=code)
    query = {"family_centre": centre.pk, "format": event_format.pk}
    if shape:
        query["shape"] = shape
    return reverse("event-create", args=[region.key]) + "?" + urlencode(query)


def plan_data(speaker, day, **changes):
    data = {
        "title": "Elterncafé am Dienstag",
        "description": "Kaffee, Gespräche und Informationen zum Wiedereinstieg.",
        "topics": ["labour_market", "return_to_work"],
        "target_groups": ["all_parents"],
        "languages": ["de", "tr"],
        "speakers": [speaker.pk],
        "capacity": "12",
        "childcare_offered": "on",
        "first_date": day.isoformat(),
        "starts": "09:30",
        "ends": "11:00",
        "title_tr": "Salı günü ebeveyn kafesi",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def book(event, session=None, *, first_name="Ayşe", ages=(), status="confirmed", **details):
    from neuewege.events.models import ConsentText

    consent = ConsentText.objects.get(purpose="booking", version=1)
    now = timezone.now()
    return Registration.objects.create(
        event=event,
        session=None if event.is_course else session,
        status=status,
        source=Registration.Source.ONLINE,
        first_name=first_name,
        child_ages=list(ages),
        language="de",
        consent=consent,
        consented_at=now,
        confirmed_at=now if status == "confirmed" else None,
        **details,
    )


# Planning the three shapes


def test_a_single_date_is_planned_as_a_draft_with_the_usual_duration(
    staff_client, wesel, family_centre, bca
):
    tuesday = next_weekday(1)
    url = create_url(wesel, family_centre, "parent_cafe", "single")
    page = staff_client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["capacity"] == 15  # the format's usual places

    response = staff_client.post(url, plan_data(bca, tuesday, ends=""))

    event = ParentEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("event-detail", args=[event.pk])
    assert event.status == ParentEvent.Status.DRAFT
    assert event.shape == ParentEvent.Shape.SINGLE
    assert event.family_centre == family_centre and event.capacity == 12
    assert event.title_de == "Elterncafé am Dienstag"
    assert event.title_tr == "Salı günü ebeveyn kafesi"
    assert event.languages == ["de", "tr"] and list(event.speakers.all()) == [bca]
    session = event.sessions.get()
    assert timezone.localtime(session.starts_at) == local(tuesday, 9, 30)
    assert timezone.localtime(session.ends_at) == local(tuesday, 11)  # 90 minutes of the format


def test_a_series_every_second_week_gets_its_dates_in_local_time(
    staff_client, wesel, family_centre, bca
):
    clock_change = next_spring_clock_change()
    first = clock_change - timedelta(days=12)  # a Tuesday before the clocks go forward
    assert first.weekday() == 1
    url = create_url(wesel, family_centre, "parent_cafe", "series")
    data = plan_data(
        bca,
        first,
        frequency="weekly",
        interval="2",
        until=(first + timedelta(weeks=7)).isoformat(),
    )

    preview = staff_client.post(url, data | {"preview": "1"})
    assert preview.status_code == 200
    assert len(preview.context["form"].planned) == 4
    assert "This gives 4 dates" in preview.content.decode() or "4 Termine" in (
        preview.content.decode()
    )
    assert not ParentEvent.objects.exists()

    response = staff_client.post(url, data)
    assert response.status_code == 302
    event = ParentEvent.objects.get()
    assert event.shape == ParentEvent.Shape.SERIES
    assert event.recurrence.startswith("FREQ=WEEKLY;INTERVAL=2;UNTIL=")
    starts = [timezone.localtime(s.starts_at) for s in event.sessions.order_by("starts_at")]
    assert [s.date() for s in starts] == [first + timedelta(weeks=2 * i) for i in range(4)]
    assert {(s.hour, s.minute) for s in starts} == {(9, 30)}
    # the same local time on both sides of the clock change: one hour apart in UTC
    assert starts[0].utcoffset() == timedelta(hours=1)
    assert starts[1].utcoffset() == timedelta(hours=2)


def test_a_monthly_series_keeps_the_weekday_of_the_month(staff_client, wesel, family_centre, bca):
    first = next_weekday(1, weeks_ahead=1)
    nth = (first.day - 1) // 7
    url = create_url(wesel, family_centre, "parent_cafe", "series")
    data = plan_data(
        bca,
        first,
        frequency="monthly",
        interval="1",
        until=(first + timedelta(days=100)).isoformat(),
    )
    assert staff_client.post(url, data).status_code == 302
    days = [timezone.localtime(s.starts_at).date() for s in EventSession.objects.all()]
    assert len(days) >= 3
    assert all(day.weekday() == 1 and (day.day - 1) // 7 == nth for day in days)


def test_a_course_gets_one_date_per_module_labelled_with_its_motto(
    staff_client, wesel, family_centre, bca
):
    monday = next_weekday(0)
    url = create_url(wesel, family_centre, "parent_course")
    data = plan_data(
        bca, monday, title="Elternkurs Neue Wege", capacity="10", starts="09:00", ends="11:00"
    )
    data["interval"] = "1"
    preview = staff_client.post(url, data | {"preview": "1"})
    text = preview.content.decode()
    assert "Ich habe Vorfahrt" in text and "Nachtanken" in text

    assert staff_client.post(url, data).status_code == 302
    event = ParentEvent.objects.get()
    assert event.shape == ParentEvent.Shape.COURSE
    sessions = list(event.sessions.select_related("module").order_by("starts_at"))
    assert len(sessions) == 5
    assert [s.module.number for s in sessions] == [1, 2, 3, 4, 5]
    assert sessions[0].module.motto == "„Ich habe Vorfahrt“"
    assert [timezone.localtime(s.starts_at).date() for s in sessions] == [
        monday + timedelta(weeks=i) for i in range(5)
    ]
    detail = staff_client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "Ich habe Vorfahrt" in detail and "Routenplanung" in detail


def test_staff_plan_only_for_their_own_centre(staff_client, wesel, family_centre, bca):
    other = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    page = staff_client.get(reverse("event-create", args=[wesel.key]))
    assert page.status_code == 200
    choices = list(page.context["form"].fields["family_centre"].queryset)
    assert choices == [family_centre]
    forged = create_url(wesel, other, "parent_cafe", "single")
    response = staff_client.post(forged, plan_data(bca, next_weekday(1)))
    assert response.status_code == 200  # the start form refuses the centre
    assert "family_centre" in response.context["form"].errors
    assert not ParentEvent.objects.exists()


def test_the_coordinator_plans_for_every_family_centre_of_the_region(
    client, coordinator, wesel, family_centre
):
    other = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    client.force_login(coordinator)
    page = client.get(reverse("event-create", args=[wesel.key]))
    assert set(page.context["form"].fields["family_centre"].queryset) == {family_centre, other}


# Warnings and refusals


def test_warnings_must_be_confirmed_before_saving(staff_client, wesel, family_centre, bca):
    tuesday = next_weekday(1)
    url = create_url(wesel, family_centre, "parent_cafe", "single")
    too_long = plan_data(bca, tuesday, starts="09:00", ends="12:00")

    warned = staff_client.post(url, too_long)
    assert warned.status_code == 200
    assert any("75 to 120 minutes" in w or "75 bis 120" in w for w in warned.context["warnings"])
    assert 'name="confirm_warnings"' in warned.content.decode()
    assert not ParentEvent.objects.exists()
    fingerprint = warned.context["form"].data["warnings_digest"]
    assert fingerprint

    unconfirmed = staff_client.post(url, too_long | {"warnings_digest": fingerprint})
    assert unconfirmed.status_code == 200
    assert "confirm_warnings" in unconfirmed.context["form"].errors
    assert not ParentEvent.objects.exists()

    forged = staff_client.post(
        url, too_long | {"warnings_digest": "0" * 32, "confirm_warnings": "on"}
    )
    assert forged.status_code == 200  # a confirmation of other warnings does not count
    assert not ParentEvent.objects.exists()

    confirmed = staff_client.post(
        url, too_long | {"warnings_digest": fingerprint, "confirm_warnings": "on"}
    )
    assert confirmed.status_code == 302
    session = ParentEvent.objects.get().sessions.get()
    assert session.minutes == 180


def test_capacity_above_the_formats_maximum_is_refused_at_the_field(
    staff_client, wesel, family_centre, bca
):
    url = create_url(wesel, family_centre, "parent_course")
    data = plan_data(bca, next_weekday(0), capacity="13", interval="1")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "12" in " ".join(errors["capacity"])
    assert 'href="#id_capacity"' in response.content.decode()  # in the error summary
    assert not ParentEvent.objects.exists()


def test_a_double_booked_speaker_is_refused_naming_the_clashing_event(
    staff_client, wesel, family_centre, bca
):
    tuesday = next_weekday(1)
    other_centre = InstitutionFactory(region=wesel, name="Familienzentrum Arche Noah")
    make_event(
        other_centre,
        starts=local(tuesday, 10),
        speakers=[bca],
        title="Themenabend Wiedereinstieg",
    )
    url = create_url(wesel, family_centre, "parent_cafe", "single")
    response = staff_client.post(url, plan_data(bca, tuesday))
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["speakers"])
    assert "Themenabend Wiedereinstieg" in message and "Arche Noah" in message
    assert ParentEvent.objects.count() == 1


def test_bad_dates_are_field_errors_not_500(staff_client, wesel, family_centre, bca):
    url = create_url(wesel, family_centre, "parent_cafe", "series")
    tuesday = next_weekday(1)
    cases = [
        ({"first_date": "31.02.2027"}, "first_date"),
        ({"first_date": "1850-01-01", "until": "1850-03-01"}, "first_date"),
        ({"ends": "08:00"}, "ends"),
        ({"until": (tuesday - timedelta(days=1)).isoformat()}, "until"),
        ({"until": (tuesday + timedelta(weeks=200)).isoformat()}, "until"),
        ({"until": tuesday.isoformat()}, "until"),  # a series of one date
        ({"interval": "0"}, "interval"),
    ]
    for changes, field in cases:
        data = plan_data(bca, tuesday, frequency="weekly", interval="1") | {
            "until": (tuesday + timedelta(weeks=4)).isoformat()
        }
        response = staff_client.post(url, data | changes)
        assert response.status_code == 200, changes
        assert field in response.context["form"].errors, changes
    assert not ParentEvent.objects.exists()


# Status


def test_publish_refuses_dates_in_the_past(staff_client, family_centre):
    past = make_event(
        family_centre,
        status="draft",
        starts=timezone.now() - timedelta(days=1),
        title="Altes Elterncafé",
    )
    confirm = staff_client.get(reverse("event-publish", args=[past.pk]))
    assert confirm.status_code == 200
    response = staff_client.post(reverse("event-publish", args=[past.pk]), follow=True)
    past.refresh_from_db()
    assert past.status == ParentEvent.Status.DRAFT
    shown = [str(m) for m in response.context["messages"]]
    assert any("past" in m or "Vergangenheit" in m for m in shown)

    future = make_event(family_centre, status="draft", title="Neues Elterncafé")
    staff_client.post(reverse("event-publish", args=[future.pk]))
    future.refresh_from_db()
    assert future.status == ParentEvent.Status.PUBLISHED


def test_cancelling_asks_for_a_reason_and_tells_the_registered(staff_client, family_centre):
    event = make_event(family_centre)
    registration = book(event, event.sessions.get(), phone="0170 1234567")
    url = reverse("event-cancel", args=[event.pk])
    assert staff_client.post(url, {"reason": ""}).status_code == 200  # reason required
    event.refresh_from_db()
    assert event.status == ParentEvent.Status.PUBLISHED

    staff_client.post(url, {"reason": "Die Referentin ist erkrankt."})
    event.refresh_from_db()
    assert event.status == ParentEvent.Status.CANCELLED
    assert event.cancellation_reason == "Die Referentin ist erkrankt."
    assert Notification.objects.filter(
        registration=registration, kind=Notification.Kind.EVENT_CANCELLED
    ).exists()


def test_a_single_date_of_a_series_is_cancelled(staff_client, family_centre):
    event = make_event(family_centre, dates=3)
    first, second, _third = event.sessions.all()
    book(event, second, first_name="Olena", phone="0170 7654321")
    detail = staff_client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert reverse("session-cancel", args=[second.pk]) in detail
    staff_client.post(reverse("session-cancel", args=[second.pk]))
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_cancelled and not first.is_cancelled
    # the parent has no e-mail address: the centre calls her
    page = staff_client.get(reverse("event-registrations", args=[event.pk]))
    calls = page.context["calls"]
    assert [c.registration.first_name for c in calls] == ["Olena"]
    staff_client.post(reverse("notification-called", args=[calls[0].pk]))
    assert not staff_client.get(reverse("event-registrations", args=[event.pk])).context["calls"]


def test_closing_needs_a_held_event(staff_client, family_centre):
    event = make_event(family_centre, starts=timezone.now() - timedelta(days=3), status="held")
    closed = staff_client.post(reverse("event-close", args=[event.pk]), follow=True)
    assert [m.level_tag for m in closed.context["messages"]] == ["success"]
    event.refresh_from_db()
    assert event.status == ParentEvent.Status.CLOSED
    response = staff_client.post(reverse("event-close", args=[event.pk]), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_a_published_event_keeps_its_dates_and_more_places_move_people_up(
    staff_client, family_centre, bca
):
    event = make_event(family_centre, capacity=1, speakers=[bca])
    session = event.sessions.get()
    book(event, session, first_name="Ayşe", email="ayse@example.org")
    waiting = book(event, session, first_name="Maria", status="waitlisted", phone="0170 111111")
    url = reverse("event-update", args=[event.pk])
    page = staff_client.get(url)
    assert "first_date" not in page.context["form"].fields
    data = plan_data(bca, next_weekday(1), capacity="2")
    data.pop("first_date")
    response = staff_client.post(url, data)
    assert response.status_code == 302
    event.refresh_from_db()
    waiting.refresh_from_db()
    assert event.capacity == 2 and event.sessions.get() == session
    assert waiting.status == Registration.Status.CONFIRMED


def test_a_draft_can_be_rescheduled(staff_client, family_centre, bca):
    event = make_event(family_centre, status="draft", speakers=[bca], dates=2)
    page = staff_client.get(reverse("event-update", args=[event.pk]))
    assert page.context["form"].initial["interval"] == 1
    later = next_weekday(3, weeks_ahead=3)
    data = plan_data(bca, later, frequency="weekly", interval="1")
    data["until"] = (later + timedelta(weeks=2)).isoformat()
    assert staff_client.post(reverse("event-update", args=[event.pk]), data).status_code == 302
    days = [timezone.localtime(s.starts_at).date() for s in event.sessions.all()]
    assert days == [later + timedelta(weeks=i) for i in range(3)]


# Who may open what


def test_other_centres_get_403_and_other_regions_404(client, wesel, borken, family_centre):
    event = make_event(family_centre)
    session = event.sessions.get()
    registration = book(event, session, email="ayse@example.org")
    other = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    other_staff = UserFactory(role=User.Role.STAFF, person=PersonFactory(institution=other))
    client.force_login(other_staff)
    assert client.get(reverse("event-detail", args=[event.pk])).status_code == 200
    for name, pk in [
        ("event-update", event.pk),
        ("event-publish", event.pk),
        ("event-registrations", event.pk),
        ("registration-create", event.pk),
        ("event-print", event.pk),
        ("session-attendance", session.pk),
        ("session-cancel", session.pk),
        ("registration-remove", registration.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 403, name
    export = reverse("event-export", kwargs={"pk": event.pk, "fmt": "csv"})
    assert client.get(export).status_code == 403
    assert client.post(reverse("registration-remove", args=[registration.pk])).status_code == 403
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED

    outsider = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    client.force_login(outsider)
    for name, pk in [
        ("event-detail", event.pk),
        ("event-registrations", event.pk),
        ("session-attendance", session.pk),
        ("registration-remove", registration.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.get(reverse("event-list", args=[wesel.key])).status_code == 404
    assert client.get(reverse("event-create", args=[wesel.key])).status_code == 404


def test_unknown_records_and_huge_ids_are_404(staff_client):
    assert staff_client.get(reverse("event-detail", args=[987654])).status_code == 404
    assert staff_client.get("/events/99999999999999999999999/").status_code == 404
    assert staff_client.get("/sessions/99999999999999999999999/attendance/").status_code == 404


# The list


def test_the_event_list_filters_and_offers_planning(staff_client, wesel, family_centre):
    upcoming = make_event(family_centre, title="Elterncafé im Frühling")
    past = make_event(
        family_centre, starts=timezone.now() - timedelta(days=30), title="Elterncafé im Winter"
    )
    url = reverse("event-list", args=[wesel.key])
    page = staff_client.get(url)
    assert list(page.context["page"].object_list) == [upcoming]
    assert reverse("event-create", args=[wesel.key]) in page.content.decode()
    assert list(staff_client.get(url, {"when": "past"}).context["page"].object_list) == [past]
    drafts = staff_client.get(url, {"when": "all", "status": "draft"})
    assert list(drafts.context["page"].object_list) == []
    bad = staff_client.get(url, {"when": "x", "status": "x", "format": "x", "centre": "abc"})
    assert bad.status_code == 200


def test_viewers_see_the_list_without_the_planning_button(client, wesel, family_centre):
    make_event(family_centre)
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    client.force_login(viewer)
    page = client.get(reverse("event-list", args=[wesel.key]))
    assert page.status_code == 200 and not page.context["can_plan"]
    assert client.get(reverse("event-create", args=[wesel.key])).status_code == 403


def test_the_event_list_needs_the_same_queries_for_more_events(staff_client, wesel, family_centre):
    url = reverse("event-list", args=[wesel.key])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url, {"when": "all"}).status_code == 200
        return len(captured)

    event = make_event(family_centre, dates=2)
    book(event, event.sessions.first(), email="a@example.org")
    queries()  # the session's first page also checks once whether it owes a second factor
    few = queries()
    for index in range(12):
        other = make_event(family_centre, dates=2, title=f"Elterncafé {index}")
        book(other, other.sessions.first(), email=f"p{index}@example.org")
    assert queries() == few


# Booking on a parent's behalf, childcare, attendance


def test_staff_book_on_behalf_confirmed_then_waitlisted(staff_client, family_centre):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    url = reverse("registration-create", args=[event.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "Ich bin einverstanden" in page.content.decode()  # the text to read out
    parent = {
        "session": session.pk,
        "first_name": "Ayşe",
        "phone": "0170 1234567",
        "child_ages": "2, 4",
        "language_needs": "Türkisch",
        "language": "tr",
        "consent": "on",
    }

    refused = staff_client.post(url, parent | {"consent": ""})
    assert "consent" in refused.context["form"].errors
    assert not Registration.objects.exists()

    first = staff_client.post(url, parent)
    assert first.status_code == 302
    assert first["Location"] == reverse("event-registrations", args=[event.pk])
    told = [str(m) for m in staff_client.get(first["Location"]).context["messages"]]
    code = Registration.objects.get().code
    assert any(code in message for message in told)  # the code to tell the parent
    second = staff_client.post(url, parent | {"first_name": "Maria", "phone": "0281 998877"})
    assert second.status_code == 302
    ayse, maria = Registration.objects.order_by("pk")
    assert (ayse.status, maria.status) == ("confirmed", "waitlisted")
    assert ayse.source == Registration.Source.STAFF and ayse.child_ages == [2, 4]
    assert ayse.language == "tr"

    twice = staff_client.post(url, parent)
    assert twice.status_code == 200
    assert "phone" in twice.context["form"].errors  # the same contact books once
    assert staff_client.post(url, parent | {"child_ages": "zwei"}).status_code == 200


def test_removing_a_registration_moves_the_first_waiting_up(staff_client, family_centre):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    confirmed = book(event, session, email="a@example.org")
    waiting = book(event, session, first_name="Maria", status="waitlisted", phone="0170 5555555")
    url = reverse("registration-remove", args=[confirmed.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url)
    assert response["Location"] == reverse("event-registrations", args=[event.pk])
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == "cancelled" and waiting.status == "confirmed"
    calls = staff_client.get(reverse("event-registrations", args=[event.pk])).context["calls"]
    assert [(c.registration.first_name, c.kind) for c in calls] == [("Maria", "moved_up")]


def test_childcare_totals_per_session_by_age_group(staff_client, family_centre):
    event = make_event(family_centre, dates=2, capacity=3)
    first, second = event.sessions.all()
    book(event, first, first_name="A", ages=[1, 4], email="a@example.org")
    book(event, first, first_name="B", ages=[2], email="b@example.org")
    book(event, first, first_name="C", ages=[7, 14], email="c@example.org")
    book(event, first, first_name="D", ages=[0], status="waitlisted", email="d@example.org")
    book(event, second, first_name="E", ages=[0, 3, 5], email="e@example.org")
    page = staff_client.get(reverse("event-registrations", args=[event.pk]))
    totals = {session.pk: totals for session, totals in page.context["childcare"]}
    assert (totals[first.pk].under_3, totals[first.pk].age_3_to_5) == (2, 1)
    assert (totals[first.pk].age_6_to_14, totals[first.pk].children) == (2, 5)
    assert (totals[second.pk].under_3, totals[second.pk].age_3_to_5) == (1, 2)
    assert totals[second.pk].children == 3
    html = page.content.decode()
    assert f'data-childcare="{first.pk}"' in html
    units = page.context["units"]
    assert [r.first_name for r in units[0].waitlisted] == ["D"]


def test_a_course_is_one_unit_and_its_childcare_counts_for_every_date(staff_client, family_centre):
    event = make_event(family_centre, "parent_course", capacity=10)
    book(event, first_name="A", ages=[1], email="a@example.org")
    page = staff_client.get(reverse("event-registrations", args=[event.pk]))
    assert len(page.context["units"]) == 1
    assert [totals.under_3 for _session, totals in page.context["childcare"]] == [1] * 5


def test_the_registrations_page_shows_contacts_to_the_centre_and_logs_it(
    staff_client, family_centre
):
    event = make_event(family_centre)
    book(event, event.sessions.get(), email="ayse@example.org", language_needs="Türkisch")
    page = staff_client.get(reverse("event-registrations", args=[event.pk]))
    assert "ayse@example.org" in page.content.decode()
    assert reverse("survey-texts", args=[family_centre.pk]) in page.content.decode()
    log = PersonalDataLog.objects.get()
    assert log.action == PersonalDataLog.Action.VIEW and str(event.pk) in log.record


def test_a_speaker_records_attendance_and_sees_first_names_only(
    client, family_centre, bca, speaker_account
):
    event = make_event(
        family_centre, starts=timezone.now() - timedelta(hours=1), speakers=[bca], dates=2
    )
    session = event.sessions.order_by("starts_at").first()
    ayse = book(event, session, first_name="Ayşe", ages=[2], email="ayse@example.org")
    book(event, session, first_name="Maria", email="maria@example.org")
    client.force_login(speaker_account)

    registrations = client.get(reverse("event-registrations", args=[event.pk]))
    assert registrations.status_code == 200
    html = registrations.content.decode()
    assert "Ayşe" in html and "ayse@example.org" not in html
    assert PersonalDataLog.objects.filter(user=speaker_account, action="view").count() == 1
    assert client.get(reverse("event-export", args=[event.pk, "csv"])).status_code == 403
    assert client.get(reverse("event-update", args=[event.pk])).status_code == 403

    url = reverse("session-attendance", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Ayşe" in page.content.decode() and 'type="checkbox"' in page.content.decode()
    response = client.post(url, {"present": [ayse.pk], "counselling_appointments": "2"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert list(session.attendees.all()) == [ayse]
    assert session.counselling_appointments == 2
    assert session.attendance_recorded_at is not None

    bad = client.post(url, {"present": ["999999"], "counselling_appointments": "-1"})
    assert bad.status_code == 200
    assert {"present", "counselling_appointments"} <= set(bad.context["form"].errors)


def test_attendance_of_a_date_ahead_is_refused_with_a_message(staff_client, family_centre):
    event = make_event(family_centre)
    session = event.sessions.get()
    registration = book(event, session, email="a@example.org")
    url = reverse("session-attendance", args=[session.pk])
    response = staff_client.post(url, {"present": [registration.pk]})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not session.attendees.exists()


def test_the_print_view_lists_participants_per_date_and_is_logged(staff_client, family_centre):
    event = make_event(family_centre, dates=2)
    first, second = event.sessions.all()
    book(event, first, first_name="Ayşe", ages=[2], email="a@example.org")
    book(event, second, first_name="Olena", email="o@example.org")
    page = staff_client.get(reverse("event-print", args=[event.pk]))
    html = page.content.decode()
    assert "Ayşe" in html and "Olena" in html
    assert [len(unit.confirmed) for _session, unit in page.context["dates"]] == [1, 1]
    assert PersonalDataLog.objects.filter(action=PersonalDataLog.Action.VIEW).count() == 1


def test_speakers_print_no_language_needs_and_their_reads_are_logged(
    client, family_centre, speaker, booking_for
):
    event = make_event(family_centre, speakers=[speaker.person])
    session = event.sessions.get()
    booking.book(
        event_id=event.pk,
        session_id=session.pk,
        booking=booking_for(language_needs="Arabisch-Dolmetscherin"),
    )
    client.force_login(speaker)
    printed = client.get(reverse("event-print", kwargs={"pk": event.pk}))
    assert printed.status_code == 200 and "Ayşe" in printed.text
    assert "Arabisch-Dolmetscherin" not in printed.text
    client.get(reverse("event-registrations", kwargs={"pk": event.pk}))
    client.get(reverse("session-attendance", kwargs={"pk": session.pk}))
    assert PersonalDataLog.objects.filter(user=speaker, action="view").count() == 3


# The format catalogue


def test_every_account_reads_the_catalogue_but_only_the_state_edits_it(
    client, staff, coordinator, state_user
):
    cafe = Format.objects.get(code="parent_cafe")
    edit = reverse("format-update", args=[cafe.pk])
    client.force_login(staff)
    page = client.get(reverse("format-list"))
    assert page.status_code == 200 and "Elterncafé" in page.content.decode()
    assert edit not in page.content.decode()
    for user in (staff, coordinator):
        client.force_login(user)
        assert client.get(edit).status_code == 403
        assert client.post(edit, {"name": "Gekapert"}).status_code == 403
    cafe.refresh_from_db()
    assert cafe.name_de == "Elterncafé"
    client.force_login(state_user)
    assert edit in client.get(reverse("format-list")).content.decode()
    assert client.get(edit).status_code == 200


def format_data(event_format):
    data = {
        "name": event_format.name_de,
        "description": event_format.description_de,
        "min_minutes": event_format.min_minutes,
        "default_minutes": event_format.default_minutes,
        "max_minutes": event_format.max_minutes,
        "default_capacity": event_format.default_capacity,
        "max_capacity": event_format.max_capacity,
        "topics": event_format.topics,
        "target_groups": event_format.target_groups,
    }
    if event_format.childcare_expected:
        data["childcare_expected"] = "on"
    for module in event_format.modules.all():
        data[f"motto_{module.number}"] = module.motto_de
    return data


def test_the_state_edits_a_format_and_its_module_mottos(client, state_user):
    course = Format.objects.get(code="parent_course")
    client.force_login(state_user)
    url = reverse("format-update", args=[course.pk])
    data = format_data(course) | {
        "max_capacity": "14",
        "motto_5": "Nachtanken und Weiterfahren",
        "name_en": "Parents' course New Paths",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.max_capacity == 14 and course.name_en == "Parents' course New Paths"
    assert course.name_de == "Elternkurs „Neue Wege“"
    assert course.modules.get(number=5).motto_de == "Nachtanken und Weiterfahren"


def test_the_formats_rules_become_field_errors(client, state_user):
    cafe = Format.objects.get(code="parent_cafe")
    client.force_login(state_user)
    url = reverse("format-update", args=[cafe.pk])
    cases = [
        ({"default_minutes": "200"}, "default_minutes"),
        ({"min_minutes": "130"}, "max_minutes"),
        ({"default_capacity": "30"}, "default_capacity"),
        ({"max_capacity": "10"}, "default_capacity"),
        ({"name": "  "}, "name"),
    ]
    for changes, field in cases:
        response = client.post(url, format_data(cafe) | changes)
        assert response.status_code == 200, changes
        assert field in response.context["form"].errors, changes
        assert f'href="#id_{field}"' in response.content.decode(), changes
    cafe.refresh_from_db()
    assert (cafe.default_minutes, cafe.default_capacity, cafe.max_capacity) == (90, 15, 25)


def test_planning_in_english_keeps_the_german_title(staff_client, wesel, family_centre, bca):
    staff_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = create_url(wesel, family_centre, "parent_cafe", "single")
    page = staff_client.get(url)
    assert "Save as draft" in page.content.decode()
    data = plan_data(bca, next_weekday(1), title="Elterncafé", title_en="Parents' café")
    assert staff_client.post(url, data).status_code == 302
    event = ParentEvent.objects.get()
    assert (event.title_de, event.title_en) == ("Elterncafé", "Parents' café")
