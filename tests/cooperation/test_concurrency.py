"""Two coordinators saving the Regionen-Check at the same moment, and the action plan created
twice at once, with real row locks (PostgreSQL; the pass of `make test` with
NEUEWEGE_TEST_POSTGRES_URL runs these)."""

from datetime import date

import pytest

from neuewege.cooperation import services
from neuewege.cooperation.models import RegionCheck, Task
from neuewege.core.access import access_for
from tests.events.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("reference_data")]


def test_checks_saved_at_once_get_consecutive_versions(coordinator, wesel):
    access = access_for(coordinator)

    def save(index):
        return services.save_check(
            access=access,
            region=wesel,
            data={"held_on": date(2026, 11, 24), "planning": f"Fassung aus Sitzung {index}"},
        ).version

    versions = run_together(8, save)
    assert sorted(versions) == list(range(1, 9))
    assert RegionCheck.objects.filter(region=wesel).count() == 8


def test_the_action_plan_created_twice_at_once_has_each_task_once(coordinator, wesel):
    access = access_for(coordinator)
    check = services.save_check(
        access=access,
        region=wesel,
        data={"held_on": date(2026, 11, 24), "elements": ["steering_group", "parent_cafe"]},
    )
    created = run_together(
        6, lambda _index: len(services.create_action_plan(access=access, region_check=check))
    )
    assert sum(created) == 2
    assert sorted(Task.objects.values_list("element", flat=True)) == [
        "parent_cafe",
        "steering_group",
    ]
