"""The region's start page answers "what needs me today": the panels the apps declare
(core/start.py), each for who may act on it, each with what is due in its region only — and as
many queries with one item as with many."""

from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from neuewege.agreements.models import Agreement
from neuewege.cooperation.models import Meeting, Task
from neuewege.core.models import ImportBatch, Institution, User
from neuewege.core.start import PANELS, start_panel
from neuewege.events.models import CalendarFeed, ConsentText, Notification, Registration
from tests.factories import InstitutionFactory, PersonFactory, UserFactory, make_event


def local(days, hour=9, minute=30):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def job_centre(wesel):
    return InstitutionFactory(
        region=wesel, kind=Institution.Kind.JOB_CENTRE, name="Jobcenter Kreis Wesel"
    )


@pytest.fixture
def speaker(job_centre):
    person = PersonFactory(institution=job_centre, first_name="Jonas", last_name="Berger")
    return UserFactory(role=User.Role.STAFF, person=person, email="bca@wesel.example")


@pytest.fixture
def elsewhere(borken):
    """A family centre of another region with everything that would need attention."""
    centre = InstitutionFactory(region=borken, name="Familienzentrum Anderswo")
    return centre


def panels_of(response):
    return [panel["key"] for panel in response.context["panels"]]


def home(client, user, region_key="05170"):
    client.force_login(user)
    response = client.get(reverse("region-home", args=[region_key]))
    assert response.status_code == 200
    return response


def task(region, title, due_in, **values):
    today = timezone.localdate()
    return Task.objects.create(
        region=region,
        title=title,
        due_on=today + timedelta(days=due_in),
        created_on=today - timedelta(days=30),
        **values,
    )


def agreement(region, centre, title, ends_in):
    today = timezone.localdate()
    return Agreement.objects.create(
        kind="family_centre",
        region=region,
        family_centre=centre,
        title=title,
        status=Agreement.Status.IN_FORCE,
        starts_on=today - timedelta(days=300),
        ends_on=today + timedelta(days=ends_in),
    )


def registration(event, session, *, email="", phone="0170 1234567", ages=(), status="confirmed"):
    return Registration.objects.create(
        event=event,
        session=session,
        status=status,
        source=Registration.Source.STAFF,
        first_name="Ayşe",
        email=email,
        phone=phone,
        child_ages=list(ages),
        language="de",
        consent=ConsentText.objects.filter(purpose="booking").order_by("-version").first(),
        consented_at=timezone.now(),
    )


# Which panels for whom


def test_each_role_gets_the_panels_it_may_act_on(client, coordinator, staff, speaker, wesel):
    coordinator_panels = panels_of(home(client, coordinator))
    assert coordinator_panels[:2] == ["tasks", "coming-dates"]
    assert {"calls", "attendance", "centres-without-event", "expiring", "figures"} <= set(
        coordinator_panels
    )
    assert "my-dates" not in coordinator_panels
    assert panels_of(home(client, staff)) == ["coming-dates", "calls", "attendance"]
    assert panels_of(home(client, speaker)) == ["my-dates"]
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    response = home(client, viewer)
    assert panels_of(response) == []
    assert b"start-empty" in response.content  # nothing needs a viewer: said in plain words


def test_a_panel_is_built_only_for_who_has_its_permission(client, staff, monkeypatch):
    called = []

    def context(access, region, user):
        called.append(user)
        return {}

    monkeypatch.setattr("neuewege.core.start.PANELS", dict(PANELS))
    start_panel(
        "test-panel",
        order=1,
        permission="core.import",
        template="core/start/failed_work.html",
        context=context,
    )
    assert "test-panel" not in panels_of(home(client, staff))
    assert called == []  # not even asked


# Coordinator


def test_coordinator_sees_due_tasks_and_the_next_steering_group_meeting(
    client, coordinator, wesel, borken
):
    overdue = task(wesel, "Kooperationsvereinbarung vorbereiten", -3)
    soon = task(wesel, "Referentenschulung planen", 5)
    later = task(wesel, "Bericht schreiben", 60)
    done = task(wesel, "Erledigt", -1, status=Task.Status.DONE)
    other = task(borken, "Aufgabe in Borken", -1)
    meeting = Meeting.objects.create(
        region=wesel,
        kind=Meeting.Kind.STEERING_GROUP,
        starts_at=local(20),
        ends_at=local(20, 12),
        place="Kreishaus Wesel",
    )
    panel = home(client, coordinator).context["panels"][0]["data"]
    assert [row.pk for row in panel["tasks"]] == [overdue.pk, soon.pk]
    assert panel["tasks"][0].is_overdue and not panel["tasks"][1].is_overdue
    assert later.pk not in [row.pk for row in panel["tasks"]]
    assert done.pk not in [row.pk for row in panel["tasks"]]
    assert other.pk not in [row.pk for row in panel["tasks"]]
    assert panel["meeting"] == meeting
    body = home(client, coordinator).content.decode()
    assert reverse("task-update", args=[wesel.key, overdue.pk]) in body
    assert reverse("meeting-detail", args=[wesel.key, meeting.pk]) in body


def test_coordinator_sees_dates_with_free_places_and_missing_speakers(
    client, coordinator, family_centre, speaker, elsewhere
):
    without = make_event(family_centre, starts=local(3), capacity=10, title="Ohne Referentin")
    with_speaker = make_event(
        family_centre, starts=local(4), speakers=[speaker.person], title="Mit Referent"
    )
    make_event(family_centre, starts=local(30), title="Später")
    make_event(elsewhere, starts=local(2), title="In Borken")
    session = without.sessions.get()
    registration(without, session, ages=[1, 4])
    registration(without, session, status="waitlisted")
    response = home(client, coordinator)
    dates = next(p for p in response.context["panels"] if p["key"] == "coming-dates")["data"]
    assert [row.event.title for row in dates["dates"]] == ["Ohne Referentin", "Mit Referent"]
    first = dates["dates"][0]
    assert (first.confirmed, first.free_places, first.waitlisted) == (
        1,
        0,
        1,
    )  # none while anyone waits
    assert (first.childcare.under_3, first.childcare.age_3_to_5) == (1, 1)
    assert not first.has_speaker and dates["dates"][1].has_speaker
    body = response.content.decode()
    assert body.count("data-missing-speaker") == 1
    assert reverse("event-update", args=[without.pk]) in body
    assert with_speaker.title in body and "In Borken" not in body


def test_coordinator_sees_centres_without_an_event_for_a_year(
    client, coordinator, family_centre, wesel
):
    quiet = InstitutionFactory(region=wesel, name="Familienzentrum Still")
    make_event(family_centre, starts=local(-30), status="held")
    response = home(client, coordinator)
    centres = next(p for p in response.context["panels"] if p["key"] == "centres-without-event")
    assert [centre["pk"] for centre in centres["data"]["centres"]] == [quiet.pk]
    assert reverse("institution-detail", args=[quiet.pk]) in response.content.decode()


def test_coordinator_sees_expiring_agreements_and_certifications(
    client, coordinator, family_centre, wesel, elsewhere
):
    today = timezone.localdate()
    ending = agreement(wesel, family_centre, "Vereinbarung endet bald", 30)
    agreement(wesel, family_centre, "Vereinbarung läuft lange", 400)
    agreement(elsewhere.region, elsewhere, "Vereinbarung in Borken", 30)
    InstitutionFactory(
        region=wesel,
        name="FZ Siegel endet",
        certified_from=today - timedelta(days=1400),
        certified_until=today + timedelta(days=60),
    )
    response = home(client, coordinator)
    panel = next(p for p in response.context["panels"] if p["key"] == "expiring")["data"]
    assert [row.title for row in panel["agreements"]] == [ending.title]
    assert [centre.name for centre in panel["certifications"]] == ["FZ Siegel endet"]
    assert reverse("agreement-detail", args=[ending.pk]) in response.content.decode()


def test_coordinator_sees_failed_imports_of_the_region_only(client, coordinator, wesel, borken):
    assert "failed-work" not in panels_of(home(client, coordinator))  # nothing failed
    failed = ImportBatch.objects.create(
        region=wesel, kind="people", filename="personen.xlsx", content=b"", work_state="failed"
    )
    ImportBatch.objects.create(
        region=borken, kind="people", filename="borken.xlsx", content=b"", work_state="failed"
    )
    ImportBatch.objects.create(region=wesel, kind="people", filename="gut.xlsx", content=b"")
    response = home(client, coordinator)
    panel = next(p for p in response.context["panels"] if p["key"] == "failed-work")["data"]
    assert [item["label"] for item in panel["items"]] == ["personen.xlsx"]
    assert reverse("import-preview", args=[wesel.key, failed.pk]) in response.content.decode()


def test_own_failed_exports_join_the_failed_work_of_the_region(client, coordinator, wesel, borken):
    from neuewege.core.models import ExportFile

    batch = ImportBatch.objects.create(
        region=wesel, kind="people", filename="personen.xlsx", content=b"", work_state="failed"
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        work_updated_at=timezone.now() - timedelta(days=2)
    )
    mine = ExportFile.objects.create(
        owner=coordinator, exporter="nothing-such", fmt="pdf", error="Recht entzogen"
    )
    someone = UserFactory(role=User.Role.COORDINATOR, regions=[wesel])
    ExportFile.objects.create(owner=someone, exporter="theirs", fmt="pdf", work_state="failed")
    old = ExportFile.objects.create(owner=coordinator, exporter="old", fmt="pdf", error="alt")
    ExportFile.objects.filter(pk=old.pk).update(work_updated_at=timezone.now() - timedelta(days=31))
    response = home(client, coordinator)
    panel = next(p for p in response.context["panels"] if p["key"] == "failed-work")["data"]
    assert [(item["label"], item["url"]) for item in panel["items"]] == [
        ("nothing-such", reverse("export-file", args=[mine.pk])),  # newest first
        ("personen.xlsx", reverse("import-preview", args=[wesel.key, batch.pk])),
    ]


def test_coordinator_sees_failed_and_stalled_plans_and_assignments(
    client, coordinator, wesel, borken
):
    from neuewege.coverage.models import PlanRun, Scenario
    from neuewege.trainings.models import AssignmentRun
    from tests.factories import make_training

    plans = Scenario.objects.create(region=wesel, year=2027, name="Nur BCA", functions=["bca"])
    failed = PlanRun.objects.create(scenario=plans, work_state="failed")
    PlanRun.objects.create(scenario=plans, work_state="done")
    elsewhere = Scenario.objects.create(region=borken, year=2027, name="Borken", functions=["bca"])
    PlanRun.objects.create(scenario=elsewhere, work_state="failed")
    stalled = AssignmentRun.objects.create(training=make_training(wesel), work_state="running")
    AssignmentRun.objects.filter(pk=stalled.pk).update(
        work_updated_at=timezone.now() - timedelta(hours=1)
    )
    response = home(client, coordinator)
    panels = {panel["key"]: panel["data"] for panel in response.context["panels"]}
    # one panel, newest first: the plan failed now, the assignment stalled an hour ago
    assert [item["url"] for item in panels["failed-work"]["items"]] == [
        reverse("plan-run-detail", args=[failed.pk]),
        reverse("assignment-run-detail", args=[stalled.pk]),
    ]
    assert [item["label"] for item in panels["failed-work"]["items"]] == [
        str(plans),
        str(stalled.training),
    ]


def test_coordinator_sees_the_headline_figures_with_their_trend(
    client, coordinator, family_centre, wesel
):
    InstitutionFactory(region=wesel, name="Familienzentrum Still")
    event = make_event(family_centre, starts=local(-20), status="held")
    session = event.sessions.get()
    registration(event, session).attended_sessions.add(session)
    response = home(client, coordinator)
    panel = next(p for p in response.context["panels"] if p["key"] == "figures")["data"]
    figures = {figure.code: figure for figure in panel["figures"]}
    assert (figures["coverage"].value, figures["coverage"].change) == (50, 50)
    assert (figures["parents"].value, figures["parents"].previous) == (1, 0)
    assert 'data-figure="agreements"' in response.content.decode()
    # the same figures as the region's dashboard
    dashboard = client.get(reverse("region-dashboard", args=[wesel.key])).context["figures"]
    assert figures["coverage"].value == dashboard.coverage.percent
    assert figures["parents"].value == dashboard.parents_reached


# Family-centre staff


def test_family_centre_sees_its_dates_calls_and_attendance_to_record(
    client, staff, family_centre, wesel
):
    other_centre = InstitutionFactory(region=wesel, name="Familienzentrum Nachbar")
    ours = make_event(family_centre, starts=local(2), title="Unser Elterncafé")
    make_event(other_centre, starts=local(2), title="Nachbars Elterncafé")
    session = ours.sessions.get()
    registration(ours, session, ages=[2, 7])
    no_mail = registration(ours, session, email="", phone="0170 5555555")
    call = Notification.objects.create(registration=no_mail, kind=Notification.Kind.MOVED_UP)
    with_mail = registration(ours, session, email="a@example.org")
    Notification.objects.create(registration=with_mail, kind=Notification.Kind.MOVED_UP)
    past = make_event(family_centre, starts=local(-7), status="held", title="Letzte Woche")
    recorded = make_event(family_centre, starts=local(-14), status="held", title="Erfasst")
    recorded.sessions.update(attendance_recorded_at=timezone.now())
    theirs = make_event(other_centre, starts=local(-7), status="held", title="Nachbar vorbei")

    response = home(client, staff)
    panels = {panel["key"]: panel["data"] for panel in response.context["panels"]}
    dates = panels["coming-dates"]["dates"]
    assert [row.event.title for row in dates] == ["Unser Elterncafé"]
    assert dates[0].childcare.under_3 == 1 and dates[0].childcare.age_6_to_14 == 1
    assert [(row["event_id"], row["calls"]) for row in panels["calls"]["events"]] == [(ours.pk, 1)]
    assert [row.event.title for row in panels["attendance"]["dates"]] == ["Letzte Woche"]
    body = response.content.decode()
    assert reverse("event-registrations", args=[ours.pk]) in body
    assert call.registration.phone not in body  # names and numbers: on the logged page only
    assert reverse("session-attendance", args=[past.sessions.get().pk]) in body
    assert theirs.title not in body and "Nachbars Elterncafé" not in body


def test_empty_panels_say_so(client, staff):
    response = home(client, staff)
    assert all(
        not panel["data"].get("dates") and not panel["data"].get("events")
        for panel in response.context["panels"]
    )
    assert response.content.decode().count('class="start-empty"') == 3


# Labour-market staff (speaker)


def test_speaker_sees_own_dates_calendar_and_attendance(client, speaker, family_centre, borken):
    mine = make_event(family_centre, starts=local(5), speakers=[speaker.person], title="Meins")
    make_event(family_centre, starts=local(6), title="Nicht meins")
    held = make_event(
        family_centre, starts=local(-3), status="held", speakers=[speaker.person], title="Vorbei"
    )
    response = home(client, speaker)
    panel = response.context["panels"][0]["data"]
    assert [row.event.title for row in panel["dates"]] == [mine.title]
    assert [row.event.title for row in panel["attendance"]] == [held.title]
    assert not panel["has_feed"]
    body = response.content.decode()
    assert reverse("calendar-feeds") in body
    assert reverse("session-attendance", args=[held.sessions.get().pk]) in body
    assert family_centre.town in body
    CalendarFeed.objects.create(
        person=speaker.person, digest="x" * 64, prefix="abc", created_by=speaker
    )
    assert home(client, speaker).context["panels"][0]["data"]["has_feed"]


def test_another_region_sees_nothing_of_wesel(client, family_centre, wesel, borken):
    task(wesel, "Aufgabe in Wesel", -1)
    make_event(family_centre, starts=local(3), title="Elterncafé Wesel")
    borken_coordinator = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    body = home(client, borken_coordinator, borken.key).content.decode()
    assert "Aufgabe in Wesel" not in body and "Elterncafé Wesel" not in body
    client.force_login(borken_coordinator)
    assert client.get(reverse("region-home", args=[wesel.key])).status_code == 404


# Query counts: the same for one item as for many


def queries_of(client, user, region_key="05170"):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        home(client, user, region_key)
    return len(queries)


def fill(wesel, family_centre, speaker, count):
    for index in range(count):
        task(wesel, f"Aufgabe {index}", -1 - index % 5)
        event = make_event(
            family_centre,
            starts=local(1 + index % 10),
            speakers=[speaker.person] if index % 2 else [],
            title=f"Termin {index}",
        )
        session = event.sessions.get()
        registration(event, session, ages=[index % 12])
        moved = registration(event, session, email="")
        Notification.objects.create(registration=moved, kind=Notification.Kind.MOVED_UP)
        make_event(
            family_centre,
            starts=local(-1 - index % 60),
            status="held",
            speakers=[speaker.person],
            title=f"Vorbei {index}",
        )
        agreement(wesel, family_centre, f"Vereinbarung {index}", 10 + index)
        InstitutionFactory(region=wesel, certified_until=timezone.localdate())
        ImportBatch.objects.create(
            region=wesel, kind="people", filename=f"{index}.xlsx", content=b"", work_state="failed"
        )


@pytest.mark.parametrize("role", ["coordinator", "staff", "speaker"])
def test_query_count_does_not_grow_with_the_data(
    client, role, coordinator, staff, speaker, family_centre, wesel, django_assert_max_num_queries
):
    user = {"coordinator": coordinator, "staff": staff, "speaker": speaker}[role]
    fill(wesel, family_centre, speaker, 1)
    with_one = queries_of(client, user)
    fill(wesel, family_centre, speaker, 12)
    cache.clear()
    with django_assert_max_num_queries(with_one):
        home(client, user)


# Panels kept rendered: until what they read changes, never past the account's right


def test_a_panel_is_kept_rendered_until_what_it_reads_changes(
    client, coordinator, wesel, django_assert_max_num_queries
):
    task(wesel, "Kooperationsvereinbarung vorbereiten", -3)
    cache.clear()
    first = queries_of_kept(client, coordinator)
    with CaptureQueriesContext(connection) as again:
        body = home(client, coordinator).content.decode()
    assert "Kooperationsvereinbarung vorbereiten" in body
    assert len(again) < first  # the panels' queries are not made again
    task(wesel, "Neue Aufgabe aus der Sitzung", 2)  # a change: shown on the next page at once
    body = home(client, coordinator).content.decode()
    assert "Neue Aufgabe aus der Sitzung" in body
    assert "Kooperationsvereinbarung vorbereiten" in body


def queries_of_kept(client, user):
    with CaptureQueriesContext(connection) as queries:
        home(client, user)
    return len(queries)


def test_a_kept_panel_goes_with_the_right_to_it_and_follows_the_language(
    client, coordinator, wesel
):
    task(wesel, "Kooperationsvereinbarung vorbereiten", -3)
    assert "tasks" in panels_of(home(client, coordinator))
    assert "Fällige Aufgaben" in home(client, coordinator).content.decode()
    client.cookies["django_language"] = "en"
    assert "Tasks due" in home(client, coordinator).content.decode()  # not the German one kept
    coordinator.role = User.Role.VIEWER
    coordinator.save()
    assert panels_of(home(client, coordinator)) == []  # at once, not when the cache expires


def test_a_call_passed_on_leaves_the_kept_panel_at_once(client, staff, family_centre):
    from neuewege.core.access import access_for
    from neuewege.events.services.notifications import mark_called

    event = make_event(family_centre, starts=local(3))
    moved = registration(event, event.sessions.get(), email="")
    notification = Notification.objects.create(registration=moved, kind=Notification.Kind.MOVED_UP)
    assert "calls" in panels_of(home(client, staff))
    assert f'href="{reverse("event-registrations", args=[event.pk])}' in (
        home(client, staff).content.decode()
    )
    mark_called(access=access_for(staff), notification=notification)  # an update(), no signal
    panel = next(p for p in home(client, staff).context["panels"] if p["key"] == "calls")
    assert panel["data"] == {"events": [], "total": 0}
