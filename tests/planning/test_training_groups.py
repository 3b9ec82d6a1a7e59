"""The balanced training groups (neuewege.planning.training_groups) against brute force.

Plain pytest, no database. Hypothesis generates small instances (up to 6 people, 3 sessions);
the brute force enumerates every assignment and ranks the feasible ones by the objectives as the
module's docstring defines them, computed here from scratch with fractions.
"""

import itertools
import math
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.planning.training_groups import (
    Instance,
    InvalidInstance,
    Options,
    Registrant,
    Session,
    _rounding_deviation,
    assign,
    assign_greedily,
)

settings.register_profile(
    "planning",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("planning")
KINDS = ("family_centre", "job_centre", "equality_office")
OPTIONS = Options(time_limit_seconds=20, workers=2)


# -- instances ---------------------------------------------------------------------------------


@st.composite
def instances(draw, people=(3, 6), with_pins=True):
    regions = draw(st.sampled_from([("A",), ("A", "B")]))
    sessions = []
    for i in range(draw(st.integers(1, 3))):
        low = draw(st.integers(0, 3))
        sessions.append(
            Session(f"s{i}", draw(st.sampled_from(regions)), low, draw(st.integers(max(1, low), 4)))
        )
    registrants = []
    for j in range(draw(st.integers(*people))):
        region = draw(st.sampled_from(regions))
        own = [s.id for s in sessions if s.region == region] or [sessions[0].id]
        least = draw(st.sampled_from([0, 1, 1, 1]))  # now and then someone with no session
        available = draw(st.lists(st.sampled_from(own), min_size=least, max_size=3, unique=True))
        preferences = draw(st.permutations(available))[: draw(st.integers(0, len(available)))]
        distances = {sid: draw(st.sampled_from([0.0, 4.0, 12.5])) for sid in available}
        registrants.append(
            Registrant(
                f"p{j}",
                region,
                draw(st.sampled_from(KINDS)),
                tuple(available),
                tuple(preferences),
                distances,
            )
        )
    pins = {}
    if with_pins:
        for person in registrants:
            if person.available and draw(st.integers(0, 5)) == 0:
                pins[person.id] = draw(st.sampled_from(person.available))
    return Instance(tuple(sessions), tuple(registrants), pins)


# -- brute force -------------------------------------------------------------------------------


def shares(instance: Instance, session: Session) -> tuple[Counter, int]:
    """The registrants of the session's region by kind (those who can come, if nobody)."""
    counts = Counter(p.kind for p in instance.registrants if p.region == session.region)
    if not counts:
        counts = Counter(p.kind for p in instance.registrants if session.id in p.available)
    return counts, max(1, sum(counts.values()))


def feasible(instance: Instance, assignment: dict) -> bool:
    people = {p.id: p for p in instance.registrants}
    sizes = Counter(assignment.values())
    return all(sid in people[pid].available for pid, sid in assignment.items()) and all(
        sizes[s.id] == 0 or s.min_size <= sizes[s.id] <= s.max_size for s in instance.sessions
    )


def objectives(instance: Instance, assignment: dict, options=OPTIONS) -> dict:
    """Every objective of the module's docstring, from its definitions."""
    kinds = {p.kind for p in instance.registrants}
    worst_excess = total_excess = 0
    worst_deviation = Fraction(0)
    for session in instance.sessions:
        members = [p for p in instance.registrants if assignment.get(p.id) == session.id]
        counts, total = shares(instance, session)
        for kind in kinds:
            count = sum(1 for p in members if p.kind == kind)
            target = Fraction(counts[kind] * len(members), total)
            excess = max(0, math.floor(target) - count, count - math.ceil(target))
            worst_excess, total_excess = max(worst_excess, excess), total_excess + excess
            worst_deviation = max(worst_deviation, abs(count - target))
    cost = 0
    for person in instance.registrants:
        if person.id in assignment:
            sid = assignment[person.id]
            if person.preferences:
                rank = (
                    person.preferences.index(sid)
                    if sid in person.preferences
                    else len(person.preferences)
                )
                cost += rank * options.preference_step
            cost += round(person.distance_km.get(sid, 0.0) * options.travel_per_km)
    previous = instance.previous or {}
    return {
        "pins_kept": sum(1 for pid, sid in instance.pins.items() if assignment.get(pid) == sid),
        "placed": len(assignment),
        "worst_band_excess": worst_excess,
        "band_excess": total_excess,
        "changes": sum(
            1
            for p in instance.registrants
            if p.id in previous and assignment.get(p.id) != previous[p.id]
        ),
        "worst_mix_deviation": worst_deviation,
        "preference_cost": cost,
    }


def order(instance: Instance) -> list[str]:
    """The objectives in priority order (a re-run's changes before the fine mix)."""
    names = ["pins_kept", "placed", "worst_band_excess", "band_excess"]
    names += ["changes"] if instance.previous is not None else []
    return [*names, "worst_mix_deviation", "preference_cost"]


def key(instance, values: dict) -> tuple:
    maximised = {"pins_kept", "placed"}
    return tuple(-values[n] if n in maximised else values[n] for n in order(instance))


def every_plan(instance: Instance):
    people = instance.registrants
    for choice in itertools.product(*[(None, *p.available) for p in people]):
        assignment = {p.id: sid for p, sid in zip(people, choice, strict=True) if sid is not None}
        if feasible(instance, assignment):
            yield assignment


def brute_force(instance: Instance) -> dict:
    """The lexicographic optimum's objective values."""
    return min(
        (objectives(instance, plan) for plan in every_plan(instance)),
        key=lambda values: key(instance, values),
    )


def units_of(instance: Instance) -> list[Instance]:
    """The independent parts of an instance, as the solver splits it: the sessions of a region
    with its registrants, regions linked by a registrant available in another region joined."""
    parent = {}

    def root(region):
        parent.setdefault(region, region)
        while parent[region] != region:
            region = parent[region]
        return region

    region_of = {session.id: session.region for session in instance.sessions}
    for person in instance.registrants:
        for sid in person.available:
            parent[root(region_of[sid])] = root(person.region)
    for session in instance.sessions:
        root(session.region)
    units = []
    for top in sorted({root(region) for region in parent}):
        sessions = tuple(s for s in instance.sessions if root(s.region) == top)
        people = tuple(p for p in instance.registrants if root(p.region) == top)
        ids = {p.id for p in people}
        units.append(
            Instance(
                sessions=sessions,
                registrants=people,
                pins={p: s for p, s in instance.pins.items() if p in ids},
                previous=None
                if instance.previous is None
                else {p: s for p, s in instance.previous.items() if p in ids},
            )
        )
    return units


def check_feasible(instance: Instance, plan):
    """Availability and size ranges always hold; pins kept where the plan says so."""
    assert feasible(instance, dict(plan.assignment))
    assert set(plan.assignment) | set(plan.waiting_list) == {p.id for p in instance.registrants}
    assert not set(plan.assignment) & set(plan.waiting_list)
    sizes = Counter(plan.assignment.values())
    for line in plan.sessions:
        assert line.size == sizes[line.session]
        assert line.status == ("open" if line.size else "cancellation_proposed")
    assert set(plan.reasons) == {p.id for p in instance.registrants}


# -- the solver against brute force --------------------------------------------------------------


@PROFILE
@given(instance=instances())
def test_optimal_plans_match_brute_force(instance):
    plan = assign(instance, OPTIONS)
    check_feasible(instance, plan)
    assert plan.status == "optimal" and plan.gap == 0
    # each independent part (a region, or regions linked by a registrant) at its own
    # lexicographic optimum: a region's groups are not made less balanced because another
    # region's cannot be balanced better (and so the global figures are optimal too)
    for unit in units_of(instance):
        ids = {p.id for p in unit.registrants}
        in_unit = {p: sid for p, sid in plan.assignment.items() if p in ids}
        assert key(unit, objectives(unit, in_unit)) == key(unit, brute_force(unit))
    found = objectives(instance, dict(plan.assignment))
    # the plan reports what it reached, and its bounds are the values (all proven)
    for name in order(instance):
        objective = plan.objectives[name]
        assert objective.value == pytest.approx(float(found[name]))
        assert objective.bound == pytest.approx(objective.value)
    # never worse than the greedy: pins kept first, then placed
    greedy = assign_greedily(instance, OPTIONS)
    assert (found["pins_kept"], plan.placed) >= (
        objectives(instance, dict(greedy.assignment))["pins_kept"],
        greedy.placed,
    )


@PROFILE
@given(instance=instances(people=(0, 9)))
def test_greedy_plans_are_feasible(instance):
    plan = assign_greedily(instance, OPTIONS)
    check_feasible(instance, plan)
    assert plan.status == "heuristic"
    assert all(objective.bound is None for objective in plan.objectives.values())


@PROFILE
@given(instance=instances(), data=st.data())
def test_rerun_after_a_cancellation_moves_only_whom_it_must(instance, data):
    """One placed person cancels (or, now and then, one more registers late): the re-run
    changes no more assignments than the best plan for pins, placing and bands must."""
    first = assign(instance, OPTIONS)
    if not first.assignment:
        return
    registrants = instance.registrants
    if data.draw(st.booleans(), label="late registration"):
        late = data.draw(instances(people=(1, 1), with_pins=False)).registrants[0]
        own = [s.id for s in instance.sessions if s.region == late.region] or [
            instance.sessions[0].id
        ]
        registrants += (Registrant("late", late.region, late.kind, tuple(own)),)
    else:
        gone = data.draw(st.sampled_from(sorted(first.assignment)), label="cancelled")
        registrants = tuple(p for p in registrants if p.id != gone)
    after = Instance(
        instance.sessions,
        registrants,
        {pid: sid for pid, sid in instance.pins.items() if pid in {p.id for p in registrants}},
        previous=dict(first.assignment),
    )
    plan = assign(after, OPTIONS)
    check_feasible(after, plan)
    # the fewest changes any plan needs that is as good in pins, placing and bands
    best = brute_force(after)
    must = min(
        values["changes"]
        for values in (objectives(after, p) for p in every_plan(after))
        if key(after, values)[:4] == key(after, best)[:4]
    )
    assert plan.changes == must
    assert key(after, objectives(after, dict(plan.assignment))) == key(after, best)


def test_a_cancelled_session_moves_its_people_and_no_one_else():
    sessions = (Session("a", "R", 2, 3), Session("b", "R", 2, 5), Session("c", "R", 2, 5))
    people = tuple(
        Registrant(f"p{i}", "R", "job_centre", ("a", "b", "c") if i % 2 else ("b", "c"))
        for i in range(8)
    )
    first = assign(Instance(sessions, people), OPTIONS)
    assert first.placed == 8
    cancelled = next(s.session for s in first.sessions if s.size and s.session != "b")
    moving = {pid for pid, sid in first.assignment.items() if sid == cancelled}
    rest = tuple(s for s in sessions if s.id != cancelled)
    people = tuple(
        Registrant(p.id, p.region, p.kind, tuple(s for s in p.available if s != cancelled))
        for p in people
    )
    again = assign(Instance(rest, people, previous=dict(first.assignment)), OPTIONS)
    changed = {
        pid for pid in first.assignment if again.assignment.get(pid) != first.assignment[pid]
    }
    assert changed == moving
    assert {again.reasons[pid].code for pid in moving} == {"moved_session_cancelled"}
    assert {again.reasons[pid].code for pid in again.assignment if pid not in moving} == {
        "unchanged"
    }
    late = Registrant("late", "R", "family_centre", ("b",))
    later = assign(Instance(rest, (*people, late), previous=dict(again.assignment)), OPTIONS)
    assert later.assignment["late"] == "b"
    assert later.reasons["late"].code == "newly_placed"
    assert later.changes == 0


# -- pins, infeasible and bad input ---------------------------------------------------------------


def test_too_few_registrants_for_any_minimum_is_a_result_not_an_error():
    sessions = (Session("a", "R", 15, 25), Session("b", "R", 15, 25))
    people = tuple(Registrant(f"p{i}", "R", "job_centre", ("a", "b")) for i in range(10))
    plan = assign(Instance(sessions, people, pins={"p0": "a"}), OPTIONS)
    assert plan.placed == 0 and plan.status == "optimal"
    assert plan.waiting_list == tuple(p.id for p in people)
    assert [s.status for s in plan.sessions] == ["cancellation_proposed"] * 2
    assert plan.sessions[0].reason.code == "too_few_available"
    assert plan.sessions[0].reason.params == {"available": 10, "minimum": 15}
    assert {r.code for r in plan.reasons.values()} == {"sessions_cancelled"}
    (pin,) = plan.relaxations
    assert (pin.rule, pin.person, pin.reason.code) == ("pin", "p0", "pin_session_below_minimum")


def test_pins_that_cannot_be_kept_are_reported_and_the_rest_kept():
    sessions = (Session("a", "R", 1, 2), Session("b", "R", 1, 3))
    people = tuple(Registrant(f"p{i}", "R", "job_centre", ("a", "b")) for i in range(4))
    people += (Registrant("q", "R", "family_centre", ("b",)),)
    pins = {"p0": "a", "p1": "a", "p2": "a", "q": "a"}  # three for two places, one unavailable
    plan = assign(Instance(sessions, people, pins), OPTIONS)
    check_feasible(Instance(sessions, people, pins), plan)
    assert [plan.assignment[p] for p in ("p0", "p1", "p2")].count("a") == 2
    assert plan.objectives["pins_kept"].value == 2
    reasons = sorted((r.person, r.reason.code) for r in plan.relaxations if r.rule == "pin")
    assert [code for _, code in reasons] == ["pin_session_full", "pin_not_available"]
    assert reasons[1][0] == "q"


def test_a_kind_that_cannot_keep_its_band_is_reported_with_the_reason():
    # equality office staff can only come to session "a": its share cannot be met in "b"
    sessions = (Session("a", "R", 2, 4), Session("b", "R", 2, 4))
    people = tuple(Registrant(f"e{i}", "R", "equality_office", ("a",)) for i in range(3))
    people += tuple(Registrant(f"j{i}", "R", "job_centre", ("a", "b")) for i in range(3))
    plan = assign(Instance(sessions, people), OPTIONS)
    assert plan.placed == 6 and plan.status == "optimal"
    bands = [r for r in plan.relaxations if r.rule == "mix_band"]
    assert bands and all(r.amount >= 1 for r in bands)
    assert {r.reason.code for r in bands} <= {
        "above_ceiling",
        "below_floor",
        "below_floor_too_few_available",
    }
    assert plan.objectives["worst_band_excess"].value == max(r.amount for r in bands)


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        (Instance((Session("a", "R", 1, 2),), (Registrant("p", "R", "x", ("z",)),)), "unknown"),
        (Instance((Session("a", "R", 3, 2),), ()), "size range"),
        (Instance((Session("a", "R", 1, 2), Session("a", "R", 1, 2)), ()), "duplicate"),
        (Instance((Session("a", "R", 1, 2),), (), pins={"p": "a"}), "unknown registrant"),
        (
            Instance((Session("a", "R", 1, 2),), (Registrant("p", "R", "x", (), ("a",)),)),
            "not available",
        ),
    ],
)
def test_malformed_instances_raise(instance, message):
    with pytest.raises(InvalidInstance, match=message):
        assign(instance, OPTIONS)


def test_without_time_the_greedy_plan_comes_back_with_its_gap():
    sessions = tuple(Session(f"s{i}", "R", 3, 5) for i in range(4))
    people = tuple(
        Registrant(f"p{i}", "R", KINDS[i % 3], (f"s{i % 4}", f"s{(i + 1) % 4}"), (f"s{i % 4}",))
        for i in range(18)
    )
    instance = Instance(sessions, people)
    plan = assign(instance, Options(time_limit_seconds=0))
    check_feasible(instance, plan)
    assert plan.status in ("optimal", "time_limit")
    if plan.status == "time_limit":
        assert plan.gap is not None and plan.gap > 0


# -- the rounding bound ------------------------------------------------------------------------


@PROFILE
@given(
    size=st.integers(1, 7),
    counts=st.lists(st.integers(0, 5), min_size=1, max_size=4).filter(any),
    caps=st.lists(st.integers(0, 7), min_size=4, max_size=4),
)
def test_rounding_deviation_is_the_best_integer_mix(size, counts, caps):
    total = sum(counts)
    caps = caps[: len(counts)]
    best = None
    for mix in itertools.product(*[range(min(cap, size) + 1) for cap in caps]):
        if sum(mix) == size:
            worst = max(abs(total * c - n * size) for c, n in zip(mix, counts, strict=True))
            best = worst if best is None else min(best, worst)
    assert _rounding_deviation(size, total, counts, caps, [0] * len(counts)) == best
