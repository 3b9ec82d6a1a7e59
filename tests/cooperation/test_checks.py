"""The Regionen-Check's pages: filling it in, revising it as a new version and comparing two,
a Check without a date refused at the field, the action plan it adds."""

from neuewege.cooperation.models import RegionCheck, Task
from tests.cooperation.pages import check_form, url


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
