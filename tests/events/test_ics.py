"""Calendar files and feeds, parsed back with icalendar: time zone, recurrence, cancellations,
and the secret, revocable feed tokens."""

import hashlib
import re
from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied
from neuewege.core.models import Institution, User
from neuewege.events import calendars
from neuewege.events.models import CalendarFeed, Format, ParentEvent
from neuewege.events.recurrence import Rhythm
from neuewege.events.services.lifecycle import cancel_event, cancel_session, publish_event
from neuewege.events.services.planning import Plan, plan_event
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.BASE_URL = "https://neuewege.example.org"


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return calendar


def vevents(calendar):
    return calendar.walk("VEVENT")


def assert_berlin(calendar):
    """Every time carries TZID=Europe/Berlin, and the calendar defines that zone."""
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    for component in vevents(calendar):
        for name in ("DTSTART", "DTEND"):
            assert component[name].params["TZID"] == "Europe/Berlin"
            assert component[name].dt.utcoffset() is not None


def local(component, name="DTSTART"):
    return component[name].dt.astimezone(BERLIN)


def first_tuesday_of_march():
    year = timezone.localdate().year + 1
    day = date(year, 3, 1)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture
def planner(coordinator):
    return access_for(coordinator)


@pytest.fixture
def series(planner, family_centre):
    """Six Tuesdays, 9:30 to 11:00, from early March across the change to summer time."""
    rhythm = Rhythm(first_date=first_tuesday_of_march(), starts=time(9, 30), ends=time(11), count=6)
    event = plan_event(
        access=planner,
        family_centre=family_centre,
        event_format=Format.objects.get(code="parent_cafe"),
        shape=ParentEvent.Shape.SERIES,
        plan=Plan(
            details={"title": "Elterncafé am Dienstag", "capacity": 12},
            sessions=rhythm.sessions(),
            recurrence=rhythm.rrule_text(),
        ),
        confirm_warnings=True,
    )
    return publish_event(access=planner, event=event)


def event_ics(client, event):
    return client.get(reverse("public-event-ics", kwargs={"pk": event.pk}))


def session_ics(client, session):
    return client.get(reverse("public-session-ics", kwargs={"pk": session.pk}))


# Files for parents


def test_the_file_of_a_single_event_holds_what_a_parent_needs(client, family_centre):
    family_centre.street = "Hauptstraße 1"
    family_centre.save()
    event = make_event(family_centre, title="Elterncafé am Dienstag")
    session = event.sessions.get()

    response = event_ics(client, event)
    assert response["Content-Disposition"] == (
        f'attachment; filename="elterncafe-am-dienstag-{event.pk}.ics"'
    )
    calendar = parse(response)
    assert_berlin(calendar)
    [entry] = vevents(calendar)
    assert entry["UID"] == f"session-{session.pk}@neuewege.example.org"
    assert entry["SUMMARY"] == "Elterncafé am Dienstag"
    assert entry["LOCATION"] == "Familienzentrum Sonnenschein Wesel, Hauptstraße 1, 46483 Wesel"
    assert "DTSTAMP" in entry
    assert entry["STATUS"] == "CONFIRMED"
    assert entry["DTSTART"].dt == session.starts_at
    assert entry["DTEND"].dt == session.ends_at
    assert local(entry).time() == time(9, 30)
    assert "Elterncafé" in entry["DESCRIPTION"]
    assert f"https://neuewege.example.org/veranstaltungen/{event.pk}/" in entry["DESCRIPTION"]

    # the single date's own file is the same entry
    [same] = vevents(parse(session_ics(client, session)))
    assert same["UID"] == entry["UID"] and same["DTSTART"].dt == session.starts_at


def test_a_series_keeps_its_local_time_across_the_change_to_summer_time(client, series):
    sessions = list(series.sessions.all())
    offsets = {timezone.localtime(s.starts_at).utcoffset() for s in sessions}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # the series crosses the change

    calendar = parse(event_ics(client, series))
    assert_berlin(calendar)
    [entry] = vevents(calendar)  # one recurring entry
    assert entry["UID"].startswith(f"event-{series.pk}@")
    assert local(entry).time() == time(9, 30) and local(entry, "DTEND").time() == time(11)
    rule = entry["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [6]
    dates = list(rrule.rrulestr(rule.to_ical().decode(), dtstart=entry["DTSTART"].dt))
    assert dates == [s.starts_at for s in sessions]
    assert {d.astimezone(BERLIN).time() for d in dates} == {time(9, 30)}
    assert {d.astimezone(UTC).time() for d in dates} == {time(8, 30), time(7, 30)}
    assert "EXDATE" not in entry

    # every single date, before and after the change, at 9:30 local time
    for session in (sessions[0], sessions[-1]):
        calendar = parse(session_ics(client, session))
        assert_berlin(calendar)
        [entry] = vevents(calendar)
        assert local(entry).time() == time(9, 30)
        assert entry["DTSTART"].dt == session.starts_at
    assert sessions[-1].starts_at.astimezone(UTC).time() == time(7, 30)


def test_a_cancelled_date_of_a_series_is_an_exdate_and_cancelled_in_its_own_file(
    client, series, planner
):
    sessions = list(series.sessions.all())
    cancel_session(access=planner, session=sessions[2])

    [entry] = vevents(parse(event_ics(client, series)))
    assert "RRULE" in entry
    assert entry["EXDATE"].params["TZID"] == "Europe/Berlin"
    assert [d.dt for d in entry["EXDATE"].dts] == [sessions[2].starts_at]
    assert entry["STATUS"] == "CONFIRMED"

    [cancelled] = vevents(parse(session_ics(client, sessions[2])))
    assert cancelled["STATUS"] == "CANCELLED"
    [held] = vevents(parse(session_ics(client, sessions[3])))
    assert held["STATUS"] == "CONFIRMED"


def test_a_rule_with_an_end_date_names_it_in_utc(client, planner, family_centre):
    first = first_tuesday_of_march()
    rhythm = Rhythm(
        first_date=first, starts=time(9, 30), ends=time(11), interval=2, until=first.replace(day=28)
    )
    event = plan_event(
        access=planner,
        family_centre=family_centre,
        event_format=Format.objects.get(code="parent_cafe"),
        shape=ParentEvent.Shape.SERIES,
        plan=Plan(
            details={"title": "Alle zwei Wochen", "capacity": 10},
            sessions=rhythm.sessions(),
            recurrence=rhythm.rrule_text(),
        ),
        confirm_warnings=True,
    )
    publish_event(access=planner, event=event)
    response = event_ics(client, event)
    [entry] = vevents(parse(response))
    assert re.search(rb"RRULE:FREQ=WEEKLY;[^\r\n]*UNTIL=\d{8}T\d{6}Z", response.content)
    dates = list(rrule.rrulestr(entry["RRULE"].to_ical().decode(), dtstart=entry["DTSTART"].dt))
    assert dates == [s.starts_at for s in event.sessions.all()]


def test_a_series_without_a_rule_or_with_a_moved_date_has_one_entry_per_date(
    client, series, family_centre
):
    moved = series.sessions.last()
    moved.starts_at += timedelta(days=1)
    moved.ends_at += timedelta(days=1)
    moved.save()
    calendar = parse(event_ics(client, series))
    assert len(vevents(calendar)) == 6
    assert not any("RRULE" in entry for entry in vevents(calendar))

    plain = make_event(family_centre, dates=3)
    calendar = parse(event_ics(client, plain))
    assert_berlin(calendar)
    uids = [entry["UID"] for entry in vevents(calendar)]
    assert uids == [f"session-{s.pk}@neuewege.example.org" for s in plain.sessions.all()]


def test_a_cancelled_event_is_cancelled_in_every_entry(client, series, planner):
    cancel_event(access=planner, event=series, reason="Krankheit")
    [entry] = vevents(parse(event_ics(client, series)))
    assert entry["STATUS"] == "CANCELLED"
    assert "Krankheit" in entry["DESCRIPTION"]
    [date_entry] = vevents(parse(session_ics(client, series.sessions.first())))
    assert date_entry["STATUS"] == "CANCELLED"


def test_a_course_has_one_entry_per_module(client, family_centre):
    course = make_event(family_centre, "parent_course", capacity=10)
    entries = vevents(parse(event_ics(client, course)))
    assert len(entries) == 5
    assert "Ich habe Vorfahrt" in entries[0]["SUMMARY"]


def test_drafts_and_unknown_records_have_no_public_file(client, family_centre):
    draft = make_event(family_centre, status="draft", title="Geheimer Entwurf")
    assert event_ics(client, draft).status_code == 404
    assert session_ics(client, draft.sessions.get()).status_code == 404
    assert client.get("/veranstaltungen/999999/kalender.ics").status_code == 404
    assert client.get("/termine/999999/kalender.ics").status_code == 404
    assert client.get(f"/veranstaltungen/{2**64}/kalender.ics").status_code == 404


# Feeds


@pytest.fixture
def feeds_page():
    return reverse("calendar-feeds")


def create_feed_on_page(client, user, calendar):
    client.force_login(user)
    response = client.post(reverse("calendar-feeds"), {"calendar": calendar})
    assert response.status_code == 200
    match = re.search(r'id="new-feed-url">(http[^<]+)<', response.content.decode())
    assert match, "the new feed's address is shown once"
    assert match.group(1).startswith("https://neuewege.example.org/kalender/")
    return match.group(1).removeprefix("https://neuewege.example.org")


def test_a_family_centre_feed_shows_its_events_behind_a_secret_token(
    client, staff, family_centre, wesel, django_assert_max_num_queries
):
    now = timezone.now()
    published = make_event(family_centre, title="Elterncafé")
    held = make_event(
        family_centre, status="held", title="Vor einem Monat", starts=now - timedelta(days=30)
    )
    make_event(family_centre, status="held", title="Lange her", starts=now - timedelta(days=120))
    make_event(family_centre, status="draft", title="Entwurf")
    other = InstitutionFactory(region=wesel, name="Familienzentrum Nebenan")
    make_event(other, title="Anderswo")

    url = create_feed_on_page(client, staff, str(family_centre.pk))
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get()
    assert feed.institution == family_centre and feed.created_by == staff
    assert feed.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.values().get())  # the secret is not stored
    page = client.get(reverse("calendar-feeds")).content.decode()
    assert token not in page and feed.prefix in page  # shown once only

    client.logout()
    with django_assert_max_num_queries(3):
        response = client.get(url)
    calendar = parse(response)
    assert_berlin(calendar)
    assert "attachment" not in response.get("Content-Disposition", "")
    summaries = sorted(str(entry["SUMMARY"]) for entry in vevents(calendar))
    assert summaries == ["Elterncafé", "Vor einem Monat"]
    uids = {entry["UID"].split("@")[0] for entry in vevents(calendar)}
    assert uids == {f"session-{e.sessions.get().pk}" for e in (published, held)}


def test_a_revoked_or_unknown_token_is_404(client, staff, family_centre):
    make_event(family_centre)
    path = create_feed_on_page(client, staff, str(family_centre.pk))
    assert client.get(path).status_code == 200
    feed = CalendarFeed.objects.get()

    response = client.post(reverse("calendar-feeds"), {"revoke": feed.pk}, follow=True)
    assert response.status_code == 200
    assert f'name="revoke" value="{feed.pk}"' not in response.content.decode()
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert client.get(path).status_code == 404
    assert client.get("/kalender/not-a-token.ics").status_code == 404


def test_a_feed_stops_when_its_account_is_deactivated(client, staff, family_centre):
    url = create_feed_on_page(client, staff, str(family_centre.pk))
    staff.is_active = False
    staff.save()
    assert client.get(url).status_code == 404


def test_a_speaker_feed_shows_the_dates_the_person_speaks_at(client, wesel, family_centre):
    job_centre = InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        job_centre_type=Institution.JobCentreType.JOINT,
        name="Jobcenter Kreis Wesel",
    )
    bca = PersonFactory(institution=job_centre, first_name="Birgit")
    account = UserFactory(role=User.Role.STAFF, person=bca)
    speaking = make_event(family_centre, title="Mit Birgit", speakers=[bca])
    make_event(family_centre, title="Ohne Birgit")
    make_event(family_centre, status="draft", title="Entwurf mit Birgit", speakers=[bca])
    cancelled = make_event(family_centre, status="cancelled", title="Abgesagt", speakers=[bca])

    url = create_feed_on_page(client, account, "own")
    calendar = parse(client.get(url))
    entries = {str(entry["SUMMARY"]): entry for entry in vevents(calendar)}
    assert set(entries) == {"Mit Birgit", "Abgesagt"}
    assert entries["Abgesagt"]["STATUS"] == "CANCELLED"
    assert entries["Mit Birgit"]["DTSTART"].dt == speaking.sessions.get().starts_at
    assert cancelled.pk != speaking.pk


def test_feeds_only_for_own_dates_and_centres_one_plans_for(
    client, staff, coordinator, family_centre, borken
):
    centre_b = InstitutionFactory(region=borken, name="Familienzentrum Borken")
    viewer = UserFactory(role=User.Role.VIEWER, regions=[family_centre.region])

    client.force_login(staff)
    page = client.get(reverse("calendar-feeds")).content.decode()
    assert "Familienzentrum Sonnenschein Wesel" in page and "Borken" not in page
    response = client.post(reverse("calendar-feeds"), {"calendar": str(centre_b.pk)})
    assert response.status_code == 200 and 'id="new-feed-url"' not in response.content.decode()
    assert 'class="kern-error"' in response.content.decode()

    client.force_login(viewer)  # no linked person, plans no events
    page = client.get(reverse("calendar-feeds")).content.decode()
    assert "<select" not in page
    response = client.post(reverse("calendar-feeds"), {"calendar": str(family_centre.pk)})
    assert 'id="new-feed-url"' not in response.content.decode()
    response = client.post(reverse("calendar-feeds"), {"calendar": "own"})
    assert 'id="new-feed-url"' not in response.content.decode()
    assert not CalendarFeed.objects.exists()

    with pytest.raises(PermissionDenied):
        calendars.create_feed(access=access_for(coordinator), institution=centre_b)
    with pytest.raises(PermissionDenied):
        calendars.create_feed(access=access_for(coordinator), person=staff.person)
    assert not CalendarFeed.objects.exists()


def test_one_cannot_revoke_the_feed_of_another_account(client, staff, coordinator, family_centre):
    feed, secret = calendars.create_feed(access=access_for(coordinator), institution=family_centre)
    client.force_login(staff)
    for value in [str(feed.pk), "x", str(2**70), "-1"]:
        response = client.post(reverse("calendar-feeds"), {"revoke": value})
        assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert client.get(reverse("calendar-feed", kwargs={"token": secret})).status_code == 200


def test_the_feeds_page_needs_a_sign_in(client):
    response = client.get(reverse("calendar-feeds"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
