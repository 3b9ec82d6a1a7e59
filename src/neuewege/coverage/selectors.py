"""Every read of the coverage app: the region's demand and speakers for the pages, and the plain
input of the planner (``planning_input``; no solver import here — the planning service maps it
to the solver's dataclasses)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from neuewege.core.access import Access
from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person, Region
from neuewege.events.models import EventSession, ParentEvent
from neuewege.trainings.models import Qualification

from .models import PART_HOURS, SPEAKER_KINDS, CentreRequest, SpeakerCapacity, covers


def family_centres(access: Access, region: Region):
    return access.institutions().filter(region=region, kind=Institution.Kind.FAMILY_CENTRE)


def centre_requests(access: Access):
    """Requests of the family centres in the account's regions."""
    return CentreRequest.objects.filter(family_centre__in=access.institutions()).select_related(
        "family_centre__region"
    )


def speakers(access: Access, region: Region | None = None):
    """People who may speak at events (employment agency, job centre, education provider)."""
    people = access.people().filter(institution__kind__in=SPEAKER_KINDS)
    if region is not None:
        people = people.filter(institution__region=region)
    return people.select_related("institution__region")


def capacities(access: Access):
    return SpeakerCapacity.objects.filter(person__in=access.people()).select_related(
        "person__institution__region"
    )


@dataclass
class CentreDemand:
    centre: Institution
    requests: list = field(default_factory=list)

    @property
    def events(self):
        return sum(request.per_year for request in self.requests)


@dataclass
class RegionDemand:
    centres: list[CentreDemand]
    totals: list[tuple[str, int, int]]  # (format label, requests, events a year)
    events: int
    without_requests: int

    @property
    def with_requests(self) -> int:
        return len(self.centres) - self.without_requests


def region_demand(access: Access, region: Region, year: int) -> RegionDemand:
    """The region's family centres with their requests of ``year`` and totals per format."""
    requests = CentreRequest.objects.filter(year=year).order_by("format")
    centres = (
        family_centres(access, region)
        .order_by("name")
        .prefetch_related(Prefetch("centre_requests", queryset=requests, to_attr="year_requests"))
    )
    demand = [CentreDemand(centre, list(centre.year_requests)) for centre in centres]
    counts, events = Counter(), Counter()
    for entry in demand:
        for request in entry.requests:
            counts[request.format] += 1
            events[request.format] += request.per_year
    totals = [
        (label, counts[code], events[code]) for code, label in EventFormat.choices if counts[code]
    ]
    return RegionDemand(
        centres=demand,
        totals=totals,
        events=sum(events.values()),
        without_requests=sum(1 for entry in demand if not entry.requests),
    )


@dataclass
class Speaker:
    person: Person
    capacity: SpeakerCapacity | None
    qualifications: dict  # format → Qualification (where a training recorded the date)

    @property
    def formats(self) -> list[tuple[str, object]]:
        """(label, date qualified or None) of the formats the person may moderate."""
        labels = dict(EventFormat.choices)
        return [
            (labels.get(code, code), getattr(self.qualifications.get(code), "qualified_on", None))
            for code in self.person.moderated_formats
        ]

    @property
    def qualified(self) -> bool:
        return bool(self.person.moderated_formats)


def region_speakers(access: Access, region: Region) -> list[Speaker]:
    people = (
        speakers(access, region)
        .select_related("speaker_capacity")
        .prefetch_related("qualifications")
        .order_by("institution__kind", "institution__name", "last_name", "first_name")
    )
    result = []
    for person in people:
        capacity = getattr(person, "speaker_capacity", None) if _has_capacity(person) else None
        qualifications = {q.format: q for q in person.qualifications.all()}
        result.append(Speaker(person, capacity, qualifications))
    return result


def _has_capacity(person) -> bool:
    try:
        person.speaker_capacity  # noqa: B018 (the reverse one-to-one raises when there is none)
    except SpeakerCapacity.DoesNotExist:
        return False
    return True


def _half_days(periods) -> dict[int, list[str]]:
    """Per weekday (0 to 6) the parts of day a centre is open in (``models.covers``)."""
    open_parts: dict[int, list[str]] = {}
    for period in periods:
        for part in PART_HOURS:
            if covers(period.opens, period.closes, part):
                parts = open_parts.setdefault(period.weekday, [])
                if str(part) not in parts:
                    parts.append(str(part))
    return {
        day: sorted(parts, key=list(map(str, PART_HOURS)).index)
        for day, parts in open_parts.items()
    }


def _coordinates(institution):
    if institution.latitude is None or institution.longitude is None:
        return None
    return (float(institution.latitude), float(institution.longitude))


def planning_input(region: Region, year: int) -> dict:
    """The demand and supply of ``region`` in ``year`` as plain dicts: family centres (with
    coordinates and the half-days they are open), their requests, the active speakers (formats,
    function, hours, travel limits, home coordinates, unavailable months and days) and the
    speakers left out (qualified for nothing; qualified but without recorded hours). No ORM
    objects, no solver types."""
    centres = (
        Institution.objects.filter(region=region, kind=Institution.Kind.FAMILY_CENTRE)
        .order_by("pk")
        .prefetch_related(
            Prefetch("opening_periods", queryset=OpeningPeriod.objects.order_by("weekday"))
        )
    )
    requests = CentreRequest.objects.filter(family_centre__region=region, year=year).order_by(
        "family_centre_id", "format"
    )
    capacities_ = (
        SpeakerCapacity.objects.filter(
            person__institution__region=region,
            person__institution__kind__in=SPEAKER_KINDS,
            active=True,
        )
        .select_related("person__institution")
        .order_by("person_id")
    )
    qualified_on = {
        (person_id, code): day
        for person_id, code, day in Qualification.objects.filter(
            person__institution__region=region
        ).values_list("person_id", "format", "qualified_on")
    }
    speakers_, unqualified = [], []
    for capacity in capacities_:
        person = capacity.person
        if not person.moderated_formats:
            unqualified.append({"id": person.pk, "name": str(person)})
            continue
        speakers_.append(
            {
                "id": person.pk,
                "name": str(person),
                "institution_id": person.institution_id,
                "institution_kind": person.institution.kind,
                "function": person.function,
                "formats": list(person.moderated_formats),
                "qualified_on": {
                    code: qualified_on[(person.pk, code)].isoformat()
                    for code in person.moderated_formats
                    if (person.pk, code) in qualified_on
                },
                "hours_per_month": capacity.hours_per_month,
                "max_travel_km": capacity.max_travel_km,
                "max_travel_minutes": capacity.max_travel_minutes,
                "unavailable_months": list(capacity.unavailable_months),
                "unavailable_dates": list(capacity.unavailable_dates),
                "home": _coordinates(person.institution),
            }
        )
    without_capacity = (
        Person.objects.filter(
            institution__region=region,
            institution__kind__in=SPEAKER_KINDS,
            speaker_capacity__isnull=True,
        )
        .exclude(moderated_formats=[])
        .order_by("pk")
    )
    return {
        "region": region.key,
        "year": year,
        "centres": [
            {
                "id": centre.pk,
                "name": centre.name,
                "location": _coordinates(centre),
                "open_half_days": _half_days(centre.opening_periods.all()),
            }
            for centre in centres
        ],
        "requests": [
            {
                "id": request.pk,
                "centre_id": request.family_centre_id,
                "format": request.format,
                "per_year": request.per_year,
                "weekdays": list(request.weekdays),
                "part_of_day": request.part_of_day,
                "avoid_months": list(request.avoid_months),
            }
            for request in requests
        ],
        "speakers": speakers_,
        "unqualified_speakers": unqualified,  # have a capacity, may moderate nothing: not planned
        "speakers_without_capacity": [  # qualified, but no hours recorded: not planned
            {"id": person.pk, "name": str(person)} for person in without_capacity
        ],
    }


def requests_of_year(region: Region, year: int):
    """(pk, family centre id, format) of the region's requests of ``year``."""
    return CentreRequest.objects.filter(family_centre__region=region, year=year).values_list(
        "pk", "family_centre_id", "format"
    )


def events_of_year(region: Region, year: int):
    """(event, month) of the region's events whose first date that is not cancelled lies in
    ``year`` (month in local time); cancelled events left out. Speakers with their institution
    prefetched."""
    sessions = EventSession.objects.filter(is_cancelled=False).order_by("starts_at")
    events = (
        ParentEvent.objects.filter(family_centre__region=region, sessions__starts_at__year=year)
        .exclude(status=ParentEvent.Status.CANCELLED)
        .select_related("format")
        .prefetch_related(
            Prefetch("sessions", queryset=sessions, to_attr="live_sessions"),
            "speakers__institution",
        )
        .distinct()
        .order_by("pk")
    )
    for event in events:
        if event.live_sessions:
            first = timezone.localtime(event.live_sessions[0].starts_at)
            if first.year == year:
                yield event, first.month


def speakers_of_region(region: Region):
    """Everyone of the region who may speak (any account's view: the services' checks)."""
    return Person.objects.filter(
        institution__region=region, institution__kind__in=SPEAKER_KINDS
    ).select_related("institution")


def scenarios(access: Access):
    """Scenarios of the account's regions."""
    from .models import Scenario

    return Scenario.objects.filter(region__in=access.regions()).select_related("region", "base")


def region_scenarios(access: Access, region: Region, year: int) -> list:
    """The region's scenarios of ``year``, each with its latest plan (``latest``) and the
    latest finished one (``latest_done``)."""
    from .models import PlanRun

    result = list(scenarios(access).filter(region=region, year=year).order_by("name", "id"))
    runs = PlanRun.objects.filter(scenario__in=result).select_related("started_by")
    latest, done = {}, {}
    for run in runs:  # newest first (PlanRun.Meta.ordering)
        latest.setdefault(run.scenario_id, run)
        if run.work_state == PlanRun.State.DONE and run.result:
            done.setdefault(run.scenario_id, run)
    for scenario in result:
        scenario.latest = latest.get(scenario.pk)
        scenario.latest_done = done.get(scenario.pk)
    return result


def plan_runs(access: Access):
    """Plans of the scenarios of the account's regions."""
    from .models import PlanRun

    return PlanRun.objects.filter(scenario__region__in=access.regions()).select_related(
        "scenario__region", "scenario__base", "started_by"
    )


def speakers_sessions(region: Region, year: int):
    """(person id, start) of the sessions in ``year`` of the region's people who speak at
    events, neither the session nor its event cancelled."""
    return (
        EventSession.objects.filter(
            starts_at__year=year,
            is_cancelled=False,
            event__speakers__institution__region=region,
        )
        .exclude(event__status=ParentEvent.Status.CANCELLED)
        .values_list("event__speakers", "starts_at")
    )


def region_plan_runs(region: Region, user):
    """The region's plan runs (the failed-work panel of the start page, core/start.py)."""
    from .models import PlanRun

    return PlanRun.objects.filter(scenario__region=region)


def describe_plan_run(run) -> tuple[str, str]:
    return str(run.scenario), reverse("plan-run-detail", args=[run.pk])
