"""Rules of regional cooperation: Check versions, the action plan and when a task is done,
the steering group, meetings and their decisions."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.cooperation import selectors, services
from neuewege.cooperation.filters import TaskFilter
from neuewege.cooperation.models import Element, Meeting, RegionCheck, Task
from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from tests.factories import PersonFactory, make_event

TODAY = date(2026, 11, 24)


def check_data(**changes):
    return {
        "held_on": date(2015, 8, 27),
        "existing_structures": "Arbeitskreis Frühe Hilfen",
        "expectations": "Mehr Eltern in den Familienzentren erreichen",
        "elements": ["steering_group", "parent_cafe"],
        "offers": ["speaker_training"],
        **changes,
    }


def at(day, hour):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def meeting_data(day=date(2026, 12, 10), **changes):
    return {
        "kind": Meeting.Kind.STEERING_GROUP,
        "starts_at": at(day, 10),
        "ends_at": at(day, 12),
        "place": "Kreishaus Wesel, Raum 2",
        **changes,
    }


@pytest.fixture
def coord(coordinator):
    return access_for(coordinator)


@pytest.fixture
def first_check(coord, wesel, coordinator):
    return services.save_check(access=coord, region=wesel, data=check_data(), user=coordinator)


def test_editing_a_check_makes_a_new_version_and_keeps_the_old(coord, wesel, first_check):
    second = services.save_check(
        access=coord,
        region=wesel,
        data=check_data(held_on=date(2016, 3, 1), elements=["steering_group", "parent_course"]),
    )
    assert (first_check.version, second.version) == (1, 2)
    first_check.refresh_from_db()
    assert first_check.elements == ["steering_group", "parent_cafe"]
    rows = {row.name: row for row in selectors.compare_checks(first_check, second)}
    assert rows["elements"].changed
    assert "Elternkurs" in rows["elements"].newer
    assert not rows["existing_structures"].changed


def test_a_check_needs_its_date_and_known_elements(coord, wesel):
    with pytest.raises(ValidationFailed) as error:
        services.save_check(access=coord, region=wesel, data=check_data(held_on=None))
    assert "held_on" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        services.save_check(access=coord, region=wesel, data=check_data(elements=["flying"]))
    assert "elements" in error.value.errors
    assert not RegionCheck.objects.exists()


def test_only_the_regions_coordinator_fills_in_the_check(wesel, borken, staff, state_user):
    for user in (staff, state_user):
        with pytest.raises(PermissionDenied):
            services.save_check(access=access_for(user), region=wesel, data=check_data())
    assert not RegionCheck.objects.exists()


def test_the_action_plan_has_one_task_per_chosen_element_and_a_second_click_adds_none(
    coord, first_check
):
    created = services.create_action_plan(access=coord, region_check=first_check, today=TODAY)
    assert sorted(task.element for task in created) == ["parent_cafe", "steering_group"]
    assert all(task.due_on == TODAY + timedelta(days=services.PLAN_DAYS) for task in created)
    assert services.create_action_plan(access=coord, region_check=first_check, today=TODAY) == []
    assert Task.objects.count() == 2


def test_scheduling_the_meeting_completes_the_task_and_cancelling_reopens_it(
    coord, wesel, first_check
):
    services.create_action_plan(access=coord, region_check=first_check, today=TODAY)
    task = Task.objects.get(element=Element.STEERING_GROUP)
    assert not selectors.task(wesel, task.pk).is_done
    meeting = services.schedule_meeting(
        access=coord, region=wesel, data=meeting_data(), fulfils=task
    )
    assert selectors.task(wesel, task.pk).is_done
    services.update_meeting(access=coord, meeting=meeting, data={"is_cancelled": True})
    assert not selectors.task(wesel, task.pk).is_done


def test_a_published_event_completes_its_task_a_draft_does_not(coord, wesel, family_centre):
    task = services.save_task(
        access=coord, region=wesel, data={"title": "Erstes Elterncafé"}, today=TODAY
    )
    event = make_event(family_centre, status="draft")
    Task.objects.filter(pk=task.pk).update(event=event)
    assert not selectors.task(wesel, task.pk).is_done
    event.status = "published"
    event.save()
    assert selectors.task(wesel, task.pk).is_done


def overdue_tasks(access, region, today):
    tasks = selectors.tasks(region, today=today)
    return TaskFilter({"status": "overdue"}, tasks, access=access, region=region).qs


def test_overdue_tasks_stand_out(coord, wesel):
    late = services.save_task(
        access=coord, region=wesel, data={"title": "A", "due_on": TODAY}, today=TODAY
    )
    services.save_task(access=coord, region=wesel, data={"title": "B"}, today=TODAY)
    later = TODAY + timedelta(days=1)
    overdue = overdue_tasks(coord, wesel, later)
    assert [task.pk for task in overdue] == [late.pk]
    services.save_task(access=coord, region=wesel, data={"status": "done"}, task=late, today=later)
    assert not overdue_tasks(coord, wesel, later).exists()


def test_a_task_due_before_it_was_created_is_refused(coord, wesel):
    with pytest.raises(ValidationFailed) as error:
        services.save_task(
            access=coord,
            region=wesel,
            data={"title": "Rückwirkend", "due_on": TODAY - timedelta(days=1)},
            today=TODAY,
        )
    assert "due_on" in error.value.errors
    assert not Task.objects.exists()


def test_a_task_takes_only_the_regions_people(coord, wesel, borken):
    outsider = PersonFactory(institution__region=borken)
    with pytest.raises(ValidationFailed) as error:
        services.save_task(
            access=coord, region=wesel, data={"title": "X", "owner": outsider}, today=TODAY
        )
    assert "owner" in error.value.errors


def test_the_owner_may_change_status_and_notes_only(coord, wesel, staff):
    task = services.save_task(
        access=coord, region=wesel, data={"title": "Lotse", "owner": staff.person}, today=TODAY
    )
    mine = access_for(staff)
    services.save_task(
        access=mine, region=wesel, data={"status": "in_progress", "notes": "läuft"}, task=task
    )
    task.refresh_from_db()
    assert task.status == "in_progress"
    with pytest.raises(PermissionDenied):
        services.save_task(access=mine, region=wesel, data={"title": "Anders"}, task=task)


def test_completed_on_follows_the_status(coord, wesel):
    task = services.save_task(access=coord, region=wesel, data={"title": "T"}, today=TODAY)
    services.save_task(access=coord, region=wesel, data={"status": "done"}, task=task, today=TODAY)
    assert task.completed_on == TODAY
    services.save_task(access=coord, region=wesel, data={"status": "open"}, task=task, today=TODAY)
    assert task.completed_on is None


def test_a_meeting_without_date_or_place_is_refused(coord, wesel):
    for changes, field in [
        ({"starts_at": None}, "starts_at"),
        ({"ends_at": at(date(2026, 12, 10), 9)}, "ends_at"),
        ({"place": " "}, "place"),
    ]:
        with pytest.raises(ValidationFailed) as error:
            services.schedule_meeting(access=coord, region=wesel, data=meeting_data(**changes))
        assert field in error.value.errors
    assert not Meeting.objects.exists()


def test_decisions_become_tasks_all_or_nothing(coord, wesel, staff):
    meeting = services.schedule_meeting(access=coord, region=wesel, data=meeting_data())
    with pytest.raises(ValidationFailed) as error:
        services.record_minutes(
            access=coord,
            meeting=meeting,
            minutes="Protokoll",
            attendees=[staff.person],
            decisions=[
                {"title": "Rahmenvereinbarung entwerfen", "owner": staff.person, "due_on": None},
                {"title": "Zu früh", "owner": None, "due_on": TODAY - timedelta(days=1)},
            ],
            today=TODAY,
        )
    assert "decision_2_due_on" in error.value.errors
    meeting.refresh_from_db()
    assert meeting.minutes == "" and not Task.objects.exists()
    created = services.record_minutes(
        access=coord,
        meeting=meeting,
        minutes="Protokoll",
        attendees=[staff.person],
        decisions=[
            {"title": "Rahmenvereinbarung entwerfen", "owner": staff.person, "due_on": None}
        ],
        today=TODAY,
    )
    assert [task.decided_in_id for task in created] == [meeting.pk]
    assert list(meeting.attendees.all()) == [staff.person]


def test_steering_group_takes_only_the_regions_institutions(coord, wesel, borken, family_centre):
    other = PersonFactory(institution__region=borken)
    with pytest.raises(ValidationFailed) as error:
        services.save_steering_group(
            access=coord, region=wesel, data={"institutions": [other.institution]}
        )
    assert "institutions" in error.value.errors
    group = services.save_steering_group(
        access=coord, region=wesel, data={"institutions": [family_centre], "is_active": True}
    )
    assert list(group.institutions.all()) == [family_centre]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    checks=st.lists(st.lists(st.sampled_from(Element.values), unique=True), min_size=1, max_size=3),
    drops=st.lists(st.integers(0, 20), max_size=5),
)
def test_the_plan_holds_each_element_once_and_every_chosen_one(coord, wesel, checks, drops):
    """Whatever the Checks choose and whatever is dropped in between, the action plan holds
    one live task per element, and one for every element of the latest Check."""
    Task.objects.all().delete()
    RegionCheck.objects.all().delete()
    for chosen in checks:
        check = services.save_check(access=coord, region=wesel, data=check_data(elements=chosen))
        services.create_action_plan(access=coord, region_check=check, today=TODAY)
        live = list(Task.objects.exclude(status="dropped").order_by("pk"))
        for index in drops:
            if index < len(live):
                services.save_task(
                    access=coord, region=wesel, data={"status": "dropped"}, task=live[index]
                )
    services.create_action_plan(access=coord, region_check=check, today=TODAY)
    live = list(Task.objects.exclude(status="dropped").values_list("element", flat=True))
    assert len(live) == len(set(live))
    assert set(checks[-1]) <= set(live)


def test_a_changed_answer_marks_the_words_removed_and_added():
    with translation.override("en"):
        older, newer = selectors.marked_changes(
            "Arbeitskreis Frühe Hilfen\nRunder Tisch <Jobcenter>",
            "Arbeitskreis Frühe Hilfen und Netzwerk\nRunder Tisch",
        )
    assert newer == (
        'Arbeitskreis Frühe Hilfen<ins><span class="kern-sr-only">added: </span>'
        " und Netzwerk</ins><br>Runder Tisch"
    )
    assert older == (
        "Arbeitskreis Frühe Hilfen<br>Runder Tisch"
        '<del><span class="kern-sr-only">removed: </span> &lt;Jobcenter&gt;</del>'
    )


def test_the_comparison_names_the_guiding_questions(coord, wesel, first_check):
    second = services.save_check(
        access=coord, region=wesel, data=check_data(conflicts="Datenschutz beim Austausch")
    )
    rows = {row.name: row for row in selectors.compare_checks(first_check, second)}
    assert rows["conflicts"].label == "Gibt es Konfliktfelder, die zu beachten sind?"
    assert rows["conflicts"].changed and "<ins>" in rows["conflicts"].marked[1]
