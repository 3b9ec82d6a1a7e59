"""Evaluation benchmark (issue 5): the state-wide results on the state-scale dataset and the
regional report as PDF.

Measured in this process with Django's test client against the benchmark database, as
``pages.measure_in_process`` does: each request after a warm-up, with the cache emptied before
it, so that every figure is counted in the database (GROUP BY) — the work of a cache miss, not
of the figures' cache. Reported: the median and the slowest of the requests, their queries and
the time spent in SQL; for the pages also the median when the figures come from the cache
(NEUEWEGE_FIGURES_CACHE_SECONDS), which is what most visitors get.

Targets: the state-wide results (all 53 regions, this year) median ≤ 500 ms;
the regional report (Kreis Wesel, this year) ≤ 5 s. The scenario works with
whatever the dataset holds; the table says how many registrations, invitations and responses
that is (the responses come from the demo generator of the evaluation).
"""

import time

from . import common
from .pages import EMAIL, STATE_EMAIL, bench_account, signed_in_client, stopwatch
from .scenarios import REGION_KEY

PAGE_TARGET_MS = 500
STATE_RESULTS_TARGET_MS = 150  # the state-wide results from kept counts, cold (issue 19)
PDF_TARGET_MS = 5000
REPEAT = 9  # cold requests per scenario (the PDF: 3)


def scenarios() -> list[dict]:
    """The measured requests: (name, title, account, path, target of the median in ms)."""
    return [
        {
            "name": "state_results",
            "title": "state-wide results, all regions, this year",
            "auth": "state",
            "path": "/state/results/",
            "target_ms": STATE_RESULTS_TARGET_MS,
            "repeat": REPEAT,
        },
        {
            "name": "state_results_region",
            "title": "state-wide results, filtered to Kreis Wesel",
            "auth": "state",
            "path": f"/state/results/?region={REGION_KEY}",
            "target_ms": PAGE_TARGET_MS,
            "repeat": REPEAT,
        },
        {
            "name": "region_results",
            "title": "region results (coordinator, with free texts)",
            "auth": "session",
            "path": f"/regions/{REGION_KEY}/results/",
            "target_ms": PAGE_TARGET_MS,
            "repeat": REPEAT,
        },
        {
            "name": "state_results_xlsx",
            "title": "state-wide table of the regions as XLSX",
            "auth": "state",
            "path": "/state/results/regions.xlsx",
            "target_ms": None,
            "repeat": REPEAT,
        },
        {
            "name": "region_report_pdf",
            "title": "regional report PDF (Kreis Wesel)",
            "auth": "session",
            "path": f"/regions/{REGION_KEY}/results/report.pdf",
            "target_ms": PDF_TARGET_MS,
            "repeat": 3,
        },
    ]


def clients() -> dict:
    """The coordinator of Kreis Wesel and the state level, signed in with their second factor
    (the accounts of the page benchmark, created when missing)."""
    from neuewege.core.models import Region, User

    coordinator = bench_account(EMAIL, User.Role.COORDINATOR)
    coordinator.regions.set([Region.objects.get(key=REGION_KEY)])
    bench_account(STATE_EMAIL, User.Role.STATE)
    return {"session": signed_in_client(EMAIL), "state": signed_in_client(STATE_EMAIL)}


def dataset() -> dict:
    """What the figures are counted from (the whole database)."""
    from neuewege.evaluation.models import SurveyInvitation, SurveyResponse
    from neuewege.events.models import EventSession, Registration

    return {
        "registrations": Registration.objects.count(),
        "sessions": EventSession.objects.count(),
        "invitations_sent": SurveyInvitation.objects.filter(sent_at__isnull=False).count(),
        "responses": SurveyResponse.objects.count(),
    }


def measure(by_auth: dict, scenario: dict) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, path = by_auth[scenario["auth"]], scenario["path"]
    client.get(path)  # warm-up: imports, templates, connections
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    sql = [query["sql"][:400] for query in queries.captured_queries]
    samples = []
    for _ in range(scenario["repeat"] if response.status_code == 200 else 1):
        cache.clear()
        spent = {"sql": 0.0, "template": 0.0}
        with stopwatch(spent):
            started = time.perf_counter()
            client.get(path)
            total = (time.perf_counter() - started) * 1000
        samples.append((total, spent["sql"], spent["template"]))
    samples.sort()
    median = samples[len(samples) // 2]
    warm = []
    if not path.endswith(".pdf"):  # the figures from the cache: what most requests get
        client.get(path)
        for _ in range(scenario["repeat"]):
            started = time.perf_counter()
            client.get(path)
            warm.append((time.perf_counter() - started) * 1000)
        warm.sort()
    target = scenario["target_ms"]
    return {
        "name": scenario["name"],
        "title": scenario["title"],
        "path": path,
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(sql),
        "requests": len(samples),
        "median_ms": round(median[0], 1),
        "max_ms": round(samples[-1][0], 1),
        "sql_ms": round(median[1], 1),
        "template_ms": round(median[2], 1),
        "other_ms": round(median[0] - median[1] - median[2], 1),
        "cached_median_ms": round(warm[len(warm) // 2], 1) if warm else None,
        "target_ms": target,
        "pass": None if target is None else (response.status_code == 200 and median[0] <= target),
        "sql": sql,
    }


def run() -> dict:
    by_auth = clients()
    counts = dataset()
    measured = []
    for scenario in scenarios():
        print(f"evaluation: {scenario['title']} …", flush=True)
        measured.append(measure(by_auth, scenario))
    result = {"dataset": counts, "scenarios": measured}
    common.write_json("evaluation", result)
    print()
    print(evaluation_table(result))
    return result


def evaluation_table(result: dict) -> str:
    rows = []
    for s in result["scenarios"]:
        cached = "—" if s["cached_median_ms"] is None else f"{s['cached_median_ms']:.1f}"
        target = "—"
        if s["target_ms"] is not None:
            target = f"{common.verdict(s['pass'])} (≤ {s['target_ms']:,} ms)"
        rows.append(
            [
                s["title"],
                s["status"],
                s["queries"],
                f"{s['median_ms']:.0f}",
                f"{s['max_ms']:.0f}",
                f"{s['sql_ms']:.0f}",
                cached,
                target,
            ]
        )
    return common.table(
        [
            "request",
            "status",
            "queries",
            "median ms (cache empty)",
            "slowest ms",
            "of it SQL ms",
            "median ms (figures cached)",
            "median target",
        ],
        rows,
    )


def summary_lines(result: dict) -> list[str]:
    """The section of bench/RESULTS.md."""
    counts = result["dataset"]
    return [
        f"Evaluation (bench/evaluation.py): over {counts['registrations']:,} registrations, "
        f"{counts['sessions']:,} sessions, {counts['invitations_sent']:,} survey invitations "
        f"sent and {counts['responses']:,} responses; one request at a time in this process "
        "(Django test client), the cache emptied before each, so that every figure is counted "
        "in the database; the queries include the session and the account; the last column: "
        "the figures from the cache (NEUEWEGE_FIGURES_CACHE_SECONDS):",
        "",
        evaluation_table(result),
    ]
