"""Demo demand and supply. Each family centre of Kreis Wesel (at state scale: of every region of
the programme) asks for the year being planned (``planning_year``): an Elterncafé every month
(most of them), a Themenveranstaltung twice, an Elternkurs (some), on weekdays and at times
within its opening hours, not in the summer holidays; the region's people of the employment
agency and the job centre get their capacities (BCAs more hours, case managers few). One bulk
write; deterministic; generated once (None when present already).

``generate_demo_scenarios`` then gives Kreis Wesel the seed's scenarios of that year — "Nur
BCAs", "Mit geschulten Fallmanager/innen" (compared with it) and "+ 5 Fallmanager/innen im
Jobcenter" (compared with that) — and computes the plans of the first two, so that the demo
opens with a comparison. At state scale every other region of the programme gets the first two
scenarios, without plans (no solver runs at that scale)."""

import random

from django.db import transaction

from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person, Region, User

from .models import PART_HOURS, CentreRequest, PartOfDay, PlanRun, Scenario, SpeakerCapacity, covers
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


ONLY_BCAS = "Nur BCAs"
WITH_CASE_MANAGERS = "Mit geschulten Fallmanager/innen"
PLUS_FIVE = "+ 5 Fallmanager/innen im Jobcenter"
FIVE_CASE_MANAGERS = {
    "institution_kind": Institution.Kind.JOB_CENTRE,
    "function": Person.Function.CASE_MANAGER,
    "count": 5,
    "hours_per_month": 4,
    "formats": [EventFormat.PARENT_CAFE, EventFormat.INFO_SESSION],
    "max_travel_km": 30,
    "label": "Fallmanager/in im Jobcenter",
}
DEMO_SECONDS = 1  # each plan's time limit (and each added speaker's): the demo stays quick


def _scenarios(region, year, *, third: bool) -> list[Scenario]:
    only_bcas = Scenario.objects.create(
        region=region,
        year=year,
        name=ONLY_BCAS,
        description="Nur die Beauftragten für Chancengleichheit (BCA) sprechen.",
        functions=[Person.Function.BCA],
    )
    with_managers = Scenario.objects.create(
        region=region,
        year=year,
        name=WITH_CASE_MANAGERS,
        description="Alle Referent/innen mit Qualifikation, auch die geschulten Fallmanager/innen.",
        base=only_bcas,
    )
    made = [only_bcas, with_managers]
    if third:
        made.append(
            Scenario.objects.create(
                region=region,
                year=year,
                name=PLUS_FIVE,
                description="Fünf weitere Fallmanager/innen des Jobcenters mit je 4 Stunden im "
                "Monat für Elterncafés und Themenveranstaltungen.",
                extra_speakers=[FIVE_CASE_MANAGERS],
                base=with_managers,
            )
        )
    return made


def compute_plan(scenario: Scenario, seconds: int = DEMO_SECONDS) -> PlanRun:
    """A plan of ``scenario`` computed at once (the task's work, without a queue)."""
    from neuewege.core import progress

    from .tasks import run_plan

    coordinator = (
        User.objects.filter(role=User.Role.COORDINATOR, regions=scenario.region)
        .order_by("pk")
        .first()
    )
    run = PlanRun.objects.create(
        scenario=scenario, time_limit_seconds=seconds, started_by=coordinator
    )
    progress.queue(run)
    run_plan.call(run_id=run.pk, language="de")
    run.refresh_from_db()
    return run


def generate_demo_scenarios(scale: str, seed: int) -> str | None:
    if Scenario.objects.exists():
        return None
    year = planning_year()
    wesel = Region.objects.filter(key=WESEL).first()
    others = Region.objects.none()
    if scale != "demo":
        others = Region.objects.exclude(phase="").exclude(key=WESEL).order_by("key")
    made = []
    with transaction.atomic():
        if wesel is not None:
            made += _scenarios(wesel, year, third=True)
        for region in others:
            made += _scenarios(region, year, third=False)
    plans = [compute_plan(scenario) for scenario in made[:2]] if scale == "demo" and wesel else []
    figures = ", ".join(
        f"{run.scenario.name}: {_covered(run)} family centres covered" for run in plans
    )
    return f"{len(made)} coverage scenarios for {year}; plans of Kreis Wesel: {figures or 'none'}"


def _covered(run: PlanRun) -> int:
    return sum(1 for c in run.result.get("plan", {}).get("centres", []) if c["status"] == "covered")
