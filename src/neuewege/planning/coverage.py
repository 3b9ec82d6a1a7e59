"""Speaker and coverage planning (issue 15, items 2-4): which family centres a region can serve,
with which speakers, over a year.

Plain dataclasses in (:class:`Instance`), plain dataclasses out (:class:`Plan`); no Django.

The problem
-----------
Family centres ask for events (:class:`Request`: a format, how many per month, half-year or
year, within the centre's opening half-days, never in the months it avoids). Speakers of the
employment agency (AA), the job centre (JC) or an education provider moderate them: only formats
they are qualified for, only centres within their travel limits (road distance estimated as the
great-circle distance x ``Instance.road_factor``, time at ``Instance.speed_kmh``), only within
their hours per month and never in months or on days they are unavailable. Hard rules:

- **qualification, reach, availability** as above (a speaker serves only centres of their own
  region unless ``Speaker.other_regions``);
- **hours**: a speaker's events of a month (``modules x Format.hours`` each) fit their
  ``hours_per_month``;
- **half-days**: the plan gives each event a month and, per module, a weekly half-day slot
  (weekday and part of the day: early, morning, afternoon, late; early and morning form the
  morning half-day, afternoon and late the afternoon one). A speaker holds at most one event per
  half-day, so in a month at most as many events in a weekday's half-day as that weekday has
  dates on which the speaker is available: the dates themselves are chosen when the plan
  becomes events (item 5). This also keeps a speaker from being in two places at once;
- **opening hours and avoided months**: an event only in a slot the centre is open and never in
  a month it avoids;
- **pairs**: a format with ``roles`` (the Elternkurs: ``("AA", "JC")``) needs one speaker of each
  institution kind for every module, both in the same slot;
- **pins**: a pinned request occurrence (request, month, speakers) is kept; a pin that cannot be
  kept is reported (:class:`Relaxation`), never silently dropped.

Objectives, in strict priority (lexicographic)
----------------------------------------------
1. ``centres_covered``: family centres whose requests are all served (centres without requests
   do not count);
2. ``requests_served``: request occurrences served (a café every month is 12 occurrences);
3. ``max_load_percent``: the largest share of a speaker's hours of the year used (fair load);
4. ``travel_km``: the road kilometres driven (there and back, per module and speaker).

How it is solved
----------------
**Units.** Speakers and centres linked by an eligible arc (a speaker qualified for a request of
the centre and within reach) form a unit; units are independent and solved one by one (in
``Options.workers`` threads when there are several; a single unit gets all workers). Where
speakers serve only their own region, units are regions and their bounds add up.

**The counts model.** Occurrences of a request are interchangeable, so the variables are counts:
``x[r, role, s, m]``, the events of request ``r`` whose ``role`` speaker is ``s`` in month ``m``
(demand aggregated per month, not per occurrence). ``served[r, m] = Σ_s x[r, role, s, m]`` for
every role (pairs: one AA and one JC speaker per event), at most ``count`` per period. Hours per
speaker and month are linear. The half-day rule enters as its necessary conditions per speaker
and month: at a centre, events ≤ the speaker's available dates in the centre's open half-days;
in all, events ≤ available dates in the open half-days of every centre in reach. Whole-centre
coverage: ``covered[j] ≤ full[r]`` with ``full[r] ⇒ Σ served[r, ·] = demand``.

**Bounds.** The *LP core* (GLOP, per unit) relaxes the counts model further, aggregated over
the months (a transportation problem: events of a request by a speaker in a half-year or the
year, at most the speaker's eligible months there; a speaker's minutes of the year): every plan
gives one of its solutions, so its optimum bounds objectives 1 and 2, in about a twelfth of the
counts model's variables. Its centre values also order the greedy's restarts.

**Greedy.** Pins first; then centres by the LP's values (or cheapest first), each with all its
requests or none; then any further occurrence that fits. Speakers under the least pressure
first (pressure: the demand of the requests and roles a speaker may serve as a share of the
minutes of all who may serve them, added up: a region's only AA moderator of courses is kept
for courses), then best fit. Restarts with noise on the order while a share of the time lasts
(all of it for one of several units with less than ``CP_SECONDS`` and more than ``CP_SMALL``
occurrences: CP-SAT would not get past its presolve there; the state of bench/coverage.py leaves
about a second per region).

**CP-SAT** solves the counts model stage by stage, warm-started from the best greedy plan and
time-limited: the centres covered alone (its search then moves only on what matters most), then
the requests served with the centres held (together ``W x covered + served`` with ``W`` above
any number of occurrences: exactly lexicographic), then the load, then travel, each stage held
to the value reached before. The LP bounds enter as cuts; CP-SAT's proven bound tightens them
(with two or more workers one of them is the full-problem worker with the strongest LP and its
cuts, which proves bounds the LP core cannot: bench/coverage.py's region at 43, its optimum,
where the LP core says 44).

**Slots.** The counts are turned into events (pairs: AA and JC speakers zipped) and each module
gets a half-day slot by a small exact model per unit (slot capacity per speaker, month, weekday
and half-day; a pair needs a slot both have; preferred slots first). An event that cannot get a
slot (the conditions above are necessary, not sufficient: rarely) is dropped with reason
``half_days``. If the result covers fewer centres than the greedy plan (only after such drops or
a time-out), the greedy plan is returned. Every plan is checked by :func:`violations`.
"""

from __future__ import annotations

import calendar
import math
import time
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from .common import Reason

CentreId = Hashable
SpeakerId = Hashable
RequestId = Hashable

PARTS = ("early", "morning", "afternoon", "late")
HALF_DAY = {"early": 0, "morning": 0, "afternoon": 1, "late": 1}
INSTITUTIONS = ("AA", "JC", "provider")
FUNCTIONS = ("bca", "placement_officer", "case_manager", "other")
PERIODS = ("month", "half_year", "year")
CP_SECONDS = 3.0  # a unit with less time (one of several) gets the greedy's restarts only …
CP_SMALL = 200  # … unless it has at most this many occurrences: CP-SAT proves those at once
Slot = tuple[int, str]  # (weekday 0 = Monday … 6, part of the day)
_Key = tuple[int, int]  # (weekday, half-day 0 = morning / 1 = afternoon)

# ---------------------------------------------------------------------------------------------
# The instance
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class FamilyCentre:
    """``opening``: the weekly slots the centre is open for events, e.g. ``(0, "morning")``.
    ``avoid_months``: months (1-12) without events (holidays)."""

    id: CentreId
    region: str
    location: Location
    opening: frozenset[Slot]
    avoid_months: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Format:
    """An event format. ``hours``: per module and speaker. ``modules``: dates per event (the
    Elternkurs: 5). ``roles``: institution kinds that must each provide a speaker (the
    Elternkurs: ``("AA", "JC")``); empty: one speaker of any kind."""

    id: str
    hours: float
    modules: int = 1
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Request:
    """A centre's wish: ``count`` events of ``format`` per ``per`` (``"month"``, ``"half_year"``
    or ``"year"``), at most ``count`` in a month when ``per == "month"``, else at most one a
    month. ``preferred``: slots to use when possible (soft). ``avoid_months``: months without
    events of this request, besides the centre's."""

    id: RequestId
    centre: CentreId
    format: str
    count: int = 1
    per: str = "year"
    preferred: frozenset[Slot] = frozenset()
    avoid_months: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Speaker:
    """A person who may moderate events. ``institution``: AA, JC or provider; ``function``:
    bca, placement_officer, case_manager or other. ``max_km`` / ``max_minutes``: the farthest a
    centre may be by road (one way); ``None``: no limit of that kind."""

    id: SpeakerId
    region: str
    institution: str
    function: str
    formats: frozenset[str]
    hours_per_month: float
    home: Location
    max_km: float | None = None
    max_minutes: float | None = None
    unavailable_days: frozenset[date] = frozenset()
    unavailable_months: frozenset[int] = frozenset()
    other_regions: bool = False


@dataclass(frozen=True)
class Pin:
    """One occurrence of ``request`` fixed to ``month`` with ``speakers`` (one per role)."""

    request: RequestId
    month: int
    speakers: tuple[SpeakerId, ...]


@dataclass(frozen=True)
class Instance:
    year: int
    months: tuple[int, ...]
    centres: tuple[FamilyCentre, ...]
    formats: tuple[Format, ...]
    requests: tuple[Request, ...]
    speakers: tuple[Speaker, ...]
    pins: tuple[Pin, ...] = ()
    road_factor: float = 1.3
    speed_kmh: float = 50.0


@dataclass(frozen=True)
class Scenario:
    """A variant of an instance: speakers added or removed, hours changed, centres and requests
    added (:func:`apply_scenario`)."""

    name: str
    add_speakers: tuple[Speaker, ...] = ()
    remove_speakers: tuple[SpeakerId, ...] = ()
    hours_per_month: Mapping[SpeakerId, float] = field(default_factory=dict)
    add_centres: tuple[FamilyCentre, ...] = ()
    add_requests: tuple[Request, ...] = ()


@dataclass(frozen=True)
class Options:
    """``time_limit_seconds`` for everything; ``workers``: CP-SAT workers (a single unit) or
    units solved at once (several units, one worker each)."""

    time_limit_seconds: float = 60.0
    workers: int = 2
    random_seed: int = 0


class InvalidInstance(ValueError):
    """Malformed input (unknown or duplicate ids, unknown format, period or slot)."""


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """One event: ``speakers`` one per role, ``slots`` one per module."""

    request: RequestId
    centre: CentreId
    format: str
    month: int
    speakers: tuple[SpeakerId, ...]
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class RequestPlan:
    request: RequestId
    centre: CentreId
    format: str
    demand: int
    served: int
    reason: Reason | None


@dataclass(frozen=True)
class CentrePlan:
    """``status``: ``covered``, ``partly`` (some occurrences served), ``none`` or
    ``no_requests``; ``reasons``: why not covered (of its requests)."""

    centre: CentreId
    region: str
    status: str
    demand: int
    served: int
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class SpeakerLoad:
    speaker: SpeakerId
    hours_by_month: Mapping[int, float]
    hours_available: float  # over the year's months the speaker is available
    events: int
    travel_km: float

    @property
    def hours(self) -> float:
        return sum(self.hours_by_month.values())

    @property
    def load(self) -> float:
        return self.hours / self.hours_available if self.hours_available else 0.0


@dataclass(frozen=True)
class Relaxation:
    pin: Pin
    reason: Reason


@dataclass(frozen=True)
class Objective:
    """Value and the best bound proven (``None``: none). Bounds of later objectives hold given
    the values reached by the earlier ones (objective 2's LP bound holds on its own)."""

    name: str
    sense: str
    value: float
    bound: float | None

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        return abs(self.value - self.bound) / max(1.0, abs(self.value))


@dataclass(frozen=True)
class Plan:
    """``status``: ``optimal`` (every objective proven), ``time_limit`` (see ``gap``),
    ``heuristic`` (greedy) or ``bound`` (the LP core: bounds only, the greedy plan)."""

    assignments: tuple[Assignment, ...]
    centres: tuple[CentrePlan, ...]
    requests: tuple[RequestPlan, ...]
    loads: tuple[SpeakerLoad, ...]
    relaxations: tuple[Relaxation, ...]
    objectives: Mapping[str, Objective]
    status: str
    gap: float | None
    wall_seconds: float
    solver: str

    @property
    def centres_covered(self) -> int:
        return int(self.objectives["centres_covered"].value)

    @property
    def requests_served(self) -> int:
        return int(self.objectives["requests_served"].value)

    def covered(self) -> frozenset:
        return frozenset(c.centre for c in self.centres if c.status == "covered")


@dataclass(frozen=True)
class Comparison:
    """Two plans on the same data: ``gained``/``lost``: centres covered only in the scenario /
    only in the base; ``marginal``: per added speaker, centres covered with that speaker alone
    added to the base minus the base's."""

    base: Plan
    scenario: Plan
    covered_difference: int
    gained: tuple[CentreId, ...]
    lost: tuple[CentreId, ...]
    served_by_format: Mapping[str, tuple[int, int]]
    marginal: Mapping[SpeakerId, int]


# ---------------------------------------------------------------------------------------------
# Geometry and calendar
# ---------------------------------------------------------------------------------------------


def haversine_km(a: Location, b: Location) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def road_km(instance: Instance, a: Location, b: Location) -> float:
    return haversine_km(a, b) * instance.road_factor


def reaches(instance: Instance, speaker: Speaker, centre: FamilyCentre) -> bool:
    """Within the speaker's travel limits (and region) by road."""
    if centre.region != speaker.region and not speaker.other_regions:
        return False
    km = road_km(instance, speaker.home, centre.location)
    if speaker.max_km is not None and km > speaker.max_km:
        return False
    return speaker.max_minutes is None or km / instance.speed_kmh * 60 <= speaker.max_minutes


def half_day_capacity(year: int, month: int, speaker: Speaker) -> dict[_Key, int]:
    """Per (weekday, half-day): the dates of the month the speaker is available."""
    if month in speaker.unavailable_months:
        return {}
    capacity: dict[_Key, int] = defaultdict(int)
    for day in range(1, calendar.monthrange(year, month)[1] + 1):
        d = date(year, month, day)
        if d not in speaker.unavailable_days:
            capacity[(d.weekday(), 0)] += 1
            capacity[(d.weekday(), 1)] += 1
    return dict(capacity)


def _key(slot: Slot) -> _Key:
    return (slot[0], HALF_DAY[slot[1]])


def periods(instance: Instance, request: Request, centre: FamilyCentre):
    """The request's periods as (months allowed, count); a period whose months are all avoided
    keeps an empty tuple (its demand cannot be served)."""
    months = sorted(instance.months)
    avoid = centre.avoid_months | request.avoid_months
    if request.per == "month":
        groups = [[m] for m in months if m not in avoid]
    elif request.per == "half_year":
        groups = [g for g in ([m for m in months if m <= 6], [m for m in months if m > 6]) if g]
    else:
        groups = [months]
    return [(tuple(m for m in g if m not in avoid), request.count) for g in groups]


def apply_scenario(instance: Instance, scenario: Scenario) -> Instance:
    removed = set(scenario.remove_speakers)
    speakers = [
        replace(s, hours_per_month=scenario.hours_per_month[s.id])
        if s.id in scenario.hours_per_month
        else s
        for s in instance.speakers
        if s.id not in removed
    ]
    speakers += [
        replace(s, hours_per_month=scenario.hours_per_month.get(s.id, s.hours_per_month))
        for s in scenario.add_speakers
    ]
    kept = {s.id for s in speakers}
    pins = tuple(p for p in instance.pins if all(s in kept for s in p.speakers))
    return replace(
        instance,
        speakers=tuple(speakers),
        centres=instance.centres + tuple(scenario.add_centres),
        requests=instance.requests + tuple(scenario.add_requests),
        pins=pins,
    )


# ---------------------------------------------------------------------------------------------
# Preparation
# ---------------------------------------------------------------------------------------------


def _index(items, what) -> dict:
    index = {}
    for i, item in enumerate(items):
        if item.id in index:
            raise InvalidInstance(f"duplicate {what} {item.id!r}")
        index[item.id] = i
    return index


class _Prepared:
    """Indices: requests ``r``, speakers ``s``, centres ``j``; arcs and capacities."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.centres, self.speakers = instance.centres, instance.speakers
        self.requests = instance.requests
        self.j_index = _index(self.centres, "family centre")
        self.s_index = _index(self.speakers, "speaker")
        self.r_index = _index(self.requests, "request")
        self.formats = {f.id: f for f in instance.formats}
        self.months = tuple(sorted(set(instance.months)))
        if any(not 1 <= m <= 12 for m in self.months):
            raise InvalidInstance(f"months {self.months}")
        for centre in self.centres:
            for slot in centre.opening:
                if slot[1] not in HALF_DAY or not 0 <= slot[0] <= 6:
                    raise InvalidInstance(f"centre {centre.id!r}: slot {slot!r}")
        for speaker in self.speakers:
            if speaker.hours_per_month < 0:
                raise InvalidInstance(f"speaker {speaker.id!r}: negative hours")
        self.keys = [frozenset(_key(slot) for slot in c.opening) for c in self.centres]
        self.cap = [
            {m: half_day_capacity(instance.year, m, s) for m in self.months} for s in self.speakers
        ]
        self.minutes = [round(s.hours_per_month * 60) for s in self.speakers]
        self.km = {}
        # requests
        self.centre_of, self.format_of, self.roles = [], [], []
        self.periods, self.permonth, self.demand, self.load = [], [], [], []
        self.arcs: list[list[list[int]]] = []  # r -> role -> speakers
        self.months_of: list[dict[int, tuple[int, ...]]] = []  # r -> s -> months
        self.by_centre = defaultdict(list)
        for r, request in enumerate(self.requests):
            if request.centre not in self.j_index:
                raise InvalidInstance(f"request {request.id!r}: unknown centre {request.centre!r}")
            if request.format not in self.formats:
                raise InvalidInstance(f"request {request.id!r}: unknown format {request.format!r}")
            if request.per not in PERIODS or request.count < 1:
                raise InvalidInstance(f"request {request.id!r}: {request.count} per {request.per}")
            j = self.j_index[request.centre]
            fmt = self.formats[request.format]
            centre = self.centres[j]
            self.by_centre[j].append(r)
            self.centre_of.append(j)
            self.format_of.append(fmt)
            self.roles.append(fmt.roles or (None,))
            self.periods.append(periods(instance, request, centre))
            self.permonth.append(request.count if request.per == "month" else 1)
            self.demand.append(sum(c for _, c in self.periods[-1]))
            self.load.append(fmt.modules * round(fmt.hours * 60))
            allowed = {m for months, _ in self.periods[-1] for m in months}
            role_arcs, months_of = [], {}
            for role in self.roles[-1]:
                speakers = []
                for s, speaker in enumerate(self.speakers):
                    if fmt.id not in speaker.formats or (role and speaker.institution != role):
                        continue
                    if not reaches(instance, speaker, centre):
                        continue
                    months = tuple(
                        m
                        for m in self.months
                        if m in allowed
                        and self.minutes[s] >= self.load[-1]
                        and sum(self.cap[s][m].get(k, 0) for k in self.keys[j]) >= fmt.modules
                    )
                    if months:
                        speakers.append(s)
                        months_of[s] = months
                        self.km[s, j] = road_km(instance, speaker.home, centre.location)
                role_arcs.append(speakers)
            self.arcs.append(role_arcs)
            self.months_of.append(months_of)
        # pressure on a speaker: the demand (minutes) of each request and role they may serve,
        # as a share of the minutes of all speakers who may serve it, added up
        self.pressure = [0.0] * len(self.speakers)
        for r in range(len(self.requests)):
            for role in self.arcs[r]:
                supply = sum(self.minutes[s] for s in role) or 1
                for s in role:
                    self.pressure[s] += self.demand[r] * self.load[r] / supply
        # pins
        self.pins: list[tuple[int, int, tuple[int, ...], Pin]] = []
        self.pin_relaxations: list[Relaxation] = []
        for pin in instance.pins:
            if pin.request not in self.r_index:
                raise InvalidInstance(f"pin of unknown request {pin.request!r}")
            r = self.r_index[pin.request]
            unknown = [s for s in pin.speakers if s not in self.s_index]
            if unknown:
                raise InvalidInstance(f"pin of {pin.request!r}: unknown speakers {unknown!r}")
            ss = tuple(self.s_index[s] for s in pin.speakers)
            ok = len(ss) == len(self.roles[r]) and all(
                s in self.arcs[r][i] and pin.month in self.months_of[r][s] for i, s in enumerate(ss)
            )
            if ok:
                self.pins.append((r, pin.month, ss, pin))
            else:
                self.pin_relaxations.append(Relaxation(pin, Reason("pin_not_eligible")))

    def period_of(self, r: int, m: int) -> int | None:
        for p, (months, _) in enumerate(self.periods[r]):
            if m in months:
                return p
        return None

    def units(self) -> list[tuple[list[int], list[int]]]:
        """Connected components of centres and speakers: (requests, speakers)."""
        parent = list(range(len(self.centres) + len(self.speakers)))

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        offset = len(self.centres)
        for r in range(len(self.requests)):
            for role in self.arcs[r]:
                for s in role:
                    parent[find(offset + s)] = find(self.centre_of[r])
        groups: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
        for r in range(len(self.requests)):
            groups[find(self.centre_of[r])][0].append(r)
        for s in range(len(self.speakers)):
            groups[find(offset + s)][1].append(s)
        return [g for g in groups.values() if g[0]]


# ---------------------------------------------------------------------------------------------
# Events with slots (the plan's inner form) and the greedy heuristic
# ---------------------------------------------------------------------------------------------


@dataclass
class _Event:
    r: int
    m: int
    speakers: tuple[int, ...]
    keys: list[_Key]
    pinned: bool = False


class _State:
    """Remaining minutes and half-day dates per speaker and month."""

    def __init__(self, prep: _Prepared):
        self.prep = prep
        self.minutes = [
            dict.fromkeys(prep.months, prep.minutes[s]) for s in range(len(prep.speakers))
        ]
        self.cap = [{m: dict(c) for m, c in caps.items()} for caps in prep.cap]
        self.count: dict[tuple[int, int], int] = defaultdict(int)  # (r, m) -> events
        self.period_count: dict[tuple[int, int], int] = defaultdict(int)

    def slots_for(self, r: int, m: int, speakers: Sequence[int]) -> list[_Key] | None:
        prep = self.prep
        modules = prep.format_of[r].modules
        request = prep.requests[r]
        preferred = {_key(slot) for slot in request.preferred}
        keys = sorted(
            prep.keys[prep.centre_of[r]],
            key=lambda k: (k not in preferred, -min(self.cap[s][m].get(k, 0) for s in speakers)),
        )
        chosen, used = [], defaultdict(int)
        for _ in range(modules):
            for k in keys:
                if all(self.cap[s][m].get(k, 0) > used[k] for s in speakers):
                    chosen.append(k)
                    used[k] += 1
                    break
            else:
                return None
        return chosen

    def can(self, r: int, m: int) -> bool:
        p = self.prep.period_of(r, m)
        return (
            p is not None
            and self.count[r, m] < self.prep.permonth[r]
            and self.period_count[r, p] < self.prep.periods[r][p][1]
        )

    def apply(self, event: _Event, sign: int = 1):
        prep = self.prep
        for s in event.speakers:
            self.minutes[s][event.m] -= sign * prep.load[event.r]
            for k in event.keys:
                self.cap[s][event.m][k] -= sign
        self.count[event.r, event.m] += sign
        self.period_count[event.r, prep.period_of(event.r, event.m)] += sign

    def place(self, r: int, months: Sequence[int]) -> _Event | None:
        """An event of request ``r`` in one of ``months``: the speakers with most minutes left."""
        prep = self.prep
        load = prep.load[r]
        for m in sorted(months, key=lambda m: -self._room(r, m)):
            if not self.can(r, m):
                continue
            candidates = []
            for role in prep.arcs[r]:
                ok = [s for s in role if m in prep.months_of[r][s] and self.minutes[s][m] >= load]
                # the least demanded speakers first (a course's only AA moderator is kept for
                # courses), then best fit: the fewest minutes left that suffice
                ok.sort(key=lambda s: (prep.pressure[s], self.minutes[s][m], s))
                candidates.append(ok[:4])
            if not all(candidates):
                continue
            for combo in _combinations(candidates):
                keys = self.slots_for(r, m, combo)
                if keys is not None:
                    event = _Event(r, m, combo, keys)
                    self.apply(event)
                    return event
        return None

    def _room(self, r: int, m: int) -> int:
        return sum(self.minutes[s][m] for role in self.prep.arcs[r] for s in role)


def _combinations(candidates: list[list[int]]):
    if len(candidates) == 1:
        for s in candidates[0]:
            yield (s,)
        return
    first, rest = candidates[0], candidates[1:]
    for s in first:
        for tail in _combinations(rest):
            yield (s, *tail)


def _greedy(prep: _Prepared, requests: Sequence[int] | None = None, priority=None):
    """Pins first; then centres cheapest first (or by ``priority``, highest first: the LP's
    values), each all or nothing; then what else fits."""
    state = _State(prep)
    events: list[_Event] = []
    relaxed = list(prep.pin_relaxations)
    wanted = set(range(len(prep.requests)) if requests is None else requests)
    for r, m, ss, pin in prep.pins:
        if r not in wanted:
            continue
        keys = state.slots_for(r, m, ss) if state.can(r, m) else None
        if keys is None or any(state.minutes[s][m] < prep.load[r] for s in ss):
            relaxed.append(Relaxation(pin, Reason("pin_conflict")))
            continue
        event = _Event(r, m, ss, keys, True)
        state.apply(event)
        events.append(event)
    centres = sorted(
        {prep.centre_of[r] for r in wanted},
        key=lambda j: (
            -(priority or {}).get(j, 0.0),
            sum(prep.demand[r] * prep.load[r] * len(prep.roles[r]) for r in prep.by_centre[j]),
            j,
        ),
    )
    for j in centres:
        added = []
        ok = True
        for r in sorted(prep.by_centre[j], key=lambda r: -prep.load[r] * len(prep.roles[r])):
            for p, (months, count) in enumerate(prep.periods[r]):
                while ok and state.period_count[r, p] < count:
                    event = state.place(r, months) if months else None
                    if event is None:
                        ok = False
                    else:
                        added.append(event)
            if not ok:
                break
        if ok:
            events += added
        else:
            for event in reversed(added):
                state.apply(event, -1)
    for j in centres:
        for r in prep.by_centre[j]:
            for p, (months, count) in enumerate(prep.periods[r]):
                while months and state.period_count[r, p] < count:
                    event = state.place(r, months)
                    if event is None:
                        break
                    events.append(event)
    return events, relaxed


# ---------------------------------------------------------------------------------------------
# The LP core: bounds
# ---------------------------------------------------------------------------------------------


def _lp_bounds(prep: _Prepared, requests: Sequence[int], speakers: Sequence[int]):
    """The LP core: (bound on centres covered, bound on requests served, the LP's value of each
    centre). A relaxation of the counts model aggregated over the months (a transportation
    problem): ``y[r, role, s, g]``, the events of request ``r`` by ``s`` in a group of months
    ``g`` (a half-year or the year; a monthly request's months pooled), at most as many as ``s``
    has eligible months in ``g``; a speaker's minutes of the year. Every plan gives a solution,
    so its optimum bounds every plan; it has a twelfth of the counts model's variables."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    full, covered = {}, {}
    served_terms = []
    load = defaultdict(list)
    for r in requests:
        if prep.requests[r].per == "month":
            groups = [(tuple(m for months, _ in prep.periods[r] for m in months), prep.demand[r])]
        else:
            groups = prep.periods[r]
        total = []
        for months, count in groups:
            if not months:
                continue
            served = solver.NumVar(0, count, "")
            total.append(served)
            for role in prep.arcs[r]:
                terms = []
                for s in role:
                    eligible = sum(1 for m in prep.months_of[r][s] if m in months)
                    if eligible:
                        v = solver.NumVar(0, eligible * prep.permonth[r], "")
                        terms.append(v)
                        load[s].append((v, r))
                solver.Add(solver.Sum(terms) == served if terms else served == 0)
        served_terms += total
        full[r] = solver.NumVar(0, 1, "")
        if any(not months for months, _ in prep.periods[r]) or not total:
            solver.Add(full[r] == 0)
        else:
            solver.Add(prep.demand[r] * full[r] <= solver.Sum(total))
    for s, terms in load.items():
        months = sum(1 for m in prep.months if prep.cap[s][m])
        solver.Add(solver.Sum([v * prep.load[r] for v, r in terms]) <= prep.minutes[s] * months)
    for j in {prep.centre_of[r] for r in requests}:
        covered[j] = solver.NumVar(0, 1, "")
        for r in prep.by_centre[j]:
            solver.Add(covered[j] <= full[r])
    results, values = [], {}
    for objective in (solver.Sum(list(covered.values())), solver.Sum(served_terms)):
        solver.Maximize(objective)
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            results.append(None)
            continue
        results.append(math.floor(solver.Objective().Value() + 1e-6))
        if not values:
            values = {j: v.solution_value() for j, v in covered.items()}
    return results[0], results[1], values


# ---------------------------------------------------------------------------------------------
# CP-SAT over the counts model, per unit
# ---------------------------------------------------------------------------------------------


@dataclass
class _UnitResult:
    events: list[_Event]
    covered_bound: int | None
    served_bound: int | None
    load_bound: float | None
    travel_bound: float | None
    optimal: bool


def _travel(prep: _Prepared, r: int, s: int) -> int:
    """Tenths of a kilometre for one event's speaker ``s``: there and back, per module."""
    return prep.format_of[r].modules * round(2 * prep.km.get((s, prep.centre_of[r]), 0.0) * 10)


def _solve_unit(prep, requests, speakers, hint, seconds, workers, seed, lp) -> _UnitResult:
    deadline = time.monotonic() + seconds
    model = cp_model.CpModel()
    x, served, full, covered = {}, {}, {}, {}
    by_sm = defaultdict(list)
    by_smj = defaultdict(list)
    for r in requests:
        months_r = sorted({m for months, _ in prep.periods[r] for m in months})
        for m in months_r:
            served[r, m] = model.NewIntVar(0, prep.permonth[r], "")
        for i, role in enumerate(prep.arcs[r]):
            terms = defaultdict(list)
            for s in role:
                for m in prep.months_of[r][s]:
                    x[r, i, s, m] = v = model.NewIntVar(0, prep.permonth[r], "")
                    terms[m].append(v)
                    by_sm[s, m].append((v, r))
                    by_smj[s, m, prep.centre_of[r]].append((v, r))
            for m in months_r:
                model.Add(sum(terms[m]) == served[r, m])
        for months, count in prep.periods[r]:
            if months:
                model.Add(sum(served[r, m] for m in months) <= count)
        full[r] = model.NewBoolVar("")
        if any(not months for months, _ in prep.periods[r]):
            model.Add(full[r] == 0)
        else:
            total = sum(served[r, m] for months, _ in prep.periods[r] for m in months)
            model.Add(total >= prep.demand[r] * full[r])
    for j in {prep.centre_of[r] for r in requests}:
        covered[j] = model.NewBoolVar("")
        for r in prep.by_centre[j]:
            model.AddImplication(covered[j], full[r])
    reach_keys = defaultdict(set)
    for (s, m, j), terms in by_smj.items():
        reach_keys[s, m] |= prep.keys[j]
        model.Add(
            sum(v * prep.format_of[r].modules for v, r in terms)
            <= sum(prep.cap[s][m].get(k, 0) for k in prep.keys[j])
        )
    for (s, m), terms in by_sm.items():
        model.Add(sum(v * prep.load[r] for v, r in terms) <= prep.minutes[s])
        model.Add(
            sum(v * prep.format_of[r].modules for v, r in terms)
            <= sum(prep.cap[s][m].get(k, 0) for k in reach_keys[s, m])
        )
    pinned = defaultdict(int)
    for event in hint:
        if event.pinned:
            for i, s in enumerate(event.speakers):
                pinned[event.r, i, s, event.m] += 1
    for key, n in pinned.items():
        model.Add(x[key] >= n)
    # the hint: the greedy plan
    counts = defaultdict(int)
    for event in hint:
        for i, s in enumerate(event.speakers):
            counts[event.r, i, s, event.m] += 1
    for key, var in x.items():
        model.AddHint(var, counts.get(key, 0))
    per_rm = defaultdict(int)
    for event in hint:
        per_rm[event.r, event.m] += 1
    for key, var in served.items():
        model.AddHint(var, per_rm.get(key, 0))
    per_r = defaultdict(int)
    for event in hint:
        per_r[event.r] += 1
    for r, var in full.items():
        model.AddHint(var, per_r[r] >= prep.demand[r] and prep.demand[r] > 0)
    for j, var in covered.items():
        model.AddHint(var, all(per_r[r] >= prep.demand[r] for r in prep.by_centre[j]))

    weight = sum(prep.demand[r] for r in requests) + 1
    goal1 = weight * sum(covered.values()) + sum(served.values())
    if lp[0] is not None:  # the LP bounds as cuts (valid: they bound every plan)
        model.Add(sum(covered.values()) <= lp[0])
    if lp[1] is not None:
        model.Add(sum(served.values()) <= lp[1])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2
    # symmetry detection costs a second of presolve per stage on a region and found nothing
    # the search used in 5 s (measured on bench/coverage.py's region)
    solver.parameters.symmetry_level = 0
    if workers > 1:
        # the full-problem worker with the strongest LP (its cuts prove bench/coverage.py's
        # region at 43, its optimum, within a second, where the default worker of a
        # two-worker search stays at the LP core's 44); the other worker searches
        # neighbourhoods of the incumbent
        solver.parameters.subsolvers.append("max_lp")

    def solve(objective_seconds):
        solver.parameters.max_time_in_seconds = max(0.05, objective_seconds)
        return solver.Solve(model)

    def rehint():
        values.clear()
        values.update({key: solver.Value(v) for key, v in x.items()})
        model.ClearHints()
        for var in [*x.values(), *served.values(), *full.values(), *covered.values()]:
            model.AddHint(var, solver.Value(var))

    values = dict(counts)
    greedy_value = weight * sum(
        all(per_r[r] >= prep.demand[r] for r in prep.by_centre[j]) for j in covered
    ) + sum(per_r.values())
    lp_covered, lp_served = lp
    upper = (lp_covered if lp_covered is not None else len(covered)) * weight + (
        lp_served if lp_served is not None else weight - 1
    )
    optimal = True
    model.Maximize(goal1)
    if greedy_value >= upper:  # the greedy plan meets the LP bound
        covered_bound = lp_covered
        served_bound = lp_served
        value1 = greedy_value
    else:
        # centres first (the search's moves count only what matters most), with most of the
        # time (on bench/coverage.py's region it still finds more centres after 2 s), then
        # served
        model.Maximize(sum(covered.values()))
        status = solve((deadline - time.monotonic()) * 0.8)
        first_bound = None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            first_optimal = status == cp_model.OPTIMAL
            first_bound = math.floor(solver.BestObjectiveBound() + 1e-6)
            first = round(solver.ObjectiveValue())
            rehint()
            model.Add(sum(covered.values()) >= first)
            model.Maximize(goal1)
            status = solve((deadline - time.monotonic()) * 0.7)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or solver.ObjectiveValue() < (
            greedy_value
        ):
            # no plan from the second stage (its presolve alone can outlast a short stage on a
            # busy machine): the first stage's plan if it is better than the greedy one
            events, covered_bound = list(hint), lp_covered
            if first_bound is not None:
                covered_bound = min(b for b in (first_bound, lp_covered) if b is not None)
                first_served = sum(n for (_, i, _, _), n in values.items() if i == 0)
                if weight * first + first_served > greedy_value:
                    events = _events_from_counts(
                        prep, requests, values, [e for e in hint if e.pinned]
                    )
            return _UnitResult(events, covered_bound, lp_served, None, None, False)
        optimal = status == cp_model.OPTIMAL and first_optimal
        value1 = round(solver.ObjectiveValue())
        bound1 = math.floor(solver.BestObjectiveBound() + 1e-6)
        covered_value = value1 // weight
        covered_bound = min(bound1 // weight, first_bound)
        if lp_covered is not None:
            covered_bound = min(covered_bound, lp_covered)
        served_bound = value1 % weight if optimal else bound1 - weight * covered_value
        if lp_served is not None:
            served_bound = min(served_bound, lp_served)
        rehint()
    model.Add(goal1 >= value1)
    # stage 2: the fairest load (largest percentage of a speaker's hours of the year)
    share = model.NewIntVar(0, 100, "")
    for s in speakers:
        year_minutes = prep.minutes[s] * sum(
            1 for m in prep.months if m not in prep.speakers[s].unavailable_months
        )
        terms = [v * prep.load[r] for m in prep.months for v, r in by_sm.get((s, m), [])]
        if terms and year_minutes:
            model.Add(100 * sum(terms) <= share * year_minutes)
    model.Minimize(share)
    status = solve((deadline - time.monotonic()) * 0.5)
    load_bound = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        optimal &= status == cp_model.OPTIMAL
        value2 = round(solver.ObjectiveValue())
        load_bound = math.ceil(solver.BestObjectiveBound() - 1e-6)
        rehint()
        model.Add(share <= value2)
        # stage 3: travel
        model.Minimize(sum(v * _travel(prep, r, s) for (r, i, s, m), v in x.items()))
        status = solve(deadline - time.monotonic())
    travel_bound = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        optimal &= status == cp_model.OPTIMAL
        travel_bound = solver.BestObjectiveBound() / 10
    else:
        optimal = False
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        rehint()
    events = _events_from_counts(prep, requests, values, [e for e in hint if e.pinned])
    return _UnitResult(events, covered_bound, served_bound, load_bound, travel_bound, optimal)


def _events_from_counts(prep, requests, values, pinned) -> list[_Event]:
    """Counts per (request, role, speaker, month) into events (roles zipped; pins first)."""
    lists = defaultdict(list)
    for (r, i, s, m), n in sorted(values.items()):
        lists[r, m, i].extend([s] * n)
    events = []
    for event in pinned:
        for i, s in enumerate(event.speakers):
            lists[event.r, event.m, i].remove(s)
        events.append(_Event(event.r, event.m, event.speakers, [], True))
    for r in requests:
        for m in prep.months:
            columns = [lists.get((r, m, i), []) for i in range(len(prep.roles[r]))]
            for combo in zip(*columns, strict=True):
                events.append(_Event(r, m, tuple(combo), []))
    return events


def _assign_slots(prep: _Prepared, events: list[_Event], seconds: float, seed: int):
    """Give each module a half-day slot; events that cannot get one are dropped (returned)."""
    state = _State(prep)
    order = sorted(
        range(len(events)),
        key=lambda e: (
            not events[e].pinned,
            -len(events[e].speakers),
            len(prep.keys[prep.centre_of[events[e].r]]),
        ),
    )
    ok = True
    for e in order:
        event = events[e]
        keys = state.slots_for(event.r, event.m, event.speakers)
        if keys is None:
            ok = False
            break
        event.keys = keys
        state.apply(event)
    if ok:
        return events, []
    # an exact model: slots per module, keep as many events as possible
    model = cp_model.CpModel()
    keep, n = {}, {}
    use = defaultdict(list)
    objective = []
    for e, event in enumerate(events):
        keep[e] = model.NewBoolVar("")
        preferred = {_key(slot) for slot in prep.requests[event.r].preferred}
        terms = []
        for k in prep.keys[prep.centre_of[event.r]]:
            cap = min(prep.cap[s][event.m].get(k, 0) for s in event.speakers)
            if cap:
                n[e, k] = v = model.NewIntVar(0, min(cap, prep.format_of[event.r].modules), "")
                terms.append(v)
                for s in event.speakers:
                    use[s, event.m, k].append(v)
                if k in preferred:
                    objective.append(v)
        model.Add(sum(terms) == prep.format_of[event.r].modules * keep[e])
        pinned = event.pinned
        objective.append((10**6 if pinned else 1000) * keep[e])
    for (s, m, k), terms in use.items():
        model.Add(sum(terms) <= prep.cap[s][m].get(k, 0))
    model.Maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], events
    kept, dropped = [], []
    for e, event in enumerate(events):
        if solver.Value(keep[e]):
            event.keys = [
                k
                for k in sorted(prep.keys[prep.centre_of[event.r]])
                for _ in range(solver.Value(n[e, k]) if (e, k) in n else 0)
            ]
            kept.append(event)
        else:
            dropped.append(event)
    return kept, dropped


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


def _score(prep: _Prepared, events: Sequence[_Event]) -> tuple[int, int]:
    served = defaultdict(int)
    for event in events:
        served[event.r] += 1
    covered = sum(
        1
        for j, rs in prep.by_centre.items()
        if all(served[r] >= prep.demand[r] and all(ms for ms, _ in prep.periods[r]) for r in rs)
    )
    return covered, len(events)


def _restarts(prep, requests, best, lp_values, bound, seconds, seed) -> list[_Event]:
    """The greedy in other orders of the centres (the LP's values, then these values with
    random noise) while ``seconds`` last: the best plan is CP-SAT's hint."""
    import random

    rng = random.Random(seed)
    until = time.monotonic() + seconds
    score = _score(prep, best)
    noise, tries = 0.0, 0
    while True:
        priority = {j: v + rng.uniform(0, noise) for j, v in lp_values.items()}
        events, _ = _greedy(prep, requests, priority)
        if _score(prep, events) > score:
            best, score = events, _score(prep, events)
        noise = 0.5 if noise == 0 else noise
        tries += 1
        if time.monotonic() > until or tries >= 40 or score[0] >= bound:
            return best


def plan_greedily(instance: Instance, options: Options | None = None) -> Plan:
    """The greedy heuristic: pins, then centres cheapest first (all their requests or none),
    then any further occurrence that fits; speakers with the most hours left first."""
    started = time.monotonic()
    prep = _Prepared(instance)
    events, relaxed = _greedy(prep)
    return _plan(prep, events, relaxed, "greedy", "heuristic", None, started)


def plan_core(instance: Instance, options: Options | None = None) -> Plan:
    """The LP core: the LP relaxation's bounds on objectives 1 and 2 (per unit, added up) with
    the greedy plan."""
    started = time.monotonic()
    prep = _Prepared(instance)
    events, relaxed = _greedy(prep)
    covered = served = 0
    for requests, speakers in prep.units():
        c, s, _ = _lp_bounds(prep, requests, speakers)
        covered += c if c is not None else len({prep.centre_of[r] for r in requests})
        served += s if s is not None else sum(prep.demand[r] for r in requests)
    bounds = {"centres_covered": covered, "requests_served": served}
    return _plan(prep, events, relaxed, "lp_core", "bound", bounds, started)


def plan(instance: Instance, options: Options | None = None) -> Plan:
    """The optimised plan (see the module's docstring)."""
    options = options or Options()
    started = time.monotonic()
    deadline = started + options.time_limit_seconds
    prep = _Prepared(instance)
    events, relaxed = _greedy(prep)
    units = prep.units()
    sizes = [sum(len(prep.months_of[r]) for r in requests) + 1 for requests, _ in units]
    total = sum(sizes)
    parallel = 1 if len(units) == 1 else max(1, options.workers)
    cp_workers = max(1, options.workers) if len(units) == 1 else 1
    # the LP bounds first (they are fast), then CP-SAT, the largest units first
    lp = [_lp_bounds(prep, requests, speakers) for requests, speakers in units]
    lp_values = [values for _, _, values in lp]
    lp = [(c, s) for c, s, _ in lp]
    by_request = defaultdict(list)
    for event in events:
        by_request[event.r].append(event)
    order = sorted(range(len(units)), key=lambda u: -sizes[u])
    done_size = [0]
    # kept for the slots and the plan's figures: 0.5 s, and more on large instances (3.7 s for
    # the state's 40,000 occurrences: with 2.5 s it ended at 60.8 s on the shared bench machine
    # at a load of 7)
    reserve = 0.5 + sum(prep.demand) / 12000

    def run(u):
        requests, speakers = units[u]
        hint = [e for r in requests for e in by_request[r]]
        left = deadline - time.monotonic() - reserve
        share = left * parallel * sizes[u] / max(1, total - done_size[0])
        done_size[0] += sizes[u]
        seconds = max(0.1, min(left, share))
        # one of several units with less than CP_SECONDS: CP-SAT would not get past its
        # presolve (measured on bench/coverage.py's state: about a second per unit, not one
        # stage with a plan), so the unit's time goes to the greedy's restarts
        restarts_only = len(units) > 1 and seconds < CP_SECONDS and sizes[u] > CP_SMALL
        hint = _restarts(
            prep,
            requests,
            hint,
            lp_values[u],
            lp[u][0] if lp[u][0] is not None else len(requests),
            # a single unit's CP-SAT searches neighbourhoods on all workers and soon passes
            # the restarts; units of one worker each gain more from them
            seconds * (1.0 if restarts_only else 0.15 if len(units) > 1 else 0.05),
            options.random_seed,
        )
        if restarts_only:
            return u, _UnitResult(hint, lp[u][0], lp[u][1], None, None, False)
        seconds = max(0.1, seconds - (time.monotonic() - (deadline - reserve - left)))
        return u, _solve_unit(
            prep, requests, speakers, hint, seconds, cp_workers, options.random_seed, lp[u]
        )

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        results = dict(pool.map(run, order))
    solved = [e for u in range(len(units)) for e in results[u].events]
    slotted, dropped = _assign_slots(
        prep, solved, max(0.5, deadline - time.monotonic()), options.random_seed
    )
    bounds = {
        "centres_covered": sum(
            r.covered_bound
            if r.covered_bound is not None
            else len({prep.centre_of[q] for q in units[u][0]})
            for u, r in results.items()
        ),
        "requests_served": sum(
            r.served_bound
            if r.served_bound is not None
            else sum(prep.demand[q] for q in units[u][0])
            for u, r in results.items()
        ),
    }
    optimal = all(r.optimal for r in results.values()) and not dropped
    result = _plan(
        prep,
        slotted,
        relaxed,
        "cp_sat",
        "optimal" if optimal else "time_limit",
        bounds,
        started,
        travel_bound=None
        if any(r.travel_bound is None for r in results.values())
        else sum(r.travel_bound for r in results.values()),
        load_bound=None
        if any(r.load_bound is None for r in results.values())
        else max((r.load_bound for r in results.values()), default=0),
    )
    greedy = _plan(prep, events, relaxed, "greedy", "heuristic", None, started)
    if (greedy.centres_covered, greedy.requests_served) > (
        result.centres_covered,
        result.requests_served,
    ):
        result = _plan(prep, events, relaxed, "greedy", "time_limit", bounds, started)
    return result


def compare(
    base: Instance, scenario: Scenario, options: Options | None = None, *, marginal: bool = True
) -> Comparison:
    """The base and the scenario side by side; with ``marginal``, each added speaker's value
    (one more plan per added speaker, each with the same options)."""
    first = plan(base, options)
    second = plan(apply_scenario(base, scenario), options)
    a, b = first.covered(), second.covered()
    served = defaultdict(lambda: [0, 0])
    for i, p in enumerate((first, second)):
        for request in p.requests:
            served[request.format][i] += request.served
    extra = {}
    if marginal:
        for speaker in scenario.add_speakers:
            alone = plan(apply_scenario(base, Scenario("one", add_speakers=(speaker,))), options)
            extra[speaker.id] = alone.centres_covered - first.centres_covered
    return Comparison(
        base=first,
        scenario=second,
        covered_difference=second.centres_covered - first.centres_covered,
        gained=tuple(sorted(b - a, key=str)),
        lost=tuple(sorted(a - b, key=str)),
        served_by_format={f: (v[0], v[1]) for f, v in sorted(served.items())},
        marginal=extra,
    )


# ---------------------------------------------------------------------------------------------
# The plan as dataclasses
# ---------------------------------------------------------------------------------------------


def _slot(prep: _Prepared, r: int, k: _Key) -> Slot:
    centre = prep.centres[prep.centre_of[r]]
    preferred = prep.requests[r].preferred
    options = sorted(
        (slot for slot in centre.opening if _key(slot) == k),
        key=lambda slot: (slot not in preferred, PARTS.index(slot[1])),
    )
    return options[0]


def _request_reason(prep: _Prepared, r: int) -> Reason:
    request = prep.requests[r]
    if any(not months for months, _ in prep.periods[r]):
        return Reason("months_avoided", {"request": request.id})
    centre = prep.centres[prep.centre_of[r]]
    fmt = prep.format_of[r]
    for i, role in enumerate(prep.roles[r]):
        qualified = [
            s
            for s in prep.speakers
            if fmt.id in s.formats and (role is None or s.institution == role)
        ]
        params = {"request": request.id, "role": role}
        if not qualified:
            return Reason("no_qualified_speaker", params)
        in_reach = [s for s in qualified if reaches(prep.instance, s, centre)]
        if not in_reach:
            return Reason("no_speaker_in_reach", params)
        if all(round(s.hours_per_month * 60) < prep.load[r] for s in in_reach):
            return Reason("hours_too_few", params)
        if not prep.arcs[r][i]:
            return Reason("opening_hours", params)
    return Reason("capacity_used_up", {"request": request.id})


def _plan(
    prep, events, relaxed, solver, status, bounds, started, travel_bound=None, load_bound=None
) -> Plan:
    per_r = defaultdict(int)
    for event in events:
        per_r[event.r] += 1
    requests, reason_of = [], {}
    for r, request in enumerate(prep.requests):
        reason = None
        if per_r[r] < prep.demand[r]:
            reason = reason_of[r] = _request_reason(prep, r)
        requests.append(
            RequestPlan(
                request.id, request.centre, request.format, prep.demand[r], per_r[r], reason
            )
        )
    centres = []
    for j, centre in enumerate(prep.centres):
        rs = prep.by_centre.get(j, [])
        demand = sum(prep.demand[r] for r in rs)
        served = sum(per_r[r] for r in rs)
        if not rs:
            state = "no_requests"
        elif all(r not in reason_of for r in rs):
            state = "covered"
        else:
            state = "partly" if served else "none"
        reasons = tuple(reason_of[r] for r in rs if r in reason_of)
        centres.append(CentrePlan(centre.id, centre.region, state, demand, served, reasons))
    minutes = defaultdict(lambda: defaultdict(int))
    count, km = defaultdict(int), defaultdict(float)
    for event in events:
        for s in event.speakers:
            minutes[s][event.m] += prep.load[event.r]
            count[s] += 1
            km[s] += _travel(prep, event.r, s) / 10
    loads = []
    for s, speaker in enumerate(prep.speakers):
        available = sum(
            speaker.hours_per_month for m in prep.months if m not in speaker.unavailable_months
        )
        loads.append(
            SpeakerLoad(
                speaker.id,
                {m: minutes[s][m] / 60 for m in prep.months if minutes[s][m]},
                available,
                count[s],
                round(km[s], 1),
            )
        )
    covered = sum(1 for c in centres if c.status == "covered")
    served = sum(per_r.values())
    max_load = max((math.ceil(100 * load.load - 1e-9) for load in loads if load.events), default=0)
    travel = round(sum(load.travel_km for load in loads), 1)
    bounds = bounds or {}
    objectives = {
        "centres_covered": Objective(
            "centres_covered", "max", covered, bounds.get("centres_covered")
        ),
        "requests_served": Objective(
            "requests_served", "max", served, bounds.get("requests_served")
        ),
        "max_load_percent": Objective("max_load_percent", "min", max_load, load_bound),
        "travel_km": Objective("travel_km", "min", travel, travel_bound),
    }
    gap = None
    for objective in objectives.values():
        if objective.bound is not None and objective.gap:
            gap = objective.gap
            break
    if bounds and gap is None:
        gap = 0.0
    assignments = tuple(
        Assignment(
            prep.requests[e.r].id,
            prep.centres[prep.centre_of[e.r]].id,
            prep.format_of[e.r].id,
            e.m,
            tuple(prep.speakers[s].id for s in e.speakers),
            tuple(_slot(prep, e.r, k) for k in e.keys),
        )
        for e in sorted(events, key=lambda e: (e.r, e.m, e.speakers))
    )
    return Plan(
        assignments,
        tuple(centres),
        tuple(requests),
        tuple(loads),
        tuple(relaxed),
        objectives,
        status,
        gap,
        round(time.monotonic() - started, 3),
        solver,
    )
