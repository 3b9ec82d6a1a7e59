"""`make bench`: the benchmarks of Neue Wege, against PostgreSQL and gunicorn on 127.0.0.1.

1. builds the state-scale dataset once into the database neuewege_bench (master data and ten
   years of events and registrations),
2. imports 5,000 institutions into a scratch database and re-imports them (bench/importing.py),
3. serves the dataset with gunicorn and loads each page with locust (bench/pages.py), the
   public event search included (alone: `make bench-pages`; BENCH_ONLY=name,… picks the rows
   of bench/scenarios.py),
4. measures the evaluation's state-wide results and regional report PDF (bench/evaluation.py),
5. lets 300 parents book one 12-place date at the same moment (bench/rush.py),
6. forms balanced training groups with the CP-SAT solver and the greedy heuristic
   (bench/training_groups.py: no server, no database; alone: `make bench-groups`),
7. plans speakers and coverage of the state's family centres with CP-SAT, the LP core and the
   greedy heuristic (bench/coverage.py: no server, no database; alone: `make bench-coverage`),
8. makes the Gütesiegel evidence pack of a family centre with ten years of events (the busiest
   centre, given a dense history once; bench/evidence.py),
9. makes the Lotsenbroschüre of a family centre and the HSDS datapackage of the whole state
   (bench/navigator.py; the navigator's search runs with the pages),
10. draws up an agreement for every family centre of the state and makes all of them as PDFs
   in the background batch (bench/agreements.py).

Every benchmark prints a table and writes bench/results/<name>.json; the summary goes to
bench/RESULTS.md. Missed targets are reported, not treated as errors: this is a measurement.
Environment: BENCH_USERS (20) and BENCH_SECONDS (30) change the locust runs,
BENCH_RUSH_CLIENTS (300) the booking rush.

`make bench SCALE=germany` (not in CI) runs the pages, the evaluation and the booking rush (the
rows of issue 19) on the Germany-scale dataset (about ten times the state, built into
neuewege_bench_germany; `neuewege demo --scale germany`), keeps its
results in bench/results/germany/ and writes its tables under the heading "Germany scale" of
bench/RESULTS.md, after the state's (each scale's run keeps the other's section), with each
page's time and queries compared against the state's (bench/results/pages.json).
"""

import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

GERMANY_HEADING = "## Germany scale"


def stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # leaves through the finally blocks, which stop gunicorn


def summary(
    started,
    seconds,
    machine,
    load,
    pages,
    imported,
    rushed,
    evaluated,
    grouped,
    covered,
    evidenced,
    navigated,
    documented,
) -> str:
    from bench import (
        agreements,
        coverage,
        engines,
        evidence,
        navigator,
        page_weight,
        training_groups,
    )
    from bench.evaluation import summary_lines
    from bench.importing import import_table
    from bench.pages import pages_table
    from bench.rush import rush_table
    from bench.scenarios import (
        COOPERATION_USERS,
        DASHBOARD_TARGET_MS,
        DASHBOARD_TARGET_P95_MS,
        SEARCH_TARGET_P95_MS,
        SEARCH_TARGET_RATIO,
        START_TARGET_P95_MS,
        START_TARGET_RATIO,
        START_USERS,
        TARGET_P95_MS,
        TARGET_RATIO,
    )

    baseline = pages["baseline_rps"]
    germany = common.SCALE == "germany"
    if germany:
        from bench.pages import compare_with_state

        head = [
            GERMANY_HEADING,
            "",
            *dataset_lines(),
            "",
            *compare_with_state(pages),
            "",
        ]
    else:
        head = ["# Benchmark results", ""]
    command = "make bench" + (" SCALE=germany" if germany else "")
    return "\n".join(
        [
            *head,
            f"- date: {started:%Y-%m-%d %H:%M}, command: `{command}` ({seconds / 60:.1f} min)",
            f"- machine: {machine}; load average (1 min) {load[0]:.1f} at the start, "
            f"{load[1]:.1f} at the end (above 0 when other processes share the machine)",
            f"- pages: gunicorn {pages['gunicorn_workers']} workers of gunicorn.conf.py, "
            "NEUEWEGE_DEBUG=0, "
            f"{common.SCALE}-scale dataset in PostgreSQL ({common.BENCH_DB}); "
            f"locust with {pages['users']} users without "
            f"think time ({COOPERATION_USERS} for the region dashboard, the start pages and the "
            "state overview), "
            f"{pages['seconds']} s per page (signing in excluded); pages signed in as a "
            f"coordinator of Kreis Wesel (the API with an API token, the state overview as the "
            f"state level), the baseline anonymous; HTML only, no assets; cache and sessions: "
            f"{common.cache_description()}, sessions stored in PostgreSQL",
            f"- targets: every staff page ≥ {TARGET_RATIO:.0%} of the signed-in bare view's "
            "req/s (the API: signed in by its token) and "
            f"p95 ≤ {TARGET_P95_MS} ms, the public event search (anonymous, over "
            f"{pages.get('upcoming_sessions', 0):,} upcoming dates of the state) "
            f"≥ {SEARCH_TARGET_RATIO:.0%} and p95 ≤ {SEARCH_TARGET_P95_MS} ms; the start pages "
            f"(the state level's: the state overview; {START_USERS} users) "
            f"≥ {START_TARGET_RATIO:.0%} of the signed-in bare view's req/s and "
            f"p95 ≤ {START_TARGET_P95_MS} ms; the region "
            f"dashboard ≤ {DASHBOARD_TARGET_MS} ms for one request with an empty figures cache "
            f"and p95 ≤ {DASHBOARD_TARGET_P95_MS} ms; an import of "
            f"5,000 rows < 30 s; the booking rush exactly {rushed['capacity']} confirmed, "
            f"{rushed['clients'] - rushed['capacity']} waiting, 0 errors",
            f"- the bare view's req/s is the mean of a run before ({baseline['before']:.0f}) "
            f"and after ({baseline['after']:.0f}) the pages",
            "- the event search and event page for parents are shared from a page cache "
            f"(PUBLIC_PAGE_CACHE_SECONDS, in {common.cache_description()}): the two search rows "
            "ask for one address again and again; the reference row asks each time for an address "
            "not asked before (one of the state's "
            f"{pages['search_postcodes']:,} family-centre postcodes at random, plus a counter), "
            "so that every request is a cache miss: the cost of a search nobody made a minute "
            "earlier",
            "- the region dashboard and the state overview keep the figures of the last twelve "
            "months in the cache (NEUEWEGE_FIGURES_CACHE_SECONDS): under load they are mostly "
            "read from it; the state overview computes every region's figures in 9 queries "
            "(its 10 queries below include the session and the account)",
            "- queries and “1 request ms”: one request without concurrency and with an empty "
            "page cache, Django test client in-process against the same database",
            f"- {pages['users']} users without think time saturate the server: "
            f"p50 ≈ {pages['users']} ÷ req/s, so p95 ≤ {TARGET_P95_MS} ms needs well over "
            f"{pages['users'] * 1000 // TARGET_P95_MS} req/s",
            "",
            pages_table(pages),
            "",
            *page_weight.summary_lines(pages["page_weight"]),
            "",
            *engines.summary_lines(pages["engines"]),
            "",
            *(
                [
                    "Import of 5,000 institutions (`neuewege import institutions FILE`, "
                    f"{imported['database']}; times include starting the command):",
                    "",
                    import_table(imported),
                    "",
                ]
                if imported
                else []
            ),
            f"Booking rush (bench/rush.py): {rushed['clients']} clients, each with its own "
            f"cookies and e-mail address, fill in the booking form and open the check page "
            f"({rushed['prepared_seconds']:.0f} s for all), then confirm at the same moment "
            f"(POST, 302 to the booking page); bookings/s = confirmations ÷ time until the "
            f"last answer; counts read from the database afterwards:",
            "",
            rush_table(rushed),
            "",
            *summary_lines(evaluated),
            "",
            *[
                line
                for result, lines in [
                    (grouped, training_groups.summary_lines),
                    (covered, coverage.summary_lines),
                    (evidenced, evidence.summary_lines),
                    (navigated, navigator.summary_lines),
                    (documented, agreements.summary_lines),
                ]
                if result is not None
                for line in [*lines(result), ""]
            ],
            "Raw figures (incl. the SQL of each page): "
            f"`{common.RESULTS.relative_to(common.ROOT)}/*.json`.",
            "",
        ]
    )


def dataset_lines() -> list[str]:
    """The Germany-scale dataset: its build time (target ≤ 20 minutes) and rows."""
    import json

    path = common.RESULTS / "dataset.json"
    if not path.exists():
        return [f"Dataset: {common.BENCH_DB} (built before; its build time is not known here)."]
    built = json.loads(path.read_text())
    minutes = built["seconds"] / 60
    rows = ", ".join(f"{count:,} {label}" for label, count in built["rows"].items())
    return [
        f"Dataset: `neuewege demo --scale {built['scale']}` into {built['database']} in "
        f"{minutes:.1f} min (target ≤ 20 min: {common.verdict(minutes <= 20)}); {rows}."
    ]


def compose(text: str, old: str) -> str:
    """bench/RESULTS.md: this scale's section, and the other scale's kept from the file."""
    state, heading, germany = old.partition(GERMANY_HEADING)
    if common.SCALE == "germany":
        return (state.rstrip() + "\n\n" if state.strip() else "") + text
    return text.rstrip() + "\n\n" + heading + germany if heading else text


def main():
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    if not (ROOT / "static" / "staticfiles.json").exists():  # pages need it with DEBUG off
        sys.exit("Static files are not collected: run `make setup` first (`make bench` does).")
    started, clock = datetime.now(), time.monotonic()
    load_at_start = os.getloadavg()[0]
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    common.build_dataset()
    common.start_django()
    from bench import (
        agreements,
        coverage,
        evaluation,
        evidence,
        importing,
        navigator,
        pages,
        rush,
        training_groups,
    )

    # At Germany scale the rows of issue 19 (pages, evaluation, the booking rush); the import,
    # the solvers and the documents are measured at state scale, where their targets are set.
    state = common.SCALE == "state"
    imported = importing.run() if state else None
    measured = pages.run()
    evaluated = evaluation.run()
    rushed = rush.run()
    grouped = training_groups.run() if state else None
    covered = coverage.run() if state else None
    evidenced = evidence.run() if state else None
    navigated = navigator.run() if state else None
    # last: it adds a draft agreement for every family centre
    documented = agreements.run() if state else None
    seconds = time.monotonic() - clock
    load = (load_at_start, os.getloadavg()[0])
    text = summary(
        started,
        seconds,
        common.machine(),
        load,
        measured,
        imported,
        rushed,
        evaluated,
        grouped,
        covered,
        evidenced,
        navigated,
        documented,
    )
    path = ROOT / "bench" / "RESULTS.md"
    path.write_text(compose(text, path.read_text() if path.exists() else ""))
    print(f"\nbench/RESULTS.md written ({seconds / 60:.1f} min).")


if __name__ == "__main__":
    main()
