"""The events API through the Django test client, with real API tokens and a real database:
round trips, scoping as in the application, and bad input answered with 4xx field errors."""

import json
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from neuewege.core.models import Institution, PersonalDataLog, User
from neuewege.events.models import ParentEvent, Registration
from tests.api.test_api import assert_problem, token_header
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event

API = "/api/v1"


def post(client, url, body, headers):
    content = body if isinstance(body, str) else json.dumps(body)
    return client.post(API + url, content, content_type="application/json", **headers)


def next_weekday_at(hour, minute, days=7):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute))


def plan(family_centre, **changes):
    start = next_weekday_at(9, 30)
    return {
        "family_centre_id": family_centre.pk,
        "format": "parent_cafe",
        "title": "Elterncafé: Wieder arbeiten",
        "description": "Kaffee, Kuchen und Fragen zum Wiedereinstieg",
        "topics": ["return_to_work"],
        "languages": ["de", "tr"],
        "capacity": 12,
        "sessions": [
            {"starts_at": start.isoformat(), "ends_at": (start + timedelta(minutes=90)).isoformat()}
        ],
        **changes,
    }


@pytest.fixture
def headers(coordinator):
    return token_header(coordinator)


@pytest.fixture
def job_centre(wesel):
    return InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        job_centre_type=Institution.JobCentreType.JOINT,
        name="Jobcenter Kreis Wesel",
    )


@pytest.fixture
def bca(job_centre):
    return PersonFactory(
        institution=job_centre, first_name="Birgit", moderated_formats=["parent_cafe"]
    )


@pytest.fixture
def borken_centre(borken):
    return InstitutionFactory(
        region=borken, name="Familienzentrum Borken Mitte", postcode="46325", town="Borken"
    )


# Round trip


def test_plan_publish_find_book_and_list(client, headers, coordinator, family_centre, staff, bca):
    body = plan(family_centre)
    response = post(client, "/events", body, headers)
    problem = assert_problem(response, 409)
    assert "Agentur für Arbeit oder vom Jobcenter" in problem["detail"]
    assert not ParentEvent.objects.exists()

    response = post(client, "/events", body | {"speaker_ids": [bca.pk]}, headers)
    assert response.status_code == 201, response.content
    event = response.json()
    assert event["status"] == "draft" and event["shape"] == "single"
    assert event["region"] == "05170" and event["family_centre_id"] == family_centre.pk
    assert event["speaker_ids"] == [bca.pk]
    [session] = event["sessions"]
    local_start = timezone.localtime(datetime.fromisoformat(session["starts_at"]))
    assert local_start.time() == time(9, 30)  # a time without offset is Berlin time
    assert event["starts_at"] == session["starts_at"]

    anonymous = Client()
    assert anonymous.get(API + "/public/events").json()["count"] == 0  # a draft is not public

    response = client.post(API + f"/events/{event['id']}/publish", **headers)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert_problem(client.post(API + f"/events/{event['id']}/publish", **headers), 422)

    public = anonymous.get(API + "/public/events")
    assert public.status_code == 200
    [item] = public.json()["items"]
    assert item["title"] == "Elterncafé: Wieder arbeiten"
    assert item["family_centre"]["name"] == "Familienzentrum Sonnenschein Wesel"
    assert item["family_centre"]["postcode"] == "46483"
    assert [s["id"] for s in item["sessions"]] == [session["id"]]
    assert item["ics_url"].endswith(f"/veranstaltungen/{event['id']}/kalender.ics")
    assert item["sessions"][0]["ics_url"].endswith(f"/termine/{session['id']}/kalender.ics")
    for private in ("speaker_ids", "capacity", "registrations", "email", "Birgit"):
        assert private not in public.content.decode()

    staff_headers = token_header(staff)
    booking = {
        "session_id": session["id"],
        "first_name": "Ayşe",
        "phone": "0170 1234567",
        "child_ages": [2, 4],
        "consent": True,
    }
    response = post(client, f"/events/{event['id']}/registrations", booking, staff_headers)
    assert response.status_code == 201, response.content
    registration = response.json()
    assert registration["status"] == "confirmed" and registration["source"] == "staff"
    assert registration["session_id"] == session["id"]
    assert Registration.objects.get().booked_by == staff

    logged = PersonalDataLog.objects.filter(action="view").count()
    response = client.get(API + f"/events/{event['id']}/registrations", **staff_headers)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 1
    item = response.json()["items"][0]
    assert item["first_name"] == "Ayşe" and item["child_ages"] == [2, 4]
    assert item["phone"] == "0170 1234567" and item["survey_consent"] is False
    client.get(API + f"/events/{event['id']}/registrations?status=confirmed", **headers)
    views = PersonalDataLog.objects.filter(action="view").order_by("at", "pk")
    assert views.count() == logged + 2  # every read is logged, with who read it
    assert [entry.user for entry in views[logged:]] == [staff, coordinator]


def test_a_full_date_puts_the_next_parent_on_the_waiting_list(client, headers, family_centre):
    event = make_event(family_centre, capacity=1)
    session = event.sessions.get()
    url = f"/events/{event.pk}/registrations"
    first = {"session_id": session.pk, "first_name": "Ayşe", "email": "a@example.org"}
    second = {"session_id": session.pk, "first_name": "Olga", "email": "o@example.org"}
    assert post(client, url, first | {"consent": True}, headers).json()["status"] == "confirmed"
    assert post(client, url, second | {"consent": True}, headers).json()["status"] == "waitlisted"
    assert_problem(post(client, url, first | {"consent": True}, headers), 422, "email")


def test_a_course_is_planned_with_its_five_modules(client, headers, family_centre, bca):
    start = next_weekday_at(9, 0)
    sessions = [
        {
            "starts_at": (start + timedelta(weeks=week)).isoformat(),
            "ends_at": (start + timedelta(weeks=week, minutes=120)).isoformat(),
        }
        for week in range(5)
    ]
    body = plan(
        family_centre,
        format="parent_course",
        capacity=10,
        sessions=sessions,
        speaker_ids=[bca.pk],
        confirm_warnings=True,
    )
    response = post(client, "/events", body, headers)
    assert response.status_code == 201, response.content
    event = response.json()
    assert event["shape"] == "course"
    assert "Ich habe Vorfahrt" in event["sessions"][0]["module"]
    assert len(event["sessions"]) == 5


def test_a_series_keeps_its_rule(client, headers, family_centre):
    start = next_weekday_at(9, 30)
    sessions = [
        {
            "starts_at": (start + timedelta(weeks=2 * n)).isoformat(),
            "ends_at": (start + timedelta(weeks=2 * n, minutes=90)).isoformat(),
        }
        for n in range(3)
    ]
    body = plan(
        family_centre,
        sessions=sessions,
        recurrence="FREQ=WEEKLY;INTERVAL=2;COUNT=3",
        confirm_warnings=True,
    )
    event = post(client, "/events", body, headers).json()
    assert event["shape"] == "series" and event["recurrence"] == "FREQ=WEEKLY;INTERVAL=2;COUNT=3"
    assert len(event["sessions"]) == 3


# Lists and filters


def test_events_are_filtered_and_paginated(client, headers, family_centre, wesel):
    other = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    soon = make_event(family_centre, title="Bald")
    later = make_event(
        other,
        "info_session",
        title="Später",
        starts=timezone.now() + timedelta(days=60),
    )
    draft = make_event(family_centre, status="draft", title="Entwurf")

    def titles(query=""):
        response = client.get(API + "/events" + query, **headers)
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert titles() == ["Bald", "Entwurf", "Später"]  # by first date
    assert titles("?status=draft") == ["Entwurf"]
    assert titles("?format=info_session") == ["Später"]
    assert titles(f"?family_centre={other.pk}") == ["Später"]
    assert titles("?region=05170&status=published") == ["Bald", "Später"]
    day = timezone.localdate(soon.sessions.get().starts_at)
    assert set(titles(f"?starts_from={day}&starts_until={day}")) == {"Bald", "Entwurf"}
    assert titles(f"?starts_from={day + timedelta(days=1)}") == ["Später"]
    page = client.get(API + "/events?page_size=2", **headers).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    detail = client.get(API + f"/events/{later.pk}", **headers).json()
    assert detail["format"] == "info_session" and len(detail["sessions"]) == 1
    assert draft.pk in {
        item["id"] for item in client.get(API + "/events", **headers).json()["items"]
    }


def test_the_public_feed_shows_only_published_events_ahead(
    client, family_centre, borken_centre, coordinator
):
    now = timezone.now()
    make_event(family_centre, title="Wesel Café")
    make_event(borken_centre, "info_session", title="Borken Thema")
    make_event(family_centre, status="draft", title="Entwurf")
    make_event(family_centre, status="held", title="Vorbei", starts=now - timedelta(days=3))
    make_event(family_centre, status="cancelled", title="Abgesagt")
    series = make_event(family_centre, title="Reihe", dates=3)
    first = series.sessions.first()
    first.is_cancelled = True
    first.save()

    def titles(query=""):
        response = client.get(API + "/public/events" + query)
        assert response.status_code == 200, response.content
        return sorted(item["title"] for item in response.json()["items"])

    assert titles() == ["Borken Thema", "Reihe", "Wesel Café"]
    assert titles("?region=05554") == ["Borken Thema"]
    assert titles("?format=info_session") == ["Borken Thema"]
    assert titles("?region=05170&format=parent_cafe") == ["Reihe", "Wesel Café"]
    items = client.get(API + "/public/events").json()["items"]
    reihe = next(item for item in items if item["title"] == "Reihe")
    assert first.pk not in [s["id"] for s in reihe["sessions"]] and len(reihe["sessions"]) == 2
    assert_problem(client.get(API + "/public/events?region=99999"), 422, "region")
    assert_problem(client.get(API + "/public/events?format=picnic"), 422, "format")
    assert_problem(client.get(API + "/public/events?page=0"), 422, "page")


# Scoping


def test_another_region_sees_nothing(client, family_centre, borken, wesel):
    event = make_event(family_centre, title="Wesel Café")
    outsider = token_header(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))
    assert client.get(API + "/events", **outsider).json()["items"] == []
    for url in (f"/events/{event.pk}", f"/events/{event.pk}/registrations"):
        body = assert_problem(client.get(API + url, **outsider), 404)
        assert "Sonnenschein" not in json.dumps(body)
    assert_problem(client.post(API + f"/events/{event.pk}/publish", **outsider), 404)
    booking = {"session_id": event.sessions.get().pk, "first_name": "X", "consent": True}
    assert_problem(post(client, f"/events/{event.pk}/registrations", booking, outsider), 404)
    assert_problem(post(client, "/events", plan(family_centre), outsider), 422, "family_centre_id")
    assert_problem(client.get(API + "/events?region=05170", **outsider), 422, "region")
    assert not Registration.objects.exists()
    assert ParentEvent.objects.count() == 1


def test_who_may_read_and_book_registrations(client, family_centre, wesel, staff, state_user):
    event = make_event(family_centre)
    viewer = token_header(UserFactory(role=User.Role.VIEWER, regions=[wesel]))
    state = token_header(state_user)
    for reader in (viewer, state):
        assert client.get(API + f"/events/{event.pk}", **reader).status_code == 200
        assert_problem(client.get(API + f"/events/{event.pk}/registrations", **reader), 404)
        booking = {"session_id": event.sessions.get().pk, "first_name": "X", "consent": True}
        response = post(client, f"/events/{event.pk}/registrations", booking, reader)
        assert_problem(response, 403)
        assert_problem(client.post(API + f"/events/{event.pk}/publish", **reader), 403)
    assert_problem(post(client, "/events", plan(family_centre), viewer), 403)
    assert not Registration.objects.exists()
    assert not PersonalDataLog.objects.exists()
    assert client.get(API + "/events").status_code == 401


# Bad input


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": "many"}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 26}, "capacity"),  # an Elterncafé has at most 25 places
        ({"capacity": 10**40}, "capacity"),
        ({"format": "picnic"}, "format"),
        ({"family_centre_id": "abc"}, "family_centre_id"),
        ({"family_centre_id": 2**70}, "family_centre_id"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "Café\x00"}, "title"),
        ({"topics": ["knitting"]}, "topics.0"),
        ({"languages": "de"}, "languages"),
        ({"sessions": []}, "sessions"),
        ({"sessions": "tomorrow"}, "sessions"),
        ({"sessions": [{"starts_at": "soon", "ends_at": "later"}]}, "sessions.0.starts_at"),
        ({"sessions": [{"starts_at": "0001-01-01T00:00:00"}]}, "sessions.0.starts_at"),
        ({"speaker_ids": [999999]}, "speaker_ids"),
        ({"speaker_ids": "all"}, "speaker_ids"),
        ({"shape": "course"}, "shape"),
        ({"shape": "triangle"}, "shape"),
        ({"recurrence": "EVERY TUESDAY"}, "recurrence"),
        ({"confirm_warnings": "perhaps"}, "confirm_warnings"),
    ],
)
def test_bad_plans_are_refused_at_their_field(client, headers, family_centre, changes, field):
    response = post(client, "/events", plan(family_centre, **changes), headers)
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code, field)
    assert not ParentEvent.objects.exists()


def test_a_date_ending_before_it_starts_is_refused(client, headers, family_centre):
    start = next_weekday_at(11, 0)
    sessions = [
        {"starts_at": start.isoformat(), "ends_at": (start - timedelta(hours=1)).isoformat()}
    ]
    response = post(client, "/events", plan(family_centre, sessions=sessions), headers)
    assert_problem(response, 422, "sessions.0")
    assert not ParentEvent.objects.exists()


def test_a_double_booked_speaker_is_refused(client, headers, family_centre, bca):
    make_event(family_centre, speakers=[bca], starts=timezone.make_aware(next_weekday_at(9, 0)))
    response = post(
        client, "/events", plan(family_centre, speaker_ids=[bca.pk], confirm_warnings=True), headers
    )
    body = assert_problem(response, 422, "speaker_ids")
    assert "bereits eingeplant" in body["detail"]
    assert ParentEvent.objects.count() == 1


@pytest.mark.parametrize(
    "content", ["{not json", "42", "[]", '"text"', "null", json.dumps({"sessions": None})]
)
def test_unreadable_bodies_are_4xx(client, headers, content):
    response = post(client, "/events", content, headers)
    assert 400 <= response.status_code < 500, response.content
    assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?starts_from=yesterday", "starts_from"),
        ("?starts_from=2025-02-30", "starts_from"),
        ("?starts_from=0001-01-01", "starts_from"),
        ("?starts_from=2026-05-02&starts_until=2026-05-01", "starts_until"),
        ("?status=lost", "status"),
        ("?format=picnic", "format"),
        ("?region=5170", "region"),
        ("?family_centre=-1", "family_centre"),
        ("?page_size=1000", "page_size"),
    ],
)
def test_bad_filters_are_422(client, headers, query, field):
    assert_problem(client.get(API + "/events" + query, **headers), 422, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "Ayşe", "email": "a@example.org"}, "consent"),
        ({"first_name": "Ayşe", "consent": True}, "email"),
        ({"first_name": "", "email": "a@example.org", "consent": True}, "first_name"),
        ({"first_name": "Ayşe", "email": "nope", "consent": True}, "email"),
        ({"first_name": "Ayşe", "phone": "call me", "consent": True}, "phone"),
        (
            {"first_name": "Ayşe", "email": "a@e.org", "consent": True, "child_ages": [15]},
            "child_ages.0",
        ),
        (
            {"first_name": "Ayşe", "email": "a@e.org", "consent": True, "child_ages": "two"},
            "child_ages",
        ),
        ({"first_name": "Ayşe", "email": "a@e.org", "consent": "yes please"}, "consent"),
        (
            {"first_name": "Ayşe", "email": "a@e.org", "consent": True, "session_id": 0},
            "session_id",
        ),
    ],
)
def test_bad_bookings_are_refused_at_their_field(client, headers, family_centre, body, field):
    event = make_event(family_centre)
    body = {"session_id": event.sessions.get().pk} | body
    response = post(client, f"/events/{event.pk}/registrations", body, headers)
    assert_problem(response, 422, field)
    assert not Registration.objects.exists()


def test_bookings_for_a_wrong_date_or_a_draft_are_refused(client, headers, family_centre):
    event = make_event(family_centre)
    other = make_event(family_centre, title="Anderes")
    booking = {"first_name": "Ayşe", "email": "a@example.org", "consent": True}
    url = f"/events/{event.pk}/registrations"
    assert_problem(post(client, url, booking, headers), 422, "session_id")
    wrong = booking | {"session_id": other.sessions.get().pk}
    assert_problem(post(client, url, wrong, headers), 422, "session_id")
    draft = make_event(family_centre, status="draft")
    draft_booking = booking | {"session_id": draft.sessions.get().pk}
    assert_problem(post(client, f"/events/{draft.pk}/registrations", draft_booking, headers), 422)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("event_id", ["abc", "0", str(2**70), "-3"])
def test_odd_event_ids_are_4xx(client, headers, event_id):
    for url in (f"/events/{event_id}", f"/events/{event_id}/registrations"):
        response = client.get(API + url, **headers)
        assert response.status_code in {404, 422}, (url, response.status_code)
        assert_problem(response, response.status_code)


def test_lists_need_a_fixed_number_of_queries(
    client, headers, family_centre, bca, django_assert_max_num_queries
):
    for number in range(8):
        make_event(family_centre, title=f"Café {number}", dates=3, speakers=[bca] if number else [])
    make_event(family_centre, "parent_course", capacity=10)
    with django_assert_max_num_queries(8):
        response = client.get(API + "/events", **headers)
    assert response.json()["count"] == 9
    with django_assert_max_num_queries(4):
        response = client.get(API + "/public/events")
    assert response.json()["count"] == 9


def test_a_booking_without_consent_is_refused_in_words(client, headers, family_centre):
    event = make_event(family_centre)
    body = {"session_id": event.sessions.get().pk, "first_name": "Ayşe", "email": "a@e.org"}
    response = post(client, f"/events/{event.pk}/registrations", body | {"consent": False}, headers)
    problem = assert_problem(response, 422, "consent")
    message = problem["errors"][0]["message"]
    assert message == "Bitte stimmen Sie zu, dass wir Ihre Daten verarbeiten."
    assert not Registration.objects.exists()
