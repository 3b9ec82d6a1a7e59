"""Demo cooperation: Kreis Wesel has the Regionen-Check of 27 August 2015 with its action plan
and a revised version; every programme region has a steering group with minuted meetings; a
second run adds nothing."""

from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from neuewege.cooperation import selectors
from neuewege.cooperation.models import Material, Meeting, RegionCheck, SteeringGroup, Task
from neuewege.core.models import Region


@pytest.fixture
def demo(db, capsys):
    call_command("demo", "--scale", "demo")
    return capsys.readouterr().out


def test_wesel_has_the_seeds_check_and_an_action_plan_that_tracks_itself(demo, wesel):
    first = RegionCheck.objects.get(region=wesel, version=1)
    assert first.held_on == date(2015, 8, 27)
    assert {"steering_group", "parent_cafe", "parent_course"} <= set(first.elements)
    assert RegionCheck.objects.filter(region=wesel).count() == 2
    plan = selectors.tasks(wesel)
    fulfilled = plan.get(element="steering_group")
    assert fulfilled.meeting is not None and fulfilled.is_done
    assert plan.filter(is_overdue=True).count() == 1
    assert plan.filter(is_done=False).exclude(status="dropped").count() >= 2
    assert selectors.next_meeting(wesel) is not None
    progress = {row.goal.indicator or "by hand": row for row in selectors.goals(wesel)}
    assert progress["centres_with_event"].value > 0  # computed from the demo events
    assert progress["by hand"].value == 4


def test_every_programme_region_has_a_steering_group_with_minuted_meetings(demo):
    for region in Region.objects.exclude(phase=""):
        group = SteeringGroup.objects.get(region=region)
        assert group.is_active and group.coordinator is not None, region
        held = Meeting.objects.filter(region=region).exclude(minutes="")
        assert held.count() >= 2, region
        assert Task.objects.filter(decided_in__in=held).exists(), region


def test_the_libraries_hold_readable_files(demo, wesel):
    handbook = Material.objects.get(region=None, kind="handbook")
    text = PdfReader(handbook.current.file.open("rb")).pages[0].extract_text()
    assert "Transferhandbuch Neue Wege" in text and "Familienzentren" in text
    plan = Material.objects.get(region=None, title="Vorlage Maßnahmenplan")
    sheet = load_workbook(plan.current.file.open("rb")).active
    assert sheet["A1"].value == "Aufgabe"
    minutes = Material.objects.get(region=wesel)
    assert [v.number for v in minutes.versions.all()] == [2, 1]
    assert "Beschlüsse" in PdfReader(minutes.current.file.open("rb")).pages[0].extract_text()


def test_a_second_run_adds_nothing(demo, capsys):
    def counts():
        return [model.objects.count() for model in (RegionCheck, Meeting, Task, Material)]

    before = counts()
    call_command("demo", "--scale", "demo")
    assert "cooperation already present" in capsys.readouterr().out
    assert counts() == before
