from datetime import time

import pytest

from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person
from tests.factories import InstitutionFactory, PersonFactory


@pytest.fixture
def opening_hours(family_centre):
    """Monday to Thursday 7:30 to 16:00, Friday 7:30 to 12:00; Tuesday also late hours to 19:00."""
    for day in range(4):
        OpeningPeriod.objects.create(
            institution=family_centre, weekday=day, opens=time(7, 30), closes=time(16)
        )
    OpeningPeriod.objects.create(
        institution=family_centre, weekday=4, opens=time(7, 30), closes=time(12)
    )
    OpeningPeriod.objects.create(
        institution=family_centre,
        weekday=1,
        opens=time(16),
        closes=time(19),
        is_extended_hours=True,
    )
    return family_centre


@pytest.fixture
def job_centre(wesel):
    return InstitutionFactory(
        region=wesel,
        kind=Institution.Kind.JOB_CENTRE,
        name="Jobcenter Kreis Wesel",
        latitude="51.6580",
        longitude="6.6170",
    )


@pytest.fixture
def case_manager(job_centre):
    return PersonFactory(
        institution=job_centre,
        function=Person.Function.CASE_MANAGER,
        first_name="Jan",
        last_name="Kaya",
        moderated_formats=[EventFormat.PARENT_CAFE],
    )


def request_data(**changes):
    data = {
        "year": 2027,
        "format": EventFormat.PARENT_CAFE,
        "per_year": 12,
        "weekdays": [1],
        "part_of_day": "morning",
        "avoid_months": [7, 8],
        "note": "",
    }
    return data | changes


def capacity_data(**changes):
    data = {
        "hours_per_month": 6,
        "max_travel_km": 40,
        "max_travel_minutes": 50,
        "unavailable_months": [8],
        "unavailable_dates": [],
        "active": True,
    }
    return data | changes
