"""Evidence pack benchmark (issue 16): the family centre's evidence for the Gütesiegel, as PDF
and as ZIP, for the family centre of the state with the most events (over the ten years of
the state-scale dataset).

Measured in this process through the one download path (``core.exporters.make``: finding the
centre, the permission, making the file) as the state level, the cache emptied before each
request so that the survey figures are counted in the database — the work the background task
of the export does (the exporter is a background export: the web request only queues it). Two
periods: the default (the last full calendar year, what a re-certification examines) and the
longest allowed (the last five full calendar years). Target: each ≤ 5 s.

Alone: ``python -m bench.evidence`` against the benchmark database (built by ``make bench``;
not built here), or ``python -m bench.evidence --database NAME`` against another PostgreSQL
database on 127.0.0.1 (e.g. one with the demo data).
"""

import argparse
import sys
import time
from datetime import date

from . import common

TARGET_MS = 5000
REPEAT = 3


def busiest_centre():
    """The family centre with the most events (live or not) and how many."""
    from django.db.models import Count

    from neuewege.core.models import Institution
    from neuewege.events.models import ParentEvent

    row = (
        ParentEvent.objects.values("family_centre")
        .annotate(events=Count("pk"))
        .order_by("-events", "family_centre")
        .first()
    )
    if row is None:
        raise RuntimeError("no events in the database: is a dataset there?")
    return Institution.objects.select_related("region").get(pk=row["family_centre"]), row["events"]


def scenarios(today: date) -> list[dict]:
    last = today.year - 1
    periods = [
        ("last full calendar year", date(last, 1, 1), date(last, 12, 31)),
        ("last five full calendar years", date(last - 4, 1, 1), date(last, 12, 31)),
    ]
    return [
        {"title": f"{fmt.upper()}, {title}", "fmt": fmt, "since": since, "until": until}
        for title, since, until in periods
        for fmt in ("pdf", "zip")
    ]


def measure(centre, scenario: dict) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from neuewege.core import exporters
    from neuewege.core.access import system_access

    from .pages import stopwatch

    params = {
        "institution": str(centre.pk),
        "since": scenario["since"].isoformat(),
        "until": scenario["until"].isoformat(),
    }
    access = system_access()

    def once():
        _declared, _target, document = exporters.make(
            access, "centre-evidence", scenario["fmt"], params
        )
        return document

    try:
        document = once()  # warm-up: imports, templates, fonts
    except Exception as error:
        return {**_plain(scenario), "error": f"{type(error).__name__}: {error}", "pass": False}
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        once()
    samples = []
    for _ in range(REPEAT):
        cache.clear()
        spent = {"sql": 0.0, "template": 0.0}
        with stopwatch(spent):
            started = time.perf_counter()
            once()
            total = (time.perf_counter() - started) * 1000
        samples.append((total, spent["sql"]))
    samples.sort()
    median = samples[len(samples) // 2]
    return {
        **_plain(scenario),
        "bytes": len(document.content),
        "queries": len(queries.captured_queries),
        "median_ms": round(median[0], 1),
        "max_ms": round(samples[-1][0], 1),
        "sql_ms": round(median[1], 1),
        "target_ms": TARGET_MS,
        "pass": median[0] <= TARGET_MS,
    }


def _plain(scenario: dict) -> dict:
    return {
        "title": scenario["title"],
        "fmt": scenario["fmt"],
        "since": scenario["since"].isoformat(),
        "until": scenario["until"].isoformat(),
    }


def run() -> dict:
    from django.utils import timezone

    from neuewege.agreements import evidence

    centre, events = busiest_centre()
    today = timezone.localdate()
    measured = []
    counts = {}
    for scenario in scenarios(today):
        print(f"evidence: {scenario['title']} …", flush=True)
        key = (scenario["since"], scenario["until"])
        if key not in counts:
            found = evidence.collect(centre, evidence.ReviewPeriod(*key))
            counts[key] = {
                "events": len(found.events),
                "agreements": len(found.agreements),
                "trainings": len(found.trainings),
            }
        measured.append(measure(centre, scenario) | {"held": counts[key]})
    result = {
        "centre": {"id": centre.pk, "name": centre.name, "region": centre.region.name},
        "events_all_years": events,
        "scenarios": measured,
    }
    common.write_json("evidence", result)
    print()
    print(table(result))
    return result


def table(result: dict) -> str:
    rows = []
    for s in result["scenarios"]:
        held = s.get("held", {})
        if "error" in s:
            rows.append([s["title"], held.get("events", "—"), "—", "—", "—", "—", s["error"]])
            continue
        rows.append(
            [
                s["title"],
                held.get("events", "—"),
                s["queries"],
                f"{s['median_ms']:.0f}",
                f"{s['max_ms']:.0f}",
                f"{s['sql_ms']:.0f}",
                f"{common.verdict(s['pass'])} (≤ {s['target_ms']:,} ms)",
            ]
        )
    centre = result["centre"]
    heading = (
        f"{centre['name']} ({centre['region']}), {result['events_all_years']:,} events in all:\n"
    )
    return heading + common.table(
        [
            "evidence pack",
            "events in period",
            "queries",
            "median ms",
            "slowest ms",
            "SQL ms",
            "target",
        ],
        rows,
    )


def summary_lines(result: dict) -> list[str]:
    """The section of bench/RESULTS.md."""
    return [
        "Evidence pack for the Gütesiegel (bench/evidence.py): the PDF and the ZIP of the family "
        "centre with the most events, through the download path in this process, the cache "
        "emptied before each:",
        "",
        table(result),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.evidence", description=__doc__)
    parser.add_argument(
        "--database",
        default=common.BENCH_DB,
        help=f"a PostgreSQL database on 127.0.0.1 (default: {common.BENCH_DB}, by make bench)",
    )
    arguments = parser.parse_args(argv)
    with common._admin() as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [arguments.database]
        ).fetchone()
    if not exists:
        sys.exit(
            f"The database {arguments.database!r} does not exist: `make bench` builds the "
            "state-scale dataset, or name another one with --database."
        )
    common.start_django(arguments.database)
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    run()


if __name__ == "__main__":
    main()
