"""The speaker and coverage planner (neuewege.planning.coverage) against brute force.

Plain pytest, no database. Hypothesis generates small instances (1-2 centres, up to 3 requests,
1-3 speakers, two months, Mondays and Tuesdays with many days off so that half-days bind); the
brute force enumerates every set of events by depth-first search and checks every rule from
the module's docstring itself (its own calendar, its own distances).
"""

import calendar
import math
from collections import Counter, defaultdict
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuewege.planning.coverage import (
    FamilyCentre,
    Format,
    Instance,
    InvalidInstance,
    Location,
    Options,
    Pin,
    Request,
    Scenario,
    Speaker,
    apply_scenario,
    compare,
    plan,
    plan_core,
    plan_greedily,
)

PROFILE = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
YEAR, MONTHS = 2027, (1, 2)
OPTIONS = Options(time_limit_seconds=20, workers=2)
HERE, FAR = Location(51.5, 6.5), Location(52.5, 6.5)  # 111 km apart
FORMATS = (
    Format("cafe", 2.0),
    Format("thema", 3.0),
    Format("kurs", 1.0, 2, ("AA", "JC")),
)
FORMAT = {f.id: f for f in FORMATS}
SLOTS = ((0, "morning"), (0, "early"), (0, "afternoon"), (1, "morning"))
HALF = {"early": 0, "morning": 0, "afternoon": 1, "late": 1}
# Mondays and Tuesdays of January and February 2027, the days speakers may take off
DAYS = [
    date(YEAR, m, d)
    for m in MONTHS
    for d in range(1, calendar.monthrange(YEAR, m)[1] + 1)
    if date(YEAR, m, d).weekday() in (0, 1)
]


# -- instances ---------------------------------------------------------------------------------


@st.composite
def speakers(draw, n):
    result = []
    for i in range(n):
        institution = draw(st.sampled_from(("AA", "JC")))
        formats = draw(st.sets(st.sampled_from(("cafe", "thema", "kurs")), min_size=1))
        off = draw(st.sets(st.sampled_from(DAYS), min_size=4, max_size=len(DAYS) - 2))
        result.append(
            Speaker(
                f"s{i}",
                "R",
                institution,
                draw(st.sampled_from(("bca", "case_manager"))),
                frozenset(formats),
                draw(st.sampled_from((2.0, 3.0, 4.0, 6.0))),
                draw(st.sampled_from((HERE, HERE, HERE, FAR))),
                max_km=draw(st.sampled_from((None, 50.0))),
                unavailable_days=frozenset(off),
                unavailable_months=draw(
                    st.sampled_from((frozenset(), frozenset(), frozenset({2})))
                ),
            )
        )
    return result


@st.composite
def instances(draw, with_pins=False):
    centres = []
    for j in range(draw(st.integers(1, 3))):
        opening = draw(st.sets(st.sampled_from(SLOTS), min_size=1, max_size=2))
        avoid = draw(st.sampled_from((frozenset(), frozenset(), frozenset(), frozenset({1}))))
        centres.append(FamilyCentre(f"c{j}", "R", HERE, frozenset(opening), avoid))
    requests = []
    for i in range(draw(st.integers(2, 5))):
        centre = draw(st.sampled_from(centres))
        fmt = draw(st.sampled_from(("cafe", "thema", "kurs")))
        per = draw(st.sampled_from(("month", "year", "half_year")))
        preferred = draw(st.sets(st.sampled_from(sorted(centre.opening)), max_size=1))
        requests.append(Request(f"r{i}", centre.id, fmt, 1, per, frozenset(preferred)))
    people = draw(speakers(draw(st.integers(2, 3))))
    instance = Instance(YEAR, MONTHS, tuple(centres), FORMATS, tuple(requests), tuple(people))
    if with_pins:
        greedy = plan_greedily(instance)
        chosen = [a for a in greedy.assignments if draw(st.booleans())]
        pins = tuple(Pin(a.request, a.month, a.speakers) for a in chosen)
        instance = Instance(
            YEAR, MONTHS, tuple(centres), FORMATS, tuple(requests), tuple(people), pins
        )
    return instance


# -- the rules, from the docstring -------------------------------------------------------------


def distance_ok(speaker: Speaker, centre: FamilyCentre, road_factor=1.3, kmh=50.0) -> bool:
    """Great-circle distance (haversine, earth radius 6,371 km) x the road factor, time at
    ``kmh``: within the speaker's limits, and in their region."""
    a, b = speaker.home, centre.location
    h = (
        math.sin(math.radians(b.lat - a.lat) / 2) ** 2
        + math.cos(math.radians(a.lat))
        * math.cos(math.radians(b.lat))
        * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    km = 2 * 6371.0 * math.asin(math.sqrt(h)) * road_factor
    return (
        speaker.region == centre.region
        and (speaker.max_km is None or km <= speaker.max_km + 0.01)
        and (speaker.max_minutes is None or km / kmh * 60 <= speaker.max_minutes + 0.01)
    )


def available_dates(speaker: Speaker, month: int, weekday: int) -> int:
    if month in speaker.unavailable_months:
        return 0
    days = range(1, calendar.monthrange(YEAR, month)[1] + 1)
    return sum(
        1
        for d in days
        if date(YEAR, month, d).weekday() == weekday
        and date(YEAR, month, d) not in speaker.unavailable_days
    )


def demand(instance: Instance, request: Request) -> list[tuple[tuple, int]]:
    centre = {c.id: c for c in instance.centres}[request.centre]
    months = list(instance.months)
    avoid = centre.avoid_months | request.avoid_months
    if request.per == "month":
        groups = [[m] for m in months if m not in avoid]
    elif request.per == "half_year":
        groups = [g for g in ([m for m in months if m <= 6], [m for m in months if m > 6]) if g]
    else:
        groups = [months]
    return [(tuple(m for m in g if m not in avoid), request.count) for g in groups]


def violations(instance: Instance, result) -> list[str]:
    """Every broken rule of the plan (empty: all hold)."""
    centres = {c.id: c for c in instance.centres}
    people = {s.id: s for s in instance.speakers}
    requests = {r.id: r for r in instance.requests}
    formats = {f.id: f for f in instance.formats}
    found = []
    minutes = Counter()
    half_days = Counter()
    per_month = Counter()
    for a in result.assignments:
        request, centre = requests[a.request], centres[a.centre]
        fmt = formats[request.format]
        if a.centre != request.centre or a.format != request.format:
            found.append(f"{a}: wrong centre or format")
        if a.month not in instance.months or a.month in centre.avoid_months:
            found.append(f"{a}: month {a.month} not allowed")
        roles = fmt.roles or (None,)
        if len(a.speakers) != len(roles) or len(set(a.speakers)) != len(a.speakers):
            found.append(f"{a}: speakers {a.speakers} for roles {roles}")
        if len(a.slots) != fmt.modules:
            found.append(f"{a}: {len(a.slots)} slots for {fmt.modules} modules")
        for slot in a.slots:
            if slot not in centre.opening:
                found.append(f"{a}: slot {slot} outside the opening hours")
        for role, sid in zip(roles, a.speakers, strict=False):
            speaker = people[sid]
            if fmt.id not in speaker.formats:
                found.append(f"{a}: {sid} not qualified")
            if role is not None and speaker.institution != role:
                found.append(f"{a}: {sid} is not {role}")
            if not distance_ok(speaker, centre, instance.road_factor, instance.speed_kmh):
                found.append(f"{a}: {sid} out of reach")
            minutes[sid, a.month] += round(fmt.hours * 60) * fmt.modules
            for slot in a.slots:
                half_days[sid, a.month, slot[0], HALF[slot[1]]] += 1
        per_month[a.request, a.month] += 1
    for (sid, month), used in minutes.items():
        if used > round(people[sid].hours_per_month * 60):
            found.append(f"{sid} over hours in {month}")
    for (sid, month, weekday, half), used in half_days.items():
        if used > available_dates(people[sid], month, weekday):
            found.append(f"{sid}: {used} events on weekday {weekday} half {half} in {month}")
    for request in instance.requests:
        limit = request.count if request.per == "month" else 1
        for month in instance.months:
            if per_month[request.id, month] > limit:
                found.append(f"{request.id}: too many in {month}")
        for months, count in demand(instance, request):
            if sum(per_month[request.id, m] for m in months) > count:
                found.append(f"{request.id}: more than {count} in {months}")
    for pin in instance.pins:
        if not any(
            a.request == pin.request and a.month == pin.month and a.speakers == pin.speakers
            for a in result.assignments
        ) and not any(r.pin == pin for r in result.relaxations):
            found.append(f"pin {pin} neither kept nor reported")
    return found


def score(instance: Instance, assignments) -> tuple[int, int]:
    """(centres covered, requests served) of a list of (request, month) events."""
    served = Counter(request for request, _ in assignments)
    covered = 0
    for centre in instance.centres:
        mine = [r for r in instance.requests if r.centre == centre.id]
        if mine and all(served[r.id] >= sum(c for months, c in demand(instance, r)) for r in mine):
            covered += 1
    return covered, sum(served.values())


def brute_force(instance: Instance, pins=()) -> tuple[int, int]:
    """The best (centres covered, requests served) over every feasible set of events."""
    centres = {c.id: c for c in instance.centres}
    occurrences = []  # (request, allowed months)
    for request in instance.requests:
        for months, count in demand(instance, request):
            occurrences += [(request, months)] * count
    minutes, dates = Counter(), Counter()
    best = [(-1, -1)]
    chosen = []

    def options(request, months):
        fmt = FORMAT[request.format]
        centre = centres[request.centre]
        roles = fmt.roles or (None,)
        keys = sorted({(d, HALF[p]) for d, p in centre.opening})
        for month in months:
            candidates = []
            for role in roles:
                candidates.append(
                    [
                        s
                        for s in instance.speakers
                        if fmt.id in s.formats
                        and (role is None or s.institution == role)
                        and distance_ok(s, centre)
                        and month not in s.unavailable_months
                    ]
                )
            combos = [()]
            for c in candidates:
                combos = [(*combo, s) for combo in combos for s in c if s not in combo]
            for combo in combos:
                for placement in _multisets(keys, fmt.modules):
                    yield month, combo, placement

    def search(i):
        if i == len(occurrences):
            best[0] = max(best[0], score(instance, chosen))
            return
        search(i + 1)  # not served
        request, months = occurrences[i]
        fmt = FORMAT[request.format]
        load = round(fmt.hours * 60) * fmt.modules
        limit = request.count if request.per == "month" else 1
        for month, combo, placement in options(request, months):
            if sum(1 for r, m in chosen if r == request.id and m == month) >= limit:
                continue
            if any(minutes[s.id, month] + load > round(s.hours_per_month * 60) for s in combo):
                continue
            need = Counter(placement)
            if any(
                dates[s.id, month, k] + n > available_dates(s, month, k[0])
                for s in combo
                for k, n in need.items()
            ):
                continue
            for s in combo:
                minutes[s.id, month] += load
                for k, n in need.items():
                    dates[s.id, month, k] += n
            chosen.append((request.id, month))
            search(i + 1)
            chosen.pop()
            for s in combo:
                minutes[s.id, month] -= load
                for k, n in need.items():
                    dates[s.id, month, k] -= n

    search(0)
    return best[0]


def _multisets(keys, n):
    if n == 0:
        yield ()
        return
    for i, k in enumerate(keys):
        for rest in _multisets(keys[i:], n - 1):
            yield (k, *rest)


def values(result) -> tuple[int, int]:
    return result.centres_covered, result.requests_served


# -- properties --------------------------------------------------------------------------------


@PROFILE
@given(instances())
def test_every_rule_holds_and_the_plan_is_optimal(instance):
    best = brute_force(instance)
    greedy = plan_greedily(instance)
    result = plan(instance, OPTIONS)
    assert violations(instance, greedy) == []
    assert violations(instance, result) == []
    # the plan's own figures agree with its assignments
    assert values(result) == score(instance, [(a.request, a.month) for a in result.assignments])
    assert values(greedy) <= best
    assert values(result) <= best
    assert result.centres_covered >= greedy.centres_covered
    covered, served = result.objectives["centres_covered"], result.objectives["requests_served"]
    assert covered.bound >= best[0]  # the bound is never below any plan
    assert served.bound >= best[1] or covered.bound > best[0]  # served: given the covered
    if result.status == "optimal":
        assert values(result) == best


@PROFILE
@given(instances())
def test_the_lp_core_bounds_every_plan(instance):
    best = brute_force(instance)
    core = plan_core(instance)
    assert violations(instance, core) == []
    assert core.objectives["centres_covered"].bound >= best[0]
    assert core.objectives["requests_served"].bound >= best[1]


@PROFILE
@given(instances(with_pins=True))
def test_pins_are_kept(instance):
    result = plan(instance, OPTIONS)
    assert violations(instance, result) == []
    assert result.relaxations == ()  # pins from a feasible (greedy) plan can all be kept
    for pin in instance.pins:
        assert any(
            a.request == pin.request and a.month == pin.month and a.speakers == pin.speakers
            for a in result.assignments
        )


@PROFILE
@given(instances(), speakers(1))
def test_adding_a_speaker_never_lowers_the_optimum(instance, extra):
    extra = [Speaker(**{**extra[0].__dict__, "id": "new"})]
    before = plan(instance, OPTIONS)
    after = plan(apply_scenario(instance, Scenario("more", add_speakers=tuple(extra))), OPTIONS)
    assert violations(instance, before) == []
    if before.status == "optimal" and after.status == "optimal":
        assert values(after) >= values(before)
    assert brute_force(apply_scenario(instance, Scenario("more", add_speakers=tuple(extra)))) >= (
        values(before)
    )


# -- hand-computed instances -------------------------------------------------------------------

MONDAY = frozenset({(0, "morning")})


def _speaker(sid, institution="JC", formats=("cafe",), hours=4.0, **extra):
    return Speaker(sid, "R", institution, "bca", frozenset(formats), hours, HERE, 30.0, **extra)


def test_scenario_comparison_by_hand():
    """Three centres want a café in January; the BCA has 4 h (two cafés of 2 h), the case
    manager 2 h (one café): BCAs only cover 2, with the case manager all 3."""
    centres = tuple(FamilyCentre(f"c{j}", "R", HERE, MONDAY) for j in range(3))
    requests = tuple(Request(f"r{j}", f"c{j}", "cafe", 1, "year") for j in range(3))
    base = Instance(YEAR, (1,), centres, FORMATS, requests, (_speaker("bca", hours=4.0),))
    case_manager = _speaker("cm", hours=2.0)
    comparison = compare(base, Scenario("with case managers", add_speakers=(case_manager,)))
    assert comparison.base.centres_covered == 2
    assert comparison.scenario.centres_covered == 3
    assert comparison.covered_difference == 1
    assert len(comparison.gained) == 1 and comparison.lost == ()
    assert comparison.marginal == {"cm": 1}
    assert comparison.served_by_format == {"cafe": (2, 3)}
    assert comparison.base.objectives["centres_covered"].bound == 2
    assert comparison.base.status == "optimal"


def test_elternkurs_needs_aa_and_jc():
    centre = FamilyCentre("c", "R", HERE, MONDAY)
    request = Request("k", "c", "kurs")
    jc = _speaker("jc", "JC", ("kurs",))
    alone = Instance(YEAR, (1,), (centre,), FORMATS, (request,), (jc,))
    result = plan(alone, OPTIONS)
    assert result.centres_covered == 0
    assert result.requests[0].reason.code == "no_qualified_speaker"
    assert result.requests[0].reason.params["role"] == "AA"
    pair = Instance(
        YEAR, (1,), (centre,), FORMATS, (request,), (jc, _speaker("aa", "AA", ("kurs",)))
    )
    result = plan(pair, OPTIONS)
    assert result.centres_covered == 1
    (event,) = result.assignments
    assert event.speakers == ("aa", "jc") and len(event.slots) == 2


@pytest.mark.parametrize(
    ("speaker", "centre", "code"),
    [
        (
            _speaker("a", formats=("thema",)),
            FamilyCentre("c", "R", HERE, MONDAY),
            "no_qualified_speaker",
        ),
        (
            _speaker("a"),
            FamilyCentre("c", "R", FAR, MONDAY),
            "no_speaker_in_reach",
        ),
        (_speaker("a", hours=1.0), FamilyCentre("c", "R", HERE, MONDAY), "hours_too_few"),
        (
            _speaker("a", unavailable_months=frozenset({1})),
            FamilyCentre("c", "R", HERE, MONDAY),
            "opening_hours",
        ),
        (_speaker("a"), FamilyCentre("c", "R", HERE, MONDAY, frozenset({1})), "months_avoided"),
        (_speaker("a"), FamilyCentre("c", "S", HERE, MONDAY), "no_speaker_in_reach"),
    ],
)
def test_reasons_for_unserved_requests(speaker, centre, code):
    instance = Instance(YEAR, (1,), (centre,), FORMATS, (Request("r", "c", "cafe"),), (speaker,))
    result = plan(instance, OPTIONS)
    assert result.centres_covered == 0
    assert result.requests[0].reason.code == code
    assert result.centres[0].status == "none"
    assert result.centres[0].reasons[0].code == code


def test_capacity_used_up_and_half_days():
    """Four centres open only on Monday mornings, a café each in January 2027 (four Mondays):
    one speaker with hours for five cafés still holds only four, one per Monday."""
    centres = tuple(FamilyCentre(f"c{j}", "R", HERE, MONDAY) for j in range(5))
    requests = tuple(Request(f"r{j}", f"c{j}", "cafe") for j in range(5))
    instance = Instance(YEAR, (1,), centres, FORMATS, requests, (_speaker("a", hours=10.0),))
    result = plan(instance, OPTIONS)
    assert sum(1 for d in range(1, 32) if date(YEAR, 1, d).weekday() == 0) == 4
    assert result.centres_covered == 4
    assert violations(instance, result) == []
    (unserved,) = [r for r in result.requests if r.served == 0]
    assert unserved.reason.code == "capacity_used_up"
    assert result.objectives["centres_covered"].bound in (4, 5)


def test_invalid_instances():
    centre = FamilyCentre("c", "R", HERE, MONDAY)
    speaker = _speaker("a")
    with pytest.raises(InvalidInstance):
        plan(Instance(YEAR, (1,), (centre,), FORMATS, (Request("r", "x", "cafe"),), (speaker,)))
    with pytest.raises(InvalidInstance):
        plan(Instance(YEAR, (1,), (centre,), FORMATS, (Request("r", "c", "tanz"),), (speaker,)))
    with pytest.raises(InvalidInstance):
        plan(Instance(YEAR, (1,), (centre, centre), FORMATS, (), (speaker,)))
    with pytest.raises(InvalidInstance):
        plan(Instance(YEAR, (13,), (centre,), FORMATS, (), (speaker,)))


def test_a_scenario_without_speakers_serves_nothing():
    centre = FamilyCentre("c", "R", HERE, MONDAY)
    instance = Instance(
        YEAR, (1,), (centre,), FORMATS, (Request("r", "c", "cafe"),), (_speaker("a"),)
    )
    empty = apply_scenario(instance, Scenario("nobody", remove_speakers=("a",)))
    result = plan(empty, OPTIONS)
    assert result.centres_covered == 0 and result.assignments == ()
    assert result.requests[0].reason.code == "no_qualified_speaker"


def test_an_infeasible_pin_is_reported():
    centre = FamilyCentre("c", "R", HERE, MONDAY)
    instance = Instance(
        YEAR,
        (1,),
        (centre,),
        FORMATS,
        (Request("r", "c", "cafe"),),
        (_speaker("a"), _speaker("b", formats=("thema",))),
        pins=(Pin("r", 1, ("b",)),),
    )
    result = plan(instance, OPTIONS)
    assert [r.reason.code for r in result.relaxations] == ["pin_not_eligible"]
    assert result.centres_covered == 1


def test_monthly_demand_and_load_figures():
    centre = FamilyCentre("c", "R", HERE, MONDAY, frozenset({2}))
    instance = Instance(
        YEAR,
        (1, 2, 3),
        (centre,),
        FORMATS,
        (Request("r", "c", "cafe", 1, "month"),),
        (_speaker("a"),),
    )
    result = plan(instance, OPTIONS)
    assert result.requests[0].demand == 2  # February avoided
    assert sorted(a.month for a in result.assignments) == [1, 3]
    (load,) = result.loads
    assert load.hours_by_month == {1: 2.0, 3: 2.0}
    assert load.hours_available == 12.0
    assert result.objectives["max_load_percent"].value == 34  # 4 of 12 hours, rounded up
    hours = defaultdict(float)
    for a in result.assignments:
        hours[a.month] += 2.0
    assert dict(hours) == load.hours_by_month


def test_a_request_avoids_its_own_months_besides_the_centres():
    centre = FamilyCentre("c", "R", HERE, MONDAY, frozenset({2}))
    requests = (
        Request("r", "c", "cafe", 1, "month", avoid_months=frozenset({3})),
        Request("t", "c", "thema", 1, "year", avoid_months=frozenset({1, 3})),
    )
    instance = Instance(
        YEAR, (1, 2, 3), (centre,), FORMATS, requests, (_speaker("a", formats=("cafe", "thema")),)
    )
    result = plan(instance, OPTIONS)
    months = {a.request: [] for a in result.assignments}
    for a in result.assignments:
        months[a.request].append(a.month)
    assert months == {"r": [1]}
    assert {r.request: r.reason.code for r in result.requests if r.reason} == {
        "t": "months_avoided"
    }
    assert not violations(instance, result)


def test_a_pin_beyond_capacity_is_reported():
    """Two pins on one speaker's only Monday of the month: the second cannot be kept."""
    off = frozenset(d for d in DAYS if d.month == 1 and d.weekday() == 0 and d.day > 4)
    speaker = _speaker("a", hours=10.0, unavailable_days=off)
    centres = tuple(FamilyCentre(f"c{j}", "R", HERE, MONDAY) for j in range(2))
    requests = tuple(Request(f"r{j}", f"c{j}", "cafe") for j in range(2))
    pins = tuple(Pin(f"r{j}", 1, ("a",)) for j in range(2))
    instance = Instance(YEAR, (1,), centres, FORMATS, requests, (speaker,), pins)
    result = plan(instance, OPTIONS)
    assert violations(instance, result) == []
    assert [r.reason.code for r in result.relaxations] == ["pin_conflict"]
    assert result.centres_covered == 1


def test_a_time_out_returns_a_valid_plan_with_its_gap():
    """The benchmark's region (60 centres, 15 speakers, a year) in one second: not proven, so
    the best plan found with its gap, every rule kept."""
    from bench.coverage import instance as bench_instance

    instance = bench_instance(60, 1)
    result = plan(instance, Options(time_limit_seconds=1.0, workers=2))
    assert result.wall_seconds < 3.0
    assert result.status == "time_limit" and 0 < result.gap < 1
    assert violations(instance, result) == []
    assert result.status in ("optimal", "time_limit")
    covered = result.objectives["centres_covered"]
    assert covered.bound >= covered.value
    assert result.gap is not None
    if result.status == "optimal":
        assert result.gap == 0
    assert result.centres_covered >= plan_greedily(instance).centres_covered


def test_units_short_of_time_get_the_restarts_and_keep_the_lp_bounds():
    """Two regions in two seconds: too little for CP-SAT per region, so each gets the greedy's
    restarts only; every rule holds, the plan is no worse than greedy and the LP core's bounds
    are reported."""
    from bench.coverage import instance as bench_instance

    instance = bench_instance(120, 2)
    result = plan(instance, Options(time_limit_seconds=2.0, workers=2))
    core = plan_core(instance)
    assert violations(instance, result) == []
    assert result.status == "time_limit"
    assert result.centres_covered >= plan_greedily(instance).centres_covered
    for name in ("centres_covered", "requests_served"):
        assert result.objectives[name].bound == core.objectives[name].bound
        assert result.objectives[name].bound >= result.objectives[name].value


def test_nothing_to_plan_is_an_empty_optimal_plan():
    """No requests, no centres, or no months left: an empty plan, not an error."""
    centre = FamilyCentre("c", "R", HERE, MONDAY)
    speaker = _speaker("a")
    for instance in (
        Instance(YEAR, (1, 2), (centre,), FORMATS, (), (speaker,)),
        Instance(YEAR, (1, 2), (), FORMATS, (), ()),
        Instance(YEAR, (), (centre,), FORMATS, (Request("r", "c", "cafe"),), (speaker,)),
    ):
        result = plan(instance, OPTIONS)
        assert result.assignments == ()
        assert result.status == "optimal"
        assert not violations(instance, result)


def test_small_units_are_proven_optimal_even_when_time_is_short():
    """Two independent centres, one without any speaker: each unit is small, so CP-SAT proves
    it (no "best found" status for want of a second)."""
    centres = (FamilyCentre("c", "R", HERE, MONDAY), FamilyCentre("far", "S", HERE, MONDAY))
    requests = (Request("r", "c", "cafe", 1, "month"), Request("q", "far", "cafe", 1, "month"))
    instance = Instance(YEAR, (1, 2, 3), centres, FORMATS, requests, (_speaker("a"),))
    result = plan(instance, Options(time_limit_seconds=2, workers=2))
    assert result.status == "optimal"
    assert result.centres_covered == 1
