"""The balanced assignment in the trainings app: the mapping to the solver, a run through the
service and its background task (the real solver, short time limits), pins, re-runs, the
waiting list, publishing with calendar files, the pages and who may use them."""

from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.imports import distance_km
from neuewege.core.models import Institution, User
from neuewege.trainings import assignment_report
from neuewege.trainings.models import AssignmentRun, Training, TrainingRegistration
from neuewege.trainings.services import assignment
from tests.factories import InstitutionFactory, UserFactory, make_registrant, make_training

Kind = Institution.Kind
TIME_LIMIT = 3


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages, reasons and pages are compared in English (the staff's second language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def institutions(wesel):
    """One institution of each of four kinds, with coordinates (Wesel, Moers, Dinslaken, Xanten)."""
    places = {
        Kind.FAMILY_CENTRE: ("51.6586", "6.6179"),
        Kind.JOB_CENTRE: ("51.4516", "6.6261"),
        Kind.EMPLOYMENT_AGENCY: ("51.5637", "6.7431"),
        Kind.YOUTH_WELFARE_OFFICE: ("51.6620", "6.4536"),
    }
    return {
        kind: InstitutionFactory(
            region=wesel,
            kind=kind,
            name=f"{kind.label} Test",
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
            job_centre_type="gE" if kind == Kind.JOB_CENTRE else "",
        )
        for kind, (latitude, longitude) in places.items()
    }


def register_many(training, institutions, counts, available=None):
    """``counts``: {kind: how many}; everyone available for ``available`` (all by default)."""
    rows = []
    for kind, count in counts.items():
        for _ in range(count):
            rows.append(make_registrant(training, institutions[kind], available=available))
    return rows


def run(coordinator, training, django_capture_on_commit_callbacks, limit=TIME_LIMIT):
    with django_capture_on_commit_callbacks(execute=True):
        started = assignment.start_assignment(
            access=access_for(coordinator), training=training, time_limit_seconds=limit
        )
    started.refresh_from_db()
    return started


def sessions_of(training):
    return {session.pk: session for session in training.sessions.all()}


# The mapping


def test_the_instance_has_the_confirmed_registrants_with_their_kinds_choices_and_distances(
    wesel, institutions
):
    training = make_training(wesel, sessions=3, min_size=2, max_size=10)
    first, second, third = training.sessions.all()
    site = InstitutionFactory(
        region=wesel, name="Kreishaus", latitude=Decimal("51.60"), longitude=Decimal("6.60")
    )
    second.site, second.site_address, second.site_postcode = site, "", ""
    second.save()
    third.cancelled_at = timezone.now()
    third.save()
    centre = institutions[Kind.FAMILY_CENTRE]
    chooser = make_registrant(
        training, centre, preferences=[third.pk, second.pk, "x", second.pk, first.pk]
    )
    pinned = make_registrant(
        training, institutions[Kind.JOB_CENTRE], available=[second], session=second, pinned=True
    )
    placed = make_registrant(training, institutions[Kind.EMPLOYMENT_AGENCY], session=first)
    other = TrainingRegistration.objects.create(
        training=training,
        other_institution="Caritas",
        institution_kind=Kind.OTHER,
        first_name="Ole",
        last_name="Anders",
        email="ole@example.org",
        status="confirmed",
    )
    other.available_sessions.set([first])
    make_registrant(training, centre, confirmed=False)
    cancelled = make_registrant(training, centre)
    TrainingRegistration.objects.filter(pk=cancelled.pk).update(status="cancelled")

    instance = assignment.instance_for(training)

    assert [s.id for s in instance.sessions] == [first.pk, second.pk]  # the cancelled one: out
    assert {s.region for s in instance.sessions} == {str(training.pk)}
    people = {r.id: r for r in instance.registrants}
    assert set(people) == {chooser.pk, pinned.pk, placed.pk, other.pk}
    assert people[chooser.pk].kind == "family_centre"
    assert people[pinned.pk].kind == "job_centre"
    assert people[other.pk].kind == "other"
    assert people[chooser.pk].available == (first.pk, second.pk)
    assert people[chooser.pk].preferences == (second.pk, first.pk)
    assert people[pinned.pk].available == (second.pk,)
    # distances: to the host institution, or to the postcode's centre of a free address
    expected = distance_km(51.6586, 6.6179, 51.60, 6.60)
    assert people[chooser.pk].distance_km[second.pk] == pytest.approx(expected, abs=0.1)
    assert 0 <= people[chooser.pk].distance_km[first.pk] < 10  # Wesel to 46483 (Wesel)
    assert people[other.pk].distance_km == {}  # no institution: unknown
    assert instance.pins == {pinned.pk: second.pk}
    assert instance.previous == {pinned.pk: second.pk, placed.pk: first.pk}


def test_a_first_run_has_no_previous_assignment(wesel, institutions):
    training = make_training(wesel, sessions=2)
    make_registrant(training, institutions[Kind.FAMILY_CENTRE])
    assert assignment.instance_for(training).previous is None


# A run through the service


def test_a_run_places_everyone_within_ranges_and_availability_with_reasons(
    wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=3, min_size=5, max_size=10)
    first, second, third = training.sessions.all()
    register_many(
        training,
        institutions,
        {Kind.FAMILY_CENTRE: 9, Kind.JOB_CENTRE: 6, Kind.EMPLOYMENT_AGENCY: 3},
    )
    only_third = register_many(training, institutions, {Kind.YOUTH_WELFARE_OFFICE: 3}, [third])
    ranked = make_registrant(
        training, institutions[Kind.JOB_CENTRE], preferences=[second.pk, first.pk]
    )

    done = run(coordinator, training, django_capture_on_commit_callbacks)

    assert done.work_state == AssignmentRun.State.DONE
    training.refresh_from_db()
    assert training.status == Training.Status.ASSIGNED
    registrations = list(training.registrations.prefetch_related("available_sessions"))
    assert all(r.session_id is not None for r in registrations)  # 22 fit in 3 × 10
    for registration in registrations:
        assert registration.session in registration.available_sessions.all()
        assert registration.reason
    sizes = dict.fromkeys(sessions_of(training), 0)
    for registration in registrations:
        sizes[registration.session_id] += 1
    assert all(5 <= size <= 10 for size in sizes.values())
    for person in only_third:
        person.refresh_from_db()
        assert person.session == third
        assert person.reason == "The only session you can attend."
    ranked.refresh_from_db()
    assert ranked.session == second and ranked.reason == "Your first choice."

    result = done.result
    assert result["placed"] == 22 and result["waiting"] == 0
    assert result["status"] in ("optimal", "time_limit")
    assert {row["id"] for row in result["sessions"]} == set(sizes)
    for row in result["sessions"]:
        assert row["size"] == sizes[row["id"]] and row["status"] == "open"
        assert sum(line["count"] for line in row["mix"]) == row["size"]
        for line in row["mix"]:
            assert set(line) == {"kind", "count", "target", "floor", "ceiling"}
    assert result["objectives"]["placed"]["value"] == 22
    assert str(ranked.pk) in result["reasons"]
    rules = {rule["rule"]: rule for rule in assignment_report.rules_met(result)}
    assert rules["Everyone placed who can be"]["met"] is True
    # the three of the youth welfare office can only come to the third session: more than its
    # share there, and the page says so with the reason
    (relaxed,) = [r for r in result["relaxations"] if r["kind"] == "youth_welfare_office"]
    assert relaxed["rule"] == "mix_band" and relaxed["session"] == third.pk
    assert relaxed["reason"]["code"] == "above_ceiling"
    assert rules["Institution mix within its band"]["met"] is False
    row = next(
        r
        for r in assignment_report.sessions_shown(result, [first, second, third])
        if r["id"] == third.pk
    )
    line = next(line for line in row["mix"] if line["kind"] == "youth_welfare_office")
    assert line["count"] == 3 and line["relaxed"].startswith("3 instead of at most")


def test_a_rerun_after_one_cancellation_moves_nobody_it_need_not(
    wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=3, min_size=5, max_size=10)
    register_many(training, institutions, {Kind.FAMILY_CENTRE: 12, Kind.JOB_CENTRE: 12})
    run(coordinator, training, django_capture_on_commit_callbacks)
    before = dict(training.registrations.values_list("pk", "session_id"))
    leaving = training.registrations.filter(institution_kind="family_centre").first()
    TrainingRegistration.objects.filter(pk=leaving.pk).update(status="cancelled", session=None)

    second_run = run(coordinator, training, django_capture_on_commit_callbacks)

    after = dict(training.registrations.exclude(pk=leaving.pk).values_list("pk", "session_id"))
    moved = [pk for pk, session in after.items() if before[pk] != session]
    assert moved == []
    assert second_run.result["rerun"] is True
    assert second_run.result["objectives"]["changes"]["value"] == 0
    assert set(training.registrations.exclude(pk=leaving.pk).values_list("reason", flat=True)) == {
        "Unchanged since the last assignment."
    }


def test_a_rerun_moves_only_those_of_a_cancelled_session(
    wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=3, min_size=5, max_size=12)
    register_many(training, institutions, {Kind.FAMILY_CENTRE: 10, Kind.JOB_CENTRE: 8})
    run(coordinator, training, django_capture_on_commit_callbacks)
    gone = training.sessions.first()
    staying = list(training.registrations.exclude(session=gone).values_list("pk", "session_id"))
    affected = set(training.registrations.filter(session=gone).values_list("pk", flat=True))
    gone.cancelled_at = timezone.now()
    gone.save()

    run(coordinator, training, django_capture_on_commit_callbacks)

    for pk, session_id in staying:
        assert TrainingRegistration.objects.get(pk=pk).session_id == session_id
    for registration in TrainingRegistration.objects.filter(pk__in=affected):
        assert registration.session_id not in (None, gone.pk)
        assert registration.reason.startswith("Moved here: your previous session")


def test_pins_are_kept_by_a_run(
    wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=2, min_size=4, max_size=8)
    second = training.sessions.last()
    people = register_many(training, institutions, {Kind.FAMILY_CENTRE: 6, Kind.JOB_CENTRE: 6})
    pinned = people[0]
    target = second
    assignment.pin(access=access_for(coordinator), registration=pinned, session=target)
    pinned.refresh_from_db()
    assert pinned.session == target and pinned.pinned

    done = run(coordinator, training, django_capture_on_commit_callbacks)

    pinned.refresh_from_db()
    assert pinned.session == target and pinned.pinned
    assert pinned.reason == "Pinned by the planner."
    assert done.result["pins"] == 1
    assert not [r for r in done.result["relaxations"] if r["rule"] == "pin"]


def test_a_pin_to_a_session_the_person_cannot_attend_is_refused(wesel, coordinator, institutions):
    training = make_training(wesel, sessions=3)
    first, second, third = training.sessions.all()
    person = make_registrant(training, institutions[Kind.FAMILY_CENTRE], available=[first])
    access = access_for(coordinator)

    with pytest.raises(ValidationFailed) as refused:
        assignment.pin(access=access, registration=person, session=second)
    assert "cannot attend" in refused.value.errors["session"][0]

    third.cancelled_at = timezone.now()
    third.save()
    person.available_sessions.add(third)
    with pytest.raises(ValidationFailed, match="cancelled"):
        assignment.pin(access=access, registration=person, session=third)

    other = make_training(wesel, sessions=1)
    with pytest.raises(ValidationFailed, match="another training"):
        assignment.pin(access=access, registration=person, session=other.sessions.get())
    person.refresh_from_db()
    assert person.session is None and not person.pinned


def test_the_pin_page_says_why_a_pin_is_refused(client, wesel, coordinator, institutions):
    training = make_training(wesel, sessions=2)
    first, second = training.sessions.all()
    person = make_registrant(training, institutions[Kind.FAMILY_CENTRE], available=[first])
    client.force_login(coordinator)
    url = reverse("training-registration-pin", kwargs={"pk": person.pk})

    assert client.get(url).status_code == 200
    response = client.post(url, {"session": second.pk, "action": "pin"})
    assert response.status_code == 200
    assert "cannot attend the session" in response.content.decode()
    assert client.post(url, {"session": "abc", "action": "pin"}).status_code == 200
    assert client.post(url, {"session": 999999, "action": "pin"}).status_code == 200
    person.refresh_from_db()
    assert person.session is None and not person.pinned

    response = client.post(url, {"session": first.pk, "action": "pin"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.session == first and person.pinned
    client.post(url, {"action": "unpin"})
    person.refresh_from_db()
    assert person.session == first and not person.pinned


def test_too_few_registrants_propose_cancellation_and_the_page_says_so(
    client, wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=2)  # the module's range: 15 to 25
    people = register_many(training, institutions, {Kind.FAMILY_CENTRE: 4, Kind.JOB_CENTRE: 2})

    done = run(coordinator, training, django_capture_on_commit_callbacks)

    assert done.work_state == AssignmentRun.State.DONE
    assert {row["status"] for row in done.result["sessions"]} == {"cancellation_proposed"}
    assert {row["reason"]["code"] for row in done.result["sessions"]} == {"too_few_available"}
    assert done.result["placed"] == 0 and done.result["waiting"] == 6
    for person in people:
        person.refresh_from_db()
        assert person.session is None
        assert person.reason.startswith("Waiting list:")
    client.force_login(coordinator)
    response = client.get(reverse("training-assignment", kwargs={"pk": training.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Status: proposed for cancellation." in body
    assert "only 6 registrants can attend, at least 15 are needed" in body
    assert "Waiting list" in body and people[0].full_name in body


def test_a_run_needs_an_open_training_sessions_and_registrants(wesel, coordinator, institutions):
    access = access_for(coordinator)
    empty = make_training(wesel, sessions=1)
    with pytest.raises(ValidationFailed, match="Nobody has confirmed"):
        assignment.start_assignment(access=access, training=empty)
    no_sessions = make_training(wesel, sessions=0)
    make_registrant(no_sessions, institutions[Kind.FAMILY_CENTRE])
    with pytest.raises(ValidationFailed, match="no session"):
        assignment.start_assignment(access=access, training=no_sessions)
    draft = make_training(wesel, sessions=1, status="draft")
    make_registrant(draft, institutions[Kind.FAMILY_CENTRE])
    with pytest.raises(ValidationFailed, match="Draft"):
        assignment.start_assignment(access=access, training=draft)
    training = make_training(wesel, sessions=1)
    make_registrant(training, institutions[Kind.FAMILY_CENTRE])
    for limit in (0, 61, "x"):
        with pytest.raises(ValidationFailed) as refused:
            assignment.start_assignment(access=access, training=training, time_limit_seconds=limit)
        assert "time_limit_seconds" in refused.value.errors
    assert not AssignmentRun.objects.exists()


def test_a_second_run_waits_for_the_first(wesel, coordinator, institutions):
    training = make_training(wesel, sessions=1)
    make_registrant(training, institutions[Kind.FAMILY_CENTRE])
    access = access_for(coordinator)
    assignment.start_assignment(access=access, training=training)  # its task never runs here
    with pytest.raises(ValidationFailed, match="running"):
        assignment.start_assignment(access=access, training=training)


def test_registrants_who_confirm_or_cancel_during_the_run_are_not_placed(
    wesel, coordinator, institutions
):
    training = make_training(wesel, sessions=2, min_size=2, max_size=10)
    people = register_many(training, institutions, {Kind.FAMILY_CENTRE: 4, Kind.JOB_CENTRE: 4})
    instance = assignment.instance_for(training)
    from neuewege.planning.training_groups import Options, assign

    plan = assign(instance, Options(time_limit_seconds=TIME_LIMIT))
    late = make_registrant(training, institutions[Kind.FAMILY_CENTRE])
    TrainingRegistration.objects.filter(pk=people[0].pk).update(status="cancelled")
    started = AssignmentRun.objects.create(training=training, time_limit_seconds=TIME_LIMIT)

    result = assignment.apply_plan(started, instance, plan)

    people[0].refresh_from_db()
    late.refresh_from_db()
    assert people[0].session is None
    assert late.session is None and "registered while the groups were being formed" in late.reason
    assert result["late"] == [late.pk] and result["waiting"] == 1
    assert TrainingRegistration.objects.filter(session__isnull=False).count() == 7


# Publishing


def test_publishing_mails_each_their_session_with_a_calendar_file_and_then_only_changes(
    wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=2, min_size=4, max_size=8)
    first, second = training.sessions.all()
    people = register_many(training, institutions, {Kind.FAMILY_CENTRE: 6, Kind.JOB_CENTRE: 6})
    nowhere = make_registrant(training, institutions[Kind.JOB_CENTRE], available=[])
    run(coordinator, training, django_capture_on_commit_callbacks)
    access = access_for(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        count = assignment.publish(access=access, training=training)

    assert count == 13 and len(mail.outbox) == 13
    by_address = {message.to[0]: message for message in mail.outbox}
    waiting = by_address[nowhere.email]
    assert "waiting list" in waiting.subject and not waiting.attachments
    person = people[0]
    person.refresh_from_db()
    message = by_address[person.email]
    assert training.title in message.subject
    assert person.session.place in message.body
    ((name, content, mimetype),) = message.attachments
    assert name.endswith(".ics") and mimetype == "text/calendar"
    entry = next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))
    assert entry.decoded("dtstart") == person.session.starts_at
    assert entry.decoded("dtend") == person.session.ends_at
    assert str(entry.get("location")) == person.session.place
    training.refresh_from_db()
    assert training.published_at is not None
    assert person.notified_session == person.session

    # the planner moves one person and publishes again: only they are written to
    other = second if person.session == first else first
    assignment.pin(access=access, registration=person, session=other)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count = assignment.publish(access=access, training=training)
    assert count == 1 and [m.to for m in mail.outbox] == [[person.email]]
    calendar = icalendar.Calendar.from_ical(mail.outbox[0].attachments[0][1])
    entry = next(iter(calendar.walk("VEVENT")))
    assert entry.decoded("dtstart") == other.starts_at


def test_only_assigned_groups_are_published(wesel, coordinator):
    training = make_training(wesel, sessions=1)
    with pytest.raises(ValidationFailed, match="Only assigned groups"):
        assignment.publish(access=access_for(coordinator), training=training)
    assert Training.objects.get(pk=training.pk).published_at is None


def test_the_publish_page_confirms_then_publishes(
    client, wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=1, min_size=2, max_size=8)
    register_many(training, institutions, {Kind.FAMILY_CENTRE: 3})
    client.force_login(coordinator)
    url = reverse("training-publish", kwargs={"pk": training.pk})
    response = client.post(url)
    assert response.status_code == 200 and "Only assigned groups" in response.content.decode()
    run(coordinator, training, django_capture_on_commit_callbacks)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and len(mail.outbox) == 3


# The pages


def test_the_page_starts_a_run_and_shows_each_sessions_mix_as_chart_and_table(
    client, wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=2, min_size=4, max_size=10)
    counts = {Kind.FAMILY_CENTRE: 8, Kind.JOB_CENTRE: 4, Kind.EMPLOYMENT_AGENCY: 4}
    people = register_many(training, institutions, counts)
    client.force_login(coordinator)
    url = reverse("training-assignment", kwargs={"pk": training.pk})
    assert "Form the groups" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"time_limit_seconds": TIME_LIMIT})
    assert response.status_code == 302

    body = client.get(url).content.decode()
    done = AssignmentRun.objects.get(training=training)
    for session in training.sessions.all():
        assert f'data-chart="mix-chart-{session.pk}"' in body
        assert f'id="mix-{session.pk}-caption"' in body  # the chart's table
    assert "Familienzentrum" in body and "Jobcenter" in body  # the kinds in the tables
    assert "The rules and how well each was met" in body
    assert "Everyone placed who can be" in body
    people[0].refresh_from_db()
    assert people[0].reason in body
    assert reverse("training-registration-pin", kwargs={"pk": people[0].pk}) in body
    assert reverse("training-publish", kwargs={"pk": training.pk}) in body

    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"  # the bar's polling: done, the page reloads
    report = client.get(reverse("assignment-run-detail", kwargs={"pk": done.pk}))
    assert report.status_code == 200
    assert f'id="mix-{training.sessions.first().pk}-caption"' in report.content.decode()

    summary = render_to_string(
        "trainings/_detail_assignment.html", {"training": training, "can_plan": True}
    )
    assert "16 placed, 0 on the waiting list" in summary and url in summary


def test_while_a_run_goes_the_page_shows_its_progress_bar(client, wesel, coordinator, institutions):
    training = make_training(wesel, sessions=1)
    make_registrant(training, institutions[Kind.FAMILY_CENTRE])
    started = assignment.start_assignment(access=access_for(coordinator), training=training)
    client.force_login(coordinator)
    for url in (
        reverse("training-assignment", kwargs={"pk": training.pk}),
        reverse("assignment-run-detail", kwargs={"pk": started.pk}),
    ):
        page = client.get(url)
        assert page.status_code == 200 and 'id="work-progress"' in page.content.decode()
        polled = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert 'id="work-progress"' in polled and "<html" not in polled  # the bar alone
    AssignmentRun.objects.filter(pk=started.pk).update(
        work_state="waiting", work_updated_at=timezone.now() - timedelta(hours=1)
    )
    page = client.get(reverse("training-assignment", kwargs={"pk": training.pk}))
    assert "The last run did not finish" in page.content.decode()


def test_a_bad_time_limit_is_shown_at_its_field(client, wesel, coordinator, institutions):
    training = make_training(wesel, sessions=1)
    make_registrant(training, institutions[Kind.FAMILY_CENTRE])
    client.force_login(coordinator)
    url = reverse("training-assignment", kwargs={"pk": training.pk})
    for value in ("0", "abc", "600"):
        response = client.post(url, {"time_limit_seconds": value})
        assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not AssignmentRun.objects.exists()


def test_a_coordinator_of_region_b_is_refused(client, wesel, borken, institutions):
    training = make_training(wesel, sessions=1)
    person = make_registrant(training, institutions[Kind.FAMILY_CENTRE])
    outsider = UserFactory(role=User.Role.COORDINATOR, regions=[borken])
    with pytest.raises(PermissionDenied):
        assignment.start_assignment(access=access_for(outsider), training=training)
    with pytest.raises(PermissionDenied):
        assignment.pin(
            access=access_for(outsider), registration=person, session=training.sessions.get()
        )
    with pytest.raises(PermissionDenied):
        assignment.publish(access=access_for(outsider), training=training)
    client.force_login(outsider)
    assert client.get(reverse("training-assignment", kwargs={"pk": training.pk})).status_code == 404
    assert (
        client.post(
            reverse("training-assignment", kwargs={"pk": training.pk}), {"time_limit_seconds": 5}
        ).status_code
        == 404
    )
    pin_url = reverse("training-registration-pin", kwargs={"pk": person.pk})
    assert client.post(pin_url, {"session": training.sessions.get().pk}).status_code == 404
    assert not AssignmentRun.objects.exists()
    person.refresh_from_db()
    assert not person.pinned


def test_a_pin_that_cannot_be_kept_is_reported_with_its_reason(
    client, wesel, coordinator, institutions, django_capture_on_commit_callbacks
):
    training = make_training(wesel, sessions=2, min_size=3, max_size=8)
    first, second = training.sessions.all()
    people = register_many(training, institutions, {Kind.FAMILY_CENTRE: 5, Kind.JOB_CENTRE: 5})
    pinned = people[0]
    assignment.pin(access=access_for(coordinator), registration=pinned, session=first)
    pinned.available_sessions.remove(first)  # they changed their availability since

    done = run(coordinator, training, django_capture_on_commit_callbacks)

    (relaxed,) = [r for r in done.result["relaxations"] if r["rule"] == "pin"]
    assert relaxed["person"] == pinned.pk and relaxed["reason"]["code"] == "pin_not_available"
    pinned.refresh_from_db()
    assert pinned.session == second and not pinned.pinned
    rules = {rule["rule"]: rule for rule in assignment_report.rules_met(done.result)}
    assert rules["Pins kept"]["met"] is False
    client.force_login(coordinator)
    body = client.get(reverse("training-assignment", kwargs={"pk": training.pk})).content.decode()
    assert f"{pinned.full_name}: Pin not kept: the person cannot attend" in body


def test_a_pin_set_while_the_run_was_going_stands(wesel, coordinator, institutions):
    training = make_training(wesel, sessions=2, min_size=2, max_size=10)
    first, second = training.sessions.all()
    people = register_many(training, institutions, {Kind.FAMILY_CENTRE: 4, Kind.JOB_CENTRE: 4})
    instance = assignment.instance_for(training)
    from neuewege.planning.training_groups import Options, assign

    plan = assign(instance, Options(time_limit_seconds=TIME_LIMIT))
    person = people[0]
    elsewhere = second if plan.assignment[person.pk] == first.pk else first
    assignment.pin(access=access_for(coordinator), registration=person, session=elsewhere)
    started = AssignmentRun.objects.create(training=training, time_limit_seconds=TIME_LIMIT)

    assignment.apply_plan(started, instance, plan)

    person.refresh_from_db()
    assert person.session == elsewhere and person.pinned
    assert person.reason == "Pinned by the planner."


def test_the_training_page_offers_to_form_groups_only_while_they_can_be_formed(
    client, coordinator, wesel
):
    centre = InstitutionFactory(region=wesel)
    held = make_training(wesel, sessions=1, status="held")
    make_registrant(held, centre, session=held.sessions.get())
    open_ = make_training(wesel, sessions=1, status="open")
    client.force_login(coordinator)
    form_groups = reverse("training-assignment", args=[open_.pk])

    assert form_groups in client.get(reverse("training-detail", args=[open_.pk])).content.decode()
    page = client.get(reverse("training-detail", args=[held.pk])).content.decode()
    assert reverse("training-assignment", args=[held.pk]) not in page
    assert "1 placed in the sessions." in page  # placed when the training was planned
