"""The action plan's pages: what the owner of a task may change, the task list's queries, a
task carried out by an event of the region."""

from datetime import date, timedelta

from django.utils import timezone

from neuewege.cooperation.models import Task
from tests.cooperation.pages import url


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
