"""The cooperation API through the Django test client, with real API tokens and a real database:
round trips of Checks, tasks, meetings and goals; the figures against a hand-counted fixture and
the dashboards; who may read and write what; bad input answered with field errors that change
nothing."""

import json
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from neuewege.cooperation import dashboards, services
from neuewege.cooperation.models import Meeting, RegionalGoal, RegionCheck, Task
from neuewege.core.access import access_for
from neuewege.core.models import User
from neuewege.events.models import ConsentText, Registration
from tests.api.test_api import assert_problem, token_header
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event

API = "/api/v1"
WESEL = "/regions/05170"


def send(client, method, url, body, headers):
    content = body if isinstance(body, str) else json.dumps(body)
    return client.generic(
        method.upper(), API + url, content, content_type="application/json", **headers
    )


def get(client, url, headers, **params):
    return client.get(API + url, params, **headers)


def counts():
    return (
        RegionCheck.objects.count(),
        Task.objects.count(),
        Meeting.objects.count(),
        RegionalGoal.objects.count(),
    )


def at(day, hour=9, minute=30):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def parsed(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(autouse=True)
def english(client):
    """Messages in English, so that the tests can read them."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    yield
    translation.deactivate()  # the middleware left English active in this thread


@pytest.fixture
def coord_headers(coordinator):
    return token_header(coordinator)


@pytest.fixture
def coord(coordinator):
    return access_for(coordinator)


@pytest.fixture
def viewer(wesel):
    return UserFactory(role=User.Role.VIEWER, regions=[wesel])


@pytest.fixture
def coordinator_b(borken):
    return UserFactory(role=User.Role.COORDINATOR, regions=[borken])


# Regionen-Check


def test_a_check_is_saved_as_a_new_version_and_read_back(client, coord_headers, coordinator):
    first = send(
        client,
        "post",
        WESEL + "/checks",
        {
            "held_on": "2015-08-27",
            "participants": "Jobcenter, Agentur, Jugendamt",
            "conflicts": "Zuständigkeit für Kinderbetreuung",
            "elements": ["steering_group", "parent_cafe", "steering_group"],
            "offers": ["speaker_training"],
        },
        coord_headers,
    )
    assert first.status_code == 201, first.content
    assert first.json()["version"] == 1
    assert first.json()["elements"] == ["steering_group", "parent_cafe"]  # once each
    # a second version: what it leaves out is taken over from the first
    second = send(
        client,
        "post",
        WESEL + "/checks",
        {"held_on": "2016-03-01", "elements": ["parent_course"], "participants": None},
        coord_headers,
    )
    assert second.status_code == 201, second.content
    back = get(client, WESEL + "/checks/2", coord_headers).json()
    assert back["version"] == 2 and back["held_on"] == "2016-03-01"
    assert back["region"] == "05170"
    assert back["elements"] == ["parent_course"] and back["offers"] == ["speaker_training"]
    assert back["conflicts"] == "Zuständigkeit für Kinderbetreuung"
    assert back["participants"] == ""
    assert {"existing_structures", "expectations", "planning", "agreements", "dates"} <= set(back)
    old = get(client, WESEL + "/checks/1", coord_headers).json()
    assert old["elements"] == ["steering_group", "parent_cafe"]
    assert old["participants"] == "Jobcenter, Agentur, Jugendamt"
    listed = get(client, WESEL + "/checks", coord_headers).json()
    assert listed["count"] == 2
    assert [item["version"] for item in listed["items"]] == [2, 1]  # newest first
    assert RegionCheck.objects.get(version=2).created_by == coordinator


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"held_on": "2015-08-27", "elements": ["teleportation"]}, "elements.0"),
        ({"held_on": "2015-08-27", "offers": ["steering_group"]}, "offers.0"),
        ({"held_on": "2015-02-30"}, "held_on"),
        ({"held_on": "1015-02-03"}, "held_on"),
        ({"conflicts": "keine"}, "held_on"),
        ({"held_on": "2015-08-27", "planning": "a\x00b"}, "planning"),
        ({"held_on": "2015-08-27", "elements": "parent_cafe"}, "elements"),
    ],
)
def test_a_bad_check_is_refused_by_field_and_saves_nothing(
    client, coord_headers, wesel, body, field
):
    before = counts()
    response = send(client, "post", WESEL + "/checks", body, coord_headers)
    assert_problem(response, 422, field)
    assert counts() == before


def test_unknown_check_versions_are_404_and_odd_ones_422(client, coord_headers, coord, wesel):
    services.save_check(access=coord, region=wesel, data={"held_on": date(2015, 8, 27)})
    assert_problem(get(client, WESEL + "/checks/7", coord_headers), 404)
    assert_problem(get(client, WESEL + f"/checks/{2**70}", coord_headers), 422)
    assert_problem(get(client, WESEL + "/checks/zwei", coord_headers), 422)
    assert_problem(get(client, "/regions/0517/checks", coord_headers), 422)


# Action plan


def test_a_task_round_trips_and_its_owner_may_change_only_status_and_notes(
    client, coord_headers, staff, wesel, family_centre
):
    due = timezone.localdate() + timedelta(days=30)
    created = send(
        client,
        "post",
        WESEL + "/tasks",
        {
            "title": "Lotsenbroschüre zusammenstellen",
            "element": "navigator_brochure",
            "owner_id": staff.person_id,
            "institution_id": family_centre.pk,
            "due_on": due.isoformat(),
        },
        coord_headers,
    )
    assert created.status_code == 201, created.content
    task = created.json()
    assert task["owner_id"] == staff.person_id
    assert task["institution_id"] == family_centre.pk
    assert (task["status"], task["is_done"], task["is_overdue"]) == ("open", False, False)
    assert task["due_on"] == due.isoformat() and task["created_on"] == str(timezone.localdate())
    url = f"{WESEL}/tasks/{task['id']}"

    owner = token_header(staff)
    changed = send(client, "patch", url, {"status": "in_progress", "notes": "Entwurf"}, owner)
    assert changed.status_code == 200, changed.content
    assert (changed.json()["status"], changed.json()["notes"]) == ("in_progress", "Entwurf")
    refused = send(client, "patch", url, {"title": "Etwas anderes"}, owner)
    body = assert_problem(refused, 403)
    assert "status" in body["detail"]  # says what the owner may change
    assert Task.objects.get(pk=task["id"]).title == "Lotsenbroschüre zusammenstellen"

    done = send(client, "patch", url, {"status": "done"}, owner).json()
    assert done["is_done"] is True and done["completed_on"] == str(timezone.localdate())
    assert get(client, url, owner).json()["status"] == "done"
    cleared = send(client, "patch", url, {"owner_id": None, "element": None}, coord_headers)
    assert cleared.status_code == 200, cleared.content
    assert (cleared.json()["owner_id"], cleared.json()["element"]) == (None, "")
    assert cleared.json()["title"] == "Lotsenbroschüre zusammenstellen"  # the rest stays


def test_a_task_is_done_once_its_meeting_is_scheduled(client, coord_headers, coord, wesel):
    task = services.save_task(access=coord, region=wesel, data={"title": "Erste Sitzung"})
    url = f"{WESEL}/tasks/{task.pk}"
    assert get(client, url, coord_headers).json()["is_done"] is False
    starts = timezone.localtime() + timedelta(days=14)
    response = send(
        client,
        "post",
        WESEL + "/meetings",
        {
            "starts_at": starts.replace(tzinfo=None).isoformat(),
            "ends_at": (starts + timedelta(hours=2)).replace(tzinfo=None).isoformat(),
            "place": "Kreishaus Wesel",
            "fulfils_task_id": task.pk,
        },
        coord_headers,
    )
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["fulfilled_task_ids"] == [task.pk]
    assert meeting["kind"] == "coordination"  # the region has no steering group
    read = get(client, url, coord_headers).json()
    assert (read["is_done"], read["meeting_id"], read["status"]) == (True, meeting["id"], "open")
    done = get(client, WESEL + "/tasks", coord_headers, status="done").json()
    assert [item["id"] for item in done["items"]] == [task.pk]
    assert get(client, WESEL + "/tasks", coord_headers, status="open").json()["count"] == 0


def test_a_task_can_be_linked_to_a_meeting_by_patch(client, coord_headers, coord, wesel):
    task = services.save_task(access=coord, region=wesel, data={"title": "Sitzung"})
    starts = timezone.now() + timedelta(days=3)
    meeting = services.schedule_meeting(
        access=coord,
        region=wesel,
        data={
            "kind": "coordination",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=1),
            "place": "Rathaus",
        },
    )
    url = f"{WESEL}/tasks/{task.pk}"
    linked = send(client, "patch", url, {"meeting_id": meeting.pk}, coord_headers)
    assert linked.status_code == 200, linked.content
    assert linked.json()["is_done"] is True
    services.update_meeting(access=coord, meeting=meeting, data={"is_cancelled": True})
    assert get(client, url, coord_headers).json()["is_done"] is False  # open again


def test_the_task_list_filters_overdue_tasks(client, coord_headers, coord, wesel):
    today = timezone.localdate()
    late = services.save_task(
        access=coord,
        region=wesel,
        data={"title": "Verspätet", "due_on": today - timedelta(days=2)},
        today=today - timedelta(days=20),
    )
    services.save_task(access=coord, region=wesel, data={"title": "Rechtzeitig"})
    overdue = get(client, WESEL + "/tasks", coord_headers, status="overdue").json()
    assert [(item["id"], item["is_overdue"]) for item in overdue["items"]] == [(late.pk, True)]
    assert get(client, WESEL + "/tasks", coord_headers).json()["count"] == 2
    assert_problem(get(client, WESEL + "/tasks", coord_headers, status="late"), 422, "status")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_on": "yesterday"}, "due_on"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Nul\x00"}, "title"),
        ({"owner_id": 2**63}, "owner_id"),
        ({"owner_id": 987654}, "owner_id"),
        ({"owner_id": "borken"}, "owner_id"),
        ({"institution_id": "borken"}, "institution_id"),
        ({"meeting_id": 0}, "meeting_id"),
        ({"event_id": 987654}, "event_id"),
        ({"element": "everything"}, "element"),
        ({"status": "finished"}, "status"),
        ({"status": None}, "status"),
    ],
)
def test_a_bad_task_is_refused_by_field_and_saves_nothing(
    client, coord_headers, wesel, borken, changes, field
):
    other = InstitutionFactory(region=borken, postcode="46325", town="Borken")
    values = {
        "yesterday": str(timezone.localdate() - timedelta(days=1)),
        "borken": PersonFactory(institution=other).pk,
    }
    body = {"title": "Aufgabe"} | {
        name: values.get(value, value) if isinstance(value, str) else value
        for name, value in changes.items()
    }
    if "institution_id" in changes:
        body["institution_id"] = other.pk
    before = counts()
    response = send(client, "post", WESEL + "/tasks", body, coord_headers)
    assert_problem(response, 422, field)
    assert counts() == before


def test_due_before_created_is_named_and_changes_nothing_on_patch(
    client, coord_headers, coord, wesel
):
    task = services.save_task(access=coord, region=wesel, data={"title": "Aufgabe"})
    response = send(
        client,
        "patch",
        f"{WESEL}/tasks/{task.pk}",
        {"due_on": str(task.created_on - timedelta(days=1)), "title": "Neu"},
        coord_headers,
    )
    body = assert_problem(response, 422, "due_on")
    assert "before" in body["detail"]
    task.refresh_from_db()
    assert (task.title, task.due_on) == ("Aufgabe", None)


# Meetings


def test_a_meeting_is_scheduled_and_read_with_its_minutes(
    client, coord_headers, coord, wesel, staff
):
    services.save_steering_group(access=coord, region=wesel, data={"is_active": True})
    response = send(
        client,
        "post",
        WESEL + "/meetings",
        {
            "starts_at": "2026-12-10T10:00:00",
            "ends_at": "2026-12-10T12:00:00+01:00",
            "place": "Kreishaus Wesel, Raum 2",
            "agenda": "1. Begrüßung\n2. Regionen-Check",
        },
        coord_headers,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["kind"] == "steering_group"  # the steering group meets
    assert parsed(created["starts_at"]) == at(date(2026, 12, 10), 10, 0)
    assert parsed(created["ends_at"]) == at(date(2026, 12, 10), 12, 0)
    meeting = Meeting.objects.get(pk=created["id"])
    decided = services.record_minutes(
        access=coord,
        meeting=meeting,
        minutes="Beschlossen: Elterncafé im Frühjahr",
        attendees=[staff.person],
        decisions=[{"title": "Elterncafé planen", "owner": staff.person, "due_on": None}],
    )
    detail = get(client, f"{WESEL}/meetings/{meeting.pk}", coord_headers).json()
    assert detail["agenda"] == "1. Begrüßung\n2. Regionen-Check"
    assert detail["minutes"] == "Beschlossen: Elterncafé im Frühjahr"
    assert detail["attendee_ids"] == [staff.person_id]
    assert detail["decision_task_ids"] == [decided[0].pk]
    assert detail["is_cancelled"] is False
    task = get(client, f"{WESEL}/tasks/{decided[0].pk}", coord_headers).json()
    assert task["decided_in_id"] == meeting.pk
    listed = get(client, WESEL + "/meetings", coord_headers).json()
    assert [item["id"] for item in listed["items"]] == [meeting.pk]
    assert "minutes" not in listed["items"][0]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": None}, "starts_at"),
        ({"ends_at": "2026-12-10T09:00:00"}, "ends_at"),
        ({"starts_at": "2026-13-10T10:00:00"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:59:59"}, "starts_at"),
        ({"place": "  "}, "place"),
        ({"kind": "party"}, "kind"),
        ({"fulfils_task_id": 2**62}, "fulfils_task_id"),
    ],
)
def test_a_bad_meeting_is_refused_by_field_and_saves_nothing(
    client, coord_headers, wesel, changes, field
):
    body = {
        "starts_at": "2026-12-10T10:00:00",
        "ends_at": "2026-12-10T12:00:00",
        "place": "Kreishaus",
    } | changes
    body = {name: value for name, value in body.items() if value is not None}
    before = counts()
    assert_problem(send(client, "post", WESEL + "/meetings", body, coord_headers), 422, field)
    assert counts() == before


# Regional goals


def attend(event, session):
    registration = Registration.objects.create(
        event=event,
        session=session,
        status="confirmed",
        first_name="Ayşe",
        language="de",
        consent=ConsentText.objects.get(purpose="booking", version=1),
        consented_at=timezone.now(),
    )
    registration.attended_sessions.set([session])
    return registration


def test_goals_show_their_progress(client, coord_headers, coord, wesel, family_centre):
    today = timezone.localdate()
    make_event(family_centre, starts=at(today - timedelta(days=40)))
    make_event(family_centre, "info_session", starts=at(today - timedelta(days=100)))
    computed = send(
        client,
        "post",
        WESEL + "/goals",
        {
            "title": "Vier Veranstaltungen im Jahr",
            "indicator": "events_held",
            "unit": "ignored",
            "target_value": 4,
            "target_date": "2027-12-31",
        },
        coord_headers,
    )
    assert computed.status_code == 201, computed.content
    assert computed.json() | {"id": 0} == {
        "id": 0,
        "title": "Vier Veranstaltungen im Jahr",
        "indicator": "events_held",
        "unit": "events",
        "target_value": 4,
        "target_date": "2027-12-31",
        "created_on": str(today),
        "value": 2,
        "measured_on": str(today),
        "percent": 50,
        "reached": False,
    }
    by_hand = send(
        client,
        "post",
        WESEL + "/goals",
        {
            "title": "Fallmanager geschult",
            "unit": "Personen",
            "target_value": 5,
            "target_date": "2026-12-31",
        },
        coord_headers,
    ).json()
    assert (by_hand["value"], by_hand["percent"], by_hand["reached"]) == (None, None, False)
    goal = RegionalGoal.objects.get(pk=by_hand["id"])
    services.record_measurement(
        access=coord, goal=goal, data={"value": 6, "measured_on": today - timedelta(days=1)}
    )
    goals = {
        item["id"]: item for item in get(client, WESEL + "/goals", coord_headers).json()["items"]
    }
    assert goals[goal.pk]["value"] == 6 and goals[goal.pk]["unit"] == "Personen"
    assert (goals[goal.pk]["percent"], goals[goal.pk]["reached"]) == (100, True)
    assert goals[goal.pk]["measured_on"] == str(today - timedelta(days=1))
    assert goals[computed.json()["id"]]["percent"] == 50


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_value": None}, "target_value"),
        ({"target_value": 0}, "target_value"),
        ({"target_value": 2**40}, "target_value"),
        ({"target_date": None}, "target_date"),
        ({"title": " "}, "title"),
        ({"indicator": "happiness"}, "indicator"),
    ],
)
def test_a_bad_goal_is_refused_by_field_and_saves_nothing(
    client, coord_headers, wesel, changes, field
):
    body = {"title": "Ziel", "target_value": 3, "target_date": "2027-06-30"} | changes
    body = {name: value for name, value in body.items() if value is not None}
    before = counts()
    assert_problem(send(client, "post", WESEL + "/goals", body, coord_headers), 422, field)
    assert counts() == before


# Figures


@pytest.fixture
def counted(wesel, family_centre, coord):
    """Hand-counted for today: 3 family centres, 2 with an event in the last twelve months;
    2 events held; 2 parents came; this quarter one Elterncafé; 2 open tasks, 1 overdue;
    a meeting ahead; Check version 2; one of two goals reached."""
    today = timezone.localdate()
    other = InstitutionFactory(region=wesel, name="Familienzentrum Regenbogen")
    InstitutionFactory(region=wesel, name="Familienzentrum Ohne Termine")
    cafe = make_event(family_centre, starts=at(today, 0, 30))
    attend(cafe, cafe.sessions.get())
    attend(cafe, cafe.sessions.get())
    make_event(other, "info_session", starts=at(today - timedelta(days=200)))
    make_event(other, starts=at(today - timedelta(days=400)))  # before the twelve months
    make_event(other, starts=at(today, 0, 30), status="cancelled")
    make_event(other, "parent_course", starts=at(today, 0, 30), status="draft")
    services.save_task(
        access=coord,
        region=wesel,
        data={"title": "Lotsenbroschüre", "due_on": today - timedelta(days=3)},
        today=today - timedelta(days=30),
    )
    services.save_task(access=coord, region=wesel, data={"title": "Offen"})
    services.save_task(access=coord, region=wesel, data={"title": "Fertig", "status": "done"})
    for day in (date(2015, 8, 27), date(2016, 3, 1)):
        services.save_check(access=coord, region=wesel, data={"held_on": day})
    starts = (timezone.now() + timedelta(days=20)).replace(microsecond=0)
    meeting = services.schedule_meeting(
        access=coord,
        region=wesel,
        data={
            "kind": "coordination",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "place": "Kreishaus",
        },
    )
    target = {"target_date": date(2027, 12, 31)}
    services.save_goal(
        access=coord,
        region=wesel,
        data={"title": "Zwei Eltern", "indicator": "parents_reached", "target_value": 2} | target,
    )
    services.save_goal(
        access=coord,
        region=wesel,
        data={"title": "Zehn Veranstaltungen", "indicator": "events_held", "target_value": 10}
        | target,
    )
    return meeting


def test_the_region_figures_match_the_hand_count_and_the_dashboard(
    client, counted, wesel, state_user
):
    figures = get(client, WESEL + "/figures", token_header(state_user)).json()
    today = timezone.localdate()
    quarter = dashboards.quarter_of(today)
    assert figures == {
        "region": "05170",
        "phase": wesel.phase,
        "quarter_from": str(quarter[0]),
        "quarter_until": str(quarter[1] - timedelta(days=1)),
        "coverage": {"covered": 2, "centres": 3, "percent": 67},
        "events_held": 2,
        "parents_reached": 2,
        "events_this_quarter": [
            {"format": "parent_cafe", "name": "Parents' café", "events": 1},
            {"format": "info_session", "name": "Information session", "events": 0},
            {"format": "parent_course", "name": "Parents' course “Neue Wege”", "events": 0},
        ],
        "open_tasks": 2,
        "overdue_tasks": 1,
        "goals": 2,
        "goals_reached": 1,
        "steering_group_active": False,
        "next_meeting_at": figures["next_meeting_at"],
        "latest_check_version": 2,
        "latest_check_held_on": "2016-03-01",
    }
    assert parsed(figures["next_meeting_at"]) == counted.starts_at
    with translation.override("en"):
        dashboard = dashboards.region_dashboard(wesel, today=today)
    assert figures["coverage"]["covered"] == dashboard.coverage.covered
    assert figures["coverage"]["centres"] == dashboard.coverage.centres
    assert figures["parents_reached"] == dashboard.parents_reached
    assert [(item["name"], item["events"]) for item in figures["events_this_quarter"]] == [
        (row.name, row.events) for row in dashboard.events_by_format
    ]
    assert figures["open_tasks"] == dashboard.open_tasks
    assert figures["overdue_tasks"] == len(dashboard.overdue_tasks)


def test_the_state_level_reads_figures_but_not_the_regions_records(
    client, counted, wesel, state_user
):
    headers = token_header(state_user)
    response = get(client, WESEL + "/figures", headers)
    assert response.status_code == 200
    for title in ("Lotsenbroschüre", "Offen", "Zwei Eltern", "Ayşe", "Kreishaus"):
        assert title not in response.content.decode()  # no task titles, no names
    task = Task.objects.get(title="Lotsenbroschüre")
    for url in ("/checks", "/checks/2", "/tasks", f"/tasks/{task.pk}", "/meetings", "/goals"):
        assert_problem(get(client, WESEL + url, headers), 404)
        assert "Lotsenbroschüre" not in get(client, WESEL + url, headers).content.decode()
    before = counts()
    assert_problem(send(client, "post", WESEL + "/tasks", {"title": "Vom Land"}, headers), 404)
    assert_problem(
        send(client, "patch", f"{WESEL}/tasks/{task.pk}", {"status": "done"}, headers), 404
    )
    assert counts() == before
    assert Task.objects.get(pk=task.pk).status == "open"


def test_the_state_overview_is_the_state_levels(client, counted, wesel, coordinator, state_user):
    rows = get(client, "/state/figures", token_header(state_user)).json()
    assert len(rows) == 53
    row = next(row for row in rows if row["region"] == "05170")
    overview = next(row for row in dashboards.state_overview() if row.region == wesel)
    assert row["name"] == "Kreis Wesel"
    assert row["coverage"] == {"covered": 2, "centres": 3, "percent": 67}
    assert (row["events_held"], row["parents_reached"]) == (2, 2)
    assert (row["events_held"], row["parents_reached"]) == (
        overview.events_held,
        overview.parents_reached,
    )
    assert row["last_check"] == "2016-03-01" and row["steering_group_active"] is False
    body = assert_problem(get(client, "/state/figures", token_header(coordinator)), 403)
    assert body["errors"][0]["field"] is None


# Access of the region's people and of outsiders


def test_readers_of_the_region_may_not_write(client, counted, wesel, viewer, staff):
    task = Task.objects.get(title="Offen")
    for user in (viewer, staff):  # staff: not the task's owner
        headers = token_header(user)
        assert get(client, WESEL + "/tasks", headers).json()["count"] == 3
        before = counts()
        assert_problem(
            send(client, "post", WESEL + "/checks", {"held_on": "2026-01-01"}, headers), 403
        )
        assert_problem(send(client, "post", WESEL + "/tasks", {"title": "Neu"}, headers), 403)
        assert_problem(
            send(client, "patch", f"{WESEL}/tasks/{task.pk}", {"status": "done"}, headers), 403
        )
        goal = {"title": "Ziel", "target_value": 1, "target_date": "2027-01-01"}
        assert_problem(send(client, "post", WESEL + "/goals", goal, headers), 403)
        assert counts() == before
    assert Task.objects.get(pk=task.pk).status == "open"


def test_another_regions_coordinator_finds_nothing(client, counted, wesel, coordinator_b):
    headers = token_header(coordinator_b)
    task = Task.objects.get(title="Offen")
    for url in ("/checks", "/checks/1", "/tasks", f"/tasks/{task.pk}", "/goals", "/figures"):
        assert_problem(get(client, WESEL + url, headers), 404)
    meeting = Meeting.objects.get()
    assert_problem(get(client, f"{WESEL}/meetings/{meeting.pk}", headers), 404)
    # nor through their own region
    assert_problem(get(client, f"/regions/05554/tasks/{task.pk}", headers), 404)
    assert_problem(get(client, f"/regions/05554/meetings/{meeting.pk}", headers), 404)
    before = counts()
    assert_problem(
        send(client, "patch", f"/regions/05554/tasks/{task.pk}", {"status": "done"}, headers),
        404,
    )
    assert_problem(send(client, "post", WESEL + "/checks", {"held_on": "2026-01-01"}, headers), 404)
    # a task of their own region cannot point at region A's meeting
    response = send(
        client, "post", "/regions/05554/tasks", {"title": "X", "meeting_id": meeting.pk}, headers
    )
    assert_problem(response, 422, "meeting_id")
    assert counts() == before


def test_a_coordinator_cannot_link_another_of_their_regions_records(
    client, wesel, borken, family_centre
):
    both = UserFactory(role=User.Role.COORDINATOR, regions=[wesel, borken])
    person_b = PersonFactory(
        institution=InstitutionFactory(region=borken, postcode="46325", town="Borken")
    )
    before = counts()
    response = send(
        client,
        "post",
        WESEL + "/tasks",
        {"title": "Aufgabe", "owner_id": person_b.pk},
        token_header(both),
    )
    body = assert_problem(response, 422, "owner_id")
    assert "region" in body["detail"]
    assert counts() == before


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/checks", "not json"),
        ("post", "/checks", "[]"),
        ("post", "/checks", "null"),
        ("post", "/tasks", '{"title": ["a"]}'),
        ("post", "/tasks", '{"title": "x", "due_on": "9999-99-99"}'),
        ("post", "/meetings", '{"starts_at": 1e400, "ends_at": 0, "place": "x"}'),
        ("post", "/goals", '{"title": "x", "target_value": 1e30, "target_date": "2027-01-01"}'),
        ("patch", "/tasks/{task}", "42"),
        ("patch", "/tasks/{task}", '{"owner_id": -1}'),
        ("patch", f"/tasks/{2**64}", "{}"),
        ("get", "/tasks?status=%00", None),
        ("get", "/tasks?page=0", None),
        ("get", "/goals?page_size=100000", None),
        ("get", f"/meetings/{2**63}", None),
    ],
)
def test_odd_input_is_answered_with_4xx_never_500(
    client, coord_headers, coord, wesel, method, url, body
):
    task = services.save_task(access=coord, region=wesel, data={"title": "Aufgabe"})
    url = WESEL + url.replace("{task}", str(task.pk))
    before = counts()
    if body is None:
        response = client.get(API + url, **coord_headers)
    else:
        response = send(client, method, url, body, coord_headers)
    assert 400 <= response.status_code < 500, (url, body, response.content)
    assert_problem(response, response.status_code)
    assert counts() == before
    assert Task.objects.get(pk=task.pk).title == "Aufgabe"
