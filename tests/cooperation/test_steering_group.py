"""The steering group and its meetings: a meeting scheduled from its task completes it and
its cancellation reopens it, minutes whose decisions become tasks, the group set up with
the region's members, bad input answered at the field with nothing saved."""

from datetime import timedelta

from django.utils import timezone

from neuewege.cooperation.models import Meeting, SteeringGroup, Task
from tests.cooperation.pages import check_form, url
from tests.factories import PersonFactory


def test_scheduling_a_meeting_from_its_task_marks_the_task_done(signed_in, wesel):
    signed_in.post(url("check-create", wesel), check_form(elements=["steering_group"]))
    signed_in.post(url("action-plan-create", wesel, 1))
    task = Task.objects.get()
    day = timezone.localdate() + timedelta(days=30)
    response = signed_in.post(
        url("meeting-create", wesel) + f"?task={task.pk}",
        {
            "kind": "steering_group",
            "date": day.isoformat(),
            "starts": "10:00",
            "ends": "12:00",
            "place": "Kreishaus Wesel",
            "agenda": "Ziele 2027",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == url("meeting-detail", wesel, meeting.pk)
    done = signed_in.get(url("task-list", wesel), {"status": "done"})
    assert [row.pk for row in done.context["tasks"]] == [task.pk]


def test_a_meeting_ending_before_it_starts_is_refused_at_the_field(signed_in, wesel):
    response = signed_in.post(
        url("meeting-create", wesel),
        {
            "kind": "coordination",
            "date": "2026-12-10",
            "starts": "12:00",
            "ends": "10:00",
            "place": "X",
        },
    )
    assert response.context["form"].errors["ends"]
    response = signed_in.post(
        url("meeting-create", wesel),
        {"kind": "coordination", "date": "", "starts": "10:00", "ends": "12:00", "place": "X"},
    )
    assert response.context["form"].errors["date"]
    assert not Meeting.objects.exists()


def test_minutes_with_decisions_become_tasks(signed_in, wesel, staff):
    signed_in.post(
        url("meeting-create", wesel),
        {
            "kind": "coordination",
            "date": "2026-12-10",
            "starts": "10:00",
            "ends": "12:00",
            "place": "Rathaus",
        },
    )
    meeting = Meeting.objects.get()
    minutes_url = url("meeting-minutes", wesel, meeting.pk)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = signed_in.post(
        minutes_url,
        {"minutes": "Protokoll", "decision_1_title": "Zu spät", "decision_1_due_on": yesterday},
    )
    assert refused.context["form"].errors["decision_1_due_on"]
    assert not Task.objects.exists()
    signed_in.post(
        minutes_url,
        {
            "minutes": "Protokoll",
            "attendees": [staff.person.pk],
            "decision_1_title": "Rahmenvereinbarung entwerfen",
            "decision_1_owner": staff.person.pk,
        },
    )
    task = Task.objects.get()
    assert (task.title, task.owner, task.decided_in) == (
        "Rahmenvereinbarung entwerfen",
        staff.person,
        meeting,
    )
    body = signed_in.get(url("meeting-detail", wesel, meeting.pk)).content.decode()
    assert "Rahmenvereinbarung entwerfen" in body and "Protokoll" in body


def test_the_steering_group_is_set_up_with_the_regions_members(
    signed_in, wesel, family_centre, borken
):
    outsider = PersonFactory(institution__region=borken)
    response = signed_in.post(
        url("steering-group-update", wesel), {"is_active": "on", "members": [outsider.pk]}
    )
    assert response.context["form"].errors["members"]  # not one of the choices
    assert not SteeringGroup.objects.exists()
    head = PersonFactory(institution=family_centre)
    signed_in.post(
        url("steering-group-update", wesel),
        {
            "is_active": "on",
            "coordinator": head.pk,
            "institutions": [family_centre.pk],
            "members": [head.pk],
        },
    )
    group = SteeringGroup.objects.get()
    assert group.coordinator == head and list(group.members.all()) == [head]


def test_cancelling_the_meeting_reopens_its_task(signed_in, wesel):
    signed_in.post(url("check-create", wesel), check_form(elements=["steering_group"]))
    signed_in.post(url("action-plan-create", wesel, 1))
    task = Task.objects.get()
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    fields = {"kind": "steering_group", "date": day, "starts": "10:00", "ends": "12:00"}
    signed_in.post(url("meeting-create", wesel) + f"?task={task.pk}", fields | {"place": "A"})
    meeting = Meeting.objects.get()
    refused = signed_in.post(url("meeting-update", wesel, meeting.pk), fields | {"place": ""})
    assert refused.context["form"].errors["place"]
    signed_in.post(
        url("meeting-update", wesel, meeting.pk), fields | {"place": "B", "is_cancelled": "on"}
    )
    meeting.refresh_from_db()
    assert (meeting.place, meeting.is_cancelled) == ("B", True)
    open_tasks = signed_in.get(url("task-list", wesel), {"status": "open"}).context["tasks"]
    assert [row.pk for row in open_tasks] == [task.pk]
