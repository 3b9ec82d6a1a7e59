"""Demo demand and supply. Each family centre of Kreis Wesel (at state scale: of every region of
the programme) asks for the year being planned (``planning_year``): an Elterncafé every month
(most of them), a Themenveranstaltung twice, an Elternkurs (some), on weekdays and at times
within its opening hours, not in the summer holidays; the region's people of the employment
agency and the job centre get their capacities (BCAs more hours, case managers few). One bulk
write; deterministic; generated once (None when present already)."""

import random

from django.db import transaction

from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person, Region

from .models import PART_HOURS, CentreRequest, PartOfDay, SpeakerCapacity, covers
from .services.plans import planning_year

WESEL = "05170"
HOURS = {  # hours per month for events, by function
    Person.Function.BCA: 12,
    Person.Function.PLACEMENT_OFFICER: 4,
    Person.Function.CASE_MANAGER: 3,
}
SUMMER = [7, 8]


def _open_parts(periods):
    """(weekday, part of day) the centre is open in."""
    return sorted(
        {
            (period.weekday, part)
            for period in periods
            for part in PART_HOURS
            if covers(period.opens, period.closes, part)
        }
    )


def _request(rng, centre, periods, year, code, per_year, part):
    slots = [slot for slot in _open_parts(periods) if slot[1] == part]
    weekdays, chosen_part = [], ""
    if slots:
        weekdays = sorted({day for day, _part in rng.sample(slots, min(2, len(slots)))})
        chosen_part = part
    return CentreRequest(
        family_centre=centre,
        year=year,
        format=code,
        per_year=per_year,
        weekdays=weekdays,
        part_of_day=chosen_part,
        avoid_months=SUMMER if per_year < 12 else [],
    )


def generate_demo_coverage(scale: str, seed: int) -> str | None:
    if CentreRequest.objects.exists() or SpeakerCapacity.objects.exists():
        return None
    rng = random.Random(seed + 15)
    year = planning_year()
    regions = (
        Region.objects.filter(key=WESEL)
        if scale == "demo"
        else Region.objects.exclude(phase="").order_by("key")
    )
    periods: dict[int, list] = {}
    for period in OpeningPeriod.objects.filter(
        institution__region__in=regions, institution__kind=Institution.Kind.FAMILY_CENTRE
    ):
        periods.setdefault(period.institution_id, []).append(period)
    requests = []
    centres = Institution.objects.filter(
        region__in=regions, kind=Institution.Kind.FAMILY_CENTRE
    ).order_by("pk")
    for centre in centres:
        own = periods.get(centre.pk, [])
        if rng.random() < 0.85:
            requests.append(
                _request(rng, centre, own, year, EventFormat.PARENT_CAFE, 12, PartOfDay.MORNING)
            )
        requests.append(
            _request(rng, centre, own, year, EventFormat.INFO_SESSION, 2, PartOfDay.AFTERNOON)
        )
        if rng.random() < 0.35:
            requests.append(
                _request(rng, centre, own, year, EventFormat.PARENT_COURSE, 1, PartOfDay.MORNING)
            )
    people = Person.objects.filter(
        institution__region__in=regions,
        institution__kind__in=[Institution.Kind.EMPLOYMENT_AGENCY, Institution.Kind.JOB_CENTRE],
        function__in=list(HOURS),
    ).order_by("pk")
    capacities = [
        SpeakerCapacity(
            person=person,
            hours_per_month=HOURS[person.function],
            max_travel_km=rng.choice([25, 30, 40]),
            max_travel_minutes=rng.choice([35, 45, 60]),
            unavailable_months=[rng.choice(SUMMER)],
        )
        for person in people
    ]
    with transaction.atomic():
        CentreRequest.objects.bulk_create(requests, batch_size=2000)
        SpeakerCapacity.objects.bulk_create(capacities, batch_size=2000)
    return (
        f"{len(requests)} requests of {centres.count()} family centres for {year}, "
        f"{len(capacities)} speakers' capacities"
    )
