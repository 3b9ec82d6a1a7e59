"""Figures the platform computes for regional goals and the dashboards: each over the last
twelve months, for all regions at once (the events' figures from the evaluation's kept counts,
``aggregates.window_counts``), and kept FIGURES_CACHE_SECONDS in the
cache (they move slowly; the pages say how old they may be). Apps above cooperation in the
layers add theirs with ``register_indicator`` (coverage, agreements)."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neuewege.evaluation.aggregates import window_counts
from neuewege.trainings.figures import centres_with_trained_staff

WINDOW_DAYS = 365


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    compute: Callable[..., dict[int, int]]
    # computes for some regions only (``regions=``): a page of one region counts its own
    by_region: bool = False


def events_by_format(since, until, regions=None) -> dict[str, int]:
    """The events with a date held in [since, until) per format (its code), of every region or
    of ``regions``."""
    per_region = _events_figures(since, until, regions)["events_by_format"]
    counted = defaultdict(int)
    for region in per_region if regions is None else regions:
        for code, events in per_region.get(region, {}).items():
            counted[code] += events
    return dict(counted)


def centres_with_event(since, until, regions=None):
    return _events_figures(since, until, regions)["centres_with_event"]


def events_held(since, until, regions=None):
    return _events_figures(since, until, regions)["events_held"]


def parents_reached(since, until, regions=None):
    """Registrations marked present at a date in the window (a course's: its first date)."""
    return _events_figures(since, until, regions)["parents_reached"]


def covered_centres(region_id: int, today: date | None = None) -> list[int]:
    """The region's family centres with a date held in the last twelve months (ids, sorted):
    those ``centres_with_event`` counts."""
    return _events_figures(*window(today), [region_id])["covered"].get(region_id, [])


def _events_figures(since, until, regions=None) -> dict[str, dict]:
    """The three figures of the events per region (and the family centres covered, and the
    events per format), counted together (four queries) and kept in the cache together: of
    every region, or of ``regions`` only unless every region's are in the cache."""
    key = f"figures:events:{since.isoformat()}:{until.isoformat()}"  # with covered, formats
    figures = cache.get(key)
    if figures is not None:
        return figures
    if regions is not None:
        key += ":" + ",".join(str(region) for region in sorted(regions))
        figures = cache.get(key)
        if figures is not None:
            return figures
    held, present = window_counts(since, until, regions=regions)
    centres, events, reached = set(), set(), defaultdict(int)
    by_format = defaultdict(lambda: defaultdict(set))
    for event, region, centre, code, dates in held:
        if dates:
            centres.add((region, centre))
            events.add((region, event))
            by_format[region][code].add(event)
    for region, _centre, attended in present:
        reached[region] += attended
    covered = defaultdict(list)
    for region, centre in sorted(centres):
        covered[region].append(centre)
    figures = {
        "centres_with_event": _per_region(centres),
        "events_held": _per_region(events),
        "parents_reached": {region: value for region, value in reached.items() if value},
        "covered": dict(covered),
        "events_by_format": {
            region: {code: len(events) for code, events in formats.items()}
            for region, formats in by_format.items()
        },
    }
    cache.set(key, figures, settings.FIGURES_CACHE_SECONDS)
    return figures


def _per_region(pairs) -> dict[int, int]:
    counted = defaultdict(int)
    for region, _thing in pairs:
        counted[region] += 1
    return dict(counted)


INDICATORS = {
    indicator.code: indicator
    for indicator in [
        Indicator(
            "centres_with_event",
            _("Family centres with at least one event in the last 12 months"),
            _("family centres"),
            centres_with_event,
            by_region=True,
        ),
        Indicator(
            "events_held",
            _("Events held in the last 12 months"),
            _("events"),
            events_held,
            by_region=True,
        ),
        Indicator(
            "parents_reached",
            _("Parents who came to an event in the last 12 months"),
            _("parents"),
            parents_reached,
            by_region=True,
        ),
        Indicator(
            "centres_with_trained_staff",
            _("Family centres with staff who attended a cooperative or speaker training"),
            _("family centres"),
            centres_with_trained_staff,
        ),
    ]
}


def register_indicator(indicator: Indicator) -> Indicator:
    """Add a figure of an app above cooperation in the layers (e.g. coverage's planned events),
    from its ``AppConfig.ready()``: cooperation imports no such app."""
    INDICATORS.setdefault(indicator.code, indicator)  # ready() may run more than once
    return INDICATORS[indicator.code]


def window(today: date | None = None) -> tuple[datetime, datetime]:
    """The last twelve months up to the end of ``today`` (Berlin time)."""
    today = today or timezone.localdate()
    until = timezone.make_aware(datetime.combine(today + timedelta(days=1), time()))
    return until - timedelta(days=WINDOW_DAYS), until


def values(code: str, region_ids: Iterable[int], today: date | None = None) -> dict[int, int]:
    """The indicator's value per region (regions without any count 0)."""
    today = today or timezone.localdate()
    region_ids = list(region_ids)
    key = f"figures:{code}:{today.isoformat()}"
    every_region = cache.get(key)
    if every_region is None:
        indicator = INDICATORS[code]
        if indicator.by_region and len(region_ids) == 1:
            # one region's page: its own figures (kept in the cache per region)
            every_region = indicator.compute(*window(today), regions=region_ids)
        else:
            every_region = indicator.compute(*window(today))
            cache.set(key, every_region, settings.FIGURES_CACHE_SECONDS)
    return {region_id: every_region.get(region_id, 0) for region_id in region_ids}
