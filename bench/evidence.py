"""Evidence pack benchmark (issue 16): the family centre's evidence for the Gütesiegel, as PDF
and as ZIP, for a family centre with ten years of events.

The state-scale dataset spreads its events thin (its busiest centre has some 17 in ten years),
so the benchmark first gives one family centre — the one with the most events — a dense
history of its own, once (``dense_history``; idempotent: its events' titles begin with
``MARK``): in each of the last ten full calendar years a monthly Elterncafé (12 dates), two
Themenveranstaltungen and an Elternkurs of five modules, with speakers, about ten bookings per
date, attendance marked, and the parents' follow-up survey — made by the demo data's own
generators (``events.demo``, ``evaluation.demo``), the kept counts recounted for them.

Measured in this process through the one download path (``core.exporters.make``: finding the
centre, the permission, making the file) as the state level, the cache emptied before each
request so that the survey figures are counted in the database — the work the background task
of the export does (the exporter is a background export: the web request only queues it). Two
periods: the default (the last full calendar year, what a re-certification examines) and the
longest allowed (the last ``evidence.MAX_YEARS`` full calendar years). Target: each ≤ 5 s.

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
MARK = "bench-evidence: "  # the titles of the dense history's events
YEARS = 10
SEED = 2016


def busiest_centre():
    """The family centre with the most events (live or not)."""
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
    return Institution.objects.select_related("region").get(pk=row["family_centre"])


def dense_history(today: date):
    """The family centre with the dense ten-year history (see above): the one made before,
    else the busiest centre, given it now. Returns the centre and whether it was made now."""
    from neuewege.core.models import Institution
    from neuewege.events.models import ParentEvent

    marked = (
        ParentEvent.objects.filter(title_de__startswith=MARK)  # the German title: every event's
        .values_list("family_centre", flat=True)
        .first()
    )
    if marked is not None:
        return Institution.objects.select_related("region").get(pk=marked), False
    centre = busiest_centre()
    started = time.perf_counter()
    events, invitations, responses = _make_history(centre, today)
    print(
        f"evidence: gave {centre.name} {events} events in {YEARS} years, {invitations} survey "
        f"invitations, {responses} responses ({time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    return centre, True


def _make_history(centre, today: date) -> tuple[int, int, int]:
    from django.db import transaction
    from django.db.models import Value
    from django.db.models.functions import Concat

    from neuewege.evaluation import aggregates
    from neuewege.evaluation.demo import EvaluationGenerator
    from neuewege.evaluation.models import SurveyInvitation
    from neuewege.events.demo.events import EventGenerator
    from neuewege.events.demo.formats import CAFE, COURSE, INFO
    from neuewege.events.models import ParentEvent

    prefix = centre.external_id.split(":")[0]  # the dataset's (core.demo.scales)
    with transaction.atomic():
        gen = EventGenerator(prefix, SEED)
        gen.load_speakers()
        rng, region = gen.random, centre.region_id
        made = []

        def place(code, day, **details):
            return gen.place(region, centre.pk, code, gen.days_around(day), when="past", **details)

        for year in range(today.year - YEARS, today.year):
            made += [
                place(
                    CAFE,
                    date(year, 1, 15),
                    count=12,
                    weeks=4,
                    capacity=15,
                    demand=[rng.randint(8, 13) for _ in range(12)],
                ),
                place(INFO, date(year, 3, 11), capacity=15, demand=[rng.randint(9, 14)]),
                place(INFO, date(year, 10, 14), capacity=15, demand=[rng.randint(9, 14)]),
                place(COURSE, date(year, 5, 6), capacity=12, demand=[rng.randint(10, 14)]),
            ]
        gen.finish()
        made = [pk for pk in made if pk is not None]
        # the title and its German translation (modeltranslation: the same text), as it names
        # the field: not rewritten to the current language's
        ParentEvent.objects.rewrite(False).filter(pk__in=made).update(
            title=Concat(Value(MARK), "title"), title_de=Concat(Value(MARK), "title_de")
        )
        survey = EvaluationGenerator(prefix, SEED)
        survey.invite_parents(events=made)
        survey.finish()
        # the rows were written in bulk, which marks nothing: marked with them, recounted now
        # (or, should this stop first, by the due job)
        aggregates.mark_events(made)
        aggregates.mark_months(
            SurveyInvitation.objects.filter(event_id__in=made)
            .values_list("month", flat=True)
            .distinct()
        )
    aggregates.refresh_kept_counts()
    return len(made), survey.invitations.total(), survey.responses.total()


def scenarios(today: date) -> list[dict]:
    from neuewege.agreements.evidence import MAX_YEARS

    last = today.year - 1
    periods = [
        ("last full calendar year", date(last, 1, 1), date(last, 12, 31)),
        (
            f"last {MAX_YEARS} full calendar years",
            date(last - MAX_YEARS + 1, 1, 1),
            date(last, 12, 31),
        ),
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
    from neuewege.events.models import ParentEvent

    today = timezone.localdate()
    centre, made = dense_history(today)
    events = ParentEvent.objects.filter(family_centre=centre).count()
    measured = []
    counts = {}
    for scenario in scenarios(today):
        print(f"evidence: {scenario['title']} …", flush=True)
        key = (scenario["since"], scenario["until"])
        if key not in counts:
            found = evidence.collect(centre, evidence.ReviewPeriod(*key))
            counts[key] = {
                "events": len(found.events),
                "dates": found.total.dates,
                "agreements": len(found.agreements),
                "trainings": len(found.trainings),
            }
        measured.append(measure(centre, scenario) | {"held": counts[key]})
    result = {
        "centre": {"id": centre.pk, "name": centre.name, "region": centre.region.name},
        "events_all_years": events,
        "history_made_now": made,
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
            rows.append(
                [s["title"], held.get("events", "—"), held.get("dates", "—")]
                + ["—"] * 4
                + [s["error"]]
            )
            continue
        rows.append(
            [
                s["title"],
                held.get("events", "—"),
                held.get("dates", "—"),
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
            "dates held",
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
        "Evidence pack for the Gütesiegel (bench/evidence.py): the PDF and the ZIP of a family "
        f"centre with {YEARS} years of events (a dense history given to the busiest centre "
        "once), through the download path in this process, the cache emptied before each:",
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
