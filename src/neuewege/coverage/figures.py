"""How far the family centres are covered in a year, for the coverage dashboards (a region's,
per centre; the state's, per region) and for regional goals (the indicator
``centres_with_events_planned``). Figures of institutions, not of parents: small numbers are
shown.

One definition, said on the pages as well. In a year, a family centre has

- **events** when at least one of its events that is published, held or closed has a date
  (not cancelled) in that year;
- **events planned** when it has none of those, but a draft event with a date in that year, or
  events in the region's latest plan of that year (the plan computed last, of any of the
  region's scenarios of that year);
- **none** otherwise.

Whatever the number of regions, the figures take the same few queries.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Avg, Count
from django.utils import timezone

from neuewege.core.models import BackgroundWork, Institution
from neuewege.events.models import ParentEvent

from .models import PlanRun

EVENTS, PLANNED, NONE = "events", "planned", "none"
COLOURS = {EVENTS: "#1b7a3a", PLANNED: "#1f5fbf", NONE: "#6b6b6b"}  # of the map's dots (map.js)
STATUSES = (EVENTS, PLANNED, NONE)


def _year_range(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(datetime(year, 1, 1), time()))
    return start, timezone.make_aware(datetime.combine(datetime(year + 1, 1, 1), time()))


def event_counts(region_ids, year: int) -> tuple[Counter, Counter]:
    """Per family centre: its live events (published, held, closed) and its drafts with a date
    (not cancelled) in ``year``. One query."""
    since, until = _year_range(year)
    live, drafts = Counter(), Counter()
    rows = (
        ParentEvent.objects.filter(
            family_centre__region_id__in=region_ids,
            sessions__is_cancelled=False,
            sessions__starts_at__gte=since,
            sessions__starts_at__lt=until,
        )
        .exclude(status=ParentEvent.Status.CANCELLED)
        .values_list("family_centre_id", "status")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    for centre_id, status, count in rows:
        if status in ParentEvent.LIVE_STATUSES:
            live[centre_id] += count
        elif status == ParentEvent.Status.DRAFT:
            drafts[centre_id] += count
    return live, drafts


@dataclass(frozen=True)
class LatestPlan:
    run_id: int
    scenario: str
    computed_at: datetime
    events: dict  # family centre id → events planned


def latest_plans(region_ids, year: int) -> dict[int, LatestPlan]:
    """Per region: its latest finished plan of ``year`` of a scenario with the region's own
    speakers and family centres (a what-if that invents some does not make centres "planned").
    Two queries: the runs' ids, then only the latest ones' results."""
    latest = {}
    for pk, region_id in (
        PlanRun.objects.filter(
            scenario__region_id__in=region_ids,
            scenario__year=year,
            work_state=BackgroundWork.State.DONE,
            scenario__extra_speakers=[],
            scenario__extra_centres=[],
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", "scenario__region_id")
    ):
        latest.setdefault(region_id, pk)
    plans = {}
    for pk, region_id, name, created_at, result in PlanRun.objects.filter(
        pk__in=latest.values()
    ).values_list("pk", "scenario__region_id", "scenario__name", "created_at", "result"):
        centres = (result or {}).get("plan", {}).get("centres", [])
        events = {c["id"]: c["served"] for c in centres if c.get("served")}
        plans[region_id] = LatestPlan(pk, name, created_at, events)
    return plans


def status_of(centre_id, live: Counter, drafts: Counter, plan: LatestPlan | None) -> str:
    if live[centre_id]:
        return EVENTS
    if drafts[centre_id] or (plan is not None and plan.events.get(centre_id)):
        return PLANNED
    return NONE


@dataclass
class Counts:
    """Family centres by status; shares in whole per cent of all centres."""

    centres: int = 0
    events: int = 0
    planned: int = 0
    none: int = 0

    def add(self, status: str):
        self.centres += 1
        setattr(self, status, getattr(self, status) + 1)

    def share(self, status: str) -> int | None:
        if not self.centres:
            return None
        return round(100 * getattr(self, status) / self.centres)

    @property
    def events_share(self):
        return self.share(EVENTS)

    @property
    def planned_share(self):
        return self.share(PLANNED)

    @property
    def none_share(self):
        return self.share(NONE)

    @property
    def with_events_or_planned(self) -> int:
        return self.events + self.planned


@dataclass
class CentreRow:
    id: int
    name: str
    town: str
    status: str
    events: int  # live events in the year
    drafts: int
    planned: int  # events in the region's latest plan
    point: tuple[float, float] | None


@dataclass
class RegionCoverage:
    year: int
    counts: Counts
    centres: list[CentreRow]
    plan: LatestPlan | None

    @property
    def map_points(self) -> list[dict]:
        return [
            {
                "lat": row.point[0],
                "lon": row.point[1],
                "name": row.name,
                "colour": COLOURS[row.status],
            }
            for row in self.centres
            if row.point is not None
        ]


def region_coverage(region, year: int) -> RegionCoverage:
    """The region's family centres with their status in ``year``; four queries."""
    centres = (
        Institution.objects.family_centres()
        .filter(region=region)
        .order_by("name", "pk")
        .values_list("pk", "name", "town", "latitude", "longitude")
    )
    live, drafts = event_counts([region.pk], year)
    plan = latest_plans([region.pk], year).get(region.pk)
    counts, rows = Counts(), []
    for pk, name, town, latitude, longitude in centres:
        status = status_of(pk, live, drafts, plan)
        counts.add(status)
        point = (
            (float(latitude), float(longitude))
            if latitude is not None and longitude is not None
            else None
        )
        planned = plan.events.get(pk, 0) if plan is not None else 0
        rows.append(CentreRow(pk, name, town, status, live[pk], drafts[pk], planned, point))
    return RegionCoverage(year, counts, rows, plan)


@dataclass
class RegionRow:
    region: object
    counts: Counts
    plan: LatestPlan | None
    point: tuple[float, float] | None

    @property
    def status(self) -> str:
        """For the map: events where at least half the centres have events, planned where at
        least half have events or events planned, else none."""
        if not self.counts.centres:
            return NONE
        if 2 * self.counts.events >= self.counts.centres:
            return EVENTS
        if 2 * self.counts.with_events_or_planned >= self.counts.centres:
            return PLANNED
        return NONE


@dataclass
class StateCoverage:
    year: int
    rows: list[RegionRow]
    total: Counts = field(default_factory=Counts)

    @property
    def map_points(self) -> list[dict]:
        return [
            {
                "lat": row.point[0],
                "lon": row.point[1],
                "name": row.region.name,
                "colour": COLOURS[row.status],
            }
            for row in self.rows
            if row.point is not None
        ]


def state_coverage(regions, year: int) -> StateCoverage:
    """Every region's family centres by status in ``year``, in six queries whatever the number
    of regions (``regions``: a queryset of the regions to show)."""
    regions = list(regions.order_by("name"))
    ids = [region.pk for region in regions]
    live, drafts = event_counts(ids, year)
    plans = latest_plans(ids, year)
    counts = {region_id: Counts() for region_id in ids}
    total = Counts()
    for pk, region_id in (
        Institution.objects.family_centres()
        .filter(region_id__in=ids)
        .values_list("pk", "region_id")
    ):
        status = status_of(pk, live, drafts, plans.get(region_id))
        counts[region_id].add(status)
        total.add(status)
    positions = {
        region_id: (float(latitude), float(longitude))
        for region_id, latitude, longitude in Institution.objects.filter(
            region_id__in=ids, latitude__isnull=False, longitude__isnull=False
        )
        .values_list("region_id")
        .annotate(Avg("latitude"), Avg("longitude"))
        .order_by()
    }
    rows = [
        RegionRow(region, counts[region.pk], plans.get(region.pk), positions.get(region.pk))
        for region in regions
    ]
    return StateCoverage(year, rows, total)


def centres_with_events_planned(since, until) -> dict[int, int]:
    """The indicator of regional goals: per region, the family centres with events or events
    planned (see above) in the year being planned as of ``until``."""
    from .services.plans import planning_year

    year = planning_year(timezone.localtime(until - timedelta(seconds=1)).date())
    live, drafts = event_counts(_all_regions(), year)
    plans = latest_plans(_all_regions(), year)
    result = Counter()
    for pk, region_id in Institution.objects.family_centres().values_list("pk", "region_id"):
        if status_of(pk, live, drafts, plans.get(region_id)) != NONE:
            result[region_id] += 1
    return dict(result)


def _all_regions():
    from neuewege.core.models import Region

    return Region.objects.values("pk")
