"""The region's agreements as one ZIP of PDFs: the work of the long export
``agreements-batch`` (``documents.BATCH``), run by ``core.tasks.make_export`` in the
background with a progress bar — never in a web worker.

Each agreement's current version as its download gives it: the PDF made anew from the
snapshot and signatures, or for an agreement in force its sealed PDF, kept in
``AgreementVersion.sealed_pdf`` the first time it is made. The PDFs are rendered in a pool of
worker processes (one per core) when there are enough of them to pay for starting it; the
workers get plain data (snapshot, signatures) and touch no database. A worker is a fresh
interpreter that imports this module before Django is set up: so it imports the models
(``documents``, ``core.progress``) inside the functions, not at the top.
"""

import io
import multiprocessing
import os
import re
import zipfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

from django.utils import translation
from django.utils.text import slugify

# Fewer documents are made in this process: a worker takes ~7 s to start (a fresh interpreter
# with Django and WeasyPrint) and ~2 s for its first PDF (fonts); one PDF takes ~0.35 s.
POOL_FROM = 200
CHUNK = 8  # documents handed to a worker at once


def current_versions(regions):
    """The current version of every agreement of ``regions`` (None: every region), with its
    agreement and region, in the order of the ZIP (region, title, agreement)."""
    from django.db.models import Count, OuterRef, Q, Subquery

    from .models import Agreement, AgreementVersion

    latest = (
        AgreementVersion.objects.filter(agreement=OuterRef("agreement"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = (
        AgreementVersion.objects.filter(number=Subquery(latest))
        .select_related("agreement__region")
        .defer("sealed_pdf")
        .annotate(
            sealed=Count("pk", filter=Q(sealed_pdf__isnull=False)),
            party_count=Subquery(
                Agreement.objects.filter(pk=OuterRef("agreement"))
                .annotate(count=Count("parties"))
                .values("count")[:1]
            ),
        )
        .order_by("agreement__region__key", "agreement__title", "agreement_id")
    )
    if regions is not None:
        versions = versions.filter(agreement__region__in=regions)
    return versions


def _signatures(version_ids) -> dict[int, list[dict]]:
    from .models import Signature

    by_version = defaultdict(list)
    valid = Signature.objects.filter(version_id__in=version_ids, voided_at__isnull=True)
    for signature in valid.select_related("party").order_by("party__position"):
        by_version[signature.version_id].append(
            {
                "institution": signature.party.institution_id,
                "signer_name": signature.signer_name,
                "signer_function": signature.signer_function,
                "signed_at": signature.signed_at,
                "method": signature.method,
                "digest": signature.digest,
            }
        )
    return by_version


def _is_final(version, signatures) -> bool:
    from . import documents

    agreement = version.agreement
    return (
        agreement.status in documents.FINAL
        and agreement.in_force_at is not None
        and len(signatures) >= (version.party_count or 0)
    )


def filename(version, *, with_region: bool) -> str:
    agreement = version.agreement
    name = f"{agreement.pk}-{slugify(agreement.title)[:80]}-version-{version.number}.pdf"
    if with_region:
        region = agreement.region
        return f"{region.key}-{slugify(region.name)}/{name}"
    return name


def _render(job) -> bytes:
    from . import documents

    snapshot, number, digest, signatures = job
    return documents.pdf_from(snapshot, number, digest, signatures)


def _start_worker(language: str):
    import django

    django.setup()
    translation.activate(language)


def batch_zip(regions, *, workers: int | None = None) -> tuple[bytes, int]:
    """The ZIP of the current version's PDF of every agreement of ``regions`` (None: of every
    region) and how many it holds. ``workers``: processes that render (default: one per core;
    1: all in this process). Progress goes to the background work running now, if any."""
    from neuewege.core import progress

    from . import documents
    from .models import AgreementVersion

    versions = list(current_versions(regions))
    total = len(versions)
    signatures = _signatures([version.pk for version in versions])
    final = {v.pk for v in versions if _is_final(v, signatures.get(v.pk, []))}
    kept = set(
        AgreementVersion.objects.filter(pk__in=final, sealed_pdf__isnull=False).values_list(
            "pk", flat=True
        )
    )
    to_render = [v for v in versions if v.pk not in kept]
    jobs = [(v.snapshot, v.number, v.digest, signatures.get(v.pk, [])) for v in to_render]
    workers = workers or os.cpu_count() or 1
    every = max(1, total // 200)  # progress about every half per cent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        rendered = _rendered(jobs, workers)
        for done, version in enumerate(versions, start=1):
            if version.pk in kept:
                content = documents.final_pdf(version)
            else:
                content = next(rendered)
                if version.pk in final:
                    content = documents.final_pdf(version, pdf=content)
            archive.writestr(filename(version, with_region=regions is None), content)
            if done % every == 0 or done == total:
                progress.report(done, total)
    return buffer.getvalue(), total


def _rendered(jobs, workers):
    """The PDFs of ``jobs`` in order: in a pool of processes when it pays."""
    if workers <= 1 or len(jobs) < POOL_FROM:
        for job in jobs:
            yield _render(job)
        return
    language = translation.get_language() or "de"
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no fork of the
    # database connections, fonts or threads of this one
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(language,),
    ) as pool:
        yield from pool.map(_render, jobs, chunksize=CHUNK)


def zip_name(region) -> str:
    if region is None:
        return "vereinbarungen-nrw.zip"
    return f"vereinbarungen-{region.key}-{re.sub(r'[^a-z0-9-]', '', slugify(region.name))}.zip"
