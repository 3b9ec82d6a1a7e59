"""Balanced training groups (issue 14, item 4): the solver of neuewege.planning.training_groups
on generated instances, no server and no database.

Instances (deterministic, seeded): registrants of five institution kinds in realistic
proportions (family centres and job centres most, the equality office few; each region's mix
varies around them), sessions of 15-25 places at sites spread over each region (40 x 40 km);
every person is available for 2-6 sessions of their region (nearer sites more likely), ranks up
to three of them (nearer first, with a personal twist) and has a travel distance to each.

Scenarios:

- ``state``: 2,000 registrants, 100 sessions in 20 regions, 2 workers, 10 s. Targets: objective
  (1), the people placed, proven optimal; objective (2), the worst session's deviation from its
  proportional mix in persons, at most 1 person above the best proven bound; within 10 s.
- ``large``: 20,000 registrants, 1,000 sessions in 200 regions (the same density), and
  ``large_regions``: the same in 20 regions of 50 sessions each (ten times larger models),
  both time-limited (60 s).

Each run is compared with the greedy heuristic on the same instance, in the same process.
``make bench-groups`` (or ``python -m bench.training_groups [scenario …]``) runs them alone;
``make bench`` runs them after the server benchmarks.
"""

import math
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from neuewege.planning.training_groups import (  # noqa: E402
    Instance,
    Options,
    Plan,
    Registrant,
    Session,
    assign,
    assign_greedily,
)

KIND_SHARES = {
    "family_centre": 0.34,
    "job_centre": 0.27,
    "youth_welfare_office": 0.18,
    "employment_agency": 0.16,
    "equality_office": 0.05,
}
REGION_KM = 40.0
DEVIATION_TARGET = 1.0  # persons above the bound


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    registrants: int
    sessions: int
    regions: int
    seconds: float
    targets: bool  # the 10-s targets apply


SCENARIOS = {
    scenario.name: scenario
    for scenario in [
        Scenario("state", "2,000 registrants, 100 sessions, 20 regions", 2000, 100, 20, 10, True),
        Scenario(
            "large", "20,000 registrants, 1,000 sessions, 200 regions", 20000, 1000, 200, 60, False
        ),
        Scenario(
            "large_regions",
            "20,000 registrants, 1,000 sessions, 20 regions",
            20000,
            1000,
            20,
            60,
            False,
        ),
    ]
}


def _spread(rng: random.Random, total: int, parts: int, variation: float) -> list[int]:
    """``total`` split into ``parts`` whole numbers, each ±``variation`` around the mean."""
    weights = [1 + rng.uniform(-variation, variation) for _ in range(parts)]
    raw = [total * w / sum(weights) for w in weights]
    counts = [math.floor(r) for r in raw]
    for i in sorted(range(parts), key=lambda i: counts[i] - raw[i])[: total - sum(counts)]:
        counts[i] += 1
    return counts


def instance(registrants: int, sessions: int, regions: int, seed: int = 14) -> Instance:
    rng = random.Random(seed)
    session_counts = _spread(rng, sessions, regions, 0.4)
    # registrants follow the sessions (about 20 per session), ±10 % by chance
    weights = [c * (1 + rng.uniform(-0.1, 0.1)) for c in session_counts]
    person_counts = [round(registrants * w / sum(weights)) for w in weights]
    person_counts[-1] += registrants - sum(person_counts)
    all_sessions, all_people = [], []
    for r in range(regions):
        region = f"R{r + 1:03d}"
        shares = {k: v * math.exp(rng.gauss(0, 0.25)) for k, v in KIND_SHARES.items()}
        kinds, kind_weights = list(shares), list(shares.values())
        sites = []
        for i in range(session_counts[r]):
            sid = f"{region}-S{i + 1:02d}"
            sites.append((sid, rng.uniform(0, REGION_KM), rng.uniform(0, REGION_KM)))
            all_sessions.append(Session(sid, region, 15, 25))
        for j in range(person_counts[r]):
            home = (rng.uniform(0, REGION_KM), rng.uniform(0, REGION_KM))
            km = {sid: round(math.dist(home, (x, y)), 1) for sid, x, y in sites}
            wanted = min(len(sites), rng.randint(2, 6))
            pool = {sid: 1 / (1 + km[sid] / 10) for sid, _, _ in sites}
            available = []
            while len(available) < wanted:
                sid = rng.choices(list(pool), weights=list(pool.values()))[0]
                available.append(sid)
                del pool[sid]
            ranked = sorted(available, key=lambda sid: km[sid] * rng.uniform(0.6, 1.4))
            preferences = tuple(ranked[: min(3, len(ranked))])
            all_people.append(
                Registrant(
                    id=f"{region}-P{j + 1:04d}",
                    region=region,
                    kind=rng.choices(kinds, weights=kind_weights)[0],
                    available=tuple(available),
                    preferences=preferences,
                    distance_km={sid: km[sid] for sid in available},
                )
            )
    return Instance(tuple(all_sessions), tuple(all_people))


def figures(plan: Plan, problem: Instance, seconds: float) -> dict:
    people = {person.id: person for person in problem.registrants}
    first = ranked = 0
    km = 0.0
    for pid, sid in plan.assignment.items():
        person = people[pid]
        first += bool(person.preferences) and person.preferences[0] == sid
        ranked += sid in person.preferences
        km += person.distance_km.get(sid, 0.0)
    objectives = {name: {"value": o.value, "bound": o.bound} for name, o in plan.objectives.items()}
    placed = plan.objectives["placed"]
    deviation = plan.objectives["worst_mix_deviation"]
    stages = {}
    for unit in plan.units:
        for stage in unit.stages:
            entry = stages.setdefault(stage.objective, {"seconds": 0.0, "statuses": {}})
            entry["seconds"] += stage.seconds
            entry["statuses"][stage.status] = entry["statuses"].get(stage.status, 0) + 1
    return {
        "solver": plan.solver,
        "status": plan.status,
        "gap": plan.gap,
        "seconds": round(seconds, 2),
        "placed": plan.placed,
        "placed_bound": placed.bound,
        "placed_proven": placed.bound is not None and placed.bound == placed.value,
        "worst_deviation": round(deviation.value, 3),
        "deviation_bound": None if deviation.bound is None else round(deviation.bound, 3),
        "worst_band_excess": plan.objectives["worst_band_excess"].value,
        "sessions_open": sum(1 for s in plan.sessions if s.size),
        "sessions_cancelled": sum(1 for s in plan.sessions if not s.size),
        "first_preference": first,
        "ranked_preference": ranked,
        "mean_km": round(km / max(1, plan.placed), 1),
        "preference_cost": plan.objectives["preference_cost"].value,
        "preference_cost_bound": plan.objectives["preference_cost"].bound,
        "objectives": objectives,
        "stages": stages,
    }


def run_scenario(scenario: Scenario) -> dict:
    loaded = os.getloadavg()[0]  # other processes on the machine slow the solver down
    built = time.perf_counter()
    problem = instance(scenario.registrants, scenario.sessions, scenario.regions)
    built = time.perf_counter() - built
    options = Options(time_limit_seconds=scenario.seconds, workers=2)
    started = time.perf_counter()
    greedy = assign_greedily(problem, options)
    greedy_figures = figures(greedy, problem, time.perf_counter() - started)
    started = time.perf_counter()
    plan = assign(problem, options)
    solver_figures = figures(plan, problem, time.perf_counter() - started)
    result = {
        "scenario": scenario.name,
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": [round(load, 1) for load in (loaded, os.getloadavg()[0])],
        "title": scenario.title,
        "registrants": scenario.registrants,
        "sessions": scenario.sessions,
        "regions": scenario.regions,
        "time_limit_seconds": scenario.seconds,
        "instance_seconds": round(built, 2),
        "greedy": greedy_figures,
        "cp_sat": solver_figures,
    }
    if scenario.targets:
        result["targets"] = {
            "placed_proven_optimal": solver_figures["placed_proven"],
            "deviation_within_1_of_bound": solver_figures["worst_deviation"]
            - solver_figures["deviation_bound"]
            <= DEVIATION_TARGET + 1e-9,
            "within_time": solver_figures["seconds"] <= scenario.seconds + 0.5,
        }
    return result


def table(results: list[dict]) -> str:
    rows = []
    for result in results:
        for key in ("greedy", "cp_sat"):
            f = result[key]
            placed = f"{f['placed']:,}"
            if f["placed_bound"] is not None:
                placed += " (optimal)" if f["placed_proven"] else f" (≤ {f['placed_bound']:,})"
            bound = "—" if f["deviation_bound"] is None else f"{f['deviation_bound']:.2f}"
            share = f["placed"] or 1
            rows.append(
                [
                    result["title"],
                    "CP-SAT" if key == "cp_sat" else "greedy",
                    placed,
                    f"{f['worst_deviation']:.2f}",
                    bound,
                    f["worst_band_excess"],
                    f"{f['sessions_open']}/{f['sessions_cancelled']}",
                    f"{f['first_preference'] / share:.0%} / {f['ranked_preference'] / share:.0%}",
                    f["mean_km"],
                    f["status"] + ("" if not f["gap"] else f" (gap {f['gap']:.1%})"),
                    f"{f['seconds']:.1f}",
                ]
            )
    return common.table(
        [
            "instance",
            "solver",
            "placed",
            "worst mix deviation",
            "bound",
            "worst band excess",
            "sessions open/cancelled",
            "1st / ranked preference",
            "mean km",
            "status",
            "time (s)",
        ],
        rows,
    )


def target_lines(results: list[dict]) -> list[str]:
    lines = []
    for result in results:
        if "targets" in result:
            t = result["targets"]
            f = result["cp_sat"]
            proven = common.verdict(t["placed_proven_optimal"])
            lines.append(
                f"- {result['title']} (load average {result['load_average'][0]} → "
                f"{result['load_average'][1]} on {result['machine']})"
                f": placed proven optimal {proven}"
                f"; worst mix deviation {f['worst_deviation']:.2f} ≤ bound "
                f"{f['deviation_bound']:.2f} + 1 {common.verdict(t['deviation_within_1_of_bound'])}"
                f"; {f['seconds']:.1f} s ≤ {result['time_limit_seconds']:.0f} s "
                f"{common.verdict(t['within_time'])}"
            )
    return lines


def run(names=None) -> list[dict]:
    return common.run_solver_benchmark(
        "training_groups", SCENARIOS, run_scenario, table, target_lines, names
    )


def summary_lines(results: list[dict]) -> list[str]:
    return [
        "Training groups (bench/training_groups.py, no server): the balanced assignment of "
        "issue 14 (CP-SAT, 2 workers) and the greedy heuristic on the same generated instance; "
        "worst mix deviation in persons (the largest |count - share x size| of any kind in any "
        "session), bound: the best proven lower bound; preferences: share of the placed in "
        "their first / any ranked choice:",
        "",
        table(results),
        "",
        *target_lines(results),
    ]


if __name__ == "__main__":
    run(sys.argv[1:] or None)
