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
from neuewege.events.models import EventSession
from neuewege.trainings.figures import centres_with_trained_staff

WINDOW_DAYS = 365


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    compute: Callable[[datetime, datetime], dict[int, int]]


def held_sessions(since, until):
    return EventSession.objects.of_live_events().filter(
        is_cancelled=False,
        starts_at__gte=since,
        starts_at__lt=until,
    )


def centres_with_event(since, until):
    return _events_figures(since, until)["centres_with_event"]


def events_held(since, until):
    return _events_figures(since, until)["events_held"]


def parents_reached(since, until):
    """Registrations marked present at a date in the window (a course's: its first date)."""
    return _events_figures(since, until)["parents_reached"]


def _events_figures(since, until) -> dict[str, dict[int, int]]:
    """The three figures of the events per region, counted together (four queries) and kept
    in the cache together."""
    key = f"figures:events:{since.isoformat()}:{until.isoformat()}"
    figures = cache.get(key)
    if figures is not None:
        return figures
    held, present = window_counts(since, until)
    centres, events, reached = set(), set(), defaultdict(int)
    for event, region, centre, dates in held:
        if dates:
            centres.add((region, centre))
            events.add((region, event))
    for region, _centre, attended in present:
        reached[region] += attended
    figures = {
        "centres_with_event": _per_region(centres),
        "events_held": _per_region(events),
        "parents_reached": {region: value for region, value in reached.items() if value},
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
        ),
        Indicator(
            "events_held",
            _("Events held in the last 12 months"),
            _("events"),
            events_held,
        ),
        Indicator(
            "parents_reached",
            _("Parents who came to an event in the last 12 months"),
            _("parents"),
            parents_reached,
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
    key = f"figures:{code}:{today.isoformat()}"
    every_region = cache.get(key)
    if every_region is None:
        every_region = INDICATORS[code].compute(*window(today))
        cache.set(key, every_region, settings.FIGURES_CACHE_SECONDS)
    return {region_id: every_region.get(region_id, 0) for region_id in region_ids}
