"""The cooperation pages: filling in the Check, versions and comparison, the action plan from a
Check, a task completed by scheduling its meeting, minutes whose decisions become tasks, and
bad input answered at the field with nothing saved."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from neuewege.cooperation.models import Meeting, RegionCheck, SteeringGroup, Task
from tests.factories import PersonFactory


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def check_form(**changes):
    return {
        "held_on": "27.08.2015",
        "existing_structures": "Arbeitskreis Frühe Hilfen",
        "expectations": "Mehr Eltern erreichen",
        "elements": ["steering_group", "parent_cafe"],
        "offers": ["region_check"],
        **changes,
    }


def url(name, region, *args):
    return reverse(name, args=[region.key, *args])


def test_the_check_is_filled_in_and_revised_as_a_new_version(signed_in, wesel):
    response = signed_in.post(url("check-create", wesel), check_form())
    assert response.status_code == 302
    assert response["Location"] == url("check-detail", wesel, 1)
    body = signed_in.get(url("check-detail", wesel, 1)).content.decode()
    assert "Arbeitskreis Frühe Hilfen" in body and "Elterncafé" in body
    form = signed_in.get(url("check-create", wesel))
    assert form.context["form"].initial["existing_structures"] == "Arbeitskreis Frühe Hilfen"
    signed_in.post(url("check-create", wesel), check_form(held_on="01.03.2016", conflicts="Neu"))
    assert list(RegionCheck.objects.values_list("version", flat=True).order_by("version")) == [1, 2]
    compare = signed_in.get(url("check-compare", wesel), {"older": 1, "newer": 2})
    changed = [row.name for row in compare.context["rows"] if row.changed]
    assert changed == ["held_on", "conflicts"]
    assert 'class="changed"' in compare.content.decode()
    assert '<ins><span class="kern-sr-only">' in compare.content.decode()  # the words marked


def test_a_check_without_a_date_is_refused_at_the_field(signed_in, wesel):
    response = signed_in.post(url("check-create", wesel), check_form(held_on=""))
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"]
    assert 'href="#id_held_on"' in response.content.decode()  # the error summary links to it
    assert not RegionCheck.objects.exists()


def test_the_action_plan_is_shown_then_created(signed_in, wesel):
    signed_in.post(url("check-create", wesel), check_form())
    preview = signed_in.get(url("action-plan-create", wesel, 1)).content.decode()
    assert "Hold the first meeting of the steering group" in preview
    assert not Task.objects.exists()
    signed_in.post(url("action-plan-create", wesel, 1))
    assert set(Task.objects.values_list("element", flat=True)) == {"steering_group", "parent_cafe"}
    body = signed_in.get(url("task-list", wesel)).content.decode()
    assert "Hold the first Elterncafé in a family centre" in body


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


def test_the_owner_of_a_task_sees_only_status_and_notes(client, coordinator, wesel, staff):
    from neuewege.cooperation import services
    from neuewege.core.access import access_for

    task = services.save_task(
        access=access_for(coordinator), region=wesel, data={"title": "Lotse", "owner": staff.person}
    )
    client.force_login(staff)
    form = client.get(url("task-update", wesel, task.pk)).context["form"]
    assert set(form.fields) == {"status", "notes"}
    client.post(url("task-update", wesel, task.pk), {"status": "in_progress", "notes": "läuft"})
    task.refresh_from_db()
    assert (task.status, task.notes, task.title) == ("in_progress", "läuft", "Lotse")
    services.save_task(access=access_for(coordinator), region=wesel, data={"title": "Andere"})
    mine = client.get(url("task-list", wesel) + "?status=mine").context["tasks"]
    assert [row.title for row in mine] == ["Lotse"]


def test_the_task_list_takes_a_fixed_number_of_queries(
    signed_in, wesel, django_assert_max_num_queries
):
    from neuewege.cooperation import services
    from neuewege.core.access import access_for
    from neuewege.core.models import User

    access = access_for(User.objects.get(email="coord@wesel.example"))
    for number in range(3):
        services.save_task(access=access, region=wesel, data={"title": f"T{number}"})
    with django_assert_max_num_queries(8) as few:
        signed_in.get(url("task-list", wesel))
    for number in range(20):
        services.save_task(
            access=access,
            region=wesel,
            data={"title": f"U{number}", "due_on": date.today() + timedelta(days=number)},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        signed_in.get(url("task-list", wesel))


def test_the_check_downloads_as_a_pdf(signed_in, wesel):
    import io

    from pypdf import PdfReader

    signed_in.post(url("check-create", wesel), check_form())
    response = signed_in.get(url("check-pdf", wesel, 1))
    assert response["Content-Type"] == "application/pdf"
    assert "regionen-check-05170-1.pdf" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Arbeitskreis Frühe Hilfen" in text and "27.08.2015" in text


def test_goals_are_added_with_their_figure_and_refused_without_a_target(signed_in, wesel):
    refused = signed_in.post(
        url("goal-create", wesel),
        {"title": "Familienzentren erreichen", "indicator": "centres_with_event"},
    )
    assert set(refused.context["form"].errors) == {"target_value", "target_date"}
    unavailable = signed_in.post(
        url("goal-create", wesel),
        {
            "title": "Vereinbarungen",
            "indicator": "centres_with_agreement",
            "target_value": "5",
            "target_date": "2027-12-31",
        },
    )
    assert "cannot compute this figure yet" in unavailable.context["form"].errors["indicator"][0]
    signed_in.post(
        url("goal-create", wesel),
        {
            "title": "Familienzentren erreichen",
            "indicator": "centres_with_event",
            "target_value": "10",
            "target_date": "2027-12-31",
        },
    )
    body = signed_in.get(url("goal-list", wesel)).content.decode()
    assert "Familienzentren erreichen" in body and "0 family centres" in body


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


def test_a_task_is_linked_to_the_event_that_carries_it_out(signed_in, wesel, family_centre, borken):
    from tests.factories import InstitutionFactory, make_event

    draft = make_event(family_centre, status="draft", title="Erstes Elterncafé")
    elsewhere = make_event(InstitutionFactory(region=borken, postcode="46325", town="Borken"))
    form = signed_in.get(url("task-create", wesel)).content.decode()
    first_date = timezone.localtime(draft.sessions.order_by("starts_at").first().starts_at)
    group = form.split(f'<optgroup label="{family_centre.name}">')[1].split("</optgroup>")[0]
    assert f"Erstes Elterncafé ({first_date:%d.%m.%Y})" in group  # by centre, with its date
    assert "Borken" not in form
    signed_in.post(url("task-create", wesel), {"title": "Elterncafé", "status": "open"})
    task = Task.objects.get()
    edit = url("task-update", wesel, task.pk)
    refused = signed_in.post(edit, {"title": "Elterncafé", "status": "open", "event": elsewhere.pk})
    assert refused.context["form"].errors["event"]  # not one of the region's events
    signed_in.post(edit, {"title": "Elterncafé", "status": "open", "event": draft.pk})
    assert signed_in.get(url("task-list", wesel), {"status": "done"}).context["tasks"].count() == 0
    draft.status = "published"
    draft.save()
    done = signed_in.get(url("task-list", wesel), {"status": "done"}).context["tasks"]
    assert [row.pk for row in done] == [task.pk]
