"""Speaker and coverage planning (issue 15): the planner of neuewege.planning.coverage on
generated instances, no server and no database.

Instances (deterministic, seeded): regions of about 40 x 40 km across the state; family centres
spread over each region, open on one of a few weekly patterns (mornings, afternoons, early or
late hours), most avoiding a summer month and some December; each asks for an Elterncafé every
month (90 %), a Themenveranstaltung per half-year (70 %) and an Elternkurs a year (50 %: five
modules moderated by AA **and** JC). Speakers work from their agency's or job centre's offices:
per region one or two BCAs at each of AA and JC (many hours), placement officers (few hours, cafés
and talks), case managers (many, 4 hours a month, qualified only if trained: 70 %), now and then
an education provider; each with a travel limit (km and/or minutes), a holiday month and a few
days off.

Scenarios:

- ``state``: 3,322 centres in 53 regions, ~700 speakers, 12 months; 60 s, 2 workers. Targets:
  the LP core's bound in ≤ 10 s; the plan ≥ 98 % of the bound on centres covered within 60 s;
  strictly more centres than greedy.
- ``region``: one region of 60 centres and 15 speakers; 5 s. Target: proven optimal or within
  one centre of the bound in ≤ 5 s.
- ``region_bcas``: the same region with BCAs only (the seed's comparison).

The greedy heuristic and the LP core (greedy plan with the LP bounds) run on the same instance
in the same process. The bound each target is measured against is the best proven one: the LP
core's, or CP-SAT's where it proved a tighter one (with two workers its strongest-LP worker
proves ``region`` at 43, its optimum, where the LP core says 44).

Where the gap is (measured 2026-12-06 on the 2-core bench machine, shared, load 3-6):

- ``region``: the LP core's bound (44) is one centre above the optimum, 43: CP-SAT proves 43 in
  about a second of its strongest-LP worker, SCIP on the same counts model proves 43 in 60 s,
  and CP-SAT finds 43 after 4-60 s. 98 % of the LP bound (43.1) is above the optimum here.
- ``region_bcas``: LP core 29, optimum 23 (proven by CP-SAT within 5 s, by SCIP in 1.5 s): with
  few speakers the LP bound is 26 % above the optimum.
- ``state``: the bound is close, the plan is not. The first 14 regions: LP bounds 576, the best
  bounds proven per region (CP-SAT 25 s or SCIP 15 s each) 567; CP-SAT with 25 s per region on
  2 workers covers 538 (94.9 % of 567; greedy 463). Given 150 s, two of the hardest regions
  reach their bound or within 1 of it (53 of 54 where 25 s gave 43; 39 of a proven 39 where
  25 s gave 32): the search needs minutes per region, and the 60 s of the state leave about 1 s
  per region and worker, too little for CP-SAT to get past its presolve: such regions get the
  greedy's restarts only (82.6 % of the bound, 1,798 centres, where CP-SAT's attempts gave
  1,777). The 98 % target is thus out of reach of this search in 60 s on 2 cores. Whether it
  is reachable at all depends on the bound: the best plans known for the 14 regions (555: the
  25 s plans with the two of 150 s) are 97.9 % of the proven bounds (567) and 96.4 % of the LP
  bounds (576); not shown ill-posed.

``make bench-coverage`` (or ``python -m bench.coverage [scenario …]``) runs them alone;
``make bench`` runs them after the server benchmarks.
"""

import math
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from neuewege.planning.coverage import (  # noqa: E402
    FamilyCentre,
    Format,
    Instance,
    Location,
    Options,
    Plan,
    Request,
    Speaker,
    plan,
    plan_core,
    plan_greedily,
)

YEAR = 2027
FORMATS = (
    Format("elterncafe", 2.0),
    Format("themenveranstaltung", 3.0),
    Format("elternkurs", 2.0, 5, ("AA", "JC")),
)
ALL = frozenset(f.id for f in FORMATS)
PATTERNS = (  # weekly opening slots for events
    [(d, "morning") for d in range(5)],
    [(d, "morning") for d in range(4)] + [(1, "afternoon"), (3, "afternoon")],
    [(d, p) for d in (0, 2, 4) for p in ("early", "morning")],
    [(d, p) for d in range(4) for p in ("afternoon", "late")],
    [(d, "morning") for d in (1, 2, 3)] + [(d, "afternoon") for d in (0, 1, 2, 3)],
)
KM_PER_DEGREE_LAT, KM_PER_DEGREE_LON = 111.2, 69.0
BOUND_SECONDS, BOUND_SHARE = 10.0, 0.98


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    centres: int
    regions: int
    seconds: float
    bcas_only: bool = False


SCENARIOS = {
    s.name: s
    for s in [
        Scenario("state", "3,322 centres, 53 regions, ~700 speakers", 3322, 53, 60),
        Scenario("region", "one region, 60 centres, 15 speakers", 60, 1, 5),
        Scenario("region_bcas", "the same region, BCAs only", 60, 1, 5, bcas_only=True),
    ]
}


def _point(rng, lat, lon, km):
    return Location(
        lat + rng.uniform(-km, km) / KM_PER_DEGREE_LAT,
        lon + rng.uniform(-km, km) / KM_PER_DEGREE_LON,
    )


def _days_off(rng) -> frozenset:
    start = date(YEAR, 1, 1)
    return frozenset(start + timedelta(days=rng.randrange(365)) for _ in range(rng.randint(3, 12)))


def instance(centres: int, regions: int, *, bcas_only: bool = False, seed: int = 15) -> Instance:
    rng = random.Random(seed)
    weights = [1 + rng.uniform(-0.4, 0.4) for _ in range(regions)]
    counts = [math.floor(centres * w / sum(weights)) for w in weights]
    for i in range(centres - sum(counts)):
        counts[i % regions] += 1
    all_centres, requests, speakers = [], [], []
    for g in range(regions):
        region = f"R{g + 1:02d}"
        lat, lon = 50.4 + (g // 8) * 0.33, 6.0 + (g % 8) * 0.45
        for i in range(counts[g]):
            cid = f"{region}-F{i + 1:03d}"
            avoid = set()
            if rng.random() < 0.7:
                avoid.add(rng.choice((7, 8)))
            if rng.random() < 0.3:
                avoid.add(12)
            opening = frozenset(rng.choice(PATTERNS))
            all_centres.append(
                FamilyCentre(cid, region, _point(rng, lat, lon, 20), opening, frozenset(avoid))
            )
            preferred = frozenset(rng.sample(sorted(opening), min(2, len(opening))))
            if rng.random() < 0.9:
                requests.append(Request(f"{cid}-cafe", cid, "elterncafe", 1, "month", preferred))
            if rng.random() < 0.7:
                requests.append(Request(f"{cid}-thema", cid, "themenveranstaltung", 1, "half_year"))
            if rng.random() < 0.5:
                requests.append(Request(f"{cid}-kurs", cid, "elternkurs", 1, "year", preferred))
        offices = {
            "AA": [_point(rng, lat, lon, 8)],
            "JC": [_point(rng, lat, lon, 12) for _ in range(rng.randint(1, 2))],
        }
        staff = []
        for kind in ("AA", "JC"):
            for _ in range(rng.randint(1, 2)):
                staff.append((kind, "bca", ALL, rng.choice((16, 20, 24))))
        if not bcas_only:
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice(("AA", "JC"))
                staff.append((kind, "placement_officer", ALL - {"elternkurs"}, 6))
            for _ in range(rng.randint(8, 14)):
                if rng.random() < 0.7:
                    staff.append(("JC", "case_manager", ALL, 4))
            if rng.random() < 0.3:
                staff.append(("provider", "other", frozenset({"elterncafe"}), 10))
        for n, (kind, function, formats, hours) in enumerate(staff):
            home = rng.choice(offices[kind]) if kind in offices else _point(rng, lat, lon, 15)
            limit = rng.random()
            speakers.append(
                Speaker(
                    f"{region}-{kind}-{n + 1:02d}",
                    region,
                    kind,
                    function,
                    formats,
                    hours,
                    home,
                    max_km=40.0 if limit < 0.7 else None,
                    max_minutes=45.0 if limit > 0.5 else None,
                    unavailable_days=_days_off(rng),
                    unavailable_months=frozenset({rng.choice((7, 8))}),
                )
            )
    return Instance(
        YEAR, tuple(range(1, 13)), tuple(all_centres), FORMATS, tuple(requests), tuple(speakers)
    )


def figures(result: Plan, seconds: float) -> dict:
    covered, served = result.objectives["centres_covered"], result.objectives["requests_served"]
    return {
        "solver": result.solver,
        "status": result.status,
        "seconds": round(seconds, 2),
        "centres_covered": covered.value,
        "covered_bound": covered.bound,
        "requests_served": served.value,
        "served_bound": served.bound,
        "max_load_percent": result.objectives["max_load_percent"].value,
        "travel_km": result.objectives["travel_km"].value,
        "gap": result.gap,
    }


def run_scenario(scenario: Scenario) -> dict:
    loaded = os.getloadavg()[0]
    built = time.perf_counter()
    problem = instance(scenario.centres, scenario.regions, bcas_only=scenario.bcas_only)
    built = time.perf_counter() - built
    options = Options(time_limit_seconds=scenario.seconds, workers=2)
    rows = {}
    for name, function in (("greedy", plan_greedily), ("lp_core", plan_core), ("cp_sat", plan)):
        started = time.perf_counter()
        result = function(problem, options)
        rows[name] = figures(result, time.perf_counter() - started)
    cp, core, greedy = rows["cp_sat"], rows["lp_core"], rows["greedy"]
    bound = min(b for b in (cp["covered_bound"], core["covered_bound"]) if b is not None)
    result = {
        "scenario": scenario.name,
        "title": scenario.title,
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": [round(load, 1) for load in (loaded, os.getloadavg()[0])],
        "centres": len(problem.centres),
        "requests": len(problem.requests),
        "demand": sum(r.demand for r in plan_greedily(problem).requests),
        "speakers": len(problem.speakers),
        "time_limit_seconds": scenario.seconds,
        "instance_seconds": round(built, 2),
        "bound": bound,
        **rows,
    }
    if scenario.name == "state":
        result["targets"] = {
            "bound_within_10_s": core["seconds"] <= BOUND_SECONDS,
            "plan_98_percent_of_bound": cp["centres_covered"] >= BOUND_SHARE * bound,
            "within_time": cp["seconds"] <= scenario.seconds,
            "more_than_greedy": cp["centres_covered"] > greedy["centres_covered"],
        }
    elif scenario.name == "region":
        result["targets"] = {
            "within_1_of_bound": cp["centres_covered"] >= bound - 1,
            "within_time": cp["seconds"] <= scenario.seconds,
        }
    return result


def table(results: list[dict]) -> str:
    rows = []
    for result in results:
        for key, label in (("greedy", "greedy"), ("lp_core", "LP core"), ("cp_sat", "CP-SAT")):
            f = result[key]
            covered = f"{f['centres_covered']:,}"
            if f["covered_bound"] is not None:
                covered += f" (≤ {f['covered_bound']:,})"
            served = f"{f['requests_served']:,}"
            if f["served_bound"] is not None:
                served += f" (≤ {f['served_bound']:,})"
            share = f["centres_covered"] / result["bound"] if result["bound"] else 1.0
            rows.append(
                [
                    result["title"],
                    label,
                    covered,
                    f"{share:.1%}",
                    served,
                    f"{f['max_load_percent']}%",
                    f"{f['travel_km']:,.0f}",
                    f["status"] + ("" if not f["gap"] else f" (gap {f['gap']:.1%})"),
                    f"{f['seconds']:.1f}",
                ]
            )
    return common.table(
        [
            "instance",
            "solver",
            "centres covered (bound)",
            "÷ best bound",
            "requests served (bound)",
            "max load",
            "travel km",
            "status",
            "time (s)",
        ],
        rows,
    )


def target_lines(results: list[dict]) -> list[str]:
    lines = []
    for result in results:
        t = result.get("targets")
        if not t:
            continue
        cp, core = result["cp_sat"], result["lp_core"]
        head = (
            f"- {result['title']} ({result['centres']:,} centres, {result['requests']:,} requests "
            f"= {result['demand']:,} occurrences, {result['speakers']} speakers; load average "
            f"{result['load_average'][0]} → {result['load_average'][1]} on {result['machine']})"
        )
        if result["scenario"] == "state":
            lines.append(
                f"{head}: LP bound {core['seconds']:.1f} s ≤ {BOUND_SECONDS:.0f} s "
                f"{common.verdict(t['bound_within_10_s'])}; plan {cp['centres_covered']:,} ≥ "
                f"{BOUND_SHARE:.0%} of the bound {result['bound']:,} "
                f"{common.verdict(t['plan_98_percent_of_bound'])}; {cp['seconds']:.1f} s ≤ "
                f"{result['time_limit_seconds']:.0f} s {common.verdict(t['within_time'])}; more "
                f"than greedy ({result['greedy']['centres_covered']:,}) "
                f"{common.verdict(t['more_than_greedy'])}"
            )
        else:
            lines.append(
                f"{head}: {cp['centres_covered']} centres, bound {result['bound']} (within 1 "
                f"{common.verdict(t['within_1_of_bound'])}); {cp['seconds']:.1f} s ≤ "
                f"{result['time_limit_seconds']:.0f} s {common.verdict(t['within_time'])}"
            )
    return lines


def run(names=None) -> list[dict]:
    return common.run_solver_benchmark(
        "coverage", SCENARIOS, run_scenario, table, target_lines, names
    )


def summary_lines(results: list[dict]) -> list[str]:
    return [
        "Coverage planning (bench/coverage.py, no server): the speaker and coverage planner of "
        "issue 15 (CP-SAT, 2 workers), the LP core (LP relaxation bounds with the greedy plan) "
        "and the greedy heuristic on the same generated instance; bounds in brackets, ÷ best "
        "bound: centres covered over the best proven bound; max load: the largest share of a "
        "speaker's hours of the year used:",
        "",
        table(results),
        "",
        *target_lines(results),
    ]


if __name__ == "__main__":
    run(sys.argv[1:] or None)
