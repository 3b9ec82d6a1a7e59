"""Agreements as documents (issue 16): one draft cooperation agreement per family centre of the
state, then every agreement's PDF in one ZIP, as the state level's background export
``agreements-batch`` (region_key "all") makes it.

1. A draft agreement (template "Kooperationsvereinbarung Familienzentrum") for every family
   centre that has none yet, through ``agreements.services.create_agreement`` — the same
   snapshot (clauses, the platform's data filled in) and digest as drawing one up on the page.
   Parties: the centre, the region's first Jobcenter and the Agentur für Arbeit whose district
   covers the region (``Institution.objects.serving``). A centre whose clauses cannot be filled
   (no events at it in the last twelve months or ahead) is refused as the page refuses it; as a
   coordinator would, the benchmark then plans an Elterncafé there (a draft, through
   ``events.services.plan_event``) and draws the agreement up again — outside the timing.
2. The median time of one PDF, rendered one at a time in this process (``documents
   .version_pdf`` on a sample of the current versions: template, WeasyPrint, PDF/A-2b).
3. The batch as the background task makes it (``core.tasks.make_export`` for a state-level
   account, the file kept as ``ExportFile``): ZIP of every agreement, rendered in a pool of
   one process per core from ``tasks.POOL_FROM`` documents on; its total time, and the time it
   would take in one process (median x count). A small run (``BENCH_AGREEMENTS_LIMIT``)
   measures the batch both ways as well: in this process alone and in the pool.

On the state-scale dataset of ``make bench`` (``bench.run`` sets up Django on it). Alone:
``python -m bench.agreements`` — on the benchmark database (built by ``make bench``) unless
``DATABASE_URL`` names another; ``BENCH_AGREEMENTS_LIMIT=N`` takes only the first N family
centres (to try it on the demo data).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

SAMPLE = 30  # PDFs timed one at a time
SEQUENTIAL_UP_TO = 500  # agreements: the batch is also measured in this process alone
STATE_EMAIL = "bench-agreements@nrw.example"
TERM = ((2027, 1, 1), (2029, 12, 31))


def limit() -> int | None:
    value = os.environ.get("BENCH_AGREEMENTS_LIMIT", "").strip()
    return int(value) if value else None


def create_agreements(centres_limit: int | None = None) -> dict:
    """A draft centre agreement for every family centre that has none; what it took."""
    from datetime import date

    from neuewege.agreements import services
    from neuewege.agreements.models import Agreement, Kind
    from neuewege.core.access import system_access
    from neuewege.core.errors import ValidationFailed
    from neuewege.core.models import Institution

    access = system_access()
    centres = Institution.objects.filter(kind=Institution.Kind.FAMILY_CENTRE).select_related(
        "region", "youth_welfare_office"
    )
    centres = list(centres.order_by("region__key", "pk")[:centres_limit])
    have = set(
        Agreement.objects.filter(family_centre__in=centres).values_list(
            "family_centre_id", flat=True
        )
    )
    partners = {}
    for region in {centre.region for centre in centres}:
        for institution in (
            Institution.objects.serving(region)
            .filter(kind__in=(Institution.Kind.JOB_CENTRE, Institution.Kind.EMPLOYMENT_AGENCY))
            .order_by("pk")
        ):
            partners.setdefault((region.pk, institution.kind), institution)
    created = planned_first = no_partner = 0
    seconds = []
    starts_on, ends_on = date(*TERM[0]), date(*TERM[1])
    for centre in centres:
        if centre.pk in have:
            continue
        job_centre = partners.get((centre.region_id, Institution.Kind.JOB_CENTRE))
        agency = partners.get((centre.region_id, Institution.Kind.EMPLOYMENT_AGENCY))
        if job_centre is None or agency is None:
            no_partner += 1
            continue
        facts = {
            "access": access,
            "kind": Kind.FAMILY_CENTRE,
            "region": centre.region,
            "family_centre": centre,
            "parties": [centre, job_centre, agency],
            "starts_on": starts_on,
            "ends_on": ends_on,
            "renews_automatically": True,
        }
        started = time.perf_counter()
        try:
            services.create_agreement(**facts)
        except ValidationFailed:  # nothing to name yet: an event planned first, as on the page
            seconds.append(time.perf_counter() - started)
            plan_cafe(access, centre)
            planned_first += 1
            services.create_agreement(**facts)
        else:
            seconds.append(time.perf_counter() - started)
        created += 1
        if created % 250 == 0:
            print(f"agreements: {created:,} drawn up …", flush=True)
    return {
        "family_centres": len(centres),
        "had_one": len(have),
        "created": created,
        "planned_first": planned_first,
        "no_partner": no_partner,
        "create_median_ms": round(statistics.median(seconds) * 1000, 1) if seconds else None,
        "create_total_s": round(sum(seconds), 1),
    }


def plan_cafe(access, centre):
    """A draft Elterncafé at ``centre`` in the agreement's first month, its speakers not named
    yet (the agreement then names the parties' BCAs); the format's recommendations confirmed,
    as a planner may."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from neuewege.events.models import Format, ParentEvent
    from neuewege.events.services.planning import Plan, plan_event

    cafe = Format.objects.get(code="parent_cafe")
    start = timezone.make_aware(datetime(*TERM[0][:2], 12, 9, 30))
    plan_event(
        access=access,
        family_centre=centre,
        event_format=cafe,
        shape=ParentEvent.Shape.SINGLE,
        plan=Plan(
            details={"title": "Elterncafé", "capacity": cafe.default_capacity},
            sessions=[(start, start + timedelta(minutes=cafe.default_minutes))],
        ),
        confirm_warnings=True,
    )


def time_single(sample: int = SAMPLE) -> dict:
    """Single PDFs, one at a time in this process (after one to warm up)."""
    from django.utils import translation

    from neuewege.agreements import documents, tasks

    versions = list(tasks.current_versions(None)[: sample + 1])
    seconds, sizes = [], []
    with translation.override("de"):
        for index, version in enumerate(versions):
            started = time.perf_counter()
            content = documents.version_pdf(version)
            if index:  # the first loads templates and fonts
                seconds.append(time.perf_counter() - started)
                sizes.append(len(content))
    return {
        "sample": len(seconds),
        "median_s": round(statistics.median(seconds), 3) if seconds else None,
        "max_s": round(max(seconds), 3) if seconds else None,
        "median_kb": round(statistics.median(sizes) / 1024, 1) if sizes else None,
    }


def time_batch() -> dict:
    """The state level's background export of every agreement, as its task makes it."""
    from neuewege.agreements import tasks
    from neuewege.agreements.models import Agreement
    from neuewege.core.models import ExportFile, User
    from neuewege.core.tasks import make_export

    account = User.objects.filter(email=STATE_EMAIL).first() or User.objects.create_user(
        STATE_EMAIL, None, role=User.Role.STATE, first_name="Bench", last_name="Agreements"
    )
    file = ExportFile.objects.create(
        owner=account,
        exporter="agreements-batch",
        fmt="zip",
        params={"region_key": "all"},
        language="de",
    )
    count = Agreement.objects.count()
    started = time.perf_counter()
    make_export.call(file_id=file.pk)
    seconds = time.perf_counter() - started
    file = ExportFile.objects.defer("content").get(pk=file.pk)
    size = ExportFile.objects.filter(pk=file.pk).values_list("content", flat=True).first() or b""
    result = {
        "agreements": count,
        "workers": os.cpu_count() or 1,
        "state": file.work_state,
        "error": file.error,
        "total_s": round(seconds, 1),
        "per_document_s": round(seconds / count, 3) if count else None,
        "zip_mb": round(len(size) / 2**20, 1),
        "pool_from": tasks.POOL_FROM,
    }
    ExportFile.objects.filter(pk=file.pk).delete()  # hundreds of MB: not kept after the run
    if count <= SEQUENTIAL_UP_TO:  # a small run (BENCH_AGREEMENTS_LIMIT): both ways measured
        started = time.perf_counter()
        tasks.batch_zip(None, workers=1)
        result["sequential_s"] = round(time.perf_counter() - started, 1)
        pool_from, tasks.POOL_FROM = tasks.POOL_FROM, 1
        try:
            started = time.perf_counter()
            tasks.batch_zip(None, workers=result["workers"])
            result["pool_s"] = round(time.perf_counter() - started, 1)
        finally:
            tasks.POOL_FROM = pool_from
    return result


def run() -> dict:
    centres_limit = limit()
    print("agreements: drawing up a draft per family centre …", flush=True)
    drafted = create_agreements(centres_limit)
    print("agreements: single PDFs …", flush=True)
    single = time_single()
    print("agreements: the batch of every agreement (background export) …", flush=True)
    batch = time_batch()
    sequential = round(single["median_s"] * batch["agreements"], 1) if single["median_s"] else None
    result = {
        "limit": centres_limit,
        "drafted": drafted,
        "single": single,
        "batch": batch,
        "sequential_estimate_s": sequential,
    }
    common.write_json("agreements", result)
    print()
    print(table(result))
    return result


def table(result: dict) -> str:
    drafted, single, batch = result["drafted"], result["single"], result["batch"]
    rows = [
        [
            "draw up drafts (create_agreement)",
            f"{drafted['created']:,} new of {drafted['family_centres']:,} centres "
            f"({drafted['had_one']:,} had one, {drafted['no_partner']:,} without partners; "
            f"{drafted['planned_first']:,} refused until an event was planned there)",
            f"median {drafted['create_median_ms']} ms, total {drafted['create_total_s']} s",
        ],
        [
            "one PDF (one at a time, this process)",
            f"sample of {single['sample']}, median {single['median_kb']} KB",
            f"median {single['median_s']} s, slowest {single['max_s']} s",
        ],
        [
            "batch in this process alone"
            + (" (measured)" if "sequential_s" in batch else " (estimate: median x count)"),
            f"{batch['agreements']:,} PDFs",
            f"{batch.get('sequential_s', result['sequential_estimate_s'])} s",
        ],
    ]
    if "pool_s" in batch:
        rows.append(
            [
                f"batch in a pool of {batch['workers']} processes (measured)",
                f"{batch['agreements']:,} PDFs",
                f"{batch['pool_s']} s",
            ]
        )
    used = batch["workers"] if batch["agreements"] >= batch["pool_from"] else 1
    rows += [
        [
            f"batch as the background export ({used} process{'es' if used > 1 else ''})",
            f"{batch['agreements']:,} PDFs, ZIP {batch['zip_mb']} MB, {batch['state']}"
            + (f" ({batch['error']})" if batch["error"] else ""),
            f"{batch['total_s']} s ({batch['per_document_s']} s per PDF)",
        ],
    ]
    return common.table(["step", "what", "time"], rows)


def summary_lines(result: dict) -> list[str]:
    """The section of bench/RESULTS.md."""
    return [
        "Agreements (bench/agreements.py, no server): a draft centre agreement per family "
        "centre drawn up through the services, one PDF/A-2b at a time, and the state level's "
        "ZIP of every agreement made as its background task makes it (a pool of one process "
        "per core):",
        "",
        table(result),
    ]


def main():
    if os.environ.get("DATABASE_URL"):  # a database of the caller's
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuewege.settings")
        import django

        django.setup()
    else:
        common.start_django()
    run()


if __name__ == "__main__":
    main()
