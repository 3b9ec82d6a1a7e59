"""The figures of the region dashboard and of the state overview: aggregates only, never a
parent's personal data. The state overview computes all regions in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import Institution, Region
from neuewege.evaluation import results as evaluation
from neuewege.evaluation.disclosure import Period
from neuewege.events.models import Format

from . import indicators, selectors
from .models import Meeting, RegionCheck, SteeringGroup, Task, check_is_old


@dataclass
class Coverage:
    """Family centres with an event in the last twelve months, of all family centres."""

    covered: int
    centres: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.centres) if self.centres else None


@dataclass(frozen=True)
class FormatCount:
    code: str
    name: str
    events: int  # with a date this quarter


@dataclass
class RegionDashboard:
    region: Region
    quarter: tuple[date, date]
    coverage: Coverage
    parents_reached: int
    events_by_format: list[FormatCount]
    open_tasks: int
    overdue_tasks: list[Task]
    goals: list[selectors.GoalProgress]
    steering_group: SteeringGroup | None
    next_meeting: Meeting | None
    latest_check: RegionCheck | None
    uncovered_centres: list[dict] = field(default_factory=list)  # name, town
    map_points: list[dict] = field(default_factory=list)
    centres_with_agreement: int | None = None  # when the agreements app counts them


def quarter_of(day: date) -> tuple[date, date]:
    """The first day of ``day``'s quarter and the first day of the next one."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, end


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def region_dashboard(region: Region, today: date | None = None) -> RegionDashboard:
    """The figures from the events (kept FIGURES_CACHE_SECONDS) and the region's own records
    (always current)."""
    today = today or timezone.localdate()
    events = _event_figures(region, today)
    covered = set(events["covered"])
    formats = Format.objects.order_by("pk").values_list("code", "name")
    open_tasks = list(
        selectors.tasks(region, today=today)
        .filter(is_done=False)
        .exclude(status=Task.Status.DROPPED)
    )
    return RegionDashboard(
        region=region,
        quarter=events["quarter"],
        coverage=Coverage(len(covered), len(events["centres"])),
        parents_reached=indicators.values("parents_reached", [region.id], today)[region.id],
        events_by_format=[
            FormatCount(code, name, events["per_format"].get(code, 0)) for code, name in formats
        ],
        open_tasks=len(open_tasks),
        overdue_tasks=[task for task in open_tasks if task.is_overdue],
        goals=selectors.goals(region, today),
        steering_group=SteeringGroup.objects.filter(region=region).first(),
        next_meeting=selectors.next_meeting(region),
        latest_check=selectors.checks(region).first(),
        uncovered_centres=[
            {"name": name, "town": town}
            for pk, name, town, _lat, _lon in events["centres"]
            if pk not in covered
        ],
        map_points=[
            {"lat": lat, "lon": lon, "name": name, "covered": pk in covered}
            for pk, name, _town, lat, lon in events["centres"]
            if lat is not None and lon is not None
        ],
        centres_with_agreement=(
            indicators.values("centres_with_agreement", [region.id], today)[region.id]
            if "centres_with_agreement" in indicators.INDICATORS
            else None
        ),
    )


def uncovered_centres(region: Region, today: date | None = None) -> list[dict]:
    """The region's family centres without an event in the last twelve months (pk, name,
    town), as the dashboard counts them."""
    events = _event_figures(region, today or timezone.localdate())
    covered = set(events["covered"])
    return [
        {"pk": pk, "name": name, "town": town}
        for pk, name, town, _lat, _lon in events["centres"]
        if pk not in covered
    ]


@dataclass(frozen=True)
class Headline:
    """One of the region's headline figures and its value over the twelve months before."""

    code: str
    label: str
    value: int | None
    previous: int | None
    percent: bool = False

    @property
    def change(self) -> int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def headline(region: Region, today: date | None = None) -> list[Headline]:
    """The dashboard's three headline figures — family centres reached (per cent), parents
    reached, family centres with an agreement in force — each over the last twelve months and
    the twelve months before (the same indicators; the numbers kept in the cache as one)."""
    today = today or timezone.localdate()
    numbers = _headline_numbers(region, today)
    centres = numbers["centres"]

    def share(count):
        return round(100 * count / centres) if centres else None

    covered, covered_before = numbers["centres_with_event"]
    parents, parents_before = numbers["parents_reached"]
    figures = [
        Headline(
            "coverage",
            _("Family centres with at least one event in the last 12 months"),
            share(covered),
            share(covered_before),
            percent=True,
        ),
        Headline(
            "parents",
            _("Parents who came to an event in the last 12 months"),
            parents,
            parents_before,
        ),
    ]
    if "centres_with_agreement" in numbers:
        agreed, agreed_before = numbers["centres_with_agreement"]
        figures.append(
            Headline(
                "agreements", _("Family centres with an agreement in force"), agreed, agreed_before
            )
        )
    return figures


def _headline_numbers(region: Region, today: date) -> dict:
    """The numbers of ``headline``: plain values, kept in the cache in one entry (a start page
    reads one key instead of eight)."""
    key = f"figures:headline:{region.id}:{today.isoformat()}"
    numbers = cache.get(key)
    if numbers is not None:
        return numbers
    before = today - timedelta(days=indicators.WINDOW_DAYS)
    codes = ["centres_with_event", "parents_reached"]
    if "centres_with_agreement" in indicators.INDICATORS:
        codes.append("centres_with_agreement")
    numbers = {
        "centres": len(_event_figures(region, today)["centres"]),
        **{
            code: (
                indicators.values(code, [region.id], today)[region.id],
                indicators.values(code, [region.id], before)[region.id],
            )
            for code in codes
        },
    }
    cache.set(key, numbers, settings.FIGURES_CACHE_SECONDS)
    return numbers


def _event_figures(region: Region, today: date) -> dict:
    """The region's family centres, those with an event in the last twelve months, and the
    events with a date this quarter per format: plain values, kept in the cache."""
    key = f"figures:region-formats:{region.id}:{today.isoformat()}"  # formats by code
    figures = cache.get(key)
    if figures is not None:
        return figures
    quarter = quarter_of(today)
    figures = {
        "quarter": quarter,
        "centres": [
            (pk, name, town, _float(lat), _float(lon))
            for pk, name, town, lat, lon in Institution.objects.family_centres()
            .filter(region=region)
            .order_by("name")
            .values_list("pk", "name", "town", "latitude", "longitude")
        ],
        # from the kept counts, with the region's other figures of the twelve months
        "covered": indicators.covered_centres(region.id, today),
        "per_format": indicators.events_by_format(
            _aware(quarter[0]), _aware(quarter[1]), regions=[region.id]
        ),
    }
    cache.set(key, figures, settings.FIGURES_CACHE_SECONDS)
    return figures


def _float(value):
    return None if value is None else float(value)


@dataclass
class RegionRow:
    region: Region
    coverage: Coverage
    events_held: int
    parents_reached: int
    last_check: date | None
    steering_group_active: bool
    centre: tuple[float, float] | None  # the mean position of its institutions, for the map
    check_is_old: bool = False  # its last Regionen-Check is old (models.CHECK_OLD_AFTER)

    @property
    def in_programme(self) -> bool:
        return bool(self.region.phase)


def state_overview(today: date | None = None) -> list[RegionRow]:
    """Every region's figures, in eight queries whatever the number of regions."""
    today = today or timezone.localdate()
    regions = list(Region.objects.order_by("name"))
    ids = [region.id for region in regions]
    centres = dict(
        Institution.objects.family_centres().values_list("region_id").annotate(Count("pk"))
    )
    covered = indicators.values("centres_with_event", ids, today)
    events = indicators.values("events_held", ids, today)
    parents = indicators.values("parents_reached", ids, today)
    last_checks = dict(
        RegionCheck.objects.values_list("region_id").annotate(Max("held_on")).order_by()
    )
    positions = {
        region_id: (float(latitude), float(longitude))
        for region_id, latitude, longitude in Institution.objects.filter(
            latitude__isnull=False, longitude__isnull=False
        )
        .values_list("region_id")
        .annotate(Avg("latitude"), Avg("longitude"))
        .order_by()
    }
    active_groups = set(
        SteeringGroup.objects.filter(is_active=True).values_list("region_id", flat=True)
    )
    return [
        RegionRow(
            region=region,
            coverage=Coverage(covered[region.id], centres.get(region.id, 0)),
            events_held=events[region.id],
            parents_reached=parents[region.id],
            last_check=last_checks.get(region.id),
            steering_group_active=region.id in active_groups,
            centre=positions.get(region.id),
            check_is_old=check_is_old(last_checks.get(region.id), today),
        )
        for region in regions
    ]


# The state level's start page: the programme's totals in NRW, each with the year before


@dataclass(frozen=True)
class Trend:
    """A figure now and a year before (None: not known)."""

    now: int | None
    before: int | None

    @property
    def change(self) -> int | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


@dataclass
class StateTotals:
    regions: int  # all regions of the state
    in_programme: Trend  # regions in a programme phase, today and a year ago
    centres: int  # family centres in the state
    centres_reached: Trend  # with an event in the last 12 months, and the 12 months before
    parents: Trend  # who came to an event, likewise
    events_by_format: list[tuple[str, Trend]]  # (format's name, events held), likewise


def state_totals(today: date | None = None) -> StateTotals:
    """The programme's totals in NRW: the last twelve months against the twelve months before
    (the regions in the programme: today against a year ago). A fixed number of queries,
    whatever the number of regions; the figures from the events come from the cache."""
    today = today or timezone.localdate()
    year_ago = today - timedelta(days=indicators.WINDOW_DAYS)
    regions = list(Region.objects.values_list("pk", "phase", "phase_start"))
    ids = [pk for pk, _phase, _start in regions]

    def total(code: str) -> Trend:
        return Trend(
            sum(indicators.values(code, ids, today).values()),
            sum(indicators.values(code, ids, year_ago).values()),
        )

    now, before = (
        indicators.events_by_format(*indicators.window(day)) for day in (today, year_ago)
    )
    formats = Format.objects.order_by("pk").values_list("code", "name")
    return StateTotals(
        regions=len(regions),
        in_programme=Trend(
            sum(1 for _pk, phase, _start in regions if phase),
            sum(1 for _pk, phase, start in regions if phase and (not start or start <= year_ago)),
        ),
        centres=Institution.objects.family_centres().count(),
        centres_reached=total("centres_with_event"),
        parents=total("parents_reached"),
        events_by_format=[
            (name, Trend(now.get(code, 0), before.get(code, 0))) for code, name in formats
        ],
    )


@dataclass(frozen=True)
class SurveyTrend:
    """A share of the parents' follow-up survey this year and last year, as the evaluation
    shows it: a figure of fewer than five responses reads "< 5" (``evaluation.Figure``)."""

    now: evaluation.Figure
    before: evaluation.Figure

    @property
    def change(self) -> int | None:
        """In percentage points; None unless both are shown."""
        if self.now.shown is None or self.before.shown is None:
            return None
        return self.now.shown - self.before.shown


@dataclass(frozen=True)
class SurveyTotals:
    year: int
    response_rate: SurveyTrend
    took_step: SurveyTrend


def survey_totals(today: date | None = None) -> SurveyTotals:
    """The response rate and the share who took a concrete step, in the whole state, this
    year and last year: the evaluation's results (its rules, its cache)."""
    moment = timezone.now() if today is None else _aware(today + timedelta(days=1))
    year = timezone.localdate(moment).year if today is None else today.year
    now, before = (
        evaluation.results(evaluation.Filters(Period.year(each)), now=moment).total
        for each in (year, year - 1)
    )
    return SurveyTotals(
        year=year,
        response_rate=SurveyTrend(now.response_rate, before.response_rate),
        took_step=SurveyTrend(now.took_step_share, before.took_step_share),
    )
