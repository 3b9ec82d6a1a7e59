"""Balanced groups for cooperative trainings (issue 14, item 4): who goes to which session.

Plain dataclasses in (:class:`Instance`), plain dataclasses out (:class:`Plan`); no Django. The
trainings app maps its rows to these dataclasses in a service and runs :func:`assign` as a
background task.

The problem
-----------
Registrants (professionals of an institution kind: family centre, job centre, …) are assigned to
the sessions of a training they are available for. Hard rules:

- **availability**: a person only goes to a session they said they can attend;
- **size range**: a session that takes place has between ``min_size`` and ``max_size`` people. A
  session that cannot reach its minimum stays empty and is *proposed for cancellation* (or
  merging: its people went to other sessions);
- **pins**: a person the planner pinned to a session goes there. A pin that cannot be kept (the
  session is not among the person's available ones, more pins than places, a session that can
  never reach its minimum) is reported as relaxed, never silently dropped.

The **target mix** of a session: each institution kind in proportion to its share among the
registrants of the session's region. With ``n_k`` of the region's ``N`` registrants of kind ``k``
and a session of ``size`` people, kind ``k``'s target is ``n_k / N x size`` persons; its **band**
is ``floor(target) ≤ count ≤ ceiling(target)``. A session's **mix deviation** is the largest
``|count - target|`` over the kinds, in persons: below 1 exactly when every kind is inside its
band. The band is the rule; where it cannot hold (placing people comes first, or a kind is not
available to a session), it is relaxed, the excess (persons beyond floor or ceiling) is
penalised, and the plan says where and why (:class:`Relaxation`).

Objectives, in strict priority (lexicographic)
----------------------------------------------
1. ``placed``: as many people placed as possible (pins kept first: a pin outweighs any number of
   placements).
2. the mix: ``worst_band_excess`` (the largest excess over any band), then ``band_excess`` (their
   sum), then ``worst_mix_deviation`` (the worst session's deviation from its target mix). When the
   bands can all hold, the first two are 0 and the third is the plain min-max deviation.
3. ``changes`` (only in a re-run: previously placed people moved or unplaced), then
   ``preference_cost`` (ranked preferences and travel distance, one weighted sum).

In a re-run, ``changes`` comes right after the bands, before the fine mix: a group that keeps its
bands is not reshuffled to shave a fraction of a person off the deviation, so a re-run after one
cancellation moves only whom it must (to fill a session back to its minimum or keep a band).

How it is solved
----------------
**Units.** Regions are independent: :func:`assign` splits the instance into *units* (the sessions of
one region with their registrants; regions linked by a shared registrant form one unit) and solves
them in parallel threads (``Options.workers`` at once, one CP-SAT worker each). The priorities
hold within each unit: a unit's mix is as balanced as it can be on its own before its
preferences count, so a region's groups are not made less balanced because another region's
cannot be balanced better (a plain global min-max would allow that); the global figures are then
optimal too. The time goes to objectives 1 and 2 (and a re-run's changes) in every unit first,
then to the preferences, then to preferences not yet proven while the time limit allows. Each
objective is a *stage*: solved to optimality (or until its share of the time runs out), its value
fixed as a constraint for the later stages, its plan the next stage's hint. A stage is not solved
when the current plan already meets a proven bound (everyone placed who can be — a maximum flow
bounds it —, no band excess, the rounding bound of the mix). The greedy heuristic
(:func:`assign_greedily`) gives the first plan.

**Objectives 1 and 2 over counts.** They depend only on how many persons of each kind go to each
session, ``c[s, k]``, not on who. So they are solved over these few integers (the *counts
model*): about 35 variables for a region of 7 sessions instead of hundreds of interchangeable
persons' Booleans, whose symmetry makes CP-SAT's proofs slow. Persons of kind k can realise the
counts ``c[·, k]`` iff Hall's condition holds for every set T of sessions: ``Σ_{s∈T} c[s, k] ≤
|persons of kind k available for some s in T|``. Every integer vector satisfying these is
realisable (they describe a polymatroid), but there are exponentially many sets, so they are
added lazily: the counts of a solution are checked with a maximum flow per kind, a violated set
is read off its minimum cut and added, and the stage is solved again (the relaxed model's bounds
stay valid). The counts are then realised by a min-cost flow per kind (cheapest preferences and
travel; in a re-run, fewest changes first).

**The mix and its bound.** Deviations are integers in units of ``1/Q`` persons (``Q`` = the least
common multiple of the unit's regional registrant counts): ``|Q·count - Q·n_k/N·size| ≤ D`` is
linear. A plain min-max over these gives CP-SAT's linear relaxation a bound of 0 (fractional
assignments mix perfectly). The bound comes from **rounding**: for each session and size ``n``,
the smallest deviation any mix of ``n`` whole persons can have (counts summing to ``n``, none
above the registrants of that kind available for the session), and from these the smallest
threshold for which some choice of session sizes adds up to the people placed (a subset-sum over
the sessions). It enters the model as ``D ≥ bound`` and, per session, ``D ≥ table[size]`` (an
element constraint), so a plan that reaches it is proven at once. In a fresh run the first
question is whether some plan reaches the bound (if so, the mix is proven, and when the bound is
below one person every band holds: three stages proven by one question; if not, the bound rises
to the next value a deviation can take); then whether every band can hold. In small units CP-SAT
then minimises ``D``; in units of more than ``_SEARCH_SESSIONS`` sessions a threshold search
proves it faster: bisection over the values a deviation can take, each a feasibility question
in the size-indexed formulation below, none allowed more than a share of the time.

**Objective 3 over persons.** Preferences, travel and a re-run's changes need the persons:
``x[p, s]`` Booleans, held to the values of objectives 1 and 2. With the worst deviation fixed
at ``D``, each session's size ``n`` determines an interval ``[⌈(b·n - D)/Q⌉, ⌊(b·n + D)/Q⌋]`` for
every kind's count; a Boolean per possible size and these intervals (the *size-indexed*
formulation) give a far tighter linear relaxation than ``|Q·count - b·size| ≤ D`` alone, which
together with CP-SAT's full linearisation proves preference optima in a fraction of a second per
region.

Time is always limited (``Options.time_limit_seconds`` for everything); on a time-out the best
plan found is returned with each objective's bound and the gap. A pin conflict (the greedy could
not keep every pin) is decided in the persons model, which then also decides the mix: the
objective counts kept pins, it does not choose which.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.graph.python import max_flow, min_cost_flow
from ortools.sat.python import cp_model

from .common import Reason

SessionId = Hashable
PersonId = Hashable

# ---------------------------------------------------------------------------------------------
# The instance
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A session (date and site) of the training. ``region`` is the key of its region: the
    target mix of the session follows the registrants of that region."""

    id: SessionId
    region: str
    min_size: int
    max_size: int


@dataclass(frozen=True)
class Registrant:
    """A professional registered for the training.

    ``available``: the sessions they can attend. ``preferences``: some of those, best first
    (optional). ``distance_km``: travel distance per session (optional, any subset)."""

    id: PersonId
    region: str
    kind: str
    available: tuple[SessionId, ...]
    preferences: tuple[SessionId, ...] = ()
    distance_km: Mapping[SessionId, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Instance:
    """What to plan. ``pins``: person → session the planner fixed. ``previous``: the assignment
    of an earlier run (person → session) for a re-run; people or sessions no longer in the
    instance are ignored there (a session gone means its people must move)."""

    sessions: tuple[Session, ...]
    registrants: tuple[Registrant, ...]
    pins: Mapping[PersonId, SessionId] = field(default_factory=dict)
    previous: Mapping[PersonId, SessionId] | None = None


@dataclass(frozen=True)
class Options:
    """How to solve. The preference cost of a placement is ``preference_step`` per rank below
    the person's first choice (an available session they did not rank counts one rank below
    their last), plus ``travel_per_km`` per kilometre: by default one rank is worth 10 km.

    ``workers``: how many CP-SAT solves run at once (on different units), each with one CP-SAT
    worker. Measured on these models: one worker with the full linearisation proves the
    preference stage of a region in well under a second where two workers in one solve had not
    proven it after ten; so the second core goes to another region instead."""

    time_limit_seconds: float = 10.0
    workers: int = 2
    preference_step: int = 10
    travel_per_km: int = 1
    random_seed: int = 0


class InvalidInstance(ValueError):
    """The instance is malformed (unknown or duplicate ids, impossible size range …): a
    programming error of the caller, not an infeasible plan (which is a result, not an error)."""


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindMix:
    """One institution kind in one session: how many, its proportional target and band."""

    kind: str
    count: int
    target: float
    floor: int
    ceiling: int

    @property
    def deviation(self) -> float:
        return self.count - self.target

    @property
    def excess(self) -> int:
        """Persons beyond the band (below its floor or above its ceiling)."""
        return max(0, self.floor - self.count, self.count - self.ceiling)


@dataclass(frozen=True)
class SessionPlan:
    """One session in the plan. ``status`` is ``"open"`` or ``"cancellation_proposed"`` (it
    stays empty; ``reason`` says why)."""

    session: SessionId
    region: str
    size: int
    min_size: int
    max_size: int
    mix: tuple[KindMix, ...]
    deviation: float
    status: str
    reason: Reason | None = None


@dataclass(frozen=True)
class Relaxation:
    """A rule that does not hold everywhere, where and why. ``rule`` is ``"mix_band"`` (a kind
    outside its floor/ceiling in a session; ``amount`` persons beyond it) or ``"pin"`` (a pin not
    kept)."""

    rule: str
    session: SessionId | None
    kind: str | None
    person: PersonId | None
    amount: int
    reason: Reason


@dataclass(frozen=True)
class Objective:
    """An objective's value and the best bound proven for it (``None`` for the greedy
    heuristic). ``sense`` is ``"max"`` or ``"min"``. Bounds of later objectives hold given the
    values reached by the earlier ones."""

    name: str
    sense: str
    value: float
    bound: float | None

    @property
    def gap(self) -> float | None:
        """Relative gap ``|value - bound| / max(1, |value|)``; 0 when proven optimal."""
        if self.bound is None:
            return None
        return abs(self.value - self.bound) / max(1.0, abs(self.value))


@dataclass(frozen=True)
class StageReport:
    """One stage of one unit: ``status`` is ``optimal``, ``feasible`` (time-out with a plan),
    ``at_bound`` (not solved: the current plan already meets a proven bound), ``no_time`` or
    ``unknown`` (time-out before any better plan)."""

    objective: str
    status: str
    value: float
    bound: float
    seconds: float


@dataclass(frozen=True)
class UnitReport:
    regions: tuple[str, ...]
    sessions: int
    registrants: int
    seconds: float
    stages: tuple[StageReport, ...]


@dataclass(frozen=True)
class Plan:
    """The assignment and everything a result page shows about it.

    ``status``: ``optimal`` (every objective proven), ``time_limit`` (the best plan found in the
    time, see ``gap`` and the objectives' bounds), or ``heuristic`` (the greedy). ``gap`` is the
    relative gap of the first objective in priority order that is not proven optimal."""

    assignment: Mapping[PersonId, SessionId]
    waiting_list: tuple[PersonId, ...]
    sessions: tuple[SessionPlan, ...]
    relaxations: tuple[Relaxation, ...]
    reasons: Mapping[PersonId, Reason]
    objectives: Mapping[str, Objective]
    status: str
    gap: float | None
    wall_seconds: float
    solver: str
    units: tuple[UnitReport, ...] = ()

    @property
    def placed(self) -> int:
        return len(self.assignment)

    @property
    def worst_mix_deviation(self) -> float:
        return self.objectives["worst_mix_deviation"].value

    @property
    def changes(self) -> int:
        return int(self.objectives["changes"].value)


# ---------------------------------------------------------------------------------------------
# Preparation: indices, shares, units
# ---------------------------------------------------------------------------------------------


class _Prepared:
    """The instance as indices (sessions ``s``, persons ``p``, kinds ``k``), with the shares of
    each session's target mix and the pins that can be kept at all."""

    def __init__(self, instance: Instance, options: Options):
        self.instance, self.options = instance, options
        self.sessions = tuple(instance.sessions)
        self.persons = tuple(instance.registrants)
        self.s_index = _index(self.sessions, "session")
        self.p_index = _index(self.persons, "registrant")
        for session in self.sessions:
            if not 0 <= session.min_size <= session.max_size:
                raise InvalidInstance(
                    f"session {session.id!r}: size range {session.min_size}–{session.max_size}"
                )
        self.kinds = tuple(sorted({person.kind for person in self.persons}))
        k_index = {kind: k for k, kind in enumerate(self.kinds)}
        self.kind = [k_index[person.kind] for person in self.persons]

        # availability as indices, in the registrant's order, without repetitions
        available_all = []
        for person in self.persons:
            seen = []
            for sid in person.available:
                if sid not in self.s_index:
                    raise InvalidInstance(f"registrant {person.id!r}: unknown session {sid!r}")
                if self.s_index[sid] not in seen:
                    seen.append(self.s_index[sid])
            for sid in person.preferences:
                if sid not in person.available:
                    raise InvalidInstance(
                        f"registrant {person.id!r}: preference {sid!r} is not available"
                    )
            available_all.append(seen)
        self.available_all = available_all
        n_sessions = len(self.sessions)
        self.available_count = [0] * n_sessions
        self.available_by_kind = [[0] * len(self.kinds) for _ in range(n_sessions)]
        for p, sessions in enumerate(available_all):
            for s in sessions:
                self.available_count[s] += 1
                self.available_by_kind[s][self.kind[p]] += 1
        # a session is viable when enough people could come to reach its minimum
        self.viable = [
            self.sessions[s].max_size > 0 and self.available_count[s] >= self.sessions[s].min_size
            for s in range(n_sessions)
        ]
        self.available = [[s for s in sessions if self.viable[s]] for sessions in available_all]

        # preference and travel cost per (person, session)
        self.rank: list[dict[int, int]] = []
        self.cost: list[dict[int, int]] = []
        for p, person in enumerate(self.persons):
            ranks = {self.s_index[sid]: r for r, sid in enumerate(person.preferences)}
            self.rank.append(ranks)
            costs = {}
            for s in self.available[p]:
                rank = ranks.get(s, len(person.preferences)) if person.preferences else 0
                km = person.distance_km.get(self.sessions[s].id, 0.0)
                costs[s] = rank * options.preference_step + round(km * options.travel_per_km)
            self.cost.append(costs)

        # pins: kept when possible; a pin to a session the person cannot attend is relaxed
        self.pin: list[int | None] = [None] * len(self.persons)
        self.pin_relaxations: list[Relaxation] = []
        for pid, sid in instance.pins.items():
            if pid not in self.p_index:
                raise InvalidInstance(f"pin of unknown registrant {pid!r}")
            if sid not in self.s_index:
                raise InvalidInstance(f"pin of {pid!r} to unknown session {sid!r}")
            p, s = self.p_index[pid], self.s_index[sid]
            if s not in self.available_all[p]:
                self.pin_relaxations.append(
                    Relaxation("pin", sid, None, pid, 1, Reason("pin_not_available"))
                )
            else:
                self.pin[p] = s
        self.previous: list[int | None] = [None] * len(self.persons)
        self.previous_id: dict[int, SessionId] = {}
        for pid, sid in (instance.previous or {}).items():
            if pid in self.p_index:
                p = self.p_index[pid]
                self.previous_id[p] = sid
                self.previous[p] = self.s_index.get(sid)
        self.rerun = instance.previous is not None

        # the share basis of each session: its region's registrants by kind
        by_region: dict[str, list[int]] = defaultdict(lambda: [0] * len(self.kinds))
        for p, person in enumerate(self.persons):
            by_region[person.region][self.kind[p]] += 1
        self.share_num: list[tuple[int, ...]] = []
        self.share_den: list[int] = []
        for s, session in enumerate(self.sessions):
            counts = by_region.get(session.region)
            if not counts or not sum(counts):  # nobody of the region: those who can come
                counts = self.available_by_kind[s]
            self.share_num.append(tuple(counts))
            self.share_den.append(max(1, sum(counts)))

    def target(self, s: int, k: int, size: int) -> Fraction:
        return Fraction(self.share_num[s][k] * size, self.share_den[s])

    def units(self) -> list[_UnitData]:
        """Independent parts: viable sessions joined by region and by shared registrants."""
        parent = list(range(len(self.sessions)))

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        def union(a, b):
            parent[find(a)] = find(b)

        first_of_region: dict[str, int] = {}
        for s, session in enumerate(self.sessions):
            if self.viable[s]:
                union(s, first_of_region.setdefault(session.region, s))
        for sessions in self.available:
            for s in sessions[1:]:
                union(sessions[0], s)
        members: dict[int, list[int]] = defaultdict(list)
        for s in range(len(self.sessions)):
            if self.viable[s]:
                members[find(s)].append(s)
        people: dict[int, list[int]] = defaultdict(list)
        for p, sessions in enumerate(self.available):
            if sessions:
                people[find(sessions[0])].append(p)
        return [_UnitData(self, members[root], people[root]) for root in members]


def _index(items, what) -> dict:
    index = {}
    for i, item in enumerate(items):
        if item.id in index:
            raise InvalidInstance(f"duplicate {what} id {item.id!r}")
        index[item.id] = i
    return index


# ---------------------------------------------------------------------------------------------
# Evaluation of an assignment (the same code for the solver, the greedy and the tests)
# ---------------------------------------------------------------------------------------------


@dataclass
class _Figures:
    placed: int
    pins_kept: int
    worst_band_excess: int
    band_excess: int
    changes: int
    worst_mix_deviation: Fraction
    preference_cost: int


def _figures(prep: _Prepared, choice: Mapping[int, int], persons=None, sessions=None) -> _Figures:
    """The objective values of ``choice`` (person index → session index), over the given
    persons and sessions (default: all)."""
    persons = range(len(prep.persons)) if persons is None else persons
    sessions = range(len(prep.sessions)) if sessions is None else sessions
    members: dict[int, list[int]] = defaultdict(list)
    for p in persons:
        if p in choice:
            members[choice[p]].append(p)
    worst_excess = total_excess = 0
    worst_deviation = Fraction(0)
    for s in sessions:
        counts = Counter(prep.kind[p] for p in members.get(s, ()))
        size = sum(counts.values())
        for k in range(len(prep.kinds)):
            target = prep.target(s, k, size)
            deviation = abs(counts[k] - target)
            excess = max(0, math.floor(target) - counts[k], counts[k] - math.ceil(target))
            worst_excess, total_excess = max(worst_excess, excess), total_excess + excess
            worst_deviation = max(worst_deviation, deviation)
    changes = 0
    if prep.rerun:
        changes = sum(
            1
            for p in persons
            if p in prep.previous_id
            and (prep.previous[p] is None or choice.get(p) != prep.previous[p])
        )
    return _Figures(
        placed=sum(1 for p in persons if p in choice),
        pins_kept=sum(1 for p in persons if p in choice and choice[p] == prep.pin[p]),
        worst_band_excess=worst_excess,
        band_excess=total_excess,
        changes=changes,
        worst_mix_deviation=worst_deviation,
        preference_cost=sum(prep.cost[p][choice[p]] for p in persons if p in choice),
    )


# ---------------------------------------------------------------------------------------------
# Greedy heuristic
# ---------------------------------------------------------------------------------------------


def _greedy(prep: _Prepared, persons: Sequence[int], start: Mapping[int, int] | None = None):
    """A feasible assignment (person index → session index) by a greedy rule: pins first, then
    the previous assignment (re-run), then the people with the fewest options first, each to the
    available session with room that (in this order) is still below its minimum, lacks their
    kind most, ranks best for them, is smallest. Sessions left below their minimum are then
    filled from sessions with people to spare, or dissolved (their people go elsewhere or wait)."""
    choice: dict[int, int] = {}
    size: Counter = Counter()
    count: Counter = Counter()  # (s, k)
    closed: set[int] = set()

    def put(p, s):
        choice[p] = s
        size[s] += 1
        count[s, prep.kind[p]] += 1

    def take(p):
        s = choice.pop(p)
        size[s] -= 1
        count[s, prep.kind[p]] -= 1

    def room(s):
        return s not in closed and size[s] < prep.sessions[s].max_size

    def joinable(s):  # room, and one more person leaves it at or above its minimum
        return room(s) and size[s] + 1 >= prep.sessions[s].min_size

    for p in persons:
        if prep.pin[p] is not None and room(prep.pin[p]):
            put(p, prep.pin[p])
    for p, s in (start or {}).items():
        if p not in choice and s in prep.available[p] and room(s):
            put(p, s)

    def lack(p, s):  # how far the person's kind is above its target if they join (lower: better)
        k = prep.kind[p]
        return count[s, k] + 1 - prep.share_num[s][k] * (size[s] + 1) / prep.share_den[s]

    def best(p, candidates):
        return min(
            candidates,
            key=lambda s: (
                size[s] >= prep.sessions[s].min_size,
                lack(p, s),
                prep.rank[p].get(s, len(prep.rank[p])),
                size[s],
            ),
        )

    for p in sorted(persons, key=lambda p: len(prep.available[p])):
        if p not in choice:
            candidates = [s for s in prep.available[p] if room(s)]
            if candidates:
                put(p, best(p, candidates))

    # repair the minimums: fill a session from others' surplus, or dissolve it
    while True:
        short = [s for s in size if 0 < size[s] < prep.sessions[s].min_size and s not in closed]
        if not short:
            break
        # a session keeping a pin first; it may take people even from a session without pins
        # that is at its minimum (that one is filled or dissolved in its turn)
        pinned = {t for q, t in choice.items() if prep.pin[q] == t}
        s = min(short, key=lambda s: (s not in pinned, size[s], s))

        def gives(p, s=s, pinned=pinned):  # p may leave their session for s
            t = choice.get(p)
            if t is None:
                return True
            if prep.pin[p] == t:
                return False
            return size[t] > prep.sessions[t].min_size or (s in pinned and t not in pinned)

        need = prep.sessions[s].min_size - size[s]
        donors = [p for p in persons if s in prep.available[p] and choice.get(p) != s and gives(p)]
        donors.sort(key=lambda p: (p in choice, prep.rank[p].get(s, len(prep.rank[p]))))
        moved = []
        for p in donors:
            if len(moved) == need:
                break
            if not gives(p):
                continue  # the donor's session reached its own minimum meanwhile
            moved.append((p, choice.get(p)))
            if p in choice:
                take(p)
            put(p, s)
        if size[s] >= prep.sessions[s].min_size:
            continue
        for p, s_before in moved:  # not enough: undo and dissolve the session
            take(p)
            if s_before is not None:
                put(p, s_before)
        closed.add(s)
        for p in [p for p in persons if choice.get(p) == s]:
            take(p)
            candidates = [t for t in prep.available[p] if joinable(t)]
            if candidates:
                put(p, best(p, candidates))
    # the waiting people into open sessions with room
    for p in persons:
        if p not in choice:
            candidates = [t for t in prep.available[p] if joinable(t)]
            if candidates:
                put(p, best(p, candidates))
    return choice


# ---------------------------------------------------------------------------------------------
# The rounding bound of the mix
# ---------------------------------------------------------------------------------------------


def _rounding_deviation(
    size: int, scale: int, coefficients: Sequence[int], caps: Sequence[int], floors: Sequence[int]
) -> int | None:
    """The smallest worst deviation (in 1/``scale`` persons) that any mix of ``size`` whole
    persons can have: integer counts ``c_k`` with ``floors_k ≤ c_k ≤ caps_k`` and ``Σ c_k =
    size``, deviation ``max_k |scale·c_k - coefficients_k·size|`` (``coefficients_k / scale`` is
    kind k's share). ``None`` when no such mix exists.

    For a threshold ``t`` each count lies in ``[⌈(a_k - t)/scale⌉, ⌊(a_k + t)/scale⌋]`` with
    ``a_k = coefficients_k·size``; a mix exists iff every interval is non-empty and the size lies
    between the sums of their ends. Feasibility grows with ``t``: a binary search over the
    values the deviation can take."""
    if size == 0:
        return 0
    targets = [a * size for a in coefficients]

    def feasible(t):
        low = high = 0
        for a, cap, floor in zip(targets, caps, floors, strict=True):
            lo = max(floor, -((t - a) // scale))  # ⌈(a - t)/scale⌉
            hi = min(cap, size, (a + t) // scale)
            if lo > hi:
                return False
            low, high = low + lo, high + hi
        return low <= size <= high

    candidates = sorted(
        {
            abs(scale * c - a)
            for a, cap, floor in zip(targets, caps, floors, strict=True)
            for c in range(floor, min(cap, size) + 1)
        }
    )
    if not candidates or not feasible(candidates[-1]):
        return None
    lo, hi = 0, len(candidates) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if feasible(candidates[mid]):
            hi = mid
        else:
            lo = mid + 1
    return candidates[lo]


def _sizes_bound(tables: Sequence[Mapping[int, int]], low: int, high: int) -> int | None:
    """The smallest threshold ``t`` for which every session can take a size whose rounding
    deviation is at most ``t`` (``tables``: size → deviation per session, only the sizes the
    session may have) with the sizes adding up to a total in ``[low, high]`` (the people
    placed): a subset-sum per threshold, as bit sets of the reachable totals. ``None`` when no
    sizes add up to such a total."""
    wanted = ((1 << (high + 1)) - 1) >> low << low

    def reachable(t):
        sums = 1  # bit i: total i reachable
        for table in tables:
            step = 0
            for size, deviation in table.items():
                if deviation <= t:
                    step |= sums << size
            sums = step
            if not sums:
                return False
        return bool(sums & wanted)

    candidates = sorted({d for table in tables for d in table.values()} | {0})
    if not reachable(candidates[-1]):
        return None
    lo, hi = 0, len(candidates) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if reachable(candidates[mid]):
            hi = mid
        else:
            lo = mid + 1
    return candidates[lo]


# ---------------------------------------------------------------------------------------------
# One unit: two CP-SAT models, solved stage by stage
# ---------------------------------------------------------------------------------------------

# a stage's share of the unit's remaining time, relative to the stages still to come
_STAGE_WEIGHT = {
    "placed": 3,
    "worst_band_excess": 2,
    "band_excess": 1,
    "changes": 2,
    "worst_mix_deviation": 4,
    "preference_cost": 2,
}


# units with more sessions than this search the worst deviation by thresholds (measured: in
# small units CP-SAT minimises it faster directly; in large ones the thresholds prove it)
_SEARCH_SESSIONS = 12


class _UnitData:
    def __init__(self, prep: _Prepared, sessions: list[int], persons: list[int]):
        self.sessions, self.persons = sessions, persons
        self.regions = tuple(sorted({prep.sessions[s].region for s in sessions}))
        self.scale = math.lcm(*(prep.share_den[s] for s in sessions))  # Q: 1/Q persons
        self.weight = len(sessions) + sum(len(prep.available[p]) for p in persons)


class _Stages:
    """The stages of one unit still to come: their share of the time, their reports."""

    def __init__(self, names: list[str], deadline: float):
        self.left, self.deadline = list(names), deadline
        self.reports: list[StageReport] = []

    @property
    def proven(self) -> bool:
        return all(report.status in ("optimal", "at_bound") for report in self.reports)

    def limit(self, name: str) -> float:
        share = _STAGE_WEIGHT[name] / sum(_STAGE_WEIGHT[stage] for stage in self.left)
        return (self.deadline - time.perf_counter()) * share

    def report(self, name, status, value, bound, seconds):
        self.reports.append(StageReport(name, status, value, bound, seconds))
        if name in self.left:
            self.left.remove(name)


@dataclass
class _Mix:
    """The mix figures of a plan in one unit (deviations in 1/Q persons)."""

    placed: int
    worst_excess: int
    total_excess: int
    worst_deviation: int


class _Model(ABC):
    """A CP-SAT model of one unit that is solved stage by stage; the base of the counts model
    (objectives 1 and 2) and of the persons model (objective 3, re-runs, conflicting pins).

    Both have ``size[s]`` and ``open[s]`` (``min·open ≤ size ≤ max·open``: a session is empty
    or within its range) and, per session and kind that matters there, ``Q·count`` and the
    coefficient ``b`` of the scaled deviation ``Q·count - b·size`` (``b = Q·share``). An
    *incumbent* is always a feasible plan of the unit; every stage starts from it as a hint."""

    def __init__(self, unit_solver: _UnitSolver):
        self.prep, self.unit = unit_solver.prep, unit_solver.unit
        self.options, self.cp_workers = unit_solver.options, unit_solver.cp_workers
        self.stages = unit_solver.stages
        self.model = cp_model.CpModel()
        self.size: dict[int, cp_model.IntVar] = {}
        self.open: dict[int, cp_model.IntVar] = {}
        self.deviation: dict[tuple[int, int], tuple] = {}
        self.excess: dict[tuple[int, int], cp_model.IntVar] = {}
        self.worst_excess = self.worst_deviation = None
        self.least: dict[int, tuple[cp_model.IntVar, list[int]]] = {}

    def _sessions(self, members: Mapping[int, list]):
        """Size variables of the unit's sessions, ``members[s]``: what adds up to the size."""
        model = self.model
        for s in self.unit.sessions:
            session = self.prep.sessions[s]
            size = self.size[s] = model.new_int_var(0, session.max_size, f"n{s}")
            model.add(size == sum(members.get(s, [])))
            if session.min_size > 1:
                is_open = self.open[s] = model.new_bool_var(f"o{s}")
                model.add(size >= session.min_size * is_open)
                model.add(size <= session.max_size * is_open)

    def _deviation(self, s, k, count):
        """Declare the scaled deviation of kind ``k`` in session ``s`` (``count``: an
        expression of the number of persons of that kind there)."""
        Q, prep = self.unit.scale, self.prep
        self.deviation[s, k] = (Q * count, Q * prep.share_num[s][k] // prep.share_den[s])

    def expression(self, s, k):
        counted, coefficient = self.deviation[s, k]
        return counted - coefficient * self.size[s]

    # -- what a subclass provides ----------------------------------------------------------

    @abstractmethod
    def counts(self, incumbent) -> Counter:
        """Persons per (session, kind) of an incumbent."""
        raise NotImplementedError

    @abstractmethod
    def hint_own(self, incumbent, model):
        """Hints of the subclass's own variables."""
        raise NotImplementedError

    @abstractmethod
    def read(self, solution):
        """The incumbent of a CP-SAT solution (``response_proto.solution``)."""
        raise NotImplementedError

    def cut(self, incumbent, also=None) -> bool:
        """Add the constraints an incumbent violates without the model knowing (to the model
        and to ``also``); True when it is not a feasible plan (the counts model's Hall cuts)."""
        return False

    # -- the mix ---------------------------------------------------------------------------

    def mix(self, incumbent) -> _Mix:
        prep, Q = self.prep, self.unit.scale
        counts = self.counts(incumbent)
        size: Counter = Counter()
        for (s, _), count in counts.items():
            size[s] += count
        worst_excess = total_excess = worst_deviation = 0
        for (s, k), (_, coefficient) in self.deviation.items():
            e = abs(Q * counts[s, k] - coefficient * size[s])
            excess = max(0, -(-(e - Q + Q // prep.share_den[s]) // Q))
            worst_excess, total_excess = max(worst_excess, excess), total_excess + excess
            worst_deviation = max(worst_deviation, e)
        return _Mix(sum(size.values()), worst_excess, total_excess, worst_deviation)

    def add_band(self, worst_limit=None, total_limit=None):
        """The band of every kind in every session, with its excess: ``|Q·count - b·size| ≤
        Q - Q/N + Q·excess`` (``Q - Q/N``: just below one person, so excess 0 is exactly
        floor ≤ count ≤ ceiling); ``E`` ≥ every excess."""
        prep, model, Q = self.prep, self.model, self.unit.scale
        for s, k in self.deviation:
            band = Q - Q // prep.share_den[s]
            if worst_limit == 0:  # no excess anywhere: the band itself
                model.add(self.expression(s, k) <= band)
                model.add(-self.expression(s, k) <= band)
                continue
            upper = worst_limit if worst_limit is not None else prep.sessions[s].max_size
            var = self.excess[s, k] = model.new_int_var(0, upper, f"e{s}_{k}")
            model.add(self.expression(s, k) <= band + Q * var)
            model.add(-self.expression(s, k) <= band + Q * var)
        if worst_limit == 0:
            return
        largest = max(prep.sessions[s].max_size for s in self.unit.sessions)
        self.worst_excess = model.new_int_var(0, largest, "E")
        for var in self.excess.values():
            model.add(var <= self.worst_excess)
        if worst_limit is not None:
            model.add(self.worst_excess <= worst_limit)
        if total_limit is not None:
            model.add(sum(self.excess.values()) <= total_limit)

    def add_worst_deviation(self, lower: int, tables: Mapping[int, Mapping[int, int]]):
        """``D`` ≥ every scaled deviation, ``D ≥ lower`` (the rounding bound) and ``D ≥
        table_s[size_s]`` (the rounding deviation of the session's size, an element
        constraint): the bound CP-SAT's linear relaxation cannot see."""
        prep, model = self.prep, self.model
        largest = max(prep.sessions[s].max_size for s in self.unit.sessions)
        worst = self.worst_deviation = model.new_int_var(
            lower, max(lower, self.unit.scale * largest), "D"
        )
        for s, k in self.deviation:
            model.add(self.expression(s, k) <= worst)
            model.add(-self.expression(s, k) <= worst)
        for s in self.unit.sessions:
            values = [tables[s].get(n, 0) for n in range(prep.sessions[s].max_size + 1)]
            if any(values):
                least = model.new_int_var(0, max(values), f"r{s}")
                model.add_element(self.size[s], values, least)
                model.add(least <= worst)
                self.least[s] = (least, values)

    def limit_deviation(self, limit, tables: Mapping[int, Mapping[int, int]], model=None):
        """Every scaled deviation at most ``limit``, size by size: a Boolean ``y[s, n]`` per
        size ``n`` the session may have (its rounding deviation at most ``limit``), and each
        kind's count within ``[⌈(b·n - limit)/Q⌉, ⌊(b·n + limit)/Q⌋]`` of the chosen size. The
        same constraints as ``|Q·count - b·size| ≤ limit``, but a far tighter linear relaxation
        (fractional persons can no longer smooth the mix). ``limit``: one for all sessions, or
        a mapping session → limit."""
        model, Q = model or self.model, self.unit.scale
        limits = limit if isinstance(limit, Mapping) else dict.fromkeys(self.unit.sessions, limit)
        for s, k in self.deviation:
            model.add(self.expression(s, k) <= limits[s])
            model.add(-self.expression(s, k) <= limits[s])
        for s in self.unit.sessions:
            limit = limits[s]
            sizes = [n for n, deviation in tables[s].items() if deviation <= limit]
            chosen = {n: model.new_bool_var(f"y{s}_{n}") for n in sizes}
            model.add_exactly_one(chosen.values())
            model.add(self.size[s] == sum(n * var for n, var in chosen.items()))
            for k in range(len(self.prep.kinds)):
                if (s, k) not in self.deviation:
                    continue
                counted, b = self.deviation[s, k]
                low = [(max(0, -((limit - b * n) // Q)), var) for n, var in chosen.items()]
                high = [(min(n, (b * n + limit) // Q), var) for n, var in chosen.items()]
                model.add(Q * sum(c * var for c, var in low if c) <= counted)
                model.add(counted <= Q * sum(c * var for c, var in high))

    def hint(self, incumbent, model=None):
        """The incumbent as a complete hint: CP-SAT starts from it."""
        prep, model, Q = self.prep, model or self.model, self.unit.scale
        model.clear_hints()
        self.hint_own(incumbent, model)
        counts = self.counts(incumbent)
        size: Counter = Counter()
        for (s, _), count in counts.items():
            size[s] += count
        for s, var in self.size.items():
            model.add_hint(var, size[s])
        for s, var in self.open.items():
            model.add_hint(var, size[s] > 0)
        for s, (var, values) in self.least.items():
            model.add_hint(var, values[size[s]])
        worst_excess = worst_deviation = 0
        for (s, k), (_, coefficient) in self.deviation.items():
            e = abs(Q * counts[s, k] - coefficient * size[s])
            worst_deviation = max(worst_deviation, e)
            if (s, k) in self.excess:
                excess = max(0, -(-(e - Q + Q // prep.share_den[s]) // Q))
                model.add_hint(self.excess[s, k], excess)
                worst_excess = max(worst_excess, excess)
        if self.worst_excess is not None:
            model.add_hint(self.worst_excess, worst_excess)
        if self.worst_deviation is not None:
            model.add_hint(self.worst_deviation, worst_deviation)

    # -- one stage -------------------------------------------------------------------------

    def stage(self, name, expression, lower, current, incumbent, show=lambda v: v, spent=0.0):
        """Minimise ``expression`` from ``incumbent`` (whose value is ``current``); returns
        ``(value, bound, incumbent)``. Not solved when ``current`` meets the proven ``lower``
        bound. When a solution is not a feasible plan (:meth:`cut` added constraints), solve
        again: the relaxed model's bound stays valid. The caller fixes the value. ``spent``:
        seconds the caller spent on the stage already."""
        started = time.perf_counter() - spent
        if current <= lower:
            self.stages.report(name, "at_bound", show(current), show(current), spent)
            return current, current, incumbent
        stage_deadline = started + self.stages.limit(name)
        self.model.minimize(expression)
        bound, status = lower, cp_model.UNKNOWN
        while (left := stage_deadline - time.perf_counter()) > 0.005:
            self.hint(incumbent)
            solver, status = self._solve(self.model, left)
            if status == cp_model.INFEASIBLE:
                raise _NoPlan(name)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break  # MODEL_INVALID would be a bug: raised below; UNKNOWN: out of time
            found = self.read(solver.response_proto.solution)
            value = round(solver.objective_value)
            relaxed_bound = value if status == cp_model.OPTIMAL else solver.best_objective_bound
            bound = max(bound, math.ceil(relaxed_bound - 1e-6))
            if self.cut(found):
                continue  # not a plan: solve again with the new constraints
            if value < current:
                incumbent, current = found, value
            break
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT: invalid model in stage {name}")
        bound = min(bound, current)
        label = (
            "optimal"
            if bound == current
            else "unknown"
            if status == cp_model.UNKNOWN
            else "feasible"
        )
        self.stages.report(name, label, show(current), show(bound), time.perf_counter() - started)
        return current, bound, incumbent

    def threshold_stage(self, name, lower, current, incumbent, tables, show):
        """Minimise the worst scaled deviation by a binary search over the values it can take
        (``|Q·c - b·n|`` for the sessions' possible sizes ``n``) between the proven ``lower``
        bound and ``current``: each step asks a copy of the model for a plan with every
        deviation at most ``t``, in the tight size-by-size formulation of
        :meth:`limit_deviation`. A plan found lowers the upper end to its own worst deviation,
        a proof that none exists raises the bound. Returns ``(value, bound, incumbent)``."""
        started = time.perf_counter()
        if current <= lower:
            self.stages.report(name, "at_bound", show(current), show(current), 0.0)
            return current, current, incumbent
        stage_deadline = started + self.stages.limit(name)
        values = [v for v in self.deviation_values(tables) | {lower} if lower <= v < current]
        values.sort()
        lo, hi, tried = 0, len(values), 0  # proven: values[:lo] impossible, values[hi:] found
        while lo < hi:
            left = stage_deadline - time.perf_counter()
            if left < 0.005:
                break
            # the rounding bound first (often reached in larger units), then halve the range;
            # a question not answered in a third of the time left only steers the search up
            mid = probe if (probe := max(lo, tried)) == 0 else (probe + hi) // 2
            share = 1 if hi - probe <= 1 else 1 / 2 if mid == 0 else 1 / 3
            answer, found = self._within(values[mid], tables, incumbent, left * share)
            if answer == "feasible":
                incumbent, current = found, self.mix(found).worst_deviation
                hi = bisect.bisect_left(values, current, lo, hi)
            elif answer == "infeasible":
                lo = tried = mid + 1
            else:
                tried = mid + 1
            if tried >= hi:
                break
        bound = values[lo] if lo < hi else current
        label = "optimal" if bound == current else "feasible"
        self.stages.report(name, label, show(current), show(bound), time.perf_counter() - started)
        return current, bound, incumbent

    def deviation_values(self, tables) -> set[int]:
        """Every value a scaled deviation can take, ``|Q·c - b·n|`` for the sessions' possible
        sizes ``n`` and counts ``c ≤ n``: the worst deviation is one of them."""
        Q = self.unit.scale
        return {
            abs(Q * c - b * n)
            for (s, _), (_, b) in self.deviation.items()
            for n in tables[s]
            for c in range(n + 1)
        }

    def _solve(self, model: cp_model.CpModel, seconds: float):
        """CP-SAT on ``model`` for at most ``seconds``; returns the solver and the status."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = self.cp_workers
        solver.parameters.random_seed = self.options.random_seed
        solver.parameters.linearization_level = self.linearization
        try:
            return solver, solver.solve(model)
        except IndexError:  # CP-SAT 9.15's presolve fails on some hints ("absl::btree_map::at")
            model.clear_hints()
            return solver, solver.solve(model)

    def _within(self, limit, tables, incumbent, seconds):
        """Is there a plan with every scaled deviation at most ``limit``? ``("feasible",
        plan)``, ``("infeasible", None)`` or ``("unknown", None)`` (out of time)."""
        started = time.perf_counter()
        model = self.model.clone()
        model.clear_objective()
        self.limit_deviation(limit, tables, model)
        while (left := seconds - (time.perf_counter() - started)) > 0.005:
            self.hint(incumbent, model)
            solver, status = self._solve(model, left)
            if status == cp_model.INFEASIBLE:
                return "infeasible", None
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
            found = self.read(solver.response_proto.solution)
            if not self.cut(found, also=model):
                return "feasible", found
        return "unknown", None


class _NoPlan(Exception):
    """A stage's model has no solution: only possible with pins that cannot all be kept."""


class _CountsModel(_Model):
    """Objectives 1 and 2 over the counts ``c[s, k]`` (persons of kind k in session s) alone.

    Which persons go where does not matter for them, only whether some assignment realises
    the counts. Persons of one kind realise ``c[·, k]`` iff Hall's condition holds for every set
    ``T`` of sessions: ``Σ_{s∈T} c[s, k] ≤ |persons of kind k available for some s ∈ T|`` (these
    vectors form a polymatroid: every integer point satisfying them is realisable). There are
    exponentially many such sets, so they are added lazily: a solution's counts are checked by a
    maximum flow per kind, and a violated set is read off its minimum cut. Without the symmetry
    of interchangeable persons, CP-SAT searches and proves over a few dozen integers per region.
    Pinned persons are fixed in their sessions (``c`` starts at their number)."""

    linearization = 1  # CP-SAT's default: enough for this small model, and fastest

    def __init__(self, unit_solver: _UnitSolver, fixed: Mapping[int, int]):
        super().__init__(unit_solver)
        prep, model = self.prep, self.model
        self.fixed = dict(fixed)
        self.free: dict[int, list[int]] = defaultdict(list)
        for p in self.unit.persons:
            if p not in self.fixed:
                self.free[prep.kind[p]].append(p)
        self.pinned: Counter = Counter((s, prep.kind[p]) for p, s in self.fixed.items())
        reach: Counter = Counter()
        for people in self.free.values():
            for p in people:
                for s in prep.available[p]:
                    reach[s, prep.kind[p]] += 1
        self.c: dict[tuple[int, int], cp_model.IntVar] = {}
        members = defaultdict(list)
        for s in self.unit.sessions:
            for k in range(len(prep.kinds)):
                pinned, most = self.pinned[s, k], self.pinned[s, k] + reach[s, k]
                if most:
                    upper = max(pinned, min(prep.sessions[s].max_size, most))
                    var = self.c[s, k] = model.new_int_var(pinned, upper, f"c{s}_{k}")
                    members[s].append(var)
                if most or prep.share_num[s][k]:
                    self._deviation(s, k, self.c.get((s, k), 0))
        self._sessions(members)
        # per kind its total, ``t[k] = Σ_s c[s, k]``: Hall's condition for all sessions, and
        # the sparse form of the condition for a large set T: ``t[k] - c(S - T) ≤ |N(T)|``
        self.total: dict[int, cp_model.IntVar] = {}
        for k in range(len(prep.kinds)):
            row = [var for (s, kind), var in self.c.items() if kind == k]
            if row:
                pinned = sum(n for (s, kind), n in self.pinned.items() if kind == k)
                total = self.total[k] = model.new_int_var(0, pinned + len(self.free[k]), f"t{k}")
                model.add(total == sum(row))
        self.placed = sum(self.total.values())
        self.cuts = 0
        self._availability_cuts()

    def _availability_cuts(self):
        """Hall's condition, at the start, for the sets of sessions the persons themselves
        name (their availability) and for each session's neighbourhood (the sessions someone
        can attend together with it, and their neighbours): per kind and set A, ``c(A) ≤
        |persons who can go to A|`` and, for the complement, the persons who can go nowhere but
        A: ``t - c(A) ≤ |N(S - A)|``. These are the sets minimum cuts find most often (people
        choose sites near them: clusters of sessions); the rest come lazily."""
        prep = self.prep
        candidates = {frozenset(prep.available[p]) for p in self.unit.persons}
        near = defaultdict(set)  # sessions someone can attend together with s
        for p in self.unit.persons:
            for s in prep.available[p]:
                near[s].update(prep.available[p])
        for s in self.unit.sessions:
            one = frozenset(near[s] | {s})
            candidates.update((one, frozenset().union(*(near[t] for t in one))))
        for k, people in self.free.items():
            if k not in self.total:
                continue
            pinned_all = sum(n for (s, kind), n in self.pinned.items() if kind == k)
            for names in candidates:
                touching = inside = 0
                for p in people:
                    if names.intersection(prep.available[p]):
                        touching += 1
                        inside += names.issuperset(prep.available[p])
                pinned = sum(self.pinned[s, k] for s in names)
                row = [self.c[s, k] for s in names if (s, k) in self.c]
                if sum(self.model_upper(var) for var in row) > pinned + touching:
                    self.model.add(sum(row) <= pinned + touching)
                if inside:
                    outside = len(people) - inside + pinned_all - pinned
                    self.model.add(self.total[k] - sum(row) <= outside)

    def model_upper(self, var) -> int:
        return var.proto.domain[-1]

    def counts(self, incumbent) -> Counter:
        return incumbent

    def hint_own(self, incumbent, model):
        for key, var in self.c.items():
            model.add_hint(var, incumbent[key])

    def read(self, solution) -> Counter:
        return Counter({key: solution[var.index] for key, var in self.c.items()})

    def _flow(self, k: int, counts: Mapping, costs=None):
        """A flow of the free persons of kind ``k`` to the sessions, each session getting
        ``counts[s, k]`` minus its pinned persons: maximum flow (``costs`` None) or min-cost
        flow with ``costs(p, s)``."""
        prep = self.prep
        people = self.free[k]
        sessions = self.unit.sessions
        node = {s: 2 + len(people) + i for i, s in enumerate(sessions)}
        demand = {s: counts[s, k] - self.pinned[s, k] for s in sessions}
        flow = max_flow.SimpleMaxFlow() if costs is None else min_cost_flow.SimpleMinCostFlow()
        arcs = []
        for i, p in enumerate(people):
            if costs is None:
                flow.add_arc_with_capacity(0, 2 + i, 1)
            else:
                flow.add_arc_with_capacity_and_unit_cost(0, 2 + i, 1, 0)
            for s in prep.available[p]:
                if costs is None:
                    flow.add_arc_with_capacity(2 + i, node[s], len(people) + 1)
                else:
                    arc = flow.add_arc_with_capacity_and_unit_cost(2 + i, node[s], 1, costs(p, s))
                    arcs.append((arc, p, s))
        for s in sessions:
            if costs is None:
                flow.add_arc_with_capacity(node[s], 1, demand[s])
            else:
                flow.add_arc_with_capacity_and_unit_cost(node[s], 1, demand[s], 0)
        return flow, node, demand, arcs

    def cut(self, counts, also=None) -> bool:
        prep, added = self.prep, False
        for k in range(len(prep.kinds)):
            if not any(counts[s, k] > self.pinned[s, k] for s in self.unit.sessions):
                continue
            flow, node, demand, _ = self._flow(k, counts)
            flow.solve(0, 1)
            if flow.optimal_flow() == sum(demand.values()):
                continue
            source_side = set(flow.get_source_side_min_cut())
            sessions = {s for s in self.unit.sessions if node[s] not in source_side}
            reach = sum(1 for p in self.free[k] if sessions.intersection(prep.available[p]))
            pinned = sum(self.pinned[s, k] for s in sessions)
            row = [self.c[s, k] for s in sessions if (s, k) in self.c]
            rest = [var for (s, kind), var in self.c.items() if kind == k and s not in sessions]
            for model in (self.model, also) if also else (self.model,):
                if len(row) <= len(rest):
                    model.add(sum(row) <= pinned + reach)
                else:  # the same, sparser: through the kind's total
                    model.add(self.total[k] - sum(rest) <= pinned + reach)
            self.cuts += 1
            added = True
        return added

    def realise(self, counts, cost) -> dict[int, int]:
        """A plan with these counts at the least total ``cost(p, s)``: a min-cost flow per
        kind (the counts satisfy Hall's condition, so it exists)."""
        choice = dict(self.fixed)
        for k in range(len(self.prep.kinds)):
            if not any(counts[s, k] > self.pinned[s, k] for s in self.unit.sessions):
                continue
            flow, _, demand, arcs = self._flow(k, counts, cost)
            flow.set_node_supply(0, sum(demand.values()))
            flow.set_node_supply(1, -sum(demand.values()))
            if flow.solve() != flow.OPTIMAL:
                raise RuntimeError("counts that satisfy Hall's condition are not realisable")
            for arc, p, s in arcs:
                if flow.flow(arc):
                    choice[p] = s
        return choice


class _PersonsModel(_Model):
    """The model over persons: ``x[p, s]`` = person p goes to session s (one of their available
    ones). Used for the preferences and travel (objective 3), for a re-run's changes and fine
    mix (which depend on who was where before), and to decide which pins can be kept."""

    linearization = 2  # the cuts of the full linearisation prove preference optima far faster

    def __init__(self, unit_solver: _UnitSolver):
        super().__init__(unit_solver)
        prep, model = self.prep, self.model
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        members: dict[int, list] = defaultdict(list)
        by_kind: dict[tuple[int, int], list] = defaultdict(list)
        for p in self.unit.persons:
            row = []
            for s in prep.available[p]:
                var = self.x[p, s] = model.new_bool_var(f"x{p}_{s}")
                row.append(var)
                members[s].append(var)
                by_kind[s, prep.kind[p]].append(var)
            model.add_at_most_one(row)
        self._sessions(members)
        for s in self.unit.sessions:
            for k in range(len(prep.kinds)):
                if by_kind.get((s, k)) or prep.share_num[s][k]:
                    self._deviation(s, k, sum(by_kind.get((s, k), [])))
        self.placed = sum(self.x.values())

    def counts(self, incumbent) -> Counter:
        return Counter((s, self.prep.kind[p]) for p, s in incumbent.items())

    def hint_own(self, incumbent, model):
        for (p, s), var in self.x.items():
            model.add_hint(var, incumbent.get(p) == s)

    def read(self, solution) -> dict[int, int]:
        return {p: s for (p, s), var in self.x.items() if solution[var.index]}

    def cost(self, incumbent) -> int:
        return sum(self.prep.cost[p][s] for p, s in incumbent.items())


class _UnitSolver:
    """The stages of one unit (see the module's docstring): objectives 1 and 2 in the counts
    model, then the plan realised by min-cost flows, then objective 3 (and a re-run's changes
    and fine mix) in the persons model, each stage's value fixed for the next."""

    def __init__(self, prep: _Prepared, unit: _UnitData, options: Options, cp_workers: int):
        self.prep, self.unit, self.options, self.cp_workers = prep, unit, options, cp_workers
        self.bounds: dict[str, float] = {}
        self.stages: _Stages

    def solve_first(self, start: Mapping[int, int], deadline: float, upper_placed: int):
        """Objectives 1 and 2 (and a re-run's changes) from the feasible plan ``start``, by
        ``deadline``; ``upper_placed``: a proven upper bound of the people placed. The plan so
        far is ``self.choice``; :meth:`solve_rest` does the preferences."""
        prep, unit, Q = self.prep, self.unit, self.unit.scale
        names = ["placed", "worst_band_excess", "band_excess"]
        names += ["changes"] if prep.rerun else []
        self.stages = _Stages([*names, "worst_mix_deviation"], deadline)
        self.persons, self.open = None, False
        in_unit = set(unit.persons)
        choice = {p: s for p, s in start.items() if p in in_unit}
        pinned = [p for p in unit.persons if prep.pin[p] in prep.available[p]]

        # (1) pins kept, then placed. Normally the greedy keeps every pin: they are fixed, and
        # objectives 1 and 2 are decided in the counts model. Otherwise the persons model
        # decides how many pins can be kept (not which: that is left to the later objectives)
        # and the mix as well.
        persons: _PersonsModel | None = None
        if all(choice.get(p) == prep.pin[p] for p in pinned):
            fixed = {p: prep.pin[p] for p in pinned}
            counts_model = mix_model = _CountsModel(self, fixed)
            incumbent = Counter((s, prep.kind[p]) for p, s in choice.items())
            value, bound, incumbent = mix_model.stage(
                "placed", -mix_model.placed, -upper_placed, -len(choice), incumbent, lambda v: -v
            )
            upper_placed = min(upper_placed, -bound)
            self.bounds["pins_kept"] = len(pinned)
        else:
            fixed, counts_model = {}, None
            persons = mix_model = _PersonsModel(self)
            weight = len(unit.persons) + 1
            pins_kept = sum(persons.x[p, prep.pin[p]] for p in pinned)
            kept = sum(1 for p in pinned if choice.get(p) == prep.pin[p])
            value, bound, incumbent = persons.stage(
                "placed",
                -(weight * pins_kept + persons.placed),
                -(weight * len(pinned) + upper_placed),
                -(weight * kept + len(choice)),
                choice,
                lambda value: -value % weight,
            )
            kept = sum(1 for p in pinned if incumbent.get(p) == prep.pin[p])
            persons.model.add(pins_kept >= kept)
            self.bounds["pins_kept"] = kept if value == bound else len(pinned)
            upper_placed = min(upper_placed, -bound - weight * kept)
        model = mix_model.model
        placed = mix_model.mix(incumbent).placed
        model.add(mix_model.placed >= placed)
        self.bounds["placed"] = max(placed, upper_placed)

        # the rounding bound of the worst deviation (given the people placed)
        lower, tables = _rounding_bound(prep, unit, mix_model, fixed, placed, upper_placed)

        # In a fresh run, first the question whether a plan reaches the rounding bound: if
        # one does, the worst deviation is proven at once (and below one person every band
        # holds, so the band stages are proven as well); if none does, the bound rises to the
        # next value a deviation can take. Asked in the tight size-indexed formulation.
        mix_model.add_band()
        started = time.perf_counter()
        if not prep.rerun and mix_model.mix(incumbent).worst_deviation > lower:
            seconds = self.stages.limit("worst_band_excess")
            answer, found = mix_model._within(lower, tables, incumbent, seconds)
            if answer == "feasible":
                incumbent = found
            elif answer == "infeasible":
                lower = min(v for v in mix_model.deviation_values(tables) if v > lower)

        # (2a, 2b) the bands: the worst excess, then the total excess. First the question
        # whether every band can hold, again in the size-indexed formulation
        current, least = mix_model.mix(incumbent).worst_excess, 0
        if current > 0:
            bands = {s: Q - Q // prep.share_den[s] for s in unit.sessions}
            seconds = self.stages.limit("worst_band_excess")
            answer, found = mix_model._within(bands, tables, incumbent, seconds)
            if answer == "feasible":
                incumbent, current = found, 0
            elif answer == "infeasible":
                least = 1
        worst_excess, bound, incumbent = mix_model.stage(
            "worst_band_excess",
            mix_model.worst_excess,
            least,
            current,
            incumbent,
            spent=time.perf_counter() - started,
        )
        model.add(mix_model.worst_excess <= worst_excess)
        self.bounds["worst_band_excess"] = bound
        excess_proven = bound == worst_excess
        total = sum(mix_model.excess.values())
        current = mix_model.mix(incumbent).total_excess
        total_excess, bound, incumbent = mix_model.stage(
            "band_excess", total, self.bounds["worst_band_excess"], current, incumbent
        )
        model.add(total <= total_excess)
        self.bounds["band_excess"] = bound

        if excess_proven:  # some kind is E persons beyond its band: D ≥ E persons
            lower = max(lower, Q * worst_excess)

        # (2c) the worst deviation from the target mix (in a re-run: after the changes)
        deviation = None
        if not prep.rerun:
            deviation, bound, incumbent = self._worst_deviation(mix_model, lower, tables, incumbent)

        if counts_model is not None:
            # the plan: these counts at the least cost (in a re-run: the fewest changes first)
            if prep.rerun:
                change = 1 + sum(max(prep.cost[p].values(), default=0) for p in unit.persons)

                def cost(p, s):
                    return prep.cost[p][s] + (change if s != prep.previous[p] else 0)

            else:

                def cost(p, s):
                    return prep.cost[p][s]

            self.choice = choice = counts_model.realise(incumbent, cost)
            costs = any(prep.cost[p][s] for p in unit.persons for s in prep.available[p])
            if not prep.rerun and not costs:
                return
            # the persons model, held to everything reached so far
            persons = _PersonsModel(self)
            for p, s in fixed.items():
                persons.model.add(persons.x[p, s] == 1)
            persons.model.add(persons.placed >= placed)
            persons.add_band(worst_excess, total_excess)
        else:
            choice = incumbent
        model = persons.model
        if deviation is not None:
            persons.limit_deviation(deviation, tables)

        if prep.rerun:  # (3a) changes: those whose session is gone or no longer theirs must
            forced, kept = 0, []
            for p in unit.persons:
                if p in prep.previous_id:
                    if (p, prep.previous[p]) in persons.x:
                        kept.append(persons.x[p, prep.previous[p]])
                    else:
                        forced += 1
            expression = forced + len(kept) - sum(kept)
            current = sum(
                1 for p in prep.previous_id if p in in_unit and choice.get(p) != prep.previous[p]
            )
            value, bound, choice = persons.stage("changes", expression, forced, current, choice)
            model.add(expression <= value)
            self.bounds["changes"] = bound
            # (2c) the fine mix, after the changes in a re-run
            deviation, bound, choice = self._worst_deviation(persons, lower, tables, choice)
            persons.limit_deviation(deviation, tables)
        self.choice, self.persons, self.placed = choice, persons, placed

    def solve_rest(self, deadline: float) -> dict:
        """(3b) Preferences and travel, by ``deadline``; returns the unit's plan (person index
        → session index). Called again with more time while ``open``: goes on from the plan
        and the bound it reached."""
        prep, unit, persons = self.prep, self.unit, self.persons
        self.stages.left, self.stages.deadline = ["preference_cost"], deadline
        if persons is None:  # nobody has preferences or distances: any realisation is optimal
            self.stages.report("preference_cost", "at_bound", 0, 0, 0.0)
            self.bounds["preference_cost"] = 0
            return self.choice
        if "preference_cost" in self.bounds:  # again: the earlier bound holds
            lower, before = self.bounds["preference_cost"], self.stages.reports.pop()
        else:
            cheapest = sorted(min(prep.cost[p].values()) for p in unit.persons)
            lower, before = sum(cheapest[: self.placed]), None
            self.cost = sum(
                c * persons.x[p, s] for p in unit.persons for s, c in prep.cost[p].items() if c
            )
        current = persons.cost(self.choice)
        value, bound, self.choice = persons.stage(
            "preference_cost", self.cost, lower, current, self.choice
        )
        if before is not None:
            last = self.stages.reports.pop()
            self.stages.reports.append(
                StageReport(
                    last.objective, last.status, value, bound, before.seconds + last.seconds
                )
            )
        self.bounds["preference_cost"] = bound
        self.open = bound < value
        return self.choice

    def _worst_deviation(self, model: _Model, lower: int, tables, incumbent):
        """Stage 2c in ``model``: CP-SAT minimises D directly in small units, a threshold
        search proves it in large ones (measured: each is the faster there)."""
        Q = self.unit.scale
        current = model.mix(incumbent).worst_deviation
        if len(self.unit.sessions) > _SEARCH_SESSIONS:
            deviation, bound, incumbent = model.threshold_stage(
                "worst_mix_deviation", lower, current, incumbent, tables, lambda v: v / Q
            )
        else:
            model.add_worst_deviation(lower, tables)
            deviation, bound, incumbent = model.stage(
                "worst_mix_deviation",
                model.worst_deviation,
                lower,
                current,
                incumbent,
                lambda v: v / Q,
            )
        self.bounds["worst_mix_deviation"] = bound / Q
        return deviation, bound, incumbent


def _rounding_bound(prep, unit, model: _Model, fixed, low, high):
    """The rounding bound of the worst deviation (scaled) when between ``low`` and ``high``
    people are placed in the unit, and per session its table size → rounding deviation (see
    :func:`_rounding_deviation` and :func:`_sizes_bound`). Kept pins are floors."""
    Q = unit.scale
    floors: Counter = Counter((s, prep.kind[p]) for p, s in fixed.items())
    tables = {}
    for s in unit.sessions:
        session = prep.sessions[s]
        kinds = [k for k in range(len(prep.kinds)) if (s, k) in model.deviation]
        coefficients = [model.deviation[s, k][1] for k in kinds]
        caps = [prep.available_by_kind[s][k] for k in kinds]
        least = [floors[s, k] for k in kinds]
        table = {} if sum(least) else {0: 0}
        for n in range(max(session.min_size, 1), session.max_size + 1):
            deviation = _rounding_deviation(n, Q, coefficients, caps, least)
            if deviation is not None:
                table[n] = deviation
        tables[s] = table
    bound = _sizes_bound([tables[s] for s in unit.sessions], low, high)
    return (0 if bound is None else bound), tables


def _placement_bound(prep: _Prepared, unit: _UnitData) -> int:
    """An upper bound of the people the unit can place: the maximum flow from the persons to
    the sessions they are available for, each session up to its maximum (its minimum left
    out, which only lowers the true optimum)."""
    flow = max_flow.SimpleMaxFlow()
    source, sink = 0, 1
    person_node = {p: 2 + i for i, p in enumerate(unit.persons)}
    session_node = {s: 2 + len(unit.persons) + i for i, s in enumerate(unit.sessions)}
    for p in unit.persons:
        flow.add_arc_with_capacity(source, person_node[p], 1)
        for s in prep.available[p]:
            flow.add_arc_with_capacity(person_node[p], session_node[s], 1)
    for s in unit.sessions:
        flow.add_arc_with_capacity(session_node[s], sink, prep.sessions[s].max_size)
    if flow.solve(source, sink) != flow.OPTIMAL:
        return len(unit.persons)
    return flow.optimal_flow()


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def assign(instance: Instance, options: Options | None = None) -> Plan:
    """The optimised plan: CP-SAT per unit, stage by stage, within the time limit."""
    options = options or Options()
    started = time.perf_counter()
    prep = _Prepared(instance, options)
    # the plan is put together after the solver stops: time for it (about 30 µs a person)
    limit = max(0.0, options.time_limit_seconds)
    deadline = started + limit - min(limit / 4, 3e-5 * len(prep.persons))
    units = sorted(prep.units(), key=lambda unit: -unit.weight)
    everyone = range(len(prep.persons))
    start = _greedy(prep, everyone, start=_previous_plan(prep))
    threads = max(1, min(options.workers, len(units)))
    cp_workers = 1  # see Options
    solvers = [_UnitSolver(prep, unit, options, cp_workers) for unit in units]
    lock = threading.Lock()
    waiting = [0]

    def share(unit: _UnitData) -> float:
        """The deadline of a unit starting now: its fair share of the time left, by weight,
        among the units still waiting (time a unit leaves unused goes to those after it)."""
        with lock:
            now = time.perf_counter()
            part = min(1.0, threads * unit.weight / max(1, waiting[0]))
            waiting[0] -= unit.weight
        return now + (deadline - now) * part

    def first(solver: _UnitSolver):
        started = time.perf_counter()
        solver.solve_first(start, share(solver.unit), _placement_bound(prep, solver.unit))
        solver.seconds = time.perf_counter() - started

    def rest(solver: _UnitSolver):
        started = time.perf_counter()
        choice = solver.solve_rest(share(solver.unit))
        solver.seconds += time.perf_counter() - started
        return choice

    def run(phase, solvers):
        waiting[0] = sum(solver.unit.weight for solver in solvers)
        return list(pool.map(phase, solvers) if pool else map(phase, solvers))

    # strict priority across units too: objectives 1 and 2 everywhere, then the preferences,
    # then more time for the preferences not yet proven while there is time
    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    try:
        run(first, solvers)
        run(rest, solvers)
        while deadline - time.perf_counter() > 0.05 and any(s.open for s in solvers):
            run(rest, [solver for solver in solvers if solver.open])
    finally:
        if pool:
            pool.shutdown()
    solved = [
        (
            solver.choice,
            solver.bounds,
            solver.stages.proven,
            UnitReport(
                solver.unit.regions,
                len(solver.unit.sessions),
                len(solver.unit.persons),
                solver.seconds,
                tuple(solver.stages.reports),
            ),
        )
        for solver in solvers
    ]
    choice = {}
    for unit_choice, _, _, _ in solved:
        choice.update(unit_choice)
    bounds = _combined_bounds(prep, [bounds for _, bounds, _, _ in solved])
    proven = all(unit_proven for _, _, unit_proven, _ in solved)
    return _plan(
        prep,
        choice,
        solver="cp-sat",
        status="optimal" if proven else "time_limit",
        bounds=bounds,
        started=started,
        units=tuple(report for _, _, _, report in solved),
    )


def assign_greedily(instance: Instance, options: Options | None = None) -> Plan:
    """The greedy heuristic alone (the baseline of the benchmark and CP-SAT's first plan)."""
    options = options or Options()
    started = time.perf_counter()
    prep = _Prepared(instance, options)
    choice = _greedy(prep, range(len(prep.persons)), start=_previous_plan(prep))
    return _plan(prep, choice, solver="greedy", status="heuristic", bounds=None, started=started)


def _previous_plan(prep: _Prepared) -> dict[int, int]:
    return {p: s for p, s in enumerate(prep.previous) if s is not None}


def _combined_bounds(prep: _Prepared, unit_bounds: list[dict]) -> dict[str, float]:
    """Bounds over all units: sums for the sums, the largest for the worst values. People with
    no session at all are never placed; their previous placement (if any) is a forced change."""
    bounds: dict[str, float] = {}
    for name in ("placed", "pins_kept", "band_excess", "changes", "preference_cost"):
        bounds[name] = sum(b.get(name, 0) for b in unit_bounds)
    for name in ("worst_band_excess", "worst_mix_deviation"):
        bounds[name] = max((b.get(name, 0) for b in unit_bounds), default=0)
    bounds["changes"] += sum(1 for p in prep.previous_id if not prep.available[p])
    return bounds


_OBJECTIVES = (  # in priority order; "changes" only counts in a re-run
    ("pins_kept", "max"),
    ("placed", "max"),
    ("worst_band_excess", "min"),
    ("band_excess", "min"),
    ("changes", "min"),
    ("worst_mix_deviation", "min"),
    ("preference_cost", "min"),
)


def _plan(prep, choice, *, solver, status, bounds, started, units=()) -> Plan:
    figures = _figures(prep, choice)
    values = {
        "pins_kept": figures.pins_kept,
        "placed": figures.placed,
        "worst_band_excess": figures.worst_band_excess,
        "band_excess": figures.band_excess,
        "changes": figures.changes,
        "worst_mix_deviation": float(figures.worst_mix_deviation),
        "preference_cost": figures.preference_cost,
    }

    def bound(name, sense):  # a bound proven before a later stage improved the value anyway
        if bounds is None:
            return None
        return (
            max(bounds[name], values[name]) if sense == "max" else min(bounds[name], values[name])
        )

    objectives = {
        name: Objective(name, sense, values[name], bound(name, sense))
        for name, sense in _OBJECTIVES
    }
    gap = None
    if bounds is not None:
        gap = next((o.gap for o in objectives.values() if o.gap and o.gap > 1e-9), 0.0)
    sessions, relaxations, reasons = _describe(prep, choice)
    return Plan(
        assignment={prep.persons[p].id: prep.sessions[s].id for p, s in sorted(choice.items())},
        waiting_list=tuple(person.id for p, person in enumerate(prep.persons) if p not in choice),
        sessions=sessions,
        relaxations=tuple(prep.pin_relaxations) + relaxations,
        reasons=reasons,
        objectives=objectives,
        status=status,
        gap=gap,
        wall_seconds=time.perf_counter() - started,
        solver=solver,
        units=units,
    )


# ---------------------------------------------------------------------------------------------
# What the result page shows: sessions with their mix, relaxed rules, a reason per person
# ---------------------------------------------------------------------------------------------


def _describe(prep: _Prepared, choice: Mapping[int, int]):
    members: dict[int, list[int]] = defaultdict(list)
    for p, s in choice.items():
        members[s].append(p)
    sessions, relaxations = [], []
    for s, session in enumerate(prep.sessions):
        counts = Counter(prep.kind[p] for p in members[s])
        size = len(members[s])
        mix, worst = [], Fraction(0)
        for k, kind in enumerate(prep.kinds):
            if not (counts[k] or prep.share_num[s][k]):
                continue
            target = prep.target(s, k, size)
            line = KindMix(kind, counts[k], float(target), math.floor(target), math.ceil(target))
            mix.append(line)
            worst = max(worst, abs(counts[k] - target))
            if line.excess:
                relaxations.append(_band_relaxation(prep, s, k, line))
        reason = None
        if not size:
            reason = _cancellation_reason(prep, s, choice)
        sessions.append(
            SessionPlan(
                session=session.id,
                region=session.region,
                size=size,
                min_size=session.min_size,
                max_size=session.max_size,
                mix=tuple(mix),
                deviation=float(worst),
                status="open" if size else "cancellation_proposed",
                reason=reason,
            )
        )
    pins_to = Counter(s for s in prep.pin if s is not None)
    for p, s in enumerate(prep.pin):
        if s is not None and choice.get(p) != s:
            session = prep.sessions[s]
            if not prep.viable[s]:
                why = Reason(
                    "pin_session_below_minimum",
                    {"available": prep.available_count[s], "minimum": session.min_size},
                )
            elif pins_to[s] > session.max_size:
                why = Reason("pin_session_full", {"pins": pins_to[s], "maximum": session.max_size})
            else:
                why = Reason("pin_conflict")
            relaxations.append(Relaxation("pin", session.id, None, prep.persons[p].id, 1, why))
    reasons = {
        person.id: _person_reason(prep, p, choice, members) for p, person in enumerate(prep.persons)
    }
    return tuple(sessions), tuple(relaxations), reasons


def _band_relaxation(prep, s, k, line: KindMix) -> Relaxation:
    params = {
        "count": line.count,
        "target": round(line.target, 2),
        "floor": line.floor,
        "ceiling": line.ceiling,
        "available": prep.available_by_kind[s][k],
    }
    if line.count > line.ceiling:  # placing people comes before the mix
        code = "above_ceiling"
    elif prep.available_by_kind[s][k] < line.floor:
        code = "below_floor_too_few_available"
    else:  # the others of this kind are placed elsewhere (their only sessions, or mix there)
        code = "below_floor"
    session = prep.sessions[s].id
    return Relaxation("mix_band", session, line.kind, None, line.excess, Reason(code, params))


def _cancellation_reason(prep, s, choice) -> Reason:
    session = prep.sessions[s]
    if session.max_size == 0:
        return Reason("no_places")
    if prep.available_count[s] < session.min_size:
        return Reason(
            "too_few_available",
            {"available": prep.available_count[s], "minimum": session.min_size},
        )
    went = Counter(
        prep.sessions[choice[p]].id
        for p, sessions in enumerate(prep.available)
        if s in sessions and p in choice
    )
    return Reason(
        "merged",
        {
            "available": prep.available_count[s],
            "minimum": session.min_size,
            "into": tuple(sid for sid, _ in went.most_common()),
        },
    )


def _person_reason(prep: _Prepared, p: int, choice, members) -> Reason:
    person = prep.persons[p]
    if p not in choice:
        return _waiting_reason(prep, p, members)
    s = choice[p]
    sid = prep.sessions[s].id
    if prep.pin[p] == s:
        return Reason("pinned", {"session": sid})
    if p in prep.previous_id:
        before = prep.previous_id[p]
        if prep.previous[p] == s:
            return Reason("unchanged", {"session": sid})
        previous = prep.previous[p]
        if previous is None or not members.get(previous):
            return Reason("moved_session_cancelled", {"session": sid, "previous": before})
        if previous not in prep.available[p]:
            return Reason("moved_no_longer_available", {"session": sid, "previous": before})
        return Reason("moved", {"session": sid, "previous": before})
    if prep.rerun:  # from the waiting list, or registered since the last run
        return Reason("newly_placed", {"session": sid})
    if len(prep.available[p]) == 1:
        return Reason("only_available_session", {"session": sid})
    if not person.preferences:
        return Reason("available_session", {"session": sid})
    rank = prep.rank[p].get(s)
    if rank == 0:
        return Reason("first_preference", {"session": sid})
    first = prep.s_index[person.preferences[0]]
    if not members.get(first):
        because = "cancelled"
    elif len(members[first]) >= prep.sessions[first].max_size:
        because = "full"
    else:
        because = "balance"  # its mix, the size of other sessions, or others' preferences
    params = {"session": sid, "first_preference": person.preferences[0], "because": because}
    if rank is None:
        return Reason("unranked_session", params)
    return Reason("ranked_preference", {**params, "rank": rank + 1})


def _waiting_reason(prep: _Prepared, p: int, members) -> Reason:
    if not prep.available_all[p]:
        return Reason("no_session_available")
    ids = tuple(prep.sessions[s].id for s in prep.available_all[p])
    if not any(members.get(s) for s in prep.available_all[p]):
        return Reason("sessions_cancelled", {"sessions": ids})
    if all(
        len(members.get(s, ())) >= prep.sessions[s].max_size
        for s in prep.available_all[p]
        if members.get(s)
    ):
        return Reason("sessions_full", {"sessions": ids})
    return Reason("not_placed", {"sessions": ids})
